// Effective rank (Roy & Vetterli, EUSIPCO 2007: exp of the Shannon entropy of σ/Σσ) and the
// covariance spectrum at their edges: rounding singular values of a rank-deficient matrix, centring,
// n = 1, an all-zero batch, and the error texts. Inputs are built in plain float64 loops here.
import { describe, expect, it } from 'vitest';
import { effectiveRank, effectiveRankOfSingularValues, effectiveRankSync, singularValues } from './effective-rank';
import { covariance, spectrumSync } from './spectrum';
import { orthonormalColumns, rngOf } from './test-fixtures';

/** U diag(s) Vᵀ as rows, from orthonormal U [n, r] and V [d, r]. */
function lowRank(n: number, d: number, s: number[], seed: number): number[][] {
  const u = orthonormalColumns(rngOf(seed), n, s.length);
  const v = orthonormalColumns(rngOf(seed + 1), d, s.length);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: d }, (_, j) => s.reduce((acc, sk, k) => acc + u.data[i * s.length + k]! * sk * v.data[j * s.length + k]!, 0)),
  );
}
/** exp(−Σ p log p), p = s / Σs, written out for the test. */
const closedForm = (s: number[]) => {
  const t = s.reduce((a, b) => a + b, 0);
  return Math.exp(-s.reduce((h, v) => h + (v / t) * Math.log(v / t), 0));
};

describe('effectiveRank at its edges', () => {
  it('a rank-2 matrix in R^{20×5}: the rounding singular values (~1e-8·σ₁) are dropped, at any scale', async () => {
    for (const scale of [1, 1e3, 1e-3]) {
      const z = lowRank(20, 5, [3 * scale, scale], 7);
      // exp(H(¾, ¼)) = 1.7548: only the two true singular values count.
      expect(effectiveRankSync(z)).toBeCloseTo(closedForm([3, 1]), 10);
      expect(await effectiveRank(z)).toBeCloseTo(closedForm([3, 1]), 10);
    }
  });

  it('singular values come out descending and non-negative, from the smaller Gram matrix of either shape', () => {
    const z = lowRank(6, 4, [5, 2, 1], 9);
    const s = Array.from(singularValues({ rows: 6, cols: 4, data: Float64Array.from(z.flat()) }));
    expect(s).toHaveLength(4);
    [5, 2, 1].forEach((v, k) => expect(s[k]).toBeCloseTo(v, 12));
    expect(s[3]).toBeGreaterThanOrEqual(0);
    expect(s[3]).toBeLessThan(1e-7);
    const t = Array.from(singularValues({ rows: 4, cols: 6, data: Float64Array.from(z[0]!.map((_, j) => z.map((r) => r[j]!)).flat()) }));
    expect(t).toHaveLength(4); // min(rows, cols) values
    [5, 2, 1].forEach((v, k) => expect(t[k]).toBeCloseTo(v, 12));
  });

  it('centring: off by default (Roy & Vetterli take the matrix as is); on, each column mean is removed first', () => {
    // Rows (1 + a_i, 1 − a_i) with a = ±1: the mean (1, 1) is a second direction of the raw matrix.
    const z = [
      [2, 0],
      [0, 2],
      [2, 0],
      [0, 2],
    ];
    // Raw: Gram [[8, 0], [0, 8]] → σ = (√8, √8) → 2. Centred: rows ±(1, −1) → rank 1 → 1.
    expect(effectiveRankSync(z)).toBeCloseTo(2, 12);
    expect(effectiveRankSync(z, { center: false })).toBeCloseTo(2, 12);
    expect(effectiveRankSync(z, { center: true })).toBeCloseTo(1, 12);
    // Centring is per column: offsets (10, −3) on every row leave the centred value unchanged.
    expect(
      effectiveRankSync(
        z.map(([a, b]) => [a! + 10, b! - 3]),
        { center: true },
      ),
    ).toBeCloseTo(1, 12);
  });

  it('effectiveRankOfSingularValues: closed forms and exact error texts', () => {
    expect(effectiveRankOfSingularValues([3, 1])).toBeCloseTo(closedForm([3, 1]), 14);
    expect(effectiveRankOfSingularValues([3, 1, 0, 0])).toBeCloseTo(closedForm([3, 1]), 14); // 0·log 0 = 0
    expect(effectiveRankOfSingularValues([0, 0])).toBe(0);
    expect(effectiveRankOfSingularValues([])).toBe(0);
    expect(effectiveRankOfSingularValues([7])).toBe(1);
    expect(effectiveRankOfSingularValues([0, 0.5])).toBe(1);
    for (const bad of [-1e-300, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => effectiveRankOfSingularValues([1, bad])).toThrow(
        `effectiveRankOfSingularValues: invalid argument 'singularValues[1]': expected a finite number ≥ 0, got ${bad}`,
      );
    }
  });
});

describe('effectiveRank: the rounding floor and ArrayLike input', () => {
  it('a singular value exactly at 1e-7·σ₁ counts as rounding (dropped); just above it counts', () => {
    // Z = [[2, 0], [0, 2e-7], [0, 0]]: Gram diag(4, 4e-14), σ = (2, 2e-7) exactly; floor = 1e-7·2.
    expect(Array.from(singularValues({ rows: 3, cols: 2, data: Float64Array.from([2, 0, 0, 2e-7, 0, 0]) }))).toEqual([2, 2e-7]);
    expect(
      effectiveRankSync([
        [2, 0],
        [0, 2e-7],
        [0, 0],
      ]),
    ).toBe(1);
    // 3e-7 > floor: kept, exp(H(2/(2+3e-7), 3e-7/(2+3e-7))) ≈ 1 + 2.6e-6.
    const above = effectiveRankSync([
      [2, 0],
      [0, 3e-7],
      [0, 0],
    ]);
    expect(above).toBeGreaterThan(1 + 1e-6);
    expect(above).toBeCloseTo(closedForm([2, 3e-7]), 12);
  });

  it('reads only the first `length` entries of an ArrayLike', () => {
    const view = { length: 2, 0: 3, 1: 1, 2: 5 } as ArrayLike<number>;
    expect(effectiveRankOfSingularValues(view)).toBeCloseTo(closedForm([3, 1]), 14);
  });
});

describe('spectrum and covariance at their edges', () => {
  it('an all-zero (or constant, centred) batch: eigenvalues 0, explained 0 (not NaN), total 0', () => {
    for (const z of [
      [
        [0, 0],
        [0, 0],
      ],
      [
        [1, 2],
        [1, 2],
        [1, 2],
      ],
    ]) {
      const r = spectrumSync(z);
      expect(r.eigenvalues).toEqual([0, 0]);
      expect(r.explained).toEqual([0, 0]);
      expect(r.total).toBe(0);
    }
  });

  it('covariance by hand: centred and unbiased by default; n = 1 divides by 1, not 0', () => {
    const z = { rows: 3, cols: 2, data: Float64Array.from([1, 2, 3, 6, 5, 4]) };
    // Means (3, 4); deviations (−2, −2), (0, 2), (2, 0): Σ = [[8, 4], [4, 8]] / (n − 1 = 2).
    expect(Array.from(covariance(z, true, true))).toEqual([4, 2, 2, 4]);
    expect(Array.from(covariance(z, true, false))).toEqual([8 / 3, 4 / 3, 4 / 3, 8 / 3]);
    // Uncentred second moment: [[1+9+25, 2+18+20], [.., 4+36+16]] / 2.
    expect(Array.from(covariance(z, false, true))).toEqual([35 / 2, 40 / 2, 40 / 2, 56 / 2]);
    expect(Array.from(covariance({ rows: 1, cols: 2, data: Float64Array.from([3, -1]) }, false, true))).toEqual([9, -3, -3, 1]);
    // Eigenvalues of [[4, 2], [2, 4]]: 6 and 2; explained ¾ and ¼.
    const r = spectrumSync([
      [1, 2],
      [3, 6],
      [5, 4],
    ]);
    expect(r.eigenvalues[0]).toBeCloseTo(6, 13);
    expect(r.eigenvalues[1]).toBeCloseTo(2, 13);
    expect(r.explained[0]).toBeCloseTo(0.75, 13);
    expect(r.total).toBeCloseTo(8, 13);
  });
});
