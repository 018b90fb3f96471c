import { describe, expect, it } from 'vitest';
import { lrFactor } from './schedule';

// Boundaries written from the definitions, independently of the implementation:
// - warm-up: linear from 1/W at step 0 to 1 at step W − 1 (the rate used *during* step k is (k + 1)/W);
// - cosine after warm-up: torch.optim.lr_scheduler.CosineAnnealingLR with T_max = T − W,
//   η_t = η_min + (η_max − η_min)(1 + cos(π t / T_max))/2, t = k − W;
// - step: torch MultiStepLR, the rate is multiplied by γ once the step *reaches* a milestone.
const cosine = (t: number, tMax: number, min: number) => min + ((1 - min) * (1 + Math.cos((Math.PI * t) / tMax))) / 2;

describe('lrFactor boundaries', () => {
  const T = 200;
  const W = 20;
  const sched = { type: 'cosine' as const, warmupSteps: W, minFactor: 0.05 };

  it('warm-up ends exactly at 1 and the cosine starts at 1', () => {
    expect(lrFactor(sched, 0, T)).toBeCloseTo(1 / W, 12);
    expect(lrFactor(sched, W - 1, T)).toBeCloseTo(1, 12);
    expect(lrFactor(sched, W, T)).toBeCloseTo(1, 12);
  });

  it('the cosine horizon is T − W steps after warm-up (half-way value, end value, beyond the end)', () => {
    for (const k of [W + 1, W + 45, W + (T - W) / 2, T - 1, T]) {
      expect(lrFactor(sched, k, T), `step ${k}`).toBeCloseTo(cosine(k - W, T - W, 0.05), 12);
    }
    expect(lrFactor(sched, W + (T - W) / 2, T)).toBeCloseTo((1 + 0.05) / 2, 12);
    expect(lrFactor(sched, T, T)).toBeCloseTo(0.05, 12);
    expect(lrFactor(sched, T + 50, T)).toBeCloseTo(0.05, 12);
  });

  it('cosine without warm-up and without minFactor decays from 1 to 0 (defaults)', () => {
    expect(lrFactor({ type: 'cosine' }, 0, T)).toBe(1);
    expect(lrFactor({ type: 'cosine' }, 37, T)).toBeCloseTo(cosine(37, T, 0), 12);
    expect(lrFactor({ type: 'cosine' }, T, T)).toBeCloseTo(0, 12);
  });

  it('step milestones apply when the step reaches them; gamma defaults to 0.1', () => {
    const s = { type: 'step' as const, milestones: [50, 120] };
    expect(lrFactor(s, 49, T)).toBe(1);
    expect(lrFactor(s, 50, T)).toBeCloseTo(0.1, 12);
    expect(lrFactor(s, 119, T)).toBeCloseTo(0.1, 12);
    expect(lrFactor(s, 120, T)).toBeCloseTo(0.01, 12);
    expect(lrFactor({ type: 'step', milestones: [10], gamma: 0.5 }, 10, T)).toBe(0.5);
  });

  it('the default schedule is constant 1', () => {
    expect(lrFactor(undefined, 0, T)).toBe(1);
    expect(lrFactor(undefined, T, T)).toBe(1);
  });

  it('a warm-up as long as the run (or longer) ends at the base rate, never 0/0', () => {
    // T − W ≤ 0: the cosine has no steps left; its horizon is clamped to 1 step, so the step after
    // the warm-up is cos(0) = 1 and later ones the floor.
    expect(lrFactor({ type: 'cosine', warmupSteps: 10 }, 9, 10)).toBeCloseTo(1, 12);
    expect(lrFactor({ type: 'cosine', warmupSteps: 10 }, 10, 10)).toBe(1);
    expect(lrFactor({ type: 'cosine', warmupSteps: 10, minFactor: 0.2 }, 11, 10)).toBeCloseTo(0.2, 12);
    expect(lrFactor({ type: 'cosine', warmupSteps: 10 }, 12, 8)).toBeCloseTo(0, 12);
    expect(lrFactor({ type: 'cosine', warmupSteps: 10 }, 10, 8)).toBe(1);
  });

  it('bad schedules are errors naming the field', () => {
    expect(() => lrFactor({ type: 'cosine', warmupSteps: -1 }, 0, T)).toThrow(/^lrFactor: invalid argument 'schedule\.warmupSteps'/);
    expect(() => lrFactor({ type: 'step', milestones: [0] }, 0, T)).toThrow(/^lrFactor: invalid argument 'schedule\.milestones\.0'/);
    expect(() => lrFactor({ type: 'linear' } as never, 0, T)).toThrow(/^lrFactor: invalid argument 'schedule\.type'/);
  });
});
