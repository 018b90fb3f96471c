import * as tf from '@tensorflow/tfjs-core';
import { createRng, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { cosineSimilarity } from './cosine-similarity';
import { simSiamLoss } from './sim-siam';

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

/** Float64 −(mean cos(p1, z2) + mean cos(p2, z1))/2 (main_simsiam.py). */
function simSiamReference(p1: Float32Array, z1: Float32Array, p2: Float32Array, z2: Float32Array, B: number, D: number): number {
  const cos = (x: Float32Array, y: Float32Array, i: number) => {
    let [xy, xx, yy] = [0, 0, 0];
    for (let d = 0; d < D; d++) {
      xy += x[i * D + d]! * y[i * D + d]!;
      xx += x[i * D + d]! ** 2;
      yy += y[i * D + d]! ** 2;
    }
    return xy / (Math.sqrt(xx) * Math.sqrt(yy));
  };
  let s = 0;
  for (let i = 0; i < B; i++) s += cos(p1, z2, i) + cos(p2, z1, i);
  return -s / (2 * B);
}

describeBackends('simSiamLoss', () => {
  it('−1 when predictions align with the other view’s targets, +1 when opposite (docs/science/non-contrastive.md §3.1)', () => {
    const z = tf.tensor2d(randn(1, 12), [4, 3]);
    const neg = tf.neg(z) as tf.Tensor2D;
    const scaled = tf.mul(z, 3) as tf.Tensor2D;
    expectClose(simSiamLoss(scaled, z, scaled, z), -1, { atol: 1e-6, rtol: 0 });
    expectClose(simSiamLoss(neg, z, neg, z), 1, { atol: 1e-6, rtol: 0 });
    tf.dispose([z, neg, scaled]);
  });

  it('matches float64 reference on random inputs', () => {
    const [B, D] = [5, 4];
    const v = [1, 2, 3, 4].map((s) => randn(s, B * D));
    const t = v.map((x) => tf.tensor2d(x, [B, D]));
    expectClose(simSiamLoss(t[0]!, t[1]!, t[2]!, t[3]!), simSiamReference(v[0]!, v[1]!, v[2]!, v[3]!, B, D), { atol: 1e-6, rtol: 1e-5 });
    tf.dispose(t);
  });

  it('stop-gradient really stops: ∂L/∂z1 = ∂L/∂z2 = 0 exactly, ∂L/∂p matches finite differences', () => {
    const [B, D] = [4, 3];
    const t = [5, 6, 7, 8].map((s) => tf.tensor2d(randn(s, B * D), [B, D]));
    const [p1, z1, p2, z2] = t as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      simSiamLoss(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D),
    )([p1, z1, p2, z2]);
    expect(Array.from(grads[1]!.dataSync()).every((g) => g === 0)).toBe(true);
    expect(Array.from(grads[3]!.dataSync()).every((g) => g === 0)).toBe(true);
    // Without the stop-gradient the same expression does depend on z (the test can fail).
    const free = tf.grad((z: tf.Tensor) => tf.mean(cosineSimilarity(p1, z as tf.Tensor2D)))(z2);
    expect(Math.max(...Array.from(free.dataSync()).map(Math.abs))).toBeGreaterThan(1e-3);
    expectGradMatchesFiniteDiff((p) => simSiamLoss(p as tf.Tensor2D, z1, p2, z2), p1, { eps: 1e-3, atol: 1e-3, rtol: 5e-3 });
    expectGradMatchesFiniteDiff((p) => simSiamLoss(p1, z1, p as tf.Tensor2D, z2), p2, { eps: 1e-3, atol: 1e-3, rtol: 5e-3 });
    tf.dispose([...t, ...grads, free]);
  });

  it('does not leak and rejects mismatched shapes', async () => {
    const a = tf.tensor2d(randn(9, 6), [2, 3]);
    const b = tf.ones([3, 3]) as tf.Tensor2D;
    await expectNoLeak(() => simSiamLoss(a, a, a, a));
    await expectNoLeak(() =>
      tf.grads((x: tf.Tensor, z: tf.Tensor) => simSiamLoss(x as tf.Tensor2D, z as tf.Tensor2D, x as tf.Tensor2D, z as tf.Tensor2D))([a, a]),
    );
    expect(() => simSiamLoss(a, a, a, b)).toThrow(ShapeMismatchError);
    expect(() => simSiamLoss(a, a, a, b)).toThrow(/simSiamLoss: 'z2' has batch = 3/);
    tf.dispose([a, b]);
  });
});
