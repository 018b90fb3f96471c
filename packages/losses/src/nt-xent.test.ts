import * as tf from '@tensorflow/tfjs-core';
import { createRng, NonFiniteValueError, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { ntXentLoss } from './nt-xent';
import { supConLoss } from './sup-con';

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

/** Float64 NT-Xent (SimCLR Eq. 1): 2N anchors, positive = other view, 2N − 1 terms in each softmax, mean. */
function ntXentReference(a: Float32Array, b: Float32Array, N: number, D: number, tau: number): number {
  const z = [a, b].flatMap((x) =>
    Array.from({ length: N }, (_, i) => {
      const r = Array.from(x.subarray(i * D, (i + 1) * D));
      const n = Math.hypot(...r);
      return r.map((v) => v / n);
    }),
  );
  const sim = (i: number, j: number) => z[i]!.reduce((t, v, d) => t + v * z[j]![d]!, 0) / tau;
  let total = 0;
  for (let k = 0; k < 2 * N; k++) {
    let den = 0;
    for (let j = 0; j < 2 * N; j++) if (j !== k) den += Math.exp(sim(k, j));
    total += Math.log(den) - sim(k, (k + N) % (2 * N));
  }
  return total / (2 * N);
}

describeBackends('ntXentLoss', () => {
  it('identical embeddings ⇒ log(2N − 1) (2N − 1 equal terms, docs/science/supcon.md §2.6 test 1)', () => {
    const a = tf.ones([5, 3]) as tf.Tensor2D;
    const loss = ntXentLoss(a, a);
    expectClose(loss, Math.log(9), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([a, loss]);
  });

  it('matches float64 SimCLR NT-Xent and supConLoss without labels', () => {
    const [N, D] = [6, 4];
    const av = randn(1, N * D);
    const bv = randn(2, N * D);
    const a = tf.tensor2d(av, [N, D]);
    const b = tf.tensor2d(bv, [N, D]);
    const loss = ntXentLoss(a, b, { temperature: 0.3 });
    expectClose(loss, ntXentReference(av, bv, N, D, 0.3), { atol: 1e-5, rtol: 1e-5 });
    const stacked = tf.stack([a, b], 1) as tf.Tensor3D;
    const sup = supConLoss(stacked, { temperature: 0.3 });
    expectClose(loss, sup, { atol: 1e-6, rtol: 1e-6 });
    const raw = ntXentLoss(a, b, { temperature: 2, normalize: false });
    const supRaw = supConLoss(stacked, { temperature: 2, normalize: false });
    expectClose(raw, supRaw, { atol: 1e-6, rtol: 1e-6 });
    tf.dispose([a, b, loss, stacked, sup, raw, supRaw]);
  });

  it('gradient matches finite differences w.r.t. both views', () => {
    const a = tf.tensor2d(randn(3, 12), [4, 3]);
    const b = tf.tensor2d(randn(4, 12), [4, 3]);
    expectGradMatchesFiniteDiff((x) => ntXentLoss(x as tf.Tensor2D, b, { temperature: 0.5 }), a, { eps: 1e-2, atol: 1e-3, rtol: 5e-3 });
    expectGradMatchesFiniteDiff((y) => ntXentLoss(a, y as tf.Tensor2D, { temperature: 0.5, normalize: false }), b, {
      eps: 1e-2,
      atol: 1e-3,
      rtol: 5e-3,
    });
    tf.dispose([a, b]);
  });

  it('does not leak tensors', async () => {
    const a = tf.tensor2d(randn(5, 12), [4, 3]);
    await expectNoLeak(() => ntXentLoss(a, a));
    await expectNoLeak(() => tf.grad((x: tf.Tensor) => ntXentLoss(x as tf.Tensor2D, a))(a));
    a.dispose();
  });

  it('throws clear errors for bad input', () => {
    const a = tf.ones([4, 3]) as tf.Tensor2D;
    const b = tf.ones([3, 3]) as tf.Tensor2D;
    const nan = tf.tensor2d([NaN, 1, 1, 1], [2, 2]);
    expect(() => ntXentLoss(a, b)).toThrow(ShapeMismatchError);
    expect(() => ntXentLoss(a, b)).toThrow(/ntXentLoss: 'b' has batch = 3/);
    expect(() => ntXentLoss(nan, nan)).toThrow(NonFiniteValueError);
    expect(() => ntXentLoss(a, a, { temperature: 0 })).toThrow(/options\.temperature/);
    tf.dispose([a, b, nan]);
  });
});
