import * as tf from '@tensorflow/tfjs-core';
import { createRng, NonFiniteValueError, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { byolLoss } from './byol';

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

/** Float64 deepmind-research byol: mean_i (2 − 2cos(q1_i, t2_i)) + (2 − 2cos(q2_i, t1_i)). */
function byolReference(q1: Float32Array, t2: Float32Array, q2: Float32Array, t1: Float32Array, B: number, D: number): number {
  const reg = (x: Float32Array, y: Float32Array, i: number) => {
    const nx = Math.sqrt(
      Math.max(
        x.subarray(i * D, (i + 1) * D).reduce((s, v) => s + v * v, 0),
        1e-12,
      ),
    );
    const ny = Math.sqrt(
      Math.max(
        y.subarray(i * D, (i + 1) * D).reduce((s, v) => s + v * v, 0),
        1e-12,
      ),
    );
    let s = 0;
    for (let d = 0; d < D; d++) s += (x[i * D + d]! / nx - y[i * D + d]! / ny) ** 2;
    return s;
  };
  let total = 0;
  for (let i = 0; i < B; i++) total += reg(q1, t2, i) + reg(q2, t1, i);
  return total / B;
}

describeBackends('byolLoss', () => {
  it('0 when predictions point along their targets, 8 when opposite (two summed 2 − 2cos terms)', () => {
    const t = tf.tensor2d(randn(1, 12), [4, 3]);
    const q = tf.mul(t, 2.5) as tf.Tensor2D;
    const neg = tf.neg(t) as tf.Tensor2D;
    expectClose(byolLoss(q, t, q, t), 0, { atol: 1e-6, rtol: 0 });
    expectClose(byolLoss(neg, t, neg, t), 8, { atol: 1e-5, rtol: 0 });
    tf.dispose([t, q, neg]);
  });

  it('matches the float64 deepmind-research regression_loss on random inputs', () => {
    const [B, D] = [6, 5];
    const v = [2, 3, 4, 5].map((s) => randn(s, B * D));
    const t = v.map((x) => tf.tensor2d(x, [B, D]));
    expectClose(byolLoss(t[0]!, t[1]!, t[2]!, t[3]!), byolReference(v[0]!, v[1]!, v[2]!, v[3]!, B, D), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose(t);
  });

  it('targets are constants (zero gradient); online gradients match finite differences', () => {
    const t = [6, 7, 8, 9].map((s) => tf.tensor2d(randn(s, 12), [4, 3]));
    const [q1, t2, q2, t1] = t as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      byolLoss(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D),
    )([q1, t2, q2, t1]);
    expect(Array.from(grads[1]!.dataSync()).every((g) => g === 0)).toBe(true);
    expect(Array.from(grads[3]!.dataSync()).every((g) => g === 0)).toBe(true);
    expect(Math.max(...Array.from(grads[0]!.dataSync()).map(Math.abs))).toBeGreaterThan(1e-3);
    expectGradMatchesFiniteDiff((x) => byolLoss(x as tf.Tensor2D, t2, q2, t1), q1, { eps: 1e-3, atol: 1e-3, rtol: 5e-3 });
    expectGradMatchesFiniteDiff((x) => byolLoss(q1, t2, x as tf.Tensor2D, t1), q2, { eps: 1e-3, atol: 1e-3, rtol: 5e-3 });
    tf.dispose([...t, ...grads]);
  });

  it('does not leak and rejects bad input', async () => {
    const a = tf.tensor2d(randn(10, 6), [2, 3]);
    const nan = tf.tensor2d([1, 2, NaN, 4, 5, 6], [2, 3]);
    const d4 = tf.ones([2, 4]) as tf.Tensor2D;
    await expectNoLeak(() => byolLoss(a, a, a, a));
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => byolLoss(x as tf.Tensor2D, a, x as tf.Tensor2D, a))(a));
    expect(() => byolLoss(a, d4, a, a)).toThrow(ShapeMismatchError);
    expect(() => byolLoss(a, a, a, nan)).toThrow(NonFiniteValueError);
    expect(() => byolLoss(a, a, a, nan)).toThrow(/byolLoss: 't1' contains NaN/);
    tf.dispose([a, nan, d4]);
  });
});
