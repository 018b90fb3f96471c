import { describe, expect, it } from 'vitest';
import { spectrum, spectrumSync } from './spectrum';
import { orthonormalColumns, rngOf } from './test-fixtures';

describe('spectrum', () => {
  // Rows ±a_k u_k (k = 1..6) for a random orthonormal basis u: zero mean and covariance
  // Σ_k 2a_k² u_k u_kᵀ / (n − 1) with n = 12, so the eigenvalues are exactly 2a_k²/11.
  const a = [3, 2, 1, 0.5, 0, 0];
  const u = orthonormalColumns(rngOf(51), 6, 6);
  const rows: number[][] = [];
  a.forEach((ak, k) => {
    for (const sign of [1, -1]) rows.push(Array.from({ length: 6 }, (_, i) => sign * ak * u.data[i * 6 + k]!));
  });
  const expected = a.map((v) => (2 * v * v) / 11);

  it('returns the known eigenvalues in descending order, with explained-variance ratios', async () => {
    const r = await spectrum(rows);
    r.eigenvalues.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 12));
    const total = expected.reduce((s, v) => s + v, 0);
    expect(r.total).toBeCloseTo(total, 12);
    r.explained.forEach((v, k) => expect(v).toBeCloseTo(expected[k]! / total, 12));
    expect(r.eigenvalues.every((v) => v >= 0)).toBe(true);
  });

  it('centring removes a shared offset; the biased estimate divides by n', () => {
    const offset = rows.map((r) => r.map((v, i) => v + [10, -4, 2, 0, 1, 3][i]!));
    spectrumSync(offset).eigenvalues.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 10));
    spectrumSync(rows, { unbiased: false }).eigenvalues.forEach((v, k) => expect(v).toBeCloseTo((expected[k]! * 11) / 12, 12));
    // Uncentred second moment of the offset data: trace grows by ‖μ‖² = 130 (times n/(n−1)).
    expect(spectrumSync(offset, { center: false }).total).toBeCloseTo(expected.reduce((s, v) => s + v, 0) + (130 * 12) / 11, 9);
  });
});
