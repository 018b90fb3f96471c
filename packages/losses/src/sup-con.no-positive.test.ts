import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@contrastive/core';
import { describeBackends, expectGradMatchesFiniteDiff } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { supConLoss } from './sup-con';

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

// Anchors without a positive contribute 0 to the loss but still sit in every other anchor's
// denominator (SupContrast PR #142: the mean over anchors keeps them). Their gradient is therefore
// not zero, and must match central finite differences for both L_out (Eq. 2) and L_in (Eq. 3).
describeBackends('supConLoss gradients with anchors that have no positive', () => {
  it('V = 1 with unique labels (anchors 0 and 3 have no positive): finite differences, out and in', () => {
    const x = tf.tensor3d(randn(3, 4 * 1 * 3), [4, 1, 3]);
    for (const variant of ['out', 'in'] as const) {
      const f = (t: tf.Tensor) => supConLoss(t as tf.Tensor3D, { labels: [0, 1, 1, 3], temperature: 0.6, variant });
      expectGradMatchesFiniteDiff(f, x, { eps: 1e-2, atol: 1e-3, rtol: 5e-3 });
      // The no-positive anchors still receive gradient through the other anchors' denominators.
      const g = tf.tidy(() => tf.grad(f)(x).arraySync() as number[][][]);
      expect(Math.hypot(...g[0]![0]!)).toBeGreaterThan(1e-4);
      expect(Math.hypot(...g[3]![0]!)).toBeGreaterThan(1e-4);
    }
    x.dispose();
  });

  it('V = 2 with a mask whose row 1 is all zero (no positive, not even the other view): out and in, raw features', () => {
    const x = tf.tensor3d(randn(4, 3 * 2 * 4), [3, 2, 4]);
    const mask = tf.tensor2d([1, 0, 1, 0, 0, 0, 0, 1, 1], [3, 3]);
    for (const variant of ['out', 'in'] as const) {
      for (const normalize of [true, false]) {
        expectGradMatchesFiniteDiff((t) => supConLoss(t as tf.Tensor3D, { mask, temperature: 0.9, variant, normalize }), x, {
          eps: 1e-2,
          atol: 1e-3,
          rtol: 5e-3,
        });
      }
    }
    tf.dispose([x, mask]);
  });

  it('every anchor without a positive: the loss is exactly 0 and so is the gradient', () => {
    const x = tf.tensor3d(randn(5, 4 * 1 * 3), [4, 1, 3]);
    for (const variant of ['out', 'in'] as const) {
      const f = (t: tf.Tensor) => supConLoss(t as tf.Tensor3D, { labels: [0, 1, 2, 3], variant });
      expect(tf.tidy(() => f(x).dataSync()[0])).toBe(0);
      const g = tf.tidy(() => Array.from(tf.grad(f)(x).dataSync()));
      expect(g.every((v) => v === 0)).toBe(true);
    }
    x.dispose();
  });
});
