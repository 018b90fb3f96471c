// Linear identifiability (regressionR2) against closed forms: ridge regression with an unpenalised
// intercept, β = (XcᵀXc + αI)⁻¹ Xcᵀyc (sklearn Ridge, centred normal equations), solved here by hand
// (1 feature) and by Cramer's rule (2 features, 2 targets); the held-out split sizes; and MCC
// (Zimmermann et al. 2021) with more latents than features and with constant columns.
import { describe, expect, it } from 'vitest';
import { mccSync } from './mcc';
import { r2Sync, regressionR2, regressionR2Sync } from './r2';

/** R² = 1 − SSE/SST of one target column. */
function r2Of(pred: number[], y: number[]): number {
  const mu = y.reduce((a, b) => a + b, 0) / y.length;
  const sse = y.reduce((s, v, i) => s + (v - pred[i]!) ** 2, 0);
  const sst = y.reduce((s, v) => s + (v - mu) ** 2, 0);
  return 1 - sse / sst;
}

describe('regressionR2: ridge and least squares in closed form', () => {
  // x̄ = 1.5, ȳ = 3; centred Sxx = 5, Sxy = 7, SST = 14.
  const x = [[0], [1], [2], [3]];
  const y = [[1], [3], [2], [6]];

  it('one feature: β = Sxy / (Sxx + α); OLS R² = 0.7, α = 5 → β = 0.7, R² = 0.525', async () => {
    expect((await regressionR2(x, y)).mean).toBeCloseTo(0.7, 13);
    expect(regressionR2Sync(x, y, { ridge: 0 }).perDim[0]).toBeCloseTo(0.7, 13);
    expect(regressionR2Sync(x, y, { ridge: 5 }).mean).toBeCloseTo(0.525, 13);
    // Any α by the same formula.
    for (const alpha of [0.5, 2, 40]) {
      const beta = 7 / (5 + alpha);
      const pred = x.map(([v]) => 3 + beta * (v! - 1.5));
      expect(regressionR2Sync(x, y, { ridge: alpha }).mean).toBeCloseTo(r2Of(pred, y.flat()), 13);
    }
    // The intercept is not penalised: a huge α predicts the mean, R² → 0 (not negative).
    expect(regressionR2Sync(x, y, { ridge: 1e12 }).mean).toBeCloseTo(0, 9);
  });

  it('two features, two targets: (XcᵀXc + αI)⁻¹Xcᵀyc by Cramer’s rule', () => {
    const X = [
      [0, 1],
      [1, 0],
      [2, 2],
      [3, 1],
      [1, 3],
    ];
    const Y = [
      [1, 0],
      [2, 1],
      [2, 5],
      [5, 2],
      [1, 4],
    ];
    const n = X.length;
    const mean = (m: number[][], j: number) => m.reduce((s, r) => s + r[j]!, 0) / n;
    const mx = [mean(X, 0), mean(X, 1)];
    const my = [mean(Y, 0), mean(Y, 1)];
    for (const alpha of [0, 1.5]) {
      const s = (a: number, b: number) => X.reduce((acc, r) => acc + (r[a]! - mx[a]!) * (r[b]! - mx[b]!), 0);
      const [a11, a12, a22] = [s(0, 0) + alpha, s(0, 1), s(1, 1) + alpha];
      const det = a11 * a22 - a12 * a12;
      const perDim = [0, 1].map((c) => {
        const b1 = X.reduce((acc, r, i) => acc + (r[0]! - mx[0]!) * (Y[i]![c]! - my[c]!), 0);
        const b2 = X.reduce((acc, r, i) => acc + (r[1]! - mx[1]!) * (Y[i]![c]! - my[c]!), 0);
        const beta = [(b1 * a22 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det];
        const pred = X.map((r) => my[c]! + beta[0]! * (r[0]! - mx[0]!) + beta[1]! * (r[1]! - mx[1]!));
        return r2Of(
          pred,
          Y.map((r) => r[c]!),
        );
      });
      const got = regressionR2Sync(X, Y, { ridge: alpha });
      perDim.forEach((v, c) => expect(got.perDim[c]).toBeCloseTo(v, 12));
      expect(got.mean).toBeCloseTo((perDim[0]! + perDim[1]!) / 2, 12);
      expect(got.trainSize).toBe(5);
      expect(got.testSize).toBe(5);
    }
  });

  it('held out: round(n·f) test rows, the fit on the others, R² measured on the held-out rows', () => {
    // y = 2x + 1 exactly: any split predicts the held-out rows exactly.
    const xs = Array.from({ length: 10 }, (_, i) => [i, (i * 7) % 3]);
    const ys = xs.map(([a]) => [2 * a! + 1]);
    const r = regressionR2Sync(xs, ys, { testFraction: 0.3, seed: 4 });
    expect(r.trainSize).toBe(7);
    expect(r.testSize).toBe(3);
    expect(r.mean).toBeCloseTo(1, 10);
    expect(regressionR2Sync(xs, ys, { testFraction: 0.25, seed: 4 }).testSize).toBe(3); // round(2.5) = 3
    expect(() => regressionR2Sync(xs, ys, { testFraction: 1 })).toThrow(/options\.testFraction/);
  });

  it('r2 of a constant target is 1 when hit and 0 otherwise, per dimension', () => {
    const r = r2Sync(
      [
        [2, 1],
        [2, 3],
      ],
      [
        [2, 1],
        [2, 2],
      ],
    );
    expect(r.perDim[0]).toBe(1);
    // Second dimension: SST = 0.5, SSE = 1 → 1 − 2 = −1.
    expect(r.perDim[1]).toBeCloseTo(-1, 15);
    expect(r.mean).toBeCloseTo(0, 15);
  });
});

describe('mcc with unequal widths and constant columns', () => {
  it('more latents than features: unmatched latents get 0, the mean is over the matched pairs', () => {
    // a: columns z0, z1, z2; b: columns −3·z2 + 1, z0 (exact copies up to sign/scale/shift).
    const z = [
      [1, 0, 2],
      [2, 1, 0],
      [0, 3, 1],
      [4, 1, 5],
      [3, 2, 2],
    ];
    const b = z.map((r) => [-3 * r[2]! + 1, r[0]!]);
    const m = mccSync(z, b);
    expect(m.assignment).toEqual([1, -1, 0]);
    expect(m.perDim[0]).toBeCloseTo(1, 14);
    expect(m.perDim[1]).toBe(0);
    expect(m.perDim[2]).toBeCloseTo(1, 14);
    expect(m.mcc).toBeCloseTo(1, 14);
    expect(m.correlation[2]![0]).toBeCloseTo(-1, 14); // signed
    expect(m.correlation).toHaveLength(3);
    expect(m.correlation[0]).toHaveLength(2);
  });

  it('a constant column correlates with nothing (0 in the matrix); Pearson by hand', () => {
    const a = [
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
    ];
    // b = (1, 3, 2, 4): corr with (1, 2, 3, 4) = (Σ dx·dy)/√(Σdx² Σdy²) = 4/5.
    const b = [[1], [3], [2], [4]];
    const m = mccSync(a, b);
    expect(m.correlation[0]![0]).toBeCloseTo(0.8, 14);
    expect(m.correlation[1]![0]).toBe(0);
    expect(m.assignment).toEqual([0, -1]);
    expect(m.mcc).toBeCloseTo(0.8, 14);
  });
});
