import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, randomUniformTensor } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { randomResizedCrop, roundHalfEven, sampleCrop } from './random-resized-crop';

describe('sampleCrop (torchvision RandomResizedCrop.get_params)', () => {
  it('crops stay inside the image with area and ratio in range (up to rounding)', () => {
    const rng = createRng(1);
    for (let n = 0; n < 2000; n++) {
      const c = sampleCrop(rng, 28, 32, [0.08, 1], [3 / 4, 4 / 3]);
      expect(c.i).toBeGreaterThanOrEqual(0);
      expect(c.j).toBeGreaterThanOrEqual(0);
      expect(c.h).toBeGreaterThan(0);
      expect(c.w).toBeGreaterThan(0);
      expect(c.i + c.h).toBeLessThanOrEqual(28);
      expect(c.j + c.w).toBeLessThanOrEqual(32);
      // w, h are rounded from √(A r), √(A/r): area within the rounding of each side.
      expect(c.h * c.w).toBeLessThanOrEqual((Math.sqrt(896) + 0.5) ** 2 + 1e-9);
    }
  });

  it('replays the documented draws: 2 uniforms per attempt, then the position', () => {
    const draws = createRng(7);
    const c = sampleCrop(createRng(7), 20, 20, [0.25, 0.5], [1, 1]);
    const area = 400 * draws.uniform(0.25, 0.5);
    draws.uniform(0, 0);
    const side = roundHalfEven(Math.sqrt(area));
    expect([c.h, c.w]).toEqual([side, side]);
    expect(c.i).toBe(draws.int(20 - side + 1));
    expect(c.j).toBe(draws.int(20 - side + 1));
  });

  it('falls back to the centred crop with the ratio clamped when 10 attempts fail', () => {
    // Ratio 4..5 never fits a 10×10 image at scale 1 (w = √(100 r) > 10), so the fallback runs:
    // in_ratio 1 < 4 ⇒ w = 10, h = round(10/4) = round(2.5) = 2 (half to even, like Python).
    expect(sampleCrop(createRng(0), 10, 10, [1, 1], [4, 5])).toEqual({ i: 4, j: 0, h: 2, w: 10 });
    // in_ratio 3 > max ratio 1 ⇒ h = 4, w = round(4·1) = 4, centred.
    expect(sampleCrop(createRng(0), 4, 12, [1, 1], [0.5, 1])).toEqual({ i: 0, j: 4, h: 4, w: 4 });
    // Whole image when its ratio is inside the range.
    expect(sampleCrop(createRng(0), 5, 5, [2, 2], [0.5, 2])).toEqual({ i: 0, j: 0, h: 5, w: 5 });
  });

  it('rounds halves to even as Python', () => {
    expect([0.5, 1.5, 2.5, 3.49, 3.51].map(roundHalfEven)).toEqual([0, 2, 2, 3, 4]);
  });
});

describeBackends('randomResizedCrop', () => {
  it('a full-image crop (scale 1, ratio 1) at the input size returns the image, 1 and 3 channels', () => {
    for (const c of [1, 3]) {
      const x = randomUniformTensor<tf.Rank.R4>(createRng(`full${c}`), [4, 9, 9, c]);
      const [a, b] = randomResizedCrop({ scale: [1, 1], ratio: [1, 1] }).apply(x);
      expectClose(a!, x, { atol: 1e-6, rtol: 0 });
      expectClose(b!, x, { atol: 1e-6, rtol: 0 });
      tf.dispose([x, a!, b!]);
    }
  });

  it('an un-resized crop equals the slice of the drawn box (bilinear at pixel centres)', () => {
    // Output size = crop size only when the crop is square with a known side: scale fixed so the
    // side is 6 on a 10×10 image; the view must be exactly x[i:i+6, j:j+6] at the drawn position.
    const x = randomUniformTensor<tf.Rank.R4>(createRng('slice'), [40, 10, 10, 3]);
    const view = randomResizedCrop({ scale: [0.36, 0.36], ratio: [1, 1], size: 6, seed: 4, views: 1 }).transform(x);
    const r = createRng(4).fork('randomResizedCrop');
    // 40 images: crops on every edge, including the top row (a tfjs-wasm 4.22 quirk, see the source).
    for (let b = 0; b < 40; b++) {
      const c = sampleCrop(r, 10, 10, [0.36, 0.36], [1, 1]);
      expect([c.h, c.w]).toEqual([6, 6]);
      const expected = tf.slice(x, [b, c.i, c.j, 0], [1, 6, 6, 3]);
      const got = tf.slice(view, [b, 0, 0, 0], [1, 6, 6, 3]);
      expectClose(got, expected, { atol: 2e-6, rtol: 0 });
      tf.dispose([expected, got]);
    }
    tf.dispose([x, view]);
  });

  it('crop values stay inside the range of the cropped pixels and the output has the requested size', () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('r'), [32, 28, 28, 1]);
    const [a] = randomResizedCrop({ size: [16, 20], views: 1 }).apply(x);
    expect(a!.shape).toEqual([32, 16, 20, 1]);
    const [lo, hi] = [tf.min(a!).dataSync()[0]!, tf.max(a!).dataSync()[0]!];
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    tf.dispose([x, a!]);
  });

  it('same seed gives the same views, views differ, and nothing leaks', async () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('s'), [8, 12, 12, 3]);
    const [a1, b1] = randomResizedCrop({ seed: 'k' }).apply(x);
    const [a2, b2] = randomResizedCrop({ seed: 'k' }).apply(x);
    expect(a1!.dataSync()).toEqual(a2!.dataSync());
    expect(b1!.dataSync()).toEqual(b2!.dataSync());
    expect(a1!.dataSync()).not.toEqual(b1!.dataSync());
    // apply's views = successive transforms on one stream.
    const aug = randomResizedCrop({ seed: 'k' });
    const [t1, t2] = [aug.transform(x), aug.transform(x)];
    expect(t1.dataSync()).toEqual(a1!.dataSync());
    expect(t2.dataSync()).toEqual(b1!.dataSync());
    tf.dispose([a1!, b1!, a2!, b2!, t1, t2]);
    await expectNoLeak(() => aug.apply(x));
    x.dispose();
  });
});

describe('randomResizedCrop errors', () => {
  it('names the option or the input', () => {
    expect(() => randomResizedCrop({ scale: [0.5, 0.2] })).toThrow(/options\.scale/);
    expect(() => randomResizedCrop({ size: 0 })).toThrow(InvalidArgumentError);
    const x = tf.zeros([2, 8, 8]);
    expect(() => randomResizedCrop().apply(x)).toThrow(/randomResizedCrop\.apply.*got \[2, 8, 8\]/);
    x.dispose();
  });
});
