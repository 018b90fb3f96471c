import { describe, expect, it } from 'vitest';
import { hltmBestCorrelation, hltmBestCorrelationSync } from './hltm-best-correlation';
import { rngOf } from './test-fixtures';

describe('hltmBestCorrelation (luckmatters ssl/hltm corr_summary best_corr, docs/science/hltm.md §4.5)', () => {
  // 3 latent nodes s ~ Bernoulli(½), 2 units per node: node 0 has u = s + N(0, ½²) (corr 0.5/√(¼+¼) = 0.7071)
  // and pure noise; node 1 has 1 − s (|corr| = 1) and noise; node 2 has only noise units.
  const n = 4000;
  const rng = rngOf(121);
  const s = Array.from({ length: n }, () => [0, 1, 2].map(() => (rng.bernoulli(0.5) ? 1 : 0)));
  const hidden = s.map((r) => [r[0]! + rng.normal(0, 0.5), rng.normal(), rng.normal(), 1 - r[1]!, rng.normal(), rng.normal()]);

  it('best |corr| per node over its own units, with the closed-form values', async () => {
    const r = await hltmBestCorrelation(hidden, s, { unitsPerNode: 2, levels: [1, 2, 2] });
    expect(Math.abs(r.perNode[0]! - Math.SQRT1_2)).toBeLessThan(0.03); // sd ≈ (1 − ρ²)/√n = 0.008
    expect(r.perNode[1]).toBeCloseTo(1, 12);
    expect(r.perNode[2]!).toBeLessThan(0.06); // max of 2 |N(0, 1/n)|: ~0.02
    expect(r.bestUnit.slice(0, 2)).toEqual([0, 3]);
    expect(r.perLevel).toEqual([
      { level: 1, mean: r.perNode[0], count: 1 },
      { level: 2, mean: (r.perNode[1]! + r.perNode[2]!) / 2, count: 2 },
    ]);
  });

  it('without unitsPerNode every unit is a candidate; a constant latent gives null', () => {
    const withConstant = s.map((r) => [...r, 1]);
    const r = hltmBestCorrelationSync(hidden, withConstant);
    expect(r.perNode[1]).toBeCloseTo(1, 12);
    expect(r.perNode[3]).toBeNull();
    expect(r.bestUnit[3]).toBe(-1);
    expect(r.perLevel).toBeNull();
    expect(r.mean).toBeCloseTo((r.perNode[0]! + r.perNode[1]! + r.perNode[2]!) / 3, 14);
  });

  it('checks unitsPerNode and levels against the shapes', () => {
    expect(() => hltmBestCorrelationSync(hidden, s, { unitsPerNode: 3 })).toThrow(/options\.unitsPerNode.*3 · 3 = 9.*6 columns/);
    expect(() => hltmBestCorrelationSync(hidden, s, { levels: [1] })).toThrow(/options\.levels/);
    expect(() => hltmBestCorrelationSync(hidden, s.slice(1))).toThrow(/'latents' has batch = 3999/);
  });
});
