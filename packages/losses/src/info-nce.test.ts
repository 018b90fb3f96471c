import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, NonFiniteValueError, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { infoNCELoss } from './info-nce';

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

/** Float64 `F.cross_entropy(a @ b.T / τ, arange(B))` (and its transpose when symmetric). */
function infoNCEReference(
  a: Float32Array,
  b: Float32Array,
  B: number,
  D: number,
  tau: number,
  normalize: boolean,
  symmetric: boolean,
): number {
  const rows = (x: Float32Array) =>
    Array.from({ length: B }, (_, i) => {
      const r = Array.from(x.subarray(i * D, (i + 1) * D));
      const n = normalize ? Math.max(Math.hypot(...r), 1e-12) : 1;
      return r.map((v) => v / n);
    });
  const [ra, rb] = [rows(a), rows(b)];
  const s = (i: number, j: number) => ra[i]!.reduce((t, v, d) => t + v * rb[j]![d]!, 0) / tau;
  let ab = 0;
  let ba = 0;
  for (let i = 0; i < B; i++) {
    // log-sum-exp shifted by the row (column) max, so huge raw logits stay finite.
    const row = Array.from({ length: B }, (_, j) => s(i, j));
    const col = Array.from({ length: B }, (_, j) => s(j, i));
    const [mr, mc] = [Math.max(...row), Math.max(...col)];
    ab += mr + Math.log(row.reduce((t, v) => t + Math.exp(v - mr), 0)) - s(i, i);
    ba += mc + Math.log(col.reduce((t, v) => t + Math.exp(v - mc), 0)) - s(i, i);
  }
  return symmetric ? (ab + ba) / (2 * B) : ab / B;
}

/** Plain tfjs ops (autograd) of the same loss, to check the closed-form gradient. */
function infoNCEAutograd(a: tf.Tensor2D, b: tf.Tensor2D, tau: number, symmetric: boolean): tf.Scalar {
  const L = tf.div(tf.matMul(a, b, false, true), tau);
  const d = tf.sum(tf.mul(tf.eye(a.shape[0]), L), 1);
  const ab = tf.mean(tf.sub(tf.logSumExp(L, 1), d));
  if (!symmetric) return ab as tf.Scalar;
  return tf.mul(tf.add(ab, tf.mean(tf.sub(tf.logSumExp(L, 0), d))), 0.5) as tf.Scalar;
}

describeBackends('infoNCELoss', () => {
  it('all logits equal ⇒ log(B) (uniform softmax over B candidates)', () => {
    const a = tf.ones([6, 4]) as tf.Tensor2D;
    for (const symmetric of [false, true]) {
      const loss = infoNCELoss(a, a, { symmetric });
      expectClose(loss, Math.log(6), { atol: 1e-5, rtol: 1e-5 });
      loss.dispose();
    }
    a.dispose();
  });

  it('matches float64 F.cross_entropy(a·bᵀ/τ, arange(B)) for cosine/dot, one-way/symmetric', () => {
    const [B, D] = [7, 5];
    const av = randn(1, B * D);
    const bv = randn(2, B * D);
    const a = tf.tensor2d(av, [B, D]);
    const b = tf.tensor2d(bv, [B, D]);
    for (const symmetric of [false, true]) {
      const cases: Array<[ReturnType<typeof infoNCELoss>, boolean, number]> = [
        [infoNCELoss(a, b, { symmetric, temperature: 0.2 }), true, 0.2],
        [infoNCELoss(a, b, { symmetric, temperature: 0.5, similarity: 'dot' }), false, 0.5],
        [infoNCELoss(a, b, { symmetric, temperature: 1, normalize: false }), false, 1],
        [infoNCELoss(a, b, { symmetric, temperature: 0.05, normalize: true, similarity: 'cosine' }), true, 0.05],
      ];
      for (const [loss, normalize, tau] of cases) {
        expectClose(loss, infoNCEReference(av, bv, B, D, tau, normalize, symmetric), { atol: 1e-5, rtol: 1e-5 });
        loss.dispose();
      }
    }
    tf.dispose([a, b]);
  });

  it('closed-form gradient matches finite differences w.r.t. a and b', () => {
    const a = tf.tensor2d(randn(3, 4 * 3), [4, 3]);
    const b = tf.tensor2d(randn(4, 4 * 3), [4, 3]);
    for (const opts of [
      { temperature: 0.5 },
      { temperature: 0.5, symmetric: true },
      { temperature: 2, similarity: 'dot' as const, symmetric: true },
    ]) {
      expectGradMatchesFiniteDiff((x) => infoNCELoss(x as tf.Tensor2D, b, opts), a, { eps: 1e-2, atol: 1e-3, rtol: 5e-3 });
      expectGradMatchesFiniteDiff((y) => infoNCELoss(a, y as tf.Tensor2D, opts), b, { eps: 1e-2, atol: 1e-3, rtol: 5e-3 });
    }
    tf.dispose([a, b]);
  });

  it('closed-form gradient equals tfjs autograd of logSumExp − diagonal (raw inner products)', () => {
    const a = tf.tensor2d(randn(5, 8 * 6), [8, 6]);
    const b = tf.tensor2d(randn(6, 8 * 6), [8, 6]);
    for (const symmetric of [false, true]) {
      const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        infoNCELoss(x as tf.Tensor2D, y as tf.Tensor2D, { similarity: 'dot', temperature: 0.7, symmetric }),
      )([a, b]);
      const auto = tf.grads((x: tf.Tensor, y: tf.Tensor) => infoNCEAutograd(x as tf.Tensor2D, y as tf.Tensor2D, 0.7, symmetric))([a, b]);
      expectClose(ours[0]!, auto[0]!, { atol: 1e-5, rtol: 1e-4 });
      expectClose(ours[1]!, auto[1]!, { atol: 1e-5, rtol: 1e-4 });
      tf.dispose([...ours, ...auto]);
    }
    tf.dispose([a, b]);
  });

  it('stays finite at τ = 0.01 with aligned and antipodal rows, and with a zero row', () => {
    const a = tf.tensor2d([1, 0, 1, 1e-3, -1, 0, 0, 0], [4, 2]);
    for (const symmetric of [false, true]) {
      const loss = infoNCELoss(a, a, { temperature: 0.01, symmetric });
      const g = tf.grad((x: tf.Tensor) => infoNCELoss(x as tf.Tensor2D, a, { temperature: 0.01, symmetric }))(a);
      expect(Number.isFinite(loss.dataSync()[0]!)).toBe(true);
      expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([loss, g]);
    }
    a.dispose();
  });

  it('does not leak tensors', async () => {
    const a = tf.tensor2d(randn(7, 12), [4, 3]);
    const b = tf.tensor2d(randn(8, 12), [4, 3]);
    await expectNoLeak(() => infoNCELoss(a, b, { symmetric: true }));
    await expectNoLeak(() =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) => infoNCELoss(x as tf.Tensor2D, y as tf.Tensor2D, { symmetric: true }))([a, b]),
    );
    tf.dispose([a, b]);
  });

  it('throws clear errors for bad input', () => {
    const a = tf.ones([4, 3]) as tf.Tensor2D;
    const b5 = tf.ones([5, 3]) as tf.Tensor2D;
    const d4 = tf.ones([4, 4]) as tf.Tensor2D;
    const r3 = tf.ones([4, 3, 1]);
    const inf = tf.tensor2d([1, 2, 3, Infinity], [2, 2]);
    expect(() => infoNCELoss(a, b5)).toThrow(ShapeMismatchError);
    expect(() => infoNCELoss(a, b5)).toThrow(/'b' has batch = 5 .* but 'a' has batch = 4/);
    expect(() => infoNCELoss(a, d4)).toThrow(/dim/);
    expect(() => infoNCELoss(r3 as unknown as tf.Tensor2D, a)).toThrow(/infoNCELoss: 'a' must be rank 2/);
    expect(() => infoNCELoss(inf, inf)).toThrow(NonFiniteValueError);
    expect(() => infoNCELoss(a, a, { temperature: -1 })).toThrow(/options\.temperature/);
    expect(() => infoNCELoss(a, a, { similarity: 'dot', normalize: true })).toThrow(InvalidArgumentError);
    tf.dispose([a, b5, d4, r3, inf]);
  });

  it('refuses zero-width embeddings', () => {
    const e = tf.zeros([4, 0]) as tf.Tensor2D;
    expect(() => infoNCELoss(e, e)).toThrow("infoNCELoss: 'a' is empty: dimension 1 of [4, 0] is 0");
    e.dispose();
  });

  it('huge finite inputs: right up to the float32 limit (float64 reference), a clear error beyond it', () => {
    const [B, D] = [5, 4];
    const a = Float32Array.from(randn(21, B * D), (v) => v * 1e17);
    const b = Float32Array.from(randn(22, B * D), (v) => v * 1e17);
    const [ta, tb] = [tf.tensor2d(a, [B, D]), tf.tensor2d(b, [B, D])];
    for (const symmetric of [false, true]) {
      expectClose(infoNCELoss(ta, tb, { normalize: false, symmetric }), infoNCEReference(a, b, B, D, 0.1, false, symmetric), {
        rtol: 1e-4,
        atol: 0,
      });
    }
    const huge = tf.mul(ta, 1e3) as tf.Tensor2D;
    expect(() => infoNCELoss(huge, tb, { normalize: false })).toThrow(
      /infoNCELoss: 'a' has entries up to .*e\+20: the logits a·bᵀ\/τ could reach .*; L2-normalise them \(normalize: true\)/,
    );
    expect(() => infoNCELoss(huge, huge)).toThrow(/'a' has entries up to .*: the squared norms could reach/);
    tf.dispose([ta, tb, huge]);
  });
});
