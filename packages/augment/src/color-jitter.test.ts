import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, randomUniformTensor } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { adjustHue, colorJitter } from './color-jitter';
import reference from './fixtures/torchvision-reference.json';
import { perSample } from './image-utils';

// Expected values: torchvision 0.28's functional tensor ops (F.adjust_brightness, adjust_contrast,
// adjust_saturation, adjust_hue) computed by fixtures/torchvision-reference.py.
type Case = Record<string, number[]> & { shape: number[] };
const cases = reference.cases as unknown as Record<'rgb' | 'grey', Case>;
const tensorOf = (c: Case) => tf.tensor4d(c.input!, c.shape as [number, number, number, number]);

describeBackends('colorJitter', () => {
  // torchvision's luma uses 0.2989 for R, ours 0.299 (BT.601): |Δ| ≤ 1e-4·R·|1 − factor| ≤ 1e-4.
  const checks: Array<[string, Parameters<typeof colorJitter>[0], number]> = [
    ['brightness_1.3', { brightness: [1.3, 1.3] }, 1e-6],
    ['brightness_0.45', { brightness: [0.45, 0.45] }, 1e-6],
    ['contrast_0.6', { contrast: [0.6, 0.6] }, 1e-4],
    ['contrast_1.5', { contrast: [1.5, 1.5] }, 1e-4],
    ['saturation_1.7', { saturation: [1.7, 1.7] }, 1e-4],
    ['saturation_0.3', { saturation: [0.3, 0.3] }, 1e-4],
    ['hue_0.23', { hue: [0.23, 0.23] }, 2e-6],
    ['hue_-0.4', { hue: [-0.4, -0.4] }, 2e-6],
  ];
  for (const kind of ['rgb', 'grey'] as const) {
    it(`matches torchvision's functional ops for fixed factors (${kind})`, () => {
      const x = tensorOf(cases[kind]);
      for (const [key, options, atol] of checks) {
        const out = colorJitter({ ...options, order: 'fixed', views: 1 }).transform(x);
        try {
          expectClose(out, cases[kind][key]!, { atol, rtol: 0 });
        } catch (e) {
          throw new Error(`${kind} ${key}: ${(e as Error).message}`);
        }
        out.dispose();
      }
      x.dispose();
    });
  }

  it('brightness multiplies each image mean by its drawn factor (no clamping below 1/1.4)', () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('img'), [16, 8, 8, 3], 0, 0.7);
    const out = colorJitter({ brightness: 0.4, order: 'fixed', seed: 5, views: 1 }).transform(x);
    // Documented stream: one uniform(0.6, 1.4) per image (order 'fixed' draws no permutation).
    const r = createRng(5).fork('colorJitter');
    const factors = Array.from({ length: 16 }, () => r.uniform(0.6, 1.4));
    const means = (t: tf.Tensor) => tf.tidy(() => tf.mean(t, [1, 2, 3]).dataSync());
    const [mx, mo] = [means(x), means(out)];
    expectClose(
      mo,
      Array.from(mx, (m, b) => m * factors[b]!),
      { atol: 1e-6, rtol: 1e-5 },
    );
    tf.dispose([x, out]);
  });

  it('contrast keeps the mean of a grey image and scales its deviations by the factor', () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('grey'), [16, 8, 8, 1], 0.35, 0.65);
    const out = colorJitter({ contrast: 0.4, order: 'fixed', seed: 9, views: 1 }).transform(x);
    const r = createRng(9).fork('colorJitter');
    const factors = Array.from({ length: 16 }, () => r.uniform(0.6, 1.4));
    const mean = (t: tf.Tensor) => tf.tidy(() => tf.mean(t, [1, 2, 3]).dataSync());
    expectClose(mean(out), mean(x), { atol: 1e-6, rtol: 0 });
    const std = (t: tf.Tensor) => tf.tidy(() => tf.sqrt(tf.moments(t, [1, 2, 3]).variance).dataSync());
    expectClose(
      std(out),
      Array.from(std(x), (s, b) => s * factors[b]!),
      { atol: 1e-6, rtol: 1e-4 },
    );
    tf.dispose([x, out]);
  });

  it('random order: each image follows its own permutation (float64 torchvision formulas)', () => {
    const [B, H, W] = [12, 4, 5];
    const x = randomUniformTensor<tf.Rank.R4>(createRng('order'), [B, H, W, 3]);
    const xv = Float64Array.from(x.dataSync());
    const out = colorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, seed: 3, views: 1 }).transform(x).dataSync();
    const r = createRng(3).fork('colorJitter');
    const n = H * W;
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    const seen = new Set<string>();
    for (let b = 0; b < B; b++) {
      const perm = Array.from(r.permutation(4));
      const f = [r.uniform(0.2, 1.8), r.uniform(0.2, 1.8), r.uniform(0.2, 1.8)];
      seen.add(perm.join(''));
      let img = Array.from(xv.subarray(b * n * 3, (b + 1) * n * 3));
      const luma = (a: number[]) => Array.from({ length: n }, (_, p) => 0.299 * a[3 * p]! + 0.587 * a[3 * p + 1]! + 0.114 * a[3 * p + 2]!);
      for (const fn of perm) {
        if (fn === 0) img = img.map((v) => clamp(f[0]! * v));
        if (fn === 1) {
          const m = luma(img).reduce((s, v) => s + v, 0) / n;
          img = img.map((v) => clamp(f[1]! * v + (1 - f[1]!) * m));
        }
        if (fn === 2) {
          const l = luma(img);
          img = img.map((v, i) => clamp(f[2]! * v + (1 - f[2]!) * l[Math.floor(i / 3)]!));
        }
      }
      expectClose(out.subarray(b * n * 3, (b + 1) * n * 3), img, { atol: 2e-6, rtol: 0 });
    }
    expect(seen.size).toBeGreaterThan(3); // the orders really differ between images
    x.dispose();
  });

  it('a batch equals its images jittered one by one on the same stream (random order, hue sorting)', () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('one'), [10, 5, 6, 3]);
    const aug = colorJitter({ brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.3, views: 1 });
    const batch = aug.transform(x, createRng(21));
    const r = createRng(21);
    const singles = Array.from({ length: 10 }, (_, b) => {
      const img = tf.slice(x, [b, 0, 0, 0], [1, 5, 6, 3]);
      const out = aug.transform(img, r);
      img.dispose();
      return out;
    });
    const joined = tf.concat(singles, 0);
    expectClose(batch, joined, { atol: 1e-6, rtol: 0 });
    tf.dispose([x, batch, joined, ...singles]);
  });

  it('hue rotation by 0 or by a full turn is the identity; grey images ignore saturation and hue', () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('hue'), [8, 6, 6, 3]);
    const xv = x.dataSync();
    for (const s of [0, 1, -1]) {
      const out = tf.tidy(() => adjustHue(x, perSample(new Float32Array(8).fill(s))));
      expectClose(out, xv, { atol: 2e-6, rtol: 0 });
      out.dispose();
    }
    // Half a turn twice is a full turn.
    const twice = tf.tidy(() =>
      adjustHue(adjustHue(x, perSample(new Float32Array(8).fill(0.5))), perSample(new Float32Array(8).fill(0.5))),
    );
    expectClose(twice, xv, { atol: 5e-6, rtol: 0 });
    const g = randomUniformTensor<tf.Rank.R4>(createRng('g'), [4, 6, 6, 1]);
    const same = colorJitter({ saturation: 0.9, hue: 0.5, seed: 1, views: 1 }).transform(g);
    expect(same.dataSync()).toEqual(g.dataSync());
    tf.dispose([x, twice, g, same]);
  });

  it('same seed gives the same views, different views differ; no tensor leaks', async () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('s'), [8, 6, 6, 3]);
    const make = () => colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, seed: 'a' });
    const [a1, b1] = make().apply(x);
    const [a2, b2] = make().apply(x);
    expect(a1!.dataSync()).toEqual(a2!.dataSync());
    expect(b1!.dataSync()).toEqual(b2!.dataSync());
    expect(a1!.dataSync()).not.toEqual(b1!.dataSync());
    tf.dispose([a1!, b1!, a2!, b2!]);
    const aug = make();
    await expectNoLeak(() => aug.apply(x));
    await expectNoLeak(() => colorJitter().apply(x));
    x.dispose();
  });
});

describe('colorJitter errors', () => {
  it('rejects bad options and non-image input with clear messages', () => {
    expect(() => colorJitter({ brightness: -1 })).toThrow(InvalidArgumentError);
    expect(() => colorJitter({ hue: 0.7 })).toThrow(/options\.hue/);
    expect(() => colorJitter({ contrast: [1.5, 0.5] })).toThrow(/options\.contrast/);
    expect(() => colorJitter({ brightnes: 0.4 } as never)).toThrow(/brightnes/);
    const x = tf.zeros([4, 5]);
    expect(() => colorJitter().apply(x)).toThrow(/colorJitter\.apply.*\[batch, height, width, channels\].*\[4, 5\]/);
    const two = tf.zeros([1, 4, 4, 2]);
    expect(() => colorJitter().transform(two)).toThrow(/1 or 3 channels/);
    tf.dispose([x, two]);
  });
});
