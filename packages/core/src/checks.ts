import * as tf from '@tensorflow/tfjs-core';
import * as z from 'zod/mini';
import { assertFinite } from './assert';
import { parseOptions } from './options';

export const checksSchema = z.strictObject({
  /**
   * Scan the tensors given to losses for NaN/±Infinity on every call (a full read of each tensor,
   * `checkFinite`). Turning it off saves that read on the training hot path; the train loop still
   * stops on a non-finite loss and names the step. Default true.
   */
  finite: z.optional(z.boolean()),
});
export type ChecksOptions = z.input<typeof checksSchema>;
/** The current runtime checks (see `setChecks`). */
export interface Checks {
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
 * `assertFinite` on the hot path: a no-op after `setChecks({ finite: false })`. Use `assertFinite`
 * for values that must always be checked (labels, masks, a training loss).
 */
export function checkFinite(op: string, argument: string, x: tf.Tensor | ArrayLike<number>): void {
  if (state().finite) assertFinite(op, argument, x);
}
