import { parseOptions } from '@contrastive/core';
import { z } from 'zod';

export const lrScheduleSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('constant') }),
    z.object({
      type: z.literal('cosine'),
      /** Linear warm-up steps from 0 to the base rate. */
      warmupSteps: z.number().int().min(0).default(0),
      /** Final rate as a fraction of the base rate. */
      minFactor: z.number().min(0).max(1).default(0),
    }),
    z.object({
      type: z.literal('step'),
      /** Steps at which the rate is multiplied by `gamma`. */
      milestones: z.array(z.number().int().positive()),
      gamma: z.number().positive().default(0.1),
    }),
  ])
  .default({ type: 'constant' });
export type LrSchedule = z.input<typeof lrScheduleSchema>;

/** Returns the learning-rate factor f(step) ∈ [0, 1] (multiplies the base rate). */
export function lrFactor(schedule: LrSchedule | undefined, step: number, totalSteps: number): number {
  const s = parseOptions('lrFactor', lrScheduleSchema, schedule, 'schedule');
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
