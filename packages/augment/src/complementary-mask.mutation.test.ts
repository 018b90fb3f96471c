// complementaryMask entry by entry against its documented stream use (complementary-mask.ts: per
// apply, V = 2: fillBernoulli(B·d1, q) row-major; V > 2: int(V) once per entry, row-major; per
// transform: fillBernoulli(B·d1, q)) away from q = ½ and with rescale off, where the scales 1/q,
// 1/(1 − q) and V differ; plus the resolved options and the views/keepProb error message.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, randomNormalTensor } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { complementaryMask } from './complementary-mask';

const [B, D] = [6, 7];
const stream = (seed: number) => createRng(seed).fork('complementaryMask');
// + 0 turns −0 into 0: x·0 and x − x differ only in the sign of zero.
const data = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => v + 0);
const f32 = (v: number[]) => Array.from(Float32Array.from(v), (u) => u + 0);

describe('complementaryMask: exact views from the documented stream', () => {
  const x = () => randomNormalTensor<tf.Rank.R2>(createRng('cm'), [B, D]);

  for (const [q, rescale] of [
    [0.3, true],
    [0.3, false],
    [0.5, false],
    [0.8, true],
  ] as const) {
    it(`q = ${q}, rescale ${rescale}: view 1 = D·x·s1, view 2 = (1 − D)·x·s2, transform = D′·x·s1`, () => {
      const input = x();
      const xv = data(input);
      const aug = complementaryMask({ keepProb: q, rescale, seed: 8 });
      expect(aug.options).toEqual({ keepProb: q, rescale, views: 2, seed: 8 });
      const s = stream(8);
      const d = s.fillBernoulli(new Float32Array(B * D), q);
      const s1 = rescale ? 1 / q : 1;
      const s2 = rescale ? 1 / (1 - q) : 1;
      const [a, b] = aug.apply(input);
      // float32 products: mask·scale is formed first (one rounding), then times x.
      expect(data(a!)).toEqual(f32(xv.map((v, i) => Math.fround(v * Math.fround(d[i]! * s1)))));
      expect(data(b!)).toEqual(f32(xv.map((v, i) => Math.fround(v * Math.fround((1 - d[i]!) * s2)))));
      const t = aug.transform(input);
      const d2 = s.fillBernoulli(new Float32Array(B * D), q);
      expect(data(t)).toEqual(f32(xv.map((v, i) => Math.fround(v * Math.fround(d2[i]! * s1)))));
      tf.dispose([input, a!, b!, t]);
    });
  }

  for (const rescale of [true, false]) {
    it(`views = 4, rescale ${rescale}: entry i goes to view int(4), scaled by ${rescale ? 4 : 1}; transform keeps 1/4`, () => {
      const input = x();
      const xv = data(input);
      const aug = complementaryMask({ views: 4, rescale, seed: 2 });
      expect(aug.options).toEqual({ keepProb: 0.25, rescale, views: 4, seed: 2 });
      const s = stream(2);
      const owner = Array.from({ length: B * D }, () => s.int(4));
      const scale = rescale ? 4 : 1;
      const views = aug.apply(input);
      expect(views).toHaveLength(4);
      views.forEach((v, k) => expect(data(v), `view ${k}`).toEqual(f32(xv.map((xi, i) => (owner[i] === k ? xi * scale : 0)))));
      // transform: one Bernoulli(1/V) mask, scaled by V when rescaling.
      const t = aug.transform(input);
      const d = s.fillBernoulli(new Float32Array(B * D), 0.25);
      expect(data(t)).toEqual(f32(xv.map((v, i) => v * d[i]! * scale)));
      tf.dispose([input, t, ...views]);
    });
  }

  it('views = 3: keepProb resolves to 1/3; giving keepProb with views > 2 is refused with the reason', () => {
    expect(complementaryMask({ views: 3 }).options.keepProb).toBe(1 / 3);
    expect(complementaryMask().options).toEqual({ keepProb: 0.5, rescale: true, views: 2, seed: 0 });
    expect(() => complementaryMask({ views: 3, keepProb: 0.4 })).toThrow(
      "complementaryMask: invalid argument 'options.keepProb': expected unset when views > 2 (each coordinate then goes to one of the views with probability 1/views), got 0.4",
    );
  });
});
