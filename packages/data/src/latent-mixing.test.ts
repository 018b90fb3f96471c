import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { conditionNumber, invertMatrix } from './invertible-mlp';
import { latentMixing } from './latent-mixing';

// A small pool keeps construction fast; the defaults (pool 1000) are exercised once below.
const small = { conditionPool: 100 } as const;

describe('invertible-MLP helpers', () => {
  it('conditionNumber and invertMatrix match closed forms', () => {
    // diag(1, 2, 4): σmax/σmin = 4. A rotation: 1.
    expect(conditionNumber(Float64Array.from([1, 0, 0, 0, 2, 0, 0, 0, 4]), 3)).toBeCloseTo(4, 12);
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    expect(conditionNumber(Float64Array.from([c, -s, s, c]), 2)).toBeCloseTo(1, 12);
    expect(conditionNumber(Float64Array.from([1, 2, 2, 4]), 2)).toBe(Infinity);
    // Needs a row swap (zero pivot first).
    const w = Float64Array.from([0, 2, 1, 3, 1, 0, 1, 1, 5]);
    const inv = invertMatrix(w, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let v = 0;
        for (let k = 0; k < 3; k++) v += w[i * 3 + k]! * inv[k * 3 + j]!;
        expect(Math.abs(v - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
    expect(() => invertMatrix(Float64Array.from([1, 2, 2, 4]), 2)).toThrow(/singular/);
  });
});

describe('latentMixing construction (docs/science/latent-recovery.md §5.2, cl-ica main_mlp.py defaults)', () => {
  it('builds 3 layers of unit-column matrices whose condition numbers pass the pool threshold', () => {
    const model = latentMixing({ seed: 0 });
    expect(model.inputDim).toBe(10);
    const weights = model.mixingWeights();
    expect(weights).toHaveLength(3);
    for (const w of weights) {
      for (let j = 0; j < 10; j++) {
        let norm = 0;
        for (let i = 0; i < 10; i++) norm += w[i * 10 + j]! ** 2;
        expect(norm).toBeCloseTo(1, 12);
      }
      expect(Array.from(w).every((v: number) => Math.abs(v) <= 1)).toBe(true);
    }
    model.conditionNumbers.forEach((c, l) => {
      expect(c).toBeLessThanOrEqual(model.conditionThreshold);
      expect(c).toBeCloseTo(conditionNumber(weights[l]!, 10), 10);
    });
    expect(model.conditionThreshold).toBeGreaterThanOrEqual(1);
    model.dispose();
  });

  it('is deterministic for a seed', () => {
    const a = latentMixing({ ...small, dim: 4, seed: 'x' });
    const b = latentMixing({ ...small, dim: 4, seed: 'x' });
    const c = latentMixing({ ...small, dim: 4, seed: 'y' });
    expect(a.mixingWeights()).toEqual(b.mixingWeights());
    expect(a.mixingWeights()).not.toEqual(c.mixingWeights());
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('latentMixing sampling', () => {
  it('draws a uniform marginal on the box: mean ½, variance 1/12 (n = 50000, 5σ)', () => {
    const model = latentMixing({ ...small, dim: 5, seed: 1 });
    const { x, z } = model.sample(10000);
    const zv = z.dataSync();
    const n = zv.length;
    const mean = Array.from(zv).reduce((a: number, v: number) => a + v, 0) / n;
    const variance = Array.from(zv).reduce((a: number, v: number) => a + (v - mean) ** 2, 0) / n;
    expect(Array.from(zv).every((v: number) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    // Var of (U − ½)² is 1/180: SE of the variance estimate √(1/180/n).
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
    tf.dispose([x, z]);
    model.dispose();
  });

  for (const conditional of ['normal', 'laplace'] as const) {
    it(`draws positives from the ${conditional} conditional, truncated to the box`, () => {
      const s = 0.05;
      const model = latentMixing({ ...small, dim: 5, conditional, conditionalScale: s, seed: 2 });
      const pair = model.samplePair(10000);
      const zv = pair.z.dataSync();
      const zp = pair.zPositive.dataSync();
      expect(Array.from(zp).every((v: number) => v >= 0 && v <= 1)).toBe(true);
      // Away from the edges (≥ 0.3 = 6s inside) truncation is negligible: normal E(Δ²) = s²,
      // Laplace E|Δ| = s. Moments of Δ² (normal: Var = 2s⁴) and |Δ| (Laplace: Var = s²) give the SE.
      let sum = 0;
      let count = 0;
      for (let i = 0; i < zv.length; i++) {
        if (zv[i]! < 0.3 || zv[i]! > 0.7) continue;
        const delta = zp[i]! - zv[i]!;
        sum += conditional === 'normal' ? delta * delta : Math.abs(delta);
        count++;
      }
      const expected = conditional === 'normal' ? s * s : s;
      const se = conditional === 'normal' ? Math.sqrt((2 * s ** 4) / count) : Math.sqrt((s * s) / count);
      expect(Math.abs(sum / count - expected)).toBeLessThan(5 * se);
      tf.dispose(pair);
      model.dispose();
    });
  }

  it('draws a truncated normal marginal when asked', () => {
    const model = latentMixing({ ...small, dim: 2, marginal: 'normal', marginalScale: 0.1, seed: 3 });
    const { x, z } = model.sample(5000);
    const zv = z.dataSync();
    expect(Array.from(zv).every((v: number) => v >= 0 && v <= 1)).toBe(true);
    // N(½, 0.1²) is inside [0, 1] up to 5σ: the truncation is invisible; SE of the mean 0.1/√n.
    expect(Math.abs(Array.from(zv).reduce((a: number, v: number) => a + v, 0) / zv.length - 0.5)).toBeLessThan(
      5 * (0.1 / Math.sqrt(zv.length)),
    );
    tf.dispose([x, z]);
    model.dispose();
  });
});

describeBackends('latentMixing', () => {
  it('invert(g(z)) = z, and g is not linear', () => {
    const model = latentMixing({ seed: 4, conditionPool: 200 });
    const { x, z } = model.sample(256);
    const back = model.invert(x);
    // Condition numbers ≲ 5 per layer: float32 round-off stays ≪ 1e-4.
    expectClose(back, z, { atol: 1e-4, rtol: 0 });
    const again = model.mix(z);
    expectClose(again, x, { atol: 1e-6, rtol: 1e-5 });
    // g(−z) ≠ −g(z) for a leaky-ReLU net (it would be equal for a linear map).
    const neg = tf.tidy(() => tf.add(model.mix(tf.neg(z)), x));
    expect(tf.tidy(() => tf.max(tf.abs(neg)).dataSync()[0]!)).toBeGreaterThan(1e-2);
    tf.dispose([x, z, back, again, neg]);
    model.dispose();
  });

  it('is reproducible for an rng state and does not leak', async () => {
    const model = latentMixing({ ...small, dim: 4, seed: 5 });
    const state = createRng(1).getState();
    const a = model.samplePair(32, createRng(state));
    const b = model.samplePair(32, createRng(state));
    expect(a.xPositive.dataSync()).toEqual(b.xPositive.dataSync());
    expect(a.z.dataSync()).toEqual(b.z.dataSync());
    tf.dispose([a, b]);
    await expectNoLeak(() => model.sample(8));
    await expectNoLeak(() => model.samplePair(8));
    const z = tf.ones([3, 4]) as tf.Tensor2D;
    await expectNoLeak(() => tf.tidy(() => model.invert(model.mix(z))));
    z.dispose();
    const before = tf.memory().numTensors;
    model.dispose();
    expect(tf.memory().numTensors).toBe(before - 6);
  });
});

describe('latentMixing errors', () => {
  it('rejects bad options and inputs', () => {
    expect(() => latentMixing({ boxMin: 1, boxMax: 0 })).toThrow(/options\.boxMax.*> boxMin \(1\)/);
    expect(() => latentMixing({ dim: 0 })).toThrow(/options\.dim/);
    expect(() => latentMixing({ conditionalScale: NaN })).toThrow(InvalidArgumentError);
    expect(() => latentMixing({ conditional: 'vmf' as never })).toThrow(/options\.conditional/);
    const model = latentMixing({ ...small, dim: 3 });
    const wrong = tf.zeros([2, 4]) as tf.Tensor2D;
    expect(() => model.invert(wrong)).toThrow(ShapeMismatchError);
    expect(() => model.mix(wrong)).toThrow(/'z'/);
    const ints = tf.zeros([2, 3], 'int32') as tf.Tensor2D;
    expect(() => model.mix(ints)).toThrow(/float32/);
    tf.dispose([wrong, ints]);
    model.dispose();
    expect(() => model.samplePair(2)).toThrow(/disposed/);
  });
});
