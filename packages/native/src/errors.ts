import { InvalidArgumentError } from '@contrastive/core';
import { loadNative, nativeInfo, type NativeAddon } from './load';

/** The addon, or a clear error naming the op when it is not built. */
export function requireNative(op: string): NativeAddon {
  const addon = loadNative();
  if (!addon) {
    const info = nativeInfo();
    throw new InvalidArgumentError({
      op,
      argument: 'native kernels',
      expected: 'the compiled addon (built by `node scripts/build-addon.mjs` at install)',
      actual: info.reason,
      message: `the native kernels are unavailable: ${info.reason} (${info.path})`,
    });
  }
  return addon;
}

/** Asserts `value` is a Float32Array of exactly `length` entries. */
export function checkArray(op: string, argument: string, value: unknown, length: number, shape: string): asserts value is Float32Array {
  if (!(value instanceof Float32Array)) {
    throw new InvalidArgumentError({
      op,
      argument,
      expected: `a Float32Array ${shape}`,
      actual: value === null ? 'null' : typeof value === 'object' ? (value as object).constructor?.name : typeof value,
    });
  }
  if (value.length !== length) {
    throw new InvalidArgumentError({ op, argument, expected: `${length} values (${shape})`, actual: `${value.length} values` });
  }
}

/** Asserts a positive integer dimension. */
export function checkDim(op: string, argument: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError({ op, argument, expected: 'a positive integer', actual: value });
  }
}
