import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { vicRegLoss } from './vic-reg';

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

/** Float64 port of facebookresearch/vicreg main_vicreg.py VICReg.forward (one device). */
function vicRegReference(a: Float32Array, b: Float32Array, B: number, D: number, [sim, std, cov] = [25, 25, 1]): number {
  let repr = 0;
  for (let k = 0; k < B * D; k++) repr += (a[k]! - b[k]!) ** 2 / (B * D);
  const terms = (x: Float32Array) => {
    const xc = new Float64Array(B * D);
    for (let j = 0; j < D; j++) {
      let mean = 0;
      for (let i = 0; i < B; i++) mean += x[i * D + j]! / B;
      for (let i = 0; i < B; i++) xc[i * D + j] = x[i * D + j]! - mean;
    }
    let stdLoss = 0;
    let covLoss = 0;
    for (let p = 0; p < D; p++) {
      for (let q = 0; q < D; q++) {
        let c = 0;
        for (let i = 0; i < B; i++) c += (xc[i * D + p]! * xc[i * D + q]!) / (B - 1); // unbiased
        if (p === q) stdLoss += Math.max(0, 1 - Math.sqrt(c + 1e-4)) / D;
        else covLoss += c ** 2 / D;
      }
    }
    return [stdLoss / 2, covLoss];
  };
  const [sa, ca] = terms(a);
  const [sb, cb] = terms(b);
  return sim * repr + std * (sa! + sb!) + cov * (ca! + cb!);
}

describeBackends('vicRegLoss', () => {
  it('closed forms: identical whitened views ⇒ 0; collapsed views ⇒ 25·(1 − sqrt(1e-4)) = 24.75', () => {
    // Columns ±1 over 4 rows: unbiased var 4/3 (std > 1, no hinge), uncorrelated, a = b.
    const a = tf.tensor2d([1, 1, 1, -1, -1, 1, -1, -1], [4, 2]);
    expectClose(vicRegLoss(a, a), 0, { atol: 1e-6, rtol: 0 });
    const c = tf.ones([4, 2]) as tf.Tensor2D;
    // std = sqrt(0 + 1e-4) = 0.01 in every dim: variance term = 2 · (0.99)/2, times μ = 25.
    expectClose(vicRegLoss(c, c), 25 * 0.99, { atol: 1e-4, rtol: 0 });
    tf.dispose([a, c]);
  });

  it('matches the float64 reference (unbiased variance, eps 1e-4 inside the sqrt, off-diag cov / dim)', () => {
    const [B, D] = [6, 4];
    const av = randn(1, B * D).map((v) => 0.3 * v);
    const bv = randn(2, B * D).map((v) => 0.3 * v); // std < 1: the variance hinge is active
    const a = tf.tensor2d(av, [B, D]);
    const b = tf.tensor2d(bv, [B, D]);
    expectClose(vicRegLoss(a, b), vicRegReference(av, bv, B, D), { atol: 1e-5, rtol: 1e-5 });
    expectClose(vicRegLoss(a, b, { invariance: 1, variance: 2, covariance: 3 }), vicRegReference(av, bv, B, D, [1, 2, 3]), {
      atol: 1e-5,
      rtol: 1e-5,
    });
    tf.dispose([a, b]);
  });

  it('gradient matches finite differences w.r.t. both views', () => {
    const a = tf.tensor2d(
      randn(3, 15).map((v) => 0.5 * v),
      [5, 3],
    );
    const b = tf.tensor2d(
      randn(4, 15).map((v) => 0.5 * v),
      [5, 3],
    );
    expectGradMatchesFiniteDiff((x) => vicRegLoss(x as tf.Tensor2D, b), a, { eps: 1e-2, atol: 5e-3, rtol: 1e-2 });
    expectGradMatchesFiniteDiff((y) => vicRegLoss(a, y as tf.Tensor2D, { covariance: 5 }), b, { eps: 1e-2, atol: 5e-3, rtol: 1e-2 });
    tf.dispose([a, b]);
  });

  it('does not leak and rejects bad input', async () => {
    const a = tf.tensor2d(randn(5, 8), [4, 2]);
    await expectNoLeak(() => vicRegLoss(a, a));
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => vicRegLoss(x as tf.Tensor2D, a))(a));
    const one = tf.ones([1, 2]) as tf.Tensor2D;
    expect(() => vicRegLoss(one, one)).toThrow(/vicRegLoss: 'a' has batch = 1/);
    expect(() => vicRegLoss(a, tf.ones([3, 2]) as tf.Tensor2D)).toThrow(ShapeMismatchError);
    expect(() => vicRegLoss(a, a, { variance: -1 })).toThrow(InvalidArgumentError);
    expect(() => vicRegLoss(a, a, { variance: -1 })).toThrow(/options\.variance/);
    tf.dispose([a, one]);
  });
});
