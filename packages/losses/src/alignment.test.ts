import * as tf from '@tensorflow/tfjs-core';
import { createRng, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { alignmentLoss } from './alignment';

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

/** Rows of a [n, d] Gaussian draw scaled to unit norm: uniform on S^{d−1}. */
function unitRows(seed: number, n: number, d: number): Float32Array {
  const x = randn(seed, n * d);
  for (let i = 0; i < n; i++) {
    const r = x.subarray(i * d, (i + 1) * d);
    const s = Math.hypot(...r);
    for (let k = 0; k < d; k++) r[k] = r[k]! / s;
  }
  return x;
}

describeBackends('alignmentLoss', () => {
  it('matches align_loss = mean ‖a − b‖^α (float64) for α = 2, 1, 3, without normalising', () => {
    const [B, D] = [5, 3];
    const av = randn(1, B * D);
    const bv = randn(2, B * D);
    const a = tf.tensor2d(av, [B, D]);
    const b = tf.tensor2d(bv, [B, D]);
    for (const alpha of [2, 1, 3]) {
      let ref = 0;
      for (let i = 0; i < B; i++) {
        let s = 0;
        for (let d = 0; d < D; d++) s += (av[i * D + d]! - bv[i * D + d]!) ** 2;
        ref += Math.sqrt(s) ** alpha / B;
      }
      expectClose(alignmentLoss(a, b, { alpha }), ref, { atol: 1e-5, rtol: 1e-5 });
    }
    tf.dispose([a, b]);
  });

  it('L_align(x, x) = 0 with a finite (zero) gradient even for α = 1; ≈ 2 for independent unit vectors (docs/science/alignment-uniformity.md §6)', () => {
    const x = tf.tensor2d(randn(3, 12), [4, 3]);
    expectClose(alignmentLoss(x, x), 0, { atol: 0, rtol: 0 });
    const g = tf.grad((t: tf.Tensor) => alignmentLoss(t as tf.Tensor2D, x, { alpha: 1 }))(x);
    expect(Array.from(g.dataSync())).toEqual(new Array(12).fill(0));
    // E‖x − y‖² = 2 − 2E[x·y] = 2; std of the mean over 2000 pairs ≈ 2·0.088/√2000 = 0.004.
    const a = tf.tensor2d(unitRows(4, 2000, 128), [2000, 128]);
    const b = tf.tensor2d(unitRows(5, 2000, 128), [2000, 128]);
    expectClose(alignmentLoss(a, b), 2, { atol: 0.02, rtol: 0 });
    tf.dispose([x, g, a, b]);
  });

  it('closed-form gradient matches finite differences and tfjs autograd', () => {
    const a = tf.tensor2d(randn(6, 12), [4, 3]);
    const b = tf.tensor2d(randn(7, 12), [4, 3]);
    for (const alpha of [2, 1.5, 3]) {
      expectGradMatchesFiniteDiff((x) => alignmentLoss(x as tf.Tensor2D, b, { alpha }), a, { eps: 1e-3, atol: 1e-3, rtol: 5e-3 });
      expectGradMatchesFiniteDiff((y) => alignmentLoss(a, y as tf.Tensor2D, { alpha }), b, { eps: 1e-3, atol: 1e-3, rtol: 5e-3 });
      const ours = tf.grad((x: tf.Tensor) => alignmentLoss(x as tf.Tensor2D, b, { alpha }))(a);
      const auto = tf.grad((x: tf.Tensor) => tf.mean(tf.pow(tf.norm(tf.sub(x, b), 'euclidean', 1), alpha)))(a);
      expectClose(ours, auto, { atol: 1e-5, rtol: 1e-4 });
      tf.dispose([ours, auto]);
    }
    tf.dispose([a, b]);
  });

  it('does not leak and rejects bad input', async () => {
    const a = tf.tensor2d(randn(8, 6), [2, 3]);
    await expectNoLeak(() => alignmentLoss(a, a, { alpha: 1 }));
    await expectNoLeak(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => alignmentLoss(x as tf.Tensor2D, y as tf.Tensor2D))([a, a]));
    expect(() => alignmentLoss(a, tf.ones([3, 3]) as tf.Tensor2D)).toThrow(ShapeMismatchError);
    expect(() => alignmentLoss(a, a, { alpha: 0 })).toThrow(/alignmentLoss: invalid argument 'options\.alpha'/);
    a.dispose();
  });
});
