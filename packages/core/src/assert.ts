import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, NonFiniteValueError, ShapeMismatchError } from './errors';

/**
 * Expected dimension: a number (exact), `null` (any size), or a name that must agree with the
 * other uses of the same name within one `assertShapes` call.
 */
export type Dim = number | string | null;

function fmt(dims: readonly Dim[]): string {
  return `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** Throws unless `x` is a tfjs Tensor. */
export function assertTensor(op: string, argument: string, x: unknown): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new InvalidArgumentError({ op, argument, expected: 'a tf.Tensor', actual: x });
  }
  if (x.isDisposed) {
    throw new InvalidArgumentError({
      op,
      argument,
      expected: 'a live tf.Tensor',
      actual: 'a disposed tensor',
      message: `'${argument}' has already been disposed`,
    });
  }
}

/** Resolved named dimensions: the size and the argument that fixed it. */
export type DimNames = Map<
  string,
  {
    /** The size the name stands for. */
    size: number;
    /** The argument whose shape fixed it. */
    argument: string;
  }
>;

/**
 * Asserts the shape of `x` against `dims` (see `Dim`). Returns the resolved named sizes.
 * @example assertShape('supConLoss', 'features', f, ['batch', 'views', 'dim'])
 */
export function assertShape(op: string, argument: string, x: unknown, dims: readonly Dim[], names: DimNames = new Map()): DimNames {
  assertTensor(op, argument, x);
  return assertDims(op, argument, x.shape, dims, names);
}

/**
 * `assertShape` on a plain shape (e.g. of a `{ rows, cols, data }` matrix or a typed array): the
 * rank, the fixed sizes, and named sizes that must agree with `names` (shared across arguments).
 */
export function assertDims(
  op: string,
  argument: string,
  shape: readonly number[],
  dims: readonly Dim[],
  names: DimNames = new Map(),
): DimNames {
  if (shape.length !== dims.length) {
    throw new ShapeMismatchError({
      op,
      argument,
      expected: fmt(dims),
      actual: shape,
      message: `'${argument}' must be rank ${dims.length} ${fmt(dims)}, got rank ${shape.length} [${shape.join(', ')}]`,
    });
  }
  dims.forEach((d, i) => {
    const actual = shape[i]!;
    if (typeof d === 'number' && actual !== d) {
      throw new ShapeMismatchError({ op, argument, expected: fmt(dims), actual: shape });
    }
    if (typeof d === 'string') {
      const seen = names.get(d);
      if (seen === undefined) names.set(d, { size: actual, argument });
      else if (seen.size !== actual) {
        throw new ShapeMismatchError({
          op,
          argument,
          expected: fmt(dims),
          actual: shape,
          message:
            seen.argument === argument
              ? `'${argument}' must be ${fmt(dims)} (${dims.length === 2 ? 'square' : `${d} twice`}), got [${shape.join(', ')}]`
              : `'${argument}' has ${d} = ${actual} (shape [${shape.join(', ')}]) but '${seen.argument}' has ${d} = ${seen.size}`,
        });
      }
    }
  });
  return names;
}

/** Throws unless every dimension of `shape` is ≥ 1 (a zero-size batch or feature dimension has nothing to compute on). */
export function assertNonEmpty(op: string, argument: string, shape: readonly number[]): void {
  const i = shape.findIndex((n) => n === 0);
  if (i >= 0) {
    throw new ShapeMismatchError({
      op,
      argument,
      expected: 'every dimension ≥ 1',
      actual: shape,
      message: `'${argument}' is empty: dimension ${i} of [${shape.join(', ')}] is 0`,
    });
  }
}

/** Asserts several tensors at once, with names shared across them (e.g. the batch size). */
export function assertShapes(op: string, specs: ReadonlyArray<[argument: string, x: unknown, dims: readonly Dim[]]>): Map<string, number> {
  const names: DimNames = new Map();
  for (const [argument, x, dims] of specs) assertShape(op, argument, x, dims, names);
  return new Map([...names].map(([k, v]) => [k, v.size]));
}

/** Asserts `x` has exactly `rank` dimensions. */
export function assertRank(op: string, argument: string, x: unknown, rank: number): void {
  assertShape(op, argument, x, new Array<Dim>(rank).fill(null));
}

/** Asserts every value of `x` is finite. Reads the tensor synchronously (cheap on cpu/wasm). */
export function assertFinite(op: string, argument: string, x: tf.Tensor | ArrayLike<number>): void {
  const data = x instanceof tf.Tensor ? x.dataSync() : x;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) throw new NonFiniteValueError({ op, argument, index: i, value: v });
  }
}

/** Asserts `value` is a finite number (optionally within bounds). */
export function assertNumber(
  op: string,
  argument: string,
  value: unknown,
  { min, max, integer = false, exclusiveMin = false }: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
): asserts value is number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || (exclusiveMin ? value > min : value >= min)) &&
    (max === undefined || value <= max);
  if (!ok) {
    const parts = [integer ? 'an integer' : 'a finite number'];
    if (min !== undefined) parts.push(`${exclusiveMin ? '>' : '≥'} ${min}`);
    if (max !== undefined) parts.push(`≤ ${max}`);
    throw new InvalidArgumentError({ op, argument, expected: parts.join(' '), actual: value });
  }
}
