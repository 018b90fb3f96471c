import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { complementaryMask } from './complementary-mask';

// complementaryMask away from q = ½ (where 1/q = 1/(1 − q) hides a swapped scale) and with more
// than two views, against the definition in docs/science/feature-decoupling.md §1.2:
// x⁺ = Dx/q, x⁺⁺ = (I − D)x/(1 − q), D_i ~ Bernoulli(q); V > 2: a random partition, views × V.
const B = 400;
const d = 50;
const ones = () => tf.ones([B, d]) as tf.Tensor2D;
const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);

describeBackends('complementaryMask beyond q = ½', () => {
  it('q = 0.3: entries are 0 or 1/q in view 1, 0 or 1/(1 − q) in view 2, complementary, P(kept) = q', () => {
    const q = 0.3;
    const [v1, v2] = complementaryMask({ keepProb: q, seed: 1 })
      .apply(ones())
      .map((t) => {
        const a = t.dataSync().slice();
        t.dispose();
        return a;
      }) as [Float32Array, Float32Array];
    let kept = 0;
    // Count the violations (one expect per rule, not per entry: 20 000 expects cost seconds).
    const bad = { v1: 0, v2: 0, both: 0, mean: 0 };
    for (let i = 0; i < B * d; i++) {
      if (v1[i] !== 0 && v1[i] !== Math.fround(1 / q)) bad.v1++;
      if (v2[i] !== 0 && v2[i] !== Math.fround(1 / (1 - q))) bad.v2++;
      // Exactly one view holds each coordinate, and q·x⁺ + (1 − q)·x⁺⁺ = x.
      if ((v1[i]! > 0 ? 1 : 0) + (v2[i]! > 0 ? 1 : 0) !== 1) bad.both++;
      if (Math.abs(q * v1[i]! + (1 - q) * v2[i]! - 1) > 5e-7) bad.mean++;
      if (v1[i]! > 0) kept++;
    }
    expect(bad).toEqual({ v1: 0, v2: 0, both: 0, mean: 0 });
    expect(Math.abs(kept / (B * d) - q)).toBeLessThan(4 * se(q, B * d));
  });

  it('q = 0.3, rescale false: views are the raw masked entries', () => {
    const [v1, v2] = complementaryMask({ keepProb: 0.3, rescale: false, seed: 2 }).apply(ones());
    const a = v1!.dataSync();
    const b = v2!.dataSync();
    let bad = 0;
    for (let i = 0; i < a.length; i++) if (a[i]! + b[i]! !== 1 || a[i]! * b[i]! !== 0) bad++;
    expect(bad).toBe(0);
    tf.dispose([v1, v2]);
  });

  it('transform at q = 0.3 draws one view Dx/q (scale 1/q, not 1/(1 − q)) with E = x', () => {
    const q = 0.3;
    const t = complementaryMask({ keepProb: q, seed: 3 }).transform(ones());
    const v = t.dataSync();
    let sum = 0;
    let bad = 0;
    for (let i = 0; i < v.length; i++) {
      if (v[i] !== 0 && v[i] !== Math.fround(1 / q)) bad++;
      sum += v[i]!;
    }
    expect(bad).toBe(0);
    // mean of (1/q)·Bernoulli(q) is 1 with standard error √(q(1 − q)/n)/q.
    expect(Math.abs(sum / v.length - 1)).toBeLessThan((4 * se(q, v.length)) / q);
    t.dispose();
  });

  it('cross-view covariance is Σ − diag Σ for any q (here Σ = 11ᵀ: off-diagonal 1, diagonal 0)', () => {
    const q = 0.3;
    const n = 6000;
    const k = 4;
    // u = a·1 with a ~ N(0, 1): every coordinate pair has covariance 1.
    const a = createRng(9).fillNormal(new Float32Array(n));
    const u = tf.tidy(() => tf.mul(tf.tensor2d(a, [n, 1]), tf.ones([1, k])) as tf.Tensor2D);
    const [x1, x2] = complementaryMask({ keepProb: q, seed: 4 }).apply(u);
    const p = x1!.dataSync();
    const r = x2!.dataSync();
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let c = 0;
        for (let s = 0; s < n; s++) c += p[s * k + i]! * r[s * k + j]!;
        c /= n;
        // Var of the product is E[a⁴]·E[D²]E[(1−D)²]/(q²(1−q)²) ≈ 3/(q(1−q)) = 14.3 ⇒ se ≈ 0.05.
        expect(Math.abs(c - (i === j ? 0 : 1)), `cov[${i},${j}] = ${c}`).toBeLessThan(0.2);
        if (i === j) expect(c).toBe(0);
      }
    }
    tf.dispose([u, x1, x2]);
  });

  for (const [views, rescale] of [
    [3, false],
    [4, true],
  ] as const) {
    it(`views = ${views}, rescale ${rescale}: a random partition, each view scaled by ${rescale ? views : 1}, shares ≈ 1/${views}`, () => {
      const out = complementaryMask({ views, rescale, seed: 5 }).apply(ones());
      expect(out).toHaveLength(views);
      const data = out.map((t) => t.dataSync());
      const scale = rescale ? views : 1;
      const counts = new Array(views).fill(0);
      let bad = 0;
      for (let i = 0; i < B * d; i++) {
        const holders = data.filter((v) => v[i] !== 0);
        if (holders.length !== 1 || holders[0]![i] !== scale) bad++;
        counts[data.findIndex((v) => v[i] !== 0)]++;
      }
      expect(bad, 'entries not held by exactly one view at the scale').toBe(0);
      for (const c of counts) expect(Math.abs(c / (B * d) - 1 / views)).toBeLessThan(4 * se(1 / views, B * d));
      tf.dispose(out);
    });
  }
});
