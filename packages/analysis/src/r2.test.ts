import { describe, expect, it } from 'vitest';
import { r2, r2Sync, regressionR2, regressionR2Sync } from './r2';
import { correlatedPair, matmul, normalMatrix, rngOf } from './test-fixtures';

describe('r2 (sklearn r2_score)', () => {
  it('1 for exact, 0 for the mean, 1 − SSE/SST otherwise', async () => {
    const t = [[1], [2], [3], [4]];
    expect((await r2(t, t)).mean).toBe(1);
    expect(r2Sync([[2.5], [2.5], [2.5], [2.5]], t).mean).toBe(0);
    expect(r2Sync([[1], [2], [3], [5]], t).perDim[0]).toBeCloseTo(1 - 1 / 5, 14); // SSE 1, SST 5
    // Two dims, mean over dims: (1 + 0.8)/2.
    const r = r2Sync(
      [
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 5],
      ],
      [
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
      ],
    );
    expect(r.mean).toBeCloseTo(0.9, 14);
    // Constant target: 1 if hit exactly, else 0 (sklearn force_finite).
    expect(r2Sync([[2], [2]], [[2], [2]]).mean).toBe(1);
    expect(r2Sync([[1], [2]], [[2], [2]]).mean).toBe(0);
  });

  it('names the mismatched argument', () => {
    expect(() => r2Sync([[1, 2]], [[1]])).toThrow(/'target' has dim = 1 .* but 'predicted' has dim = 2/);
  });
});

describe('regressionR2 (docs/science/latent-recovery.md §5.3 linear identifiability)', () => {
  it('R² = 1 when the latents are an affine function of the features', async () => {
    const rng = rngOf(91);
    const z = normalMatrix(rng, 500, 3);
    const a = normalMatrix(rng, 3, 5);
    const h = matmul(z, a);
    const shifted = { ...h, data: h.data.map((v, i) => v + (i % 5) * 2 - 3) };
    const r = await regressionR2(shifted, z);
    r.perDim.forEach((v) => expect(v).toBeCloseTo(1, 9));
    expect(r.trainSize).toBe(500);
    // Collinear features (a duplicated column) use the pseudo-inverse: still exact.
    const dup = {
      rows: 500,
      cols: 6,
      data: Float64Array.from({ length: 3000 }, (_, t) => shifted.data[Math.floor(t / 6) * 5 + Math.min(t % 6, 4)]!),
    };
    expect(regressionR2Sync(dup, z).mean).toBeCloseTo(1, 8);
  });

  it('one noisy feature f = z + e, Var e = 1: R² = corr² = 1/2 (n = 4000, sd ≈ 0.01)', () => {
    const [z, f] = correlatedPair(rngOf(92), 4000, Math.SQRT1_2);
    const r = regressionR2Sync({ rows: 4000, cols: 1, data: f }, { rows: 4000, cols: 1, data: z });
    expect(Math.abs(r.mean - 0.5)).toBeLessThan(0.04);
  });

  it('independent features: in-sample R² ≈ f/n, held-out R² ≈ 0', () => {
    const rng = rngOf(93);
    const h = normalMatrix(rng, 1000, 5);
    const z = normalMatrix(rng, 1000, 2);
    const inSample = regressionR2Sync(h, z);
    expect(inSample.mean).toBeGreaterThanOrEqual(0); // least squares with intercept never does worse than the mean in-sample
    expect(inSample.mean).toBeLessThan(0.03); // E = 5/999
    const heldOut = regressionR2Sync(h, z, { testFraction: 0.5, seed: 1 });
    expect(heldOut.testSize).toBe(500);
    expect(Math.abs(heldOut.mean)).toBeLessThan(0.05);
  });

  it('ridge shrinks towards the mean', () => {
    const [z, f] = correlatedPair(rngOf(94), 200, 0.9);
    const x = { rows: 200, cols: 1, data: f };
    const y = { rows: 200, cols: 1, data: z };
    expect(regressionR2Sync(x, y, { ridge: 1e6 }).mean).toBeLessThan(regressionR2Sync(x, y).mean);
    expect(() => regressionR2Sync(x, y, { ridge: -1 })).toThrow(/options\.ridge/);
  });
});
