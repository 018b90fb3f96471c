import { InvalidArgumentError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { thresholdAt } from './threshold-schedule';

describe('thresholdAt', () => {
  it('linear warm-up from 0 over T/2, then constant (docs/science/feature-decoupling.md §1.3, our choice: b(t) = b_final·min(1, t/(T/2)))', () => {
    const s = { type: 'linear-warmup', final: 0.3, warmupFraction: 0.5 } as const;
    // b(0) = 0, b(750) = 0.3·750/1500 = 0.15, b(1500) = b(2999) = 0.3
    expect(thresholdAt(s, 0, 3000)).toBe(0);
    expect(thresholdAt(s, 750, 3000)).toBeCloseTo(0.15, 15);
    expect(thresholdAt(s, 1500, 3000)).toBeCloseTo(0.3, 15);
    expect(thresholdAt(s, 2999, 3000)).toBeCloseTo(0.3, 15);
  });

  it('warm-up from a non-zero initial value; warmupFraction 0 jumps to final', () => {
    // initial + (final − initial)·t/(f·T) = 0.1 + 0.4·25/100 = 0.2
    expect(thresholdAt({ type: 'linear-warmup', initial: 0.1, final: 0.5, warmupFraction: 1 }, 25, 100)).toBeCloseTo(0.2, 15);
    expect(thresholdAt({ type: 'linear-warmup', final: 0.5, warmupFraction: 0 }, 0, 100)).toBe(0.5);
  });

  it('numbers and constant schedules do not move', () => {
    expect(thresholdAt(0.7, 10, 20)).toBe(0.7);
    expect(thresholdAt({ type: 'constant', value: 0.4 }, 19, 20)).toBe(0.4);
  });

  it('rejects NaN, negative values, unknown types and bad steps, naming the key', () => {
    expect(() => thresholdAt(Number.NaN, 0, 1)).toThrow(InvalidArgumentError);
    expect(() => thresholdAt(-1, 0, 1)).toThrow(/schedule/);
    expect(() => thresholdAt({ type: 'linear-warmup', final: -0.1, warmupFraction: 0.5 }, 0, 1)).toThrow(/schedule\.final/);
    expect(() => thresholdAt({ type: 'linear-warmup', final: 0.1, warmupFraction: 2 }, 0, 1)).toThrow(/schedule\.warmupFraction/);
    expect(() => thresholdAt({ type: 'cosine', value: 1 } as never, 0, 1)).toThrow(InvalidArgumentError);
    expect(() => thresholdAt(0.1, -1, 10)).toThrow(/'step'/);
    expect(() => thresholdAt(0.1, 0, 0)).toThrow(/'totalSteps'/);
  });
});
