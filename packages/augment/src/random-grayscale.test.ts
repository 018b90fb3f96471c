import * as tf from '@tensorflow/tfjs-core';
import { createRng, randomUniformTensor } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import reference from './fixtures/torchvision-reference.json';
import { randomGrayscale } from './random-grayscale';

describeBackends('randomGrayscale', () => {
  it('uses the ITU-R BT.601 weights (0.299, 0.587, 0.114) in all three channels', () => {
    const x = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.2, 0.4, 0.6], [1, 2, 2, 3]);
    const g = randomGrayscale({ p: 1 }).transform(x);
    const l4 = 0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6;
    expectClose(g, [0.299, 0.299, 0.299, 0.587, 0.587, 0.587, 0.114, 0.114, 0.114, l4, l4, l4], { atol: 1e-7, rtol: 0 });
    tf.dispose([x, g]);
  });

  it("matches torchvision's rgb_to_grayscale up to its 0.2989 red weight", () => {
    const c = reference.cases.rgb;
    const x = tf.tensor4d(c.input, c.shape as [number, number, number, number]);
    const g = randomGrayscale({ p: 1 }).transform(x);
    expectClose(g, c.grayscale, { atol: 1e-4, rtol: 0 });
    tf.dispose([x, g]);
  });

  it('greys exactly the images of the documented coins; grey inputs pass unchanged', () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('x'), [32, 3, 3, 3]);
    const out = randomGrayscale({ p: 0.5, seed: 8, views: 1 }).transform(x);
    const r = createRng(8).fork('randomGrayscale');
    const [xv, ov] = [x.dataSync(), out.dataSync()];
    for (let b = 0; b < 32; b++) {
      const grey = r.bernoulli(0.5);
      for (let p = 0; p < 9; p++) {
        const o = b * 27 + p * 3;
        const l = 0.299 * xv[o]! + 0.587 * xv[o + 1]! + 0.114 * xv[o + 2]!;
        const expected = grey ? [l, l, l] : [xv[o]!, xv[o + 1]!, xv[o + 2]!];
        expectClose(ov.subarray(o, o + 3), expected, { atol: 1e-6, rtol: 0 });
      }
    }
    const g1 = randomUniformTensor<tf.Rank.R4>(createRng('g'), [4, 3, 3, 1]);
    const same = randomGrayscale({ p: 1 }).transform(g1);
    expect(same.dataSync()).toEqual(g1.dataSync());
    tf.dispose([x, out, g1, same]);
  });

  it('no leaks', async () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('l'), [4, 3, 3, 3]);
    const aug = randomGrayscale({ p: 0.5 });
    await expectNoLeak(() => aug.apply(x));
    x.dispose();
  });
});

describe('randomGrayscale errors', () => {
  it('rejects p outside [0, 1]', () => expect(() => randomGrayscale({ p: -0.1 })).toThrow(/options\.p/));
});
