import { describe, expect, it } from 'vitest';
import { lrFactor } from './schedule';

describe('lrFactor', () => {
  it('constant, cosine (with warm-up) and step schedules', () => {
    expect(lrFactor(undefined, 10, 100)).toBe(1);
    expect(lrFactor({ type: 'cosine' }, 0, 100)).toBeCloseTo(1);
    expect(lrFactor({ type: 'cosine' }, 50, 100)).toBeCloseTo(0.5); // cos(π/2) = 0 ⇒ ½(1 + 0)
    expect(lrFactor({ type: 'cosine', minFactor: 0.1 }, 100, 100)).toBeCloseTo(0.1);
    expect(lrFactor({ type: 'cosine', warmupSteps: 10 }, 4, 100)).toBeCloseTo(0.5);
    expect(lrFactor({ type: 'step', milestones: [10, 20], gamma: 0.1 }, 25, 100)).toBeCloseTo(0.01);
    expect(() => lrFactor({ type: 'cosine', minFactor: 2 }, 1, 10)).toThrow(/schedule\.minFactor/);
  });
});
