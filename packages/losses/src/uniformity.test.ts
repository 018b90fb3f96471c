import * as tf from '@tensorflow/tfjs-core';
import { createRng, NonFiniteValueError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { uniformityLoss } from './uniformity';

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

/** Float64 `torch.pdist(x).pow(2).mul(-t).exp().mean().log()` (pairs i < j). */
function uniformReference(x: Float32Array, B: number, D: number, t: number): number {
  let s = 0;
  for (let i = 0; i < B; i++) {
    for (let j = i + 1; j < B; j++) {
      let d2 = 0;
      for (let k = 0; k < D; k++) d2 += (x[i * D + k]! - x[j * D + k]!) ** 2;
      s += Math.exp(-t * d2);
    }
  }
  return Math.log(s / ((B * (B - 1)) / 2));
}

/** Plain tfjs ops (autograd) over explicit differences. */
function uniformAutograd(x: tf.Tensor2D, t: number): tf.Scalar {
  const [B] = x.shape;
  const diff = tf.sub(tf.expandDims(x, 1), tf.expandDims(x, 0)); // [B, B, D]
  const w = tf.exp(tf.mul(tf.sum(tf.square(diff), 2), -t));
  const off = tf.sub(1, tf.eye(B));
  return tf.log(tf.div(tf.sum(tf.mul(w, off)), B * (B - 1))) as tf.Scalar;
}

describeBackends('uniformityLoss', () => {
  it('matches the float64 pdist reference, without normalising, for t = 2 and t = 0.5', () => {
    const [B, D] = [6, 3];
    const xv = randn(1, B * D).map((v) => 0.5 * v);
    const x = tf.tensor2d(xv, [B, D]);
    expectClose(uniformityLoss(x), uniformReference(xv, B, D, 2), { atol: 1e-5, rtol: 1e-5 });
    expectClose(uniformityLoss(x, { t: 0.5 }), uniformReference(xv, B, D, 0.5), { atol: 1e-5, rtol: 1e-5 });
    x.dispose();
  });

  it('collapsed features ⇒ 0; uniform on S^127 ⇒ −4 + log ₀F₁(;64;4) = −3.938 (docs/science/alignment-uniformity.md §6)', () => {
    const c = tf.tensor2d(new Array(8 * 4).fill(0.5), [8, 4]);
    expectClose(uniformityLoss(c), 0, { atol: 1e-5, rtol: 0 });
    const [B, D] = [512, 128];
    const x = randn(2, B * D);
    for (let i = 0; i < B; i++) {
      const r = x.subarray(i * D, (i + 1) * D);
      const s = Math.hypot(...r);
      for (let k = 0; k < D; k++) r[k] = r[k]! / s;
    }
    const u = tf.tensor2d(x, [B, D]);
    // E exp(−2‖x − y‖²) = e^{−4}·E e^{4c}, c = x·y; E e^{4c} = 1 + 16/(2·128) + 256/(8·128·130) + … = 1.0644.
    const expected = -4 + Math.log(1 + 16 / 256 + 256 / (8 * 128 * 130));
    expectClose(uniformityLoss(u), expected, { atol: 0.03, rtol: 0 });
    expect(uniformityLoss(u).dataSync()[0]!).toBeLessThan(-3.85);
    tf.dispose([c, u]);
  });

  it('stays finite where exp underflows (far-apart points, t = 50)', () => {
    const x = tf.tensor2d([0, 0, 10, 0, 0, 10], [3, 2]);
    // pairs: ‖·‖² = 100, 100, 200 ⇒ log((2e^{−5000} + e^{−10000})/3) = −5000 + log(2/3)
    expectClose(uniformityLoss(x, { t: 50 }), -5000 + Math.log(2 / 3), { atol: 1e-2, rtol: 0 });
    const g = tf.grad((t: tf.Tensor) => uniformityLoss(t as tf.Tensor2D, { t: 50 }))(x);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, g]);
  });

  it('closed-form gradient matches finite differences and tfjs autograd of explicit differences', () => {
    const x = tf.tensor2d(
      randn(3, 15).map((v) => 0.5 * v),
      [5, 3],
    );
    expectGradMatchesFiniteDiff((t) => uniformityLoss(t as tf.Tensor2D), x, { eps: 1e-3, atol: 1e-3, rtol: 5e-3 });
    const ours = tf.grad((t: tf.Tensor) => uniformityLoss(t as tf.Tensor2D, { t: 1.5 }))(x);
    const auto = tf.grad((t: tf.Tensor) => uniformAutograd(t as tf.Tensor2D, 1.5))(x);
    expectClose(ours, auto, { atol: 1e-5, rtol: 1e-4 });
    tf.dispose([x, ours, auto]);
  });

  it('does not leak and rejects bad input', async () => {
    const x = tf.tensor2d(randn(4, 12), [4, 3]);
    await expectNoLeak(() => uniformityLoss(x));
    await expectNoLeak(() => tf.grad((t: tf.Tensor) => uniformityLoss(t as tf.Tensor2D))(x));
    const one = tf.ones([1, 3]) as tf.Tensor2D;
    expect(() => uniformityLoss(one)).toThrow(/uniformityLoss: 'x' has batch = 1, but uniformityLoss needs batch ≥ 2/);
    expect(() =>
      uniformityLoss(
        tf.tensor2d([
          [1, NaN],
          [0, 0],
        ]),
      ),
    ).toThrow(NonFiniteValueError);
    expect(() => uniformityLoss(x, { t: 0 })).toThrow(/options\.t/);
    expect(() => uniformityLoss(tf.ones([2, 2, 2]) as unknown as tf.Tensor2D)).toThrow(/'x' must be rank 2/);
    tf.dispose([x, one]);
  });

  it('self pairs stay excluded for raw distances beyond 1e9 (they were pushed to −1e9 before)', () => {
    // Distinct pairs: d² = 1e10, 9e10, 4e10 ⇒ log mean exp(−d²) = −1e10 + log(1/3) (the others underflow).
    const x = tf.tensor2d([0, 1e5, 3e5], [3, 1]);
    expectClose(uniformityLoss(x, { t: 1 }), -1e10 + Math.log(1 / 3), { rtol: 1e-6, atol: 0 });
    x.dispose();
  });
});
