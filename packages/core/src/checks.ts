import * as tf from '@tensorflow/tfjs-core';
import * as z from 'zod/mini';
import { NonFiniteValueError } from './errors';
import { parseOptions } from './options';

/** The options of `setChecks` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const checksSchema = z.strictObject({
  /**
   * Scan the tensors given to losses for NaN/±Infinity on every call (a full read of each tensor,
   * `checkFinite`, which also bounds them against float32 overflow). Turning it off saves that read on the training hot path; the train loop still
   * stops on a non-finite loss and names the step. Default true.
   */
  finite: z.optional(z.boolean()),
});
/** Options of `setChecks` (the input of its schema: a field with a default may be omitted). */
export type ChecksOptions = z.input<typeof checksSchema>;
/** The current runtime checks (see `setChecks`). */
export interface Checks {
  /** Whether losses scan their inputs for NaN/±Infinity (default true). */
  finite: boolean;
}

// One state for every copy of the package in a bundle (the error classes work the same way).
const key = Symbol.for('contrastive.checks');
const store = globalThis as unknown as Record<symbol, Checks | undefined>;
const state = (): Checks => (store[key] ??= { finite: true });

/**
 * Turns hot-path runtime checks on or off, process-wide; returns the previous settings so a caller
 * can restore them. Default: every check on.
 * @example const previous = setChecks({ finite: false }); … setChecks(previous);
 */
export function setChecks(checks: ChecksOptions): Checks {
  const o = parseOptions('setChecks', checksSchema, checks, 'checks');
  const previous = { ...state() };
  if (o.finite !== undefined) state().finite = o.finite;
  return previous;
}

/** The current runtime checks. */
export function getChecks(): Readonly<Checks> {
  return { ...state() };
}

/**
 * `assertFinite` on the hot path, returning the largest |value| read (so a caller can guard against
 * float32 overflow in the same pass). A no-op returning `undefined` after
 * `setChecks({ finite: false })`. Use `assertFinite` for values that must always be checked
 * (labels, masks, a training loss).
 */
export function checkFinite(op: string, argument: string, x: tf.Tensor | ArrayLike<number>): number | undefined {
  if (!state().finite) return undefined;
  const data = x instanceof tf.Tensor ? x.dataSync() : x;
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) throw new NonFiniteValueError({ op, argument, index: i, value: v });
    const a = Math.abs(v);
    if (a > max) max = a;
  }
  return max;
}
