import { describe, expect, it } from 'vitest';
import {
  crossViewCorrelation,
  crossViewCorrelationSync,
  featureCrossViewCorrelation,
  featureCrossViewCorrelationSync,
} from './cross-view-correlation';
import type { Matrix } from './matrix';
import { column, correlatedPair, orthonormalColumns, rngOf } from './test-fixtures';

describe('crossViewCorrelation', () => {
  it('recovers known correlations ρ = 0.9, 0.5, 0 along rotated directions (n = 4000, within 4 sd)', async () => {
    // Views a = Q y_a, b = Q y_b with Q a random rotation of R^8; along the first three columns of Q
    // (y_a, y_b) has correlation ρ_k, the other five are independent. sd of a sample correlation ≈ (1 − ρ²)/√n.
    const n = 4000;
    const rng = rngOf(21);
    const q = orthonormalColumns(rng, 8, 8);
    const rhos = [0.9, 0.5, 0, 0, 0, 0, 0, 0];
    const ya = new Float64Array(n * 8);
    const yb = new Float64Array(n * 8);
    rhos.forEach((rho, k) => {
      const [x, y] =
        rho === 0 && k >= 3 ? [rng.fillNormal(new Float64Array(n)), rng.fillNormal(new Float64Array(n))] : correlatedPair(rng, n, rho);
      for (let i = 0; i < n; i++) {
        ya[i * 8 + k] = x[i]!;
        yb[i * 8 + k] = y[i]!;
      }
    });
    const rotate = (y: Float64Array): Matrix => {
      const out = new Float64Array(n * 8);
      for (let i = 0; i < n; i++)
        for (let r = 0; r < 8; r++) for (let k = 0; k < 8; k++) out[i * 8 + r] = out[i * 8 + r]! + q.data[r * 8 + k]! * y[i * 8 + k]!;
      return { rows: n, cols: 8, data: out };
    };
    const directions = { rows: 8, cols: 3, data: Float64Array.from({ length: 24 }, (_, i) => q.data[Math.floor(i / 3) * 8 + (i % 3)]!) };
    const r = await crossViewCorrelation(rotate(ya), rotate(yb), directions);
    [0.9, 0.5, 0].forEach((rho, k) => expect(Math.abs(r.perItem[k]! - rho)).toBeLessThan((4 * (1 - rho * rho)) / Math.sqrt(n)));
    expect(r.skipped).toBe(0);
    expect(r.mean).toBeCloseTo((r.perItem[0]! + r.perItem[1]! + r.perItem[2]!) / 3, 14);
  });

  it('reproduces the masking decoupling of docs/science/feature-decoupling.md §1.2: atom ≈ +0.64, dense direction ≈ −0.33', () => {
    // x = Mz + ξ, z_j ∈ {−1,0,1} with P(z_j ≠ 0) = p, ξ ~ N(0, σ²I), σ² = r·p·d/d1 with r = 1, d/d1 = 1/8
    // (the §1.2 table row); complementary masks x⁺ = 2Dx, x⁺⁺ = 2(I−D)x. With Σ = p·MMᵀ + σ²I the exact
    // population correlation along w is wᵀ(Σ − diag Σ)w / (wᵀΣw + Σ_i w_i²Σ_ii) (derived in §1.2).
    const [d1, d, p, n] = [256, 32, 0.1, 6000];
    const sigma2 = (p * d) / d1;
    const rng = rngOf(22);
    const q = orthonormalColumns(rng, d1, d + 1);
    const atoms = (i: number, j: number) => q.data[i * (d + 1) + j]!;
    const xa = new Float64Array(n * d1);
    const xb = new Float64Array(n * d1);
    const x = new Float64Array(d1);
    for (let s = 0; s < n; s++) {
      rng.fillNormal(x, 0, Math.sqrt(sigma2));
      for (let j = 0; j < d; j++) {
        if (!rng.bernoulli(p)) continue;
        const z = rng.bernoulli(0.5) ? 1 : -1;
        for (let i = 0; i < d1; i++) x[i] = x[i]! + z * atoms(i, j);
      }
      for (let i = 0; i < d1; i++) {
        const keep = rng.bernoulli(0.5);
        xa[s * d1 + i] = keep ? 2 * x[i]! : 0;
        xb[s * d1 + i] = keep ? 0 : 2 * x[i]!;
      }
    }
    // Directions: atom M_0 and the extra orthonormal column (⟂ span(M), a "dense" direction).
    const dirs = { rows: d1, cols: 2, data: Float64Array.from({ length: 2 * d1 }, (_, t) => atoms(t >> 1, t % 2 === 0 ? 0 : d)) };
    const expected = [0, d].map((c) => {
      const w = column(q, c);
      let quad = 0; // wᵀΣw
      let diag = 0; // Σ_i w_i² Σ_ii
      const mw = Array.from({ length: d }, (_, j) => w.reduce((s, v, i) => s + v * atoms(i, j), 0));
      quad = p * mw.reduce((s, v) => s + v * v, 0) + sigma2;
      for (let i = 0; i < d1; i++) {
        let mm = 0;
        for (let j = 0; j < d; j++) mm += atoms(i, j) ** 2;
        diag += w[i]! ** 2 * (p * mm + sigma2);
      }
      return (quad - diag) / (quad + diag);
    });
    // The exact values sit next to the table's simulated 0.64 and −0.33 (d/d1 = 1/8 gives 7/11 and −1/3).
    expect(expected[0]).toBeCloseTo(7 / 11, 1);
    expect(expected[1]).toBeCloseTo(-1 / 3, 1);
    const r = crossViewCorrelationSync({ rows: n, cols: d1, data: xa }, { rows: n, cols: d1, data: xb }, dirs);
    // Sampling sd ≈ (1 − ρ²)/√n ≈ 0.008 (inflated by the sparse, heavy-tailed z): allow 0.04.
    expect(Math.abs(r.perItem[0]! - expected[0]!)).toBeLessThan(0.04);
    expect(Math.abs(r.perItem[1]! - expected[1]!)).toBeLessThan(0.04);
  });

  it('a zero direction has no defined correlation: null and skipped', () => {
    const [a, b] = correlatedPair(rngOf(23), 200, 0.7);
    const va = Array.from(a, (v) => [v, 1]);
    const vb = Array.from(b, (v) => [v, -1]);
    const r = crossViewCorrelationSync(va, vb, [
      [1, 0],
      [0, 0],
    ]);
    expect(r.perItem[1]).toBeNull();
    expect(r.skipped).toBe(1);
    expect(r.mean).toBe(r.perItem[0]);
  });

  it('names the arguments whose shapes disagree', async () => {
    await expect(
      crossViewCorrelation(
        [[1, 2]],
        [
          [1, 2],
          [3, 4],
        ],
        [[1], [0]],
      ),
    ).rejects.toThrow(/'viewB' has batch = 2 .* but 'viewA' has batch = 1/);
    await expect(
      crossViewCorrelation(
        [
          [1, 2],
          [2, 1],
        ],
        [
          [1, 2],
          [3, 4],
        ],
        [[1], [0], [0]],
      ),
    ).rejects.toThrow(/'directions' has inputDim = 3/);
    expect(() => crossViewCorrelationSync([[1, 2]], [[1, 2]], [[1], [0]])).toThrow(/at least 2 samples/);
  });
});

describe('featureCrossViewCorrelation', () => {
  it('per-feature correlation, skipping constant (dead) features and counting them', async () => {
    // Feature 0: corr 0.8; feature 1: exact copy (1); feature 2 dead in view A (all 0); feature 3: sign flip (−1).
    const n = 3000;
    const [a, b] = correlatedPair(rngOf(24), n, 0.8);
    const [c] = correlatedPair(rngOf(25), n, 0);
    const fa = Array.from({ length: n }, (_, i) => [a[i]!, c[i]!, 0, c[i]!]);
    const fb = Array.from({ length: n }, (_, i) => [b[i]!, 2 * c[i]! + 1, a[i]!, -c[i]!]);
    const r = await featureCrossViewCorrelation(fa, fb);
    expect(Math.abs(r.perItem[0]! - 0.8)).toBeLessThan((4 * 0.36) / Math.sqrt(n));
    expect(r.perItem[1]).toBeCloseTo(1, 12);
    expect(r.perItem[2]).toBeNull();
    expect(r.perItem[3]).toBeCloseTo(-1, 12);
    expect(r.skipped).toBe(1);
    expect(r.mean).toBeCloseTo((r.perItem[0]! + 1 - 1) / 3, 12);
    expect(r.min).toBeCloseTo(-1, 12);
    expect(featureCrossViewCorrelationSync(fa, fb)).toEqual(r);
    expect(() => featureCrossViewCorrelationSync(fa, [[1, 2, 3]])).toThrow(/'featB' has batch = 1/);
  });
});
