import { parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';

/** The learning-rate schedule, by `type`. Default `{ type: 'constant' }`. */
/** A learning-rate schedule: constant (default), cosine with warm-up, or step decay; each multiplies `optimizer.lr`. */
export const lrScheduleSchema = z._default(
  z.discriminatedUnion('type', [
    z.strictObject({
      /** The base rate throughout (the default schedule). */
      type: z.literal('constant'),
    }),
    z.strictObject({
      /** Cosine decay from the base rate to `minFactor` × it (Loshchilov & Hutter 2017), after an optional warm-up. */
      type: z.literal('cosine'),
      /** Linear warm-up steps from 0 to the base rate. Default 0. */
      warmupSteps: z._default(z.int().check(z.gte(0)), 0),
      /** Final rate as a fraction of the base rate. Default 0. */
      minFactor: z._default(z.number().check(z.gte(0), z.lte(1)), 0),
    }),
    z.strictObject({
      /** Multiply the rate by `gamma` at each milestone. */
      type: z.literal('step'),
      /** Steps at which the rate is multiplied by `gamma`. */
      milestones: z.array(z.int().check(z.positive())),
      /** Factor applied at each milestone. Default 0.1. */
      gamma: z._default(z.number().check(z.positive()), 0.1),
    }),
  ]),
  { type: 'constant' },
);
/** A learning-rate schedule (input of `lrScheduleSchema`): constant, cosine with warm-up, or step. */
export type LrSchedule = z.input<typeof lrScheduleSchema>;

/** Returns the learning-rate factor f(step) ∈ [0, 1] (multiplies the base rate). */
export function lrFactor(schedule: LrSchedule | undefined, step: number, totalSteps: number): number {
  return scheduleFactor(parseSchedule(schedule), step, totalSteps);
}

/** The validated schedule (internal: `train` validates once, then calls `scheduleFactor` every step). */
export function parseSchedule(schedule: LrSchedule | undefined): z.output<typeof lrScheduleSchema> {
  return parseOptions('lrFactor', lrScheduleSchema, schedule, 'schedule');
}

/** `lrFactor` of an already validated schedule (internal; zod's parse every step was ~1.5 % of a flagship step). */
export function scheduleFactor(s: z.output<typeof lrScheduleSchema>, step: number, totalSteps: number): number {
  switch (s.type) {
    case 'constant':
      return 1;
    case 'cosine': {
      if (step < s.warmupSteps) return (step + 1) / s.warmupSteps;
      const t = (step - s.warmupSteps) / Math.max(1, totalSteps - s.warmupSteps);
      return s.minFactor + (1 - s.minFactor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t)));
    }
    case 'step':
      return s.gamma ** s.milestones.filter((m) => step >= m).length;
  }
}
