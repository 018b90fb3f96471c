import { describe, expect, it } from 'vitest';
import { linearProbeSync } from './linear-probe';
import { gaussianBlobs } from './test-fixtures';

describe('linearProbe: standardisation and the L2 optimum', () => {
  const all = gaussianBlobs(1, 600, 6, 3, 1.5);
  const train = { x: all.x.slice(0, 300), y: all.y.slice(0, 300) };
  const test = { x: all.x.slice(300), y: all.y.slice(300) };
  // Per-feature scales spanning 6 orders of magnitude and large shifts.
  const scale = [1e-3, 1, 250, 1e3, 0.02, 7];
  const shift = [5, -300, 1e4, 0, -2, 0.5];
  const affine = (x: number[][]) => x.map((row) => row.map((v, j) => v * scale[j]! + shift[j]!));

  it('with standardize (default) the probe is invariant to per-feature scale and shift', () => {
    const a = linearProbeSync(train.x, train.y, test.x, test.y);
    const b = linearProbeSync(affine(train.x), train.y, affine(test.x), test.y);
    expect(b.testPredictions).toEqual(a.testPredictions);
    expect(b.trainLoss).toBeCloseTo(a.trainLoss, 6);
    expect(b.testAccuracy).toBe(a.testAccuracy);
    // The data are informative: well above chance 1/3.
    expect(a.testAccuracy).toBeGreaterThan(0.6);
  });

  it('without standardize the same transform changes the fit (the invariance above is the standardisation’s doing)', () => {
    const a = linearProbeSync(train.x, train.y, test.x, test.y, { standardize: false });
    const b = linearProbeSync(affine(train.x), train.y, affine(test.x), test.y, { standardize: false });
    expect(Math.abs(b.trainLoss - a.trainLoss)).toBeGreaterThan(1e-3);
  });

  it('reaches the L2-regularised optimum of a problem solved in closed form', () => {
    // Two classes, one feature x = ±1 (standardize: false), class-balanced, P(y = 1 | x = +1) = q =
    // P(y = 0 | x = −1). By symmetry the optimal weights are w₁ = −w₀ = Δ/2 with zero biases, and the
    // objective is g(Δ) = q·log(1 + e^(−Δ)) + (1 − q)·log(1 + e^(Δ)) + (λ/2)(w₀² + w₁²)
    //                   = … + λΔ²/4, so Δ* solves −q·σ(−Δ) + (1 − q)·σ(Δ) + λΔ/2 = 0.
    const q = 0.75;
    const lambda = 0.5;
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      const positive = i < 200;
      const agree = i % 200 < 200 * q;
      x.push([positive ? 1 : -1]);
      y.push(positive === agree ? 1 : 0);
    }
    const sigma = (t: number) => 1 / (1 + Math.exp(-t));
    const dg = (d: number) => -q * sigma(-d) + (1 - q) * sigma(d) + (lambda * d) / 2;
    let lo = 0;
    let hi = 10;
    for (let k = 0; k < 200; k++) {
      const mid = (lo + hi) / 2;
      if (dg(mid) > 0) hi = mid;
      else lo = mid;
    }
    const d = (lo + hi) / 2;
    const optimum = q * Math.log1p(Math.exp(-d)) + (1 - q) * Math.log1p(Math.exp(d)) + (lambda * d * d) / 4;
    const r = linearProbeSync(x, y, x, y, { standardize: false, l2: lambda, epochs: 500, tolerance: 1e-10 });
    expect(r.trainLoss).toBeCloseTo(optimum, 7);
    // Without the penalty the optimum is Δ = log(q/(1 − q)) and a lower loss: the two are far apart.
    const unregularised = q * Math.log1p((1 - q) / q) + (1 - q) * Math.log1p(q / (1 - q));
    expect(optimum - unregularised).toBeGreaterThan(0.05);
    expect(r.trainAccuracy).toBeCloseTo(q, 12);
  });

  it('defaults: 100 L-BFGS iterations at most, l2 = 1e-4, standardised features', () => {
    // The same fit with the defaults spelled out gives the same numbers.
    const a = linearProbeSync(train.x, train.y, test.x, test.y);
    const b = linearProbeSync(train.x, train.y, test.x, test.y, {
      epochs: 100,
      solver: 'lbfgs',
      l2: 1e-4,
      standardize: true,
      tolerance: 1e-6,
    });
    expect(b.trainLoss).toBe(a.trainLoss);
    expect(a.iterations).toBeLessThanOrEqual(100);
  });
});
