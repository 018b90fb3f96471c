// The image helpers (image-utils.ts) on hand-made pixels: BT.601 luma (ITU-R BT.601 weights
// 0.299, 0.587, 0.114, as PIL's convert('L') and torchvision's rgb_to_grayscale), the per-sample
// select, the per-sample broadcast and the [min, max] range schema at its edges.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { LUMA_WEIGHTS, luma, luma3, perSample, rangeSchema, selectPerSample, viewsSchema } from './image-utils';

const f32 = (v: number[]) => Array.from(Float32Array.from(v));
const close = (t: tf.Tensor, expected: number[]) => {
  const got = Array.from(t.dataSync());
  expect(got.length).toBe(expected.length);
  got.forEach((g, i) => expect(Math.abs(g - expected[i]!), `entry ${i}: ${g} vs ${expected[i]}`).toBeLessThan(1e-6));
};

describe('luma and luma3', () => {
  it('weights are BT.601', () => expect(LUMA_WEIGHTS).toEqual([0.299, 0.587, 0.114]));

  it('RGB [b, h, w, 3] → [b, h, w, 1] with 0.299 R + 0.587 G + 0.114 B; grey images pass through', () => {
    // 2 images of 1 × 2 pixels: red, green / blue, (0.2, 0.4, 0.6).
    const x = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.2, 0.4, 0.6], [2, 1, 2, 3]);
    const y = luma(x);
    expect(y.shape).toEqual([2, 1, 2, 1]);
    close(y, [0.299, 0.587, 0.114, 0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6]);
    const y3 = luma3(x);
    expect(y3.shape).toEqual([2, 1, 2, 3]);
    // 0.299 · 0.2 + 0.587 · 0.4 + 0.114 · 0.6 = 0.0598 + 0.2348 + 0.0684 = 0.363.
    close(y3, [0.299, 0.299, 0.299, 0.587, 0.587, 0.587, 0.114, 0.114, 0.114, 0.363, 0.363, 0.363]);
    const grey = tf.tensor4d([0.5, 0.25], [1, 1, 2, 1]);
    expect(luma(grey)).toBe(grey);
    tf.dispose([x, y, y3, grey]);
  });
});

describe('selectPerSample and perSample', () => {
  it('sample b is yes[b] where keep[b] = 1, else no[b], for any rank', () => {
    const yes = tf.tensor3d([1, 1, 2, 2, 3, 3], [3, 1, 2]);
    const no = tf.tensor3d([-1, -1, -2, -2, -3, -3], [3, 1, 2]);
    const out = selectPerSample([1, 0, 1], yes, no);
    expect(out.shape).toEqual([3, 1, 2]);
    expect(Array.from(out.dataSync())).toEqual([1, 1, -2, -2, 3, 3]);
    const v = selectPerSample(Uint8Array.from([0, 1]), tf.tensor1d([5, 6]), tf.tensor1d([7, 8]));
    expect(Array.from(v.dataSync())).toEqual([7, 6]);
    tf.dispose([yes, no, out, v]);
  });

  it('perSample makes [batch, 1, 1, 1] from numbers or a Float32Array', () => {
    const a = perSample([0.5, 2]);
    const b = perSample(Float32Array.from([3]));
    expect([a.shape, Array.from(a.dataSync()), b.shape, Array.from(b.dataSync())]).toEqual([
      [2, 1, 1, 1],
      f32([0.5, 2]),
      [1, 1, 1, 1],
      [3],
    ]);
    tf.dispose([a, b]);
  });
});

describe('rangeSchema and viewsSchema', () => {
  it('[min, max] inside the bounds, min ≤ max (equal allowed), with the reason when not', () => {
    const s = rangeSchema(0, 1);
    expect(z.safeParse(s, [0, 1]).success).toBe(true);
    expect(z.safeParse(s, [0.5, 0.5]).success).toBe(true);
    expect(z.safeParse(s, [-0.01, 1]).success).toBe(false);
    expect(z.safeParse(s, [0, 1.01]).success).toBe(false);
    expect(z.safeParse(s, [1.01, 1.02]).success).toBe(false);
    expect(z.safeParse(s, [-1, -0.5]).success).toBe(false);
    const r = z.safeParse(s, [0.6, 0.4]);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('expected [min, max] with min ≤ max');
  });

  it('views: an integer ≥ 1, default 2', () => {
    expect(z.parse(viewsSchema, undefined)).toBe(2);
    expect(z.parse(viewsSchema, 1)).toBe(1);
    expect(z.safeParse(viewsSchema, 0).success).toBe(false);
    expect(z.safeParse(viewsSchema, 1.5).success).toBe(false);
  });
});
