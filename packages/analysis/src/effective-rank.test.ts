import { describe, expect, it } from 'vitest';
import { effectiveRank, effectiveRankOfSingularValues, effectiveRankSync } from './effective-rank';
import { matmul, normalMatrix, orthonormalColumns, rngOf, transposed } from './test-fixtures';
import type { Matrix } from './matrix';

const diag = (s: number[], rows = s.length): Matrix => {
  const data = new Float64Array(rows * s.length);
  s.forEach((v, i) => (data[i * s.length + i] = v));
  return { rows, cols: s.length, data };
};
/** exp(−Σ p log p) with p = s/Σs (Roy & Vetterli 2007, Eq. 2–3). */
const closedForm = (s: number[]) => {
  const t = s.reduce((a, b) => a + b, 0);
  return Math.exp(-s.filter((v) => v > 0).reduce((h, v) => h + (v / t) * Math.log(v / t), 0));
};

describe('effectiveRank', () => {
  it('equals the closed form on diagonal matrices', async () => {
    expect(await effectiveRank(diag([1, 1, 1, 1]))).toBeCloseTo(4, 12);
    expect(await effectiveRank(diag([3, 1]))).toBeCloseTo(closedForm([3, 1]), 12); // 1.7548
    expect(closedForm([3, 1])).toBeCloseTo(1.754765, 5);
    expect(effectiveRankSync(diag([5, 0, 0]))).toBeCloseTo(1, 12);
    expect(effectiveRankSync(diag([4, 2, 1, 0.5], 6))).toBeCloseTo(closedForm([4, 2, 1, 0.5]), 10);
  });

  it('is invariant to rotations on both sides (U diag(s) Vᵀ)', () => {
    const s = [5, 3, 2, 1, 0.5];
    const u = orthonormalColumns(rngOf(41), 9, 5);
    const v = orthonormalColumns(rngOf(42), 5, 5);
    const z = matmul(matmul(u, diag(s)), transposed(v));
    expect(effectiveRankSync(z)).toBeCloseTo(closedForm(s), 9);
    expect(effectiveRankSync(transposed(z))).toBeCloseTo(closedForm(s), 9);
  });

  it('is 0 for a zero matrix, ≈ dim for isotropic data, and centring removes a constant offset', () => {
    expect(effectiveRankSync(diag([0, 0]))).toBe(0);
    const r = effectiveRankSync(normalMatrix(rngOf(43), 2000, 16));
    expect(r).toBeGreaterThan(15.5); // singular values within ±√(16/2000) ≈ 9 % of each other
    expect(r).toBeLessThanOrEqual(16);
    const constant = Array.from({ length: 10 }, () => [1, 2, 3]);
    expect(effectiveRankSync(constant)).toBeCloseTo(1, 12);
    expect(effectiveRankSync(constant, { center: true })).toBe(0);
  });

  it('effectiveRankOfSingularValues validates its input', () => {
    expect(effectiveRankOfSingularValues([2, 2])).toBeCloseTo(2, 14);
    expect(() => effectiveRankOfSingularValues([1, -1])).toThrow(/singularValues\[1\]/);
  });
});
