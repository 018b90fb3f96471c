import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, randomNormalTensor, randomUniformTensor } from '@contrastive/core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { colorJitter } from './color-jitter';
import { compose } from './compose';
import { gaussianNoise } from './gaussian-noise';
import { horizontalFlip } from './horizontal-flip';
import { randomApply } from './random-apply';
import { randomGrayscale } from './random-grayscale';
import { randomResizedCrop } from './random-resized-crop';
import { solarize } from './solarize';

describeBackends('randomApply', () => {
  it('keeps the augmented image exactly where the documented per-sample coin came up', () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('x'), [40, 4, 4, 3]);
    const rng = createRng(11);
    const out = randomApply(0.3, solarize()).transform(x, rng).dataSync();
    const coins = createRng(11);
    const [xv, sv] = [x.dataSync(), solarize().transform(x).dataSync()];
    const n = 48;
    let applied = 0;
    for (let b = 0; b < 40; b++) {
      const on = coins.bernoulli(0.3);
      applied += on ? 1 : 0;
      expect(out.subarray(b * n, (b + 1) * n)).toEqual((on ? sv : xv).subarray(b * n, (b + 1) * n));
    }
    expect(applied).toBeGreaterThan(3);
    expect(applied).toBeLessThan(25);
    x.dispose();
  });

  it('p = 0 is the identity and p = 1 is the augmentation; works on vectors too', () => {
    const v = randomNormalTensor<tf.Rank.R2>(createRng('v'), [8, 5]);
    const same = randomApply(0, gaussianNoise({ std: 1 })).transform(v);
    expect(same.dataSync()).toEqual(v.dataSync());
    const all = randomApply(1, gaussianNoise({ std: 1, seed: 3 })).transform(v);
    const direct = gaussianNoise({ std: 1, seed: 3 }).transform(v);
    expect(all.dataSync()).toEqual(direct.dataSync());
    tf.dispose([v, same, all, direct]);
  });

  it('composes into the SimCLR pipeline: same seed ⇒ same views, 2 views, no leaks', async () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('simclr'), [16, 12, 12, 3]);
    const make = () =>
      compose(
        randomResizedCrop({ scale: [0.3, 1], seed: 1 }),
        horizontalFlip({ seed: 2 }),
        randomApply(0.8, colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, seed: 3 }), { seed: 4 }),
        randomGrayscale({ p: 0.2, seed: 5 }),
      );
    const imgs = x as unknown as tf.Tensor2D; // compose is typed for vectors; image steps check rank 4
    const [a1, b1] = make().apply(imgs);
    const [a2, b2] = make().apply(imgs);
    expect(a1!.shape).toEqual([16, 12, 12, 3]);
    expect(a1!.dataSync()).toEqual(a2!.dataSync());
    expect(b1!.dataSync()).toEqual(b2!.dataSync());
    expect(a1!.dataSync()).not.toEqual(b1!.dataSync());
    // One checkpointable stream reproduces the chain too.
    const [c1] = make().apply(imgs, createRng(9));
    const [c2] = make().apply(imgs, createRng(9));
    expect(c1!.dataSync()).toEqual(c2!.dataSync());
    tf.dispose([a1!, b1!, a2!, b2!, c1!, c2!]);
    const aug = make();
    await expectNoLeak(() => aug.apply(imgs));
    await expectNoLeak(() => aug.apply(imgs, createRng(1)));
    x.dispose();
  });
});

describe('randomApply errors', () => {
  it('checks p, aug and shape preservation', () => {
    expect(() => randomApply(1.5, solarize())).toThrow(InvalidArgumentError);
    expect(() => randomApply(0.5, {} as never)).toThrow(/aug/);
    const x = tf.zeros([2, 8, 8, 1]);
    const before = tf.memory().numTensors;
    expect(() => randomApply(0.5, randomResizedCrop({ size: 4 })).transform(x)).toThrow(/shape-preserving/);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
