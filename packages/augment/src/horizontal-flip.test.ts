import * as tf from '@tensorflow/tfjs-core';
import { createRng, randomUniformTensor } from '@contrastive/core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { horizontalFlip } from './horizontal-flip';

describeBackends('horizontalFlip', () => {
  it('mirrors a known image (p = 1), is its own inverse, and p = 0 is the identity', () => {
    // 1 image 2×3, 1 channel: rows [0 1 2], [3 4 5] → [2 1 0], [5 4 3].
    const x = tf.tensor4d([0, 1, 2, 3, 4, 5], [1, 2, 3, 1]);
    const flip = horizontalFlip({ p: 1, views: 1 });
    const once = flip.transform(x);
    expect(Array.from(once.dataSync())).toEqual([2, 1, 0, 5, 4, 3]);
    const twice = flip.transform(once);
    expect(Array.from(twice.dataSync())).toEqual([0, 1, 2, 3, 4, 5]);
    const rgb = randomUniformTensor<tf.Rank.R4>(createRng('rgb'), [3, 4, 5, 3]);
    const back = flip.transform(flip.transform(rgb));
    expect(back.dataSync()).toEqual(rgb.dataSync());
    const none = horizontalFlip({ p: 0 }).transform(rgb);
    expect(none.dataSync()).toEqual(rgb.dataSync());
    tf.dispose([x, once, twice, rgb, back, none]);
  });

  it('flips exactly the images whose documented coin came up (one bernoulli per image)', () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('x'), [64, 4, 6, 3]);
    const out = horizontalFlip({ seed: 2, views: 1 }).transform(x);
    const r = createRng(2).fork('horizontalFlip');
    const mirrored = tf.reverse(x, 2);
    const [xv, mv, ov] = [x.dataSync(), mirrored.dataSync(), out.dataSync()];
    const n = 4 * 6 * 3;
    let flipped = 0;
    for (let b = 0; b < 64; b++) {
      const f = r.bernoulli(0.5);
      flipped += f ? 1 : 0;
      expect(ov.subarray(b * n, (b + 1) * n)).toEqual((f ? mv : xv).subarray(b * n, (b + 1) * n));
    }
    expect(flipped).toBeGreaterThan(16);
    expect(flipped).toBeLessThan(48);
    tf.dispose([x, out, mirrored]);
  });

  it('same seed ⇒ same views; no leaks', async () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('y'), [16, 4, 4, 1]);
    const [a, b] = horizontalFlip({ seed: 1 }).apply(x);
    const [c, d] = horizontalFlip({ seed: 1 }).apply(x);
    expect(a!.dataSync()).toEqual(c!.dataSync());
    expect(b!.dataSync()).toEqual(d!.dataSync());
    tf.dispose([a!, b!, c!, d!]);
    const aug = horizontalFlip();
    await expectNoLeak(() => aug.apply(x));
    x.dispose();
  });
});

describe('horizontalFlip errors', () => {
  it('rejects p outside [0, 1]', () => {
    expect(() => horizontalFlip({ p: 2 })).toThrow(/options\.p/);
  });
});
