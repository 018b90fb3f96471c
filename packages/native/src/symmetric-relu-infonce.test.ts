import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError } from '@contrastive/core';
import { infoNCELoss } from '@contrastive/losses';
import { symmetricReluLayer } from '@contrastive/nets';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { symmetricReluInfoNCE, symmetricReluInfoNCELoss } from './symmetric-relu-infonce';

const randn = (seed: string, n: number, std = 1) => createRng(seed).fillNormal(new Float32Array(n), 0, std);

/** Float64 ℓ(W) straight from the definition (Wen & Li 2021 with InfoNCE on raw inner products). */
function reference(x1: Float32Array, x2: Float32Array, w: Float64Array, B: number, d1: number, m: number, b: number, tau: number): number {
  const h = (x: Float32Array) =>
    Array.from({ length: B }, (_, i) =>
      Array.from({ length: m }, (_, k) => {
        let u = 0;
        for (let j = 0; j < d1; j++) u += x[i * d1 + j]! * w[k * d1 + j]!;
        return u - Math.min(b, Math.max(-b, u));
      }),
    );
  const [h1, h2] = [h(x1), h(x2)];
  let loss = 0;
  for (let i = 0; i < B; i++) {
    const s = h2.map((r) => r.reduce((t, v, k) => t + v * h1[i]![k]!, 0) / tau);
    const mx = Math.max(...s);
    loss += mx + Math.log(s.reduce((t, v) => t + Math.exp(v - mx), 0)) - s[i]!;
  }
  return loss / B;
}

it('loss matches the float64 definition and ∂ℓ/∂W matches central finite differences', () => {
  const [B, d1, m, b, tau] = [6, 5, 4, 0.3, 0.5];
  const x1 = randn('x1', B * d1);
  const x2 = randn('x2', B * d1);
  const w = randn('w', m * d1, 0.6);
  const { loss, gradient } = symmetricReluInfoNCE(x1, x2, w, { batch: B, inputDim: d1, width: m }, { threshold: b, temperature: tau });
  const w64 = Float64Array.from(w);
  expect(loss).toBeCloseTo(reference(x1, x2, w64, B, d1, m, b, tau), 5);
  const eps = 1e-6;
  for (let i = 0; i < m * d1; i++) {
    const plus = w64.slice();
    const minus = w64.slice();
    plus[i]! += eps;
    minus[i]! -= eps;
    const fd = (reference(x1, x2, plus, B, d1, m, b, tau) - reference(x1, x2, minus, B, d1, m, b, tau)) / (2 * eps);
    expect(Math.abs(gradient[i]! - fd), `dW[${i}]`).toBeLessThan(1e-4 + 1e-3 * Math.abs(fd));
  }
});

it('with all logits equal the loss is log B (docs/science: InfoNCE at collapse) and the gradient is 0', () => {
  const [B, d1, m] = [8, 4, 3];
  const x = new Float32Array(B * d1).fill(0); // h = 0 for every sample
  const { loss, gradient } = symmetricReluInfoNCE(
    x,
    x,
    randn('w', m * d1),
    { batch: B, inputDim: d1, width: m },
    { threshold: 0.1, temperature: 0.1 },
  );
  expect(loss).toBeCloseTo(Math.log(B), 6);
  expect(Array.from(gradient).every((g) => g === 0)).toBe(true);
});

describeBackends('symmetricReluInfoNCELoss', () => {
  // The flagship's shapes (B = 256, d1 = 256, m = 64; τ = 0.1) and a ragged one, at b = 0 and b > 0.
  const cases: Array<[number, number, number, number]> = [
    [256, 256, 64, 0.3],
    [37, 50, 9, 0],
    [37, 50, 9, 0.5],
  ];
  for (const [B, d1, m, b] of cases) {
    it(`equals symmetricReluLayer + infoNCELoss (loss and gradient) at B=${B}, d1=${d1}, m=${m}, b=${b}`, () => {
      const x1 = tf.tensor2d(randn('a', B * d1, 0.5), [B, d1]);
      const x2 = tf.tensor2d(randn('b', B * d1, 0.5), [B, d1]);
      const w = tf.variable(tf.tensor2d(randn('w', m * d1, 1 / Math.sqrt(d1)), [m, d1]));
      const composed = tf.variableGrads(
        () => infoNCELoss(symmetricReluLayer(x1, w, b), symmetricReluLayer(x2, w, b), { temperature: 0.1, normalize: false }),
        [w],
      );
      const fused = tf.variableGrads(() => symmetricReluInfoNCELoss(x1, x2, w, { threshold: b, temperature: 0.1 }), [w]);
      expectClose(fused.value, composed.value, { atol: 1e-5, rtol: 1e-5 });
      expectClose(fused.grads[w.name]!, composed.grads[w.name]!, { atol: 1e-5, rtol: 1e-3 });
      tf.dispose([x1, x2, w, composed.value, fused.value, ...Object.values(composed.grads), ...Object.values(fused.grads)]);
    });
  }

  it('keeps the tensor count flat under variableGrads', async () => {
    const x = tf.tensor2d(randn('x', 32 * 16), [32, 16]);
    const w = tf.variable(tf.tensor2d(randn('w', 8 * 16), [8, 16]));
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => symmetricReluInfoNCELoss(x, x, w, { threshold: 0.2, temperature: 0.1 }), [w]);
      return [value, ...Object.values(grads)];
    });
    tf.dispose([x, w]);
  });

  it('names the argument on bad shapes and options', () => {
    const x = tf.zeros([4, 3]) as tf.Tensor2D;
    const w = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => symmetricReluInfoNCELoss(x, x, w, { threshold: 0, temperature: 0.1 })).toThrow(/symmetricReluInfoNCELoss.*weight/);
    const w3 = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => symmetricReluInfoNCELoss(x, x, w3, { threshold: -1, temperature: 0.1 })).toThrow(/options\.threshold/);
    expect(() => symmetricReluInfoNCELoss(x, x, w3, { threshold: 0, temperature: 0 })).toThrow(/options\.temperature/);
    tf.dispose([x, w, w3]);
  });
});

it('raw kernel: names the argument and its expected size', () => {
  const a = new Float32Array(12);
  expect(() =>
    symmetricReluInfoNCE(
      a,
      new Float32Array(11),
      new Float32Array(6),
      { batch: 4, inputDim: 3, width: 2 },
      { threshold: 0, temperature: 0.1 },
    ),
  ).toThrow(InvalidArgumentError);
  expect(() =>
    symmetricReluInfoNCE(
      a,
      new Float32Array(11),
      new Float32Array(6),
      { batch: 4, inputDim: 3, width: 2 },
      { threshold: 0, temperature: 0.1 },
    ),
  ).toThrow(/x2.*12 values.*11 values/);
  expect(() =>
    symmetricReluInfoNCE(a, a, new Float32Array(6), { batch: 4, inputDim: 3, width: 0 }, { threshold: 0, temperature: 0.1 }),
  ).toThrow(/dims\.width/);
});
