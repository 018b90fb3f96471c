import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, NonFiniteValueError, ShapeMismatchError } from '@contrastive/core';
import {
  describeBackends,
  expectClose,
  expectGradMatchesFiniteDiff,
  expectNoLeak,
  type SupConRefOptions as RefOptions,
  supConReference,
} from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { supConLoss } from './sup-con';

/**
 * Plain tfjs ops (autograd, no customGrad) of the same reference, L_out only: used to check the
 * closed-form gradient against tfjs's own differentiation.
 */
function supConAutograd(features: tf.Tensor3D, mask: tf.Tensor2D, tau: number, anchorCount: number): tf.Scalar {
  const [B, V, D] = features.shape;
  const K = V * B;
  const nA = anchorCount * B;
  const C = tf.reshape(tf.transpose(features, [1, 0, 2]), [K, D]) as tf.Tensor2D;
  const A = nA === K ? C : tf.slice(C, [0, 0], [nA, D]);
  const L = tf.div(tf.matMul(A, C, false, true), tau);
  const self = tf.eye(nA, K);
  const M = tf.mul(tf.tile(mask, [anchorCount, V]), tf.sub(1, self));
  const logProb = tf.sub(L, tf.logSumExp(tf.add(L, tf.mul(self, -1e9)), 1, true));
  const sumM = tf.sum(M, 1);
  const den = tf.where(tf.less(sumM, 1e-6), tf.onesLike(sumM), sumM);
  return tf.neg(tf.mean(tf.div(tf.sum(tf.mul(M, logProb), 1), den))) as tf.Scalar;
}

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

describeBackends('supConLoss', () => {
  it('identical features, V = 2: loss = log(2N − 1) for any labels (docs/science/supcon.md §2.6 test 1, issue #98)', () => {
    const N = 4;
    const same = tf.ones([N, 2, 8]) as tf.Tensor3D;
    for (const labels of [undefined, [0, 0, 1, 1], [0, 1, 2, 3], [5, 5, 5, 5]]) {
      for (const variant of ['out', 'in'] as const) {
        const loss = supConLoss(same, { temperature: 0.5, ...(labels ? { labels } : {}), variant });
        // out: every log-prob is −log(2N−1); in: the mean inside the log is the same value.
        expectClose(loss, Math.log(2 * N - 1), { atol: 1e-5, rtol: 1e-5 });
        loss.dispose();
      }
    }
    same.dispose();
  });

  it('issue #118: 16×1 identical features, one class ⇒ log 15 = 2.708 (0.1693 = log(15)/16 per anchor-sum)', () => {
    const f = tf.ones([16, 1, 4]) as tf.Tensor3D;
    const loss = supConLoss(f, { labels: new Array(16).fill(3), temperature: 0.07, baseTemperature: 0.07 });
    expectClose(loss, Math.log(15), { atol: 1e-5, rtol: 1e-5 });
    expect(Math.log(15) / 16).toBeCloseTo(0.1693, 4);
    tf.dispose([f, loss]);
  });

  it('no positive (V = 1, unique label) contributes 0 and still counts in the mean (PR #142 example)', () => {
    // PR #142: features [4, 1, 3], labels [0, 1, 1, 3] ⇒ per-anchor [0, ℓ1, ℓ2, 0], loss = (ℓ1 + ℓ2)/4.
    const x = randn(142, 12);
    const f = tf.tensor3d(x, [4, 1, 3]);
    const labels = [0, 1, 1, 3];
    const loss = supConLoss(f, { labels, temperature: 0.8 });
    const v = loss.dataSync()[0]!;
    expect(Number.isFinite(v)).toBe(true);
    // Only anchors 1 and 2 have a positive (each other): ℓ1 = −(L12 − lse1), averaged over 4.
    const n = (i: number) => {
      const r = Array.from(x.subarray(i * 3, i * 3 + 3));
      const s = Math.hypot(...r);
      return r.map((t) => t / s);
    };
    const dot = (i: number, j: number) => n(i).reduce((s, t, d) => s + t * n(j)[d]!, 0) / 0.8;
    const lse = (i: number) => Math.log([0, 1, 2, 3].filter((k) => k !== i).reduce((s, k) => s + Math.exp(dot(i, k)), 0));
    const expected = (-(dot(1, 2) - lse(1)) - (dot(2, 1) - lse(2))) / 4;
    expectClose(v, expected, { atol: 1e-5, rtol: 1e-5 });
    for (const variant of ['out', 'in'] as const) {
      const g = tf.grad((t: tf.Tensor) => supConLoss(t as tf.Tensor3D, { labels, temperature: 0.8, variant }))(f);
      expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      g.dispose();
    }
    tf.dispose([f, loss]);
  });

  it('matches the float64 port of the reference losses.py on random features (all options)', () => {
    const [B, V, D] = [5, 3, 4];
    const x = randn(7, B * V * D);
    const f = tf.tensor3d(x, [B, V, D]);
    const rng = createRng(8);
    // Asymmetric, weighted mask with a non-zero diagonal (the diagonal is dropped by logits_mask).
    const maskValues = Float32Array.from({ length: B * B }, () => (rng.uniform() < 0.4 ? 1 : 0));
    maskValues[1] = 0.5;
    const mask = tf.tensor2d(maskValues, [B, B]);
    const cases: Array<[string, RefOptions, Parameters<typeof supConLoss>[1]]> = [];
    for (const contrastMode of ['all', 'one'] as const) {
      for (const variant of ['out', 'in'] as const) {
        const common = { contrastMode, variant, temperature: 0.1, baseTemperature: 0.07 };
        cases.push([`simclr ${contrastMode} ${variant}`, common, common]);
        cases.push([
          `labels ${contrastMode} ${variant}`,
          { ...common, labels: [0, 1, 0, 2, 1] },
          { ...common, labels: tf.tensor1d([0, 1, 0, 2, 1], 'int32') },
        ]);
        cases.push([`mask ${contrastMode} ${variant}`, { ...common, mask: maskValues }, { ...common, mask }]);
        cases.push([
          `raw ${contrastMode} ${variant}`,
          { ...common, normalize: false, labels: [1, 1, 2, 2, 2] },
          { ...common, normalize: false, labels: [1, 1, 2, 2, 2] },
        ]);
      }
    }
    for (const [name, ref, opts] of cases) {
      const loss = supConLoss(f, opts);
      const expected = supConReference(x, [B, V, D], ref);
      try {
        expectClose(loss, expected, { atol: 1e-5, rtol: 1e-5 });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
      loss.dispose();
    }
    tf.dispose([f, mask]);
  });

  it('labels = none equals SimCLR/NT-Xent computed independently (docs/science/supcon.md §2.6 test 3)', () => {
    const [B, D] = [6, 5];
    const x = randn(3, B * 2 * D);
    const f = tf.tensor3d(x, [B, 2, D]);
    // NT-Xent over 2B anchors: positive = the other view of the same sample, 2B − 1 denominators.
    const z = Array.from({ length: 2 * B }, (_, k) => {
      const i = k % B;
      const v = Math.floor(k / B);
      const r = Array.from(x.subarray((i * 2 + v) * D, (i * 2 + v + 1) * D));
      const s = Math.hypot(...r);
      return r.map((t) => t / s);
    });
    const tau = 0.5;
    let sum = 0;
    for (let k = 0; k < 2 * B; k++) {
      const pos = (k + B) % (2 * B);
      const sim = (j: number) => z[k]!.reduce((s, t, d) => s + t * z[j]![d]!, 0) / tau;
      let den = 0;
      for (let j = 0; j < 2 * B; j++) if (j !== k) den += Math.exp(sim(j));
      sum += -(sim(pos) - Math.log(den));
    }
    const loss = supConLoss(f, { temperature: tau });
    expectClose(loss, sum / (2 * B), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([f, loss]);
  });

  it('L_in ≤ L_out on random inputs (Jensen, Khosla et al. §3.2.2)', () => {
    for (let seed = 0; seed < 4; seed++) {
      const f = tf.tensor3d(randn(seed, 8 * 2 * 6), [8, 2, 6]);
      const labels = [0, 0, 1, 1, 2, 2, 0, 1];
      const lin = supConLoss(f, { labels, variant: 'in', temperature: 0.2 }).dataSync()[0]!;
      const lout = supConLoss(f, { labels, variant: 'out', temperature: 0.2 }).dataSync()[0]!;
      expect(lin).toBeLessThanOrEqual(lout + 1e-6);
      expect(lout - lin).toBeGreaterThan(1e-3); // strict for distinct features with > 1 positive
      f.dispose();
    }
  });

  it('scales by τ/τ_base (×1.43 at τ = 0.1, τ_base = 0.07; docs/science/supcon.md §2.4)', () => {
    const f = tf.tensor3d(randn(11, 4 * 2 * 3), [4, 2, 3]);
    const a = supConLoss(f, { temperature: 0.1 }).dataSync()[0]!;
    const b = supConLoss(f, { temperature: 0.1, baseTemperature: 0.07 }).dataSync()[0]!;
    expectClose(b, (a * 0.1) / 0.07, { atol: 1e-6, rtol: 1e-5 });
    f.dispose();
  });

  it('no NaN or Inf at τ = 0.01 with aligned features, values and gradients', () => {
    // All samples on one direction, plus one antipodal sample: logits span ±100.
    const x = new Float32Array(4 * 2 * 3);
    for (let i = 0; i < 8; i++) x.set(i === 7 ? [-1, 0, 0] : [1, 1e-4 * i, 0], i * 3);
    const f = tf.tensor3d(x, [4, 2, 3]);
    for (const variant of ['out', 'in'] as const) {
      for (const labels of [undefined, [0, 1, 0, 1]]) {
        const opts = { temperature: 0.01, variant, ...(labels ? { labels } : {}) };
        const loss = supConLoss(f, opts);
        const g = tf.grad((t: tf.Tensor) => supConLoss(t as tf.Tensor3D, opts))(f);
        expect(Number.isFinite(loss.dataSync()[0]!)).toBe(true);
        expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
        tf.dispose([loss, g]);
      }
    }
    f.dispose();
  });

  it('closed-form gradient matches finite differences (out/in, all/one, labels/mask/none, raw)', () => {
    const [B, V, D] = [3, 2, 3];
    const x = tf.tensor3d(randn(21, B * V * D), [B, V, D]);
    const mask = tf.tensor2d([1, 1, 0, 0, 1, 1, 1, 0, 1], [3, 3]); // asymmetric
    const configs: Array<Parameters<typeof supConLoss>[1]> = [
      { temperature: 0.5 },
      { temperature: 0.5, variant: 'in', labels: [0, 0, 1] },
      { temperature: 0.5, contrastMode: 'one', mask },
      { temperature: 0.5, contrastMode: 'one', variant: 'in', mask },
      { temperature: 0.7, baseTemperature: 0.5, normalize: false, labels: [1, 0, 1] },
    ];
    for (const opts of configs) {
      expectGradMatchesFiniteDiff((t) => supConLoss(t as tf.Tensor3D, opts), x, { eps: 1e-2, atol: 1e-3, rtol: 5e-3 });
    }
    tf.dispose([x, mask]);
  });

  it('closed-form gradient equals tfjs autograd of the plain reference ops', () => {
    const [B, V, D] = [6, 2, 5];
    const x = tf.tensor3d(randn(5, B * V * D), [B, V, D]);
    const maskValues = [1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1];
    const mask = tf.tensor2d(maskValues, [B, B]);
    for (const contrastMode of ['all', 'one'] as const) {
      const ours = tf.grad((t: tf.Tensor) => supConLoss(t as tf.Tensor3D, { mask, contrastMode, temperature: 0.3, normalize: false }))(x);
      const auto = tf.grad((t: tf.Tensor) => supConAutograd(t as tf.Tensor3D, mask, 0.3, contrastMode === 'all' ? V : 1))(x);
      expectClose(ours, auto, { atol: 1e-5, rtol: 1e-4 });
      tf.dispose([ours, auto]);
    }
    tf.dispose([x, mask]);
  });

  it('does not leak tensors (forward and gradient)', async () => {
    const x = tf.tensor3d(randn(2, 4 * 2 * 3), [4, 2, 3]);
    const mask = tf.eye(4) as tf.Tensor2D;
    await expectNoLeak(() => supConLoss(x, { labels: [0, 1, 0, 1] }));
    await expectNoLeak(() => supConLoss(x, { mask, variant: 'in', contrastMode: 'one' }));
    await expectNoLeak(() => tf.grad((t: tf.Tensor) => supConLoss(t as tf.Tensor3D, { labels: tf.tensor1d([0, 1, 0, 1]) }))(x));
    await expectNoLeak(() => tf.grad((t: tf.Tensor) => supConLoss(t as tf.Tensor3D, { variant: 'in', contrastMode: 'one' }))(x));
    tf.dispose([x, mask]);
  });

  it('throws clear errors for bad input', () => {
    const x = tf.ones([4, 2, 3]) as tf.Tensor3D;
    const rank2 = tf.ones([4, 8]);
    const nan = tf.tensor3d([1, 2, NaN, 4], [2, 1, 2]);
    const badMask = tf.ones([4, 3]);
    expect(() => supConLoss(rank2 as unknown as tf.Tensor3D)).toThrow(ShapeMismatchError);
    expect(() => supConLoss(rank2 as unknown as tf.Tensor3D)).toThrow(/supConLoss: 'features' must be rank 3/);
    expect(() => supConLoss(x, { labels: [0, 1, 2] })).toThrow(/'options.labels' has 3 entries but 'features' has batch = 4/);
    expect(() => supConLoss(x, { labels: [0, 1, 0, 1], mask: tf.eye(4) as tf.Tensor2D })).toThrow(InvalidArgumentError);
    expect(() => supConLoss(x, { mask: badMask as tf.Tensor2D })).toThrow(/options.mask/);
    expect(() => supConLoss(nan)).toThrow(NonFiniteValueError);
    expect(() => supConLoss(x, { labels: [0, NaN, 1, 1] })).toThrow(NonFiniteValueError);
    expect(() => supConLoss(x, { temperature: 0 })).toThrow(/options\.temperature/);
    expect(() => supConLoss(x, { contrastMode: 'some' as 'all' })).toThrow(/options\.contrastMode/);
    expect(() => supConLoss(x, { labelz: [1] } as never)).toThrow(InvalidArgumentError);
    expect(() => supConLoss(tf.ones([1, 1, 3]) as tf.Tensor3D)).toThrow(/batch·views must be ≥ 2/);
    tf.dispose([x, rank2, nan, badMask]);
  });

  it('refuses degenerate inputs: zero-width features, 2-D labels, negative mask weights (issue 15 item 10)', () => {
    const empty = tf.zeros([4, 2, 0]) as tf.Tensor3D;
    expect(() => supConLoss(empty)).toThrow("supConLoss: 'features' is empty: dimension 2 of [4, 2, 0] is 0");
    const x = tf.tensor3d(randn(3, 4 * 2 * 3), [4, 2, 3]);
    const labels2d = tf.tensor2d([[0], [1], [0], [1]]);
    expect(() => supConLoss(x, { labels: labels2d as unknown as tf.Tensor1D })).toThrow(
      "supConLoss: 'options.labels' must be rank 1 [batch] = [4] (one label per sample), got rank 2 [4, 1]",
    );
    expect(() => supConLoss(x, { labels: [[0], [1], [0], [1]] as unknown as number[] })).toThrow(/'options\.labels\.0': expected a number/);
    const negative = tf.tensor2d([1, 0, 0, 0, 0, 1, -0.5, 0, 0, 0, 1, 0, 0, 0, 0, 1], [4, 4]);
    for (const variant of ['out', 'in'] as const) {
      expect(() => supConLoss(x, { mask: negative as tf.Tensor2D, variant })).toThrow(
        "supConLoss: 'options.mask' has a negative weight -0.5 at [1, 2]; mask weights must be ≥ 0",
      );
    }
    tf.dispose([empty, x, labels2d, negative]);
  });

  it('huge finite features: right up to the float32 limit (float64 port), a clear error beyond it, never NaN', () => {
    const [B, V, D] = [4, 2, 3];
    const base = randn(8, B * V * D);
    // 1e17: logits up to ~1e35/τ stay finite; the loss is huge but exact to float32 rounding.
    const big = Float32Array.from(base, (v) => v * 1e17);
    const xb = tf.tensor3d(big, [B, V, D]);
    const loss = supConLoss(xb, { normalize: false, temperature: 0.5 });
    expectClose(loss, supConReference(big, [B, V, D], { normalize: false, temperature: 0.5 }), { rtol: 1e-4, atol: 0 });
    // 1e20: the logits would overflow float32; raw and normalised alike are refused by name.
    const huge = tf.tensor3d(
      Float32Array.from(base, (v) => v * 1e20),
      [B, V, D],
    );
    expect(() => supConLoss(huge, { normalize: false })).toThrow(
      /supConLoss: 'features' has entries up to .*e\+20: the logits features·featuresᵀ\/τ could reach .* beyond float32/,
    );
    expect(() => supConLoss(huge)).toThrow(/'features' has entries up to .*: the squared norms could reach/);
    tf.dispose([xb, loss, huge]);
  });
});
