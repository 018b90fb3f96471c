import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { l2Normalize } from './l2-normalize';

describeBackends('l2Normalize', () => {
  it('equals x / max(‖x‖, eps) (F.normalize) along the last axis or a given axis; zero rows stay 0', () => {
    const x = tf.tensor2d([3, 4, 0, 0, 1, -1], [3, 2]);
    expectClose(l2Normalize(x), [0.6, 0.8, 0, 0, Math.SQRT1_2, -Math.SQRT1_2], { atol: 1e-6, rtol: 0 });
    // axis 0: columns [3, 0, 1] and [4, 0, −1]
    const c0 = Math.hypot(3, 0, 1);
    const c1 = Math.hypot(4, 0, -1);
    expectClose(l2Normalize(x, 0), [3 / c0, 4 / c1, 0, 0, 1 / c0, -1 / c1], { atol: 1e-6, rtol: 0 });
    // Clamped norm: ‖(0.3, 0.4)‖ = 0.5 < eps = 2 ⇒ x / 2.
    expectClose(l2Normalize(tf.tensor1d([0.3, 0.4]), -1, 2), [0.15, 0.2], { atol: 1e-7, rtol: 0 });
    x.dispose();
  });

  it('closed-form gradient matches finite differences, including where the norm is clamped', () => {
    const x = tf.tensor2d(createRng(1).fillNormal(new Float32Array(12)), [4, 3]);
    const w = tf.tensor2d(createRng(2).fillNormal(new Float32Array(12)), [4, 3]);
    expectGradMatchesFiniteDiff((t) => tf.sum(tf.mul(l2Normalize(t as tf.Tensor2D), w)), x, { eps: 1e-3, atol: 1e-3, rtol: 5e-3 });
    expectGradMatchesFiniteDiff((t) => tf.sum(tf.mul(l2Normalize(t as tf.Tensor2D, 0), w)), x, { eps: 1e-3, atol: 1e-3, rtol: 5e-3 });
    const small = tf.tensor2d([0.1, 0.2, 3, 1], [2, 2]); // row 0 clamped at eps = 1, row 1 not
    const w2 = tf.tensor2d([1, -2, 0.5, 1], [2, 2]);
    expectGradMatchesFiniteDiff((t) => tf.sum(tf.mul(l2Normalize(t as tf.Tensor2D, -1, 1), w2)), small, {
      eps: 1e-3,
      atol: 1e-3,
      rtol: 5e-3,
    });
    tf.dispose([x, w, small, w2]);
  });

  it('gradient equals autograd of x / ‖x‖ for non-zero rows, and is finite for a zero row', () => {
    const x = tf.tensor2d(createRng(3).fillNormal(new Float32Array(15)), [5, 3]);
    const w = tf.tensor2d(createRng(4).fillNormal(new Float32Array(15)), [5, 3]);
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(l2Normalize(t), w)))(x);
    const auto = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.div(t, tf.norm(t, 'euclidean', -1, true)), w)))(x);
    expectClose(ours, auto, { atol: 1e-5, rtol: 1e-4 });
    const zero = tf.zeros([2, 3]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(l2Normalize(t, -1, 1e-6), tf.ones([2, 3]))))(zero);
    expectClose(g, new Array(6).fill(1e6), { atol: 0, rtol: 1e-5 }); // dy / eps where the norm is clamped
    tf.dispose([x, w, ours, auto, zero, g]);
  });

  it('does not leak tensors', async () => {
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    await expectNoLeak(() => l2Normalize(x));
    await expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(l2Normalize(t)))(x));
    x.dispose();
  });

  it('throws clear errors for bad arguments', () => {
    const x = tf.ones([2, 2]);
    expect(() => l2Normalize(x, 2)).toThrow(InvalidArgumentError);
    expect(() => l2Normalize(x, 2)).toThrow(/l2Normalize: invalid argument 'axis'/);
    expect(() => l2Normalize(x, -1, 0)).toThrow(/'eps'/);
    expect(() => l2Normalize([1, 2] as unknown as tf.Tensor)).toThrow(/a tf.Tensor/);
    x.dispose();
  });
});
