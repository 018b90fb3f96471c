import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { barlowTwinsLoss } from './barlow-twins';

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

/** Float64 port of facebookresearch/barlowtwins main.py (BatchNorm1d(affine=False), training mode). */
function barlowReference(a: Float32Array, b: Float32Array, B: number, D: number, lambda = 0.0051): number {
  const bn = (x: Float32Array) => {
    const out = new Float64Array(B * D);
    for (let j = 0; j < D; j++) {
      let mean = 0;
      for (let i = 0; i < B; i++) mean += x[i * D + j]! / B;
      let v = 0;
      for (let i = 0; i < B; i++) v += (x[i * D + j]! - mean) ** 2 / B; // biased
      for (let i = 0; i < B; i++) out[i * D + j] = (x[i * D + j]! - mean) / Math.sqrt(v + 1e-5);
    }
    return out;
  };
  const [za, zb] = [bn(a), bn(b)];
  let on = 0;
  let off = 0;
  for (let p = 0; p < D; p++) {
    for (let q = 0; q < D; q++) {
      let c = 0;
      for (let i = 0; i < B; i++) c += (za[i * D + p]! * zb[i * D + q]!) / B;
      if (p === q) on += (c - 1) ** 2;
      else off += c ** 2;
    }
  }
  return on + lambda * off;
}

// Two centred, unit-variance, uncorrelated columns over a batch of 4.
const WHITE = [1, 1, 1, -1, -1, 1, -1, -1];

describeBackends('barlowTwinsLoss', () => {
  it('closed forms: identical whitened views ⇒ ≈ 0, opposite views ⇒ Σ(−1 − 1)² = 4·dim', () => {
    const a = tf.tensor2d(WHITE, [4, 2]);
    const neg = tf.neg(a) as tf.Tensor2D;
    // c = I/(1 + 1e-5) ⇒ on-diagonal 2·(1/(1 + 1e-5) − 1)² ≈ 2e-10
    expectClose(barlowTwinsLoss(a, a), 2 * (1 / (1 + 1e-5) - 1) ** 2, { atol: 1e-7, rtol: 0 });
    expectClose(barlowTwinsLoss(a, neg), 2 * (1 / (1 + 1e-5) + 1) ** 2, { atol: 1e-4, rtol: 0 });
    tf.dispose([a, neg]);
  });

  it('matches the float64 reference (biased BN variance, eps 1e-5, c/batch, λ = 0.0051 and λ = 0.1)', () => {
    const [B, D] = [7, 4];
    const av = randn(1, B * D);
    const bv = randn(2, B * D);
    const a = tf.tensor2d(av, [B, D]);
    const b = tf.tensor2d(bv, [B, D]);
    expectClose(barlowTwinsLoss(a, b), barlowReference(av, bv, B, D), { atol: 1e-5, rtol: 1e-5 });
    expectClose(barlowTwinsLoss(a, b, { lambda: 0.1 }), barlowReference(av, bv, B, D, 0.1), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([a, b]);
  });

  it('gradient matches finite differences w.r.t. both views', () => {
    const a = tf.tensor2d(randn(3, 15), [5, 3]);
    const b = tf.tensor2d(randn(4, 15), [5, 3]);
    expectGradMatchesFiniteDiff((x) => barlowTwinsLoss(x as tf.Tensor2D, b, { lambda: 0.5 }), a, { eps: 1e-2, atol: 2e-3, rtol: 1e-2 });
    expectGradMatchesFiniteDiff((y) => barlowTwinsLoss(a, y as tf.Tensor2D, { lambda: 0.5 }), b, { eps: 1e-2, atol: 2e-3, rtol: 1e-2 });
    tf.dispose([a, b]);
  });

  it('does not leak and rejects bad input', async () => {
    const a = tf.tensor2d(randn(5, 8), [4, 2]);
    await expectNoLeak(() => barlowTwinsLoss(a, a));
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => barlowTwinsLoss(x as tf.Tensor2D, a))(a));
    const one = tf.ones([1, 2]) as tf.Tensor2D;
    expect(() => barlowTwinsLoss(one, one)).toThrow(/barlowTwinsLoss: 'a' has batch = 1, but barlowTwinsLoss needs batch ≥ 2/);
    expect(() => barlowTwinsLoss(a, tf.ones([4, 3]) as tf.Tensor2D)).toThrow(ShapeMismatchError);
    expect(() => barlowTwinsLoss(a, a, { lambda: -1 })).toThrow(InvalidArgumentError);
    tf.dispose([a, one]);
  });
});
