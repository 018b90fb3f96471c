import * as tf from '@tensorflow/tfjs-core';
import { createRng, randomUniformTensor } from '@contrastive/core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { randomErasing, sampleErasing } from './random-erasing';

describe('sampleErasing (torchvision RandomErasing.get_params)', () => {
  it('rectangles stay inside the image, strictly smaller than it, with area in range up to rounding', () => {
    const rng = createRng(3);
    for (let n = 0; n < 2000; n++) {
      const box = sampleErasing(rng, 28, 28, [0.02, 0.33], [0.3, 3.3]);
      if (!box) continue;
      expect(box.h).toBeLessThan(28);
      expect(box.w).toBeLessThan(28);
      expect(box.i + box.h).toBeLessThanOrEqual(28);
      expect(box.j + box.w).toBeLessThanOrEqual(28);
      expect(box.h * box.w).toBeLessThanOrEqual((Math.sqrt(0.33 * 784) + 0.5) ** 2 * 3.3);
    }
    // Nothing fits (area 1 > every rectangle strictly inside): undefined, the image stays.
    expect(sampleErasing(createRng(0), 4, 4, [1, 1], [1, 1])).toBeUndefined();
  });
});

describeBackends('randomErasing', () => {
  it('writes `value` into exactly the documented rectangle of each erased image, leaves the rest', () => {
    const [B, H, W, C] = [16, 10, 12, 3];
    const x = randomUniformTensor<tf.Rank.R4>(createRng('x'), [B, H, W, C], 0.1, 1);
    const out = randomErasing({ p: 0.7, value: 0.05, seed: 4, views: 1 }).transform(x).dataSync();
    const xv = x.dataSync();
    const r = createRng(4).fork('randomErasing');
    let erased = 0;
    for (let b = 0; b < B; b++) {
      const box = r.bernoulli(0.7) ? sampleErasing(r, H, W, [0.02, 0.33], [0.3, 3.3]) : undefined;
      if (box) erased++;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const inside = box !== undefined && i >= box.i && i < box.i + box.h && j >= box.j && j < box.j + box.w;
          for (let ch = 0; ch < C; ch++) {
            const k = ((b * H + i) * W + j) * C + ch;
            expect(out[k]).toBe(inside ? Math.fround(0.05) : xv[k]);
          }
        }
      }
    }
    expect(erased).toBeGreaterThan(4);
    x.dispose();
  });

  it('same seed ⇒ same views; no leaks', async () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('s'), [8, 8, 8, 1]);
    const [a1] = randomErasing({ seed: 1 }).apply(x);
    const [a2] = randomErasing({ seed: 1 }).apply(x);
    expect(a1!.dataSync()).toEqual(a2!.dataSync());
    tf.dispose([a1!, a2!]);
    const aug = randomErasing();
    await expectNoLeak(() => aug.apply(x));
    x.dispose();
  });
});

describe('randomErasing errors', () => {
  it('rejects bad ranges', () => expect(() => randomErasing({ scale: [0.5, 2] })).toThrow(/options\.scale/));
});
