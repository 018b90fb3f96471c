import { assertNumber, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';

/** b(t) = initial + (final − initial)·min(1, t / (warmupFraction·T)) (docs/science/feature-decoupling.md §1.3, our choice: from 0 over T/2). */
export const linearWarmupScheduleSchema = z.strictObject({
  /** Rises linearly from `initial` to `final` over the first `warmupFraction` of training. */
  type: z.literal('linear-warmup'),
  /** Threshold reached at the end of the warm-up and kept afterwards (absolute units of ⟨w, x⟩). */
  final: z.number().check(z.gte(0)),
  /** Fraction of the total steps the warm-up lasts; 0 means `final` from the first step. */
  warmupFraction: z.number().check(z.gte(0), z.lte(1)),
  /** Threshold at step 0. Default 0. */
  initial: z._default(z.number().check(z.gte(0)), 0),
});

/** b(t) = value at every step. */
export const constantScheduleSchema = z.strictObject({
  /** The same threshold at every step. */
  type: z.literal('constant'),
  /** The threshold (absolute units of ⟨w, x⟩). */
  value: z.number().check(z.gte(0)),
});

/**
 * A threshold: a fixed number ≥ 0 or a schedule evaluated by `onStep(step, totalSteps)`.
 * Values are absolute; converting "multiples of the noise std" is the caller's job.
 */
export const thresholdSchema = z.union([
  z.number().check(z.gte(0)),
  z.discriminatedUnion('type', [linearWarmupScheduleSchema, constantScheduleSchema]),
]);
/** The symmetric-ReLU threshold b over training: a linear warm-up or a constant (`unit` scales it). */
export type ThresholdSchedule = z.input<typeof thresholdSchema>;
type ResolvedThreshold = z.output<typeof thresholdSchema>;

/**
 * The threshold of a schedule before step `step` (0-based) of `totalSteps`.
 * @example thresholdAt({ type: 'linear-warmup', final: 0.3, warmupFraction: 0.5 }, 750, 3000) // 0.15
 */
export function thresholdAt(schedule: ThresholdSchedule, step: number, totalSteps: number): number {
  const op = 'thresholdAt';
  const s = parseOptions(op, thresholdSchema, schedule, 'schedule');
  assertNumber(op, 'step', step, { min: 0, integer: true });
  assertNumber(op, 'totalSteps', totalSteps, { min: 1, integer: true });
  return evaluate(s, step, totalSteps);
}

/** Same as `thresholdAt` on an already parsed schedule (no validation: hot path). */
export function evaluate(s: ResolvedThreshold, step: number, totalSteps: number): number {
  if (typeof s === 'number') return s;
  if (s.type === 'constant') return s.value;
  const warmup = s.warmupFraction * totalSteps;
  const frac = warmup <= 0 ? 1 : Math.min(1, step / warmup);
  return s.initial + (s.final - s.initial) * frac;
}

/** Threshold before any `onStep` call (step 0). */
export function initialThreshold(s: ResolvedThreshold): number {
  if (typeof s === 'number') return s;
  if (s.type === 'constant') return s.value;
  return s.warmupFraction === 0 ? s.final : s.initial;
}
