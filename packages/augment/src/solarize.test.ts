import * as tf from '@tensorflow/tfjs-core';
import { createRng, randomUniformTensor } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import reference from './fixtures/torchvision-reference.json';
import { solarize } from './solarize';

describeBackends('solarize', () => {
  it('inverts exactly the values at or above the threshold', () => {
    const x = tf.tensor4d([0, 0.2, 0.5, 0.7, 1, 0.49], [1, 1, 6, 1]);
    const out = solarize({ threshold: 0.5 }).transform(x);
    expectClose(out, [0, 0.2, 0.5, 0.3, 0, 0.49], { atol: 1e-7, rtol: 0 });
    const c = reference.cases.rgb;
    const rgb = tf.tensor4d(c.input, c.shape as [number, number, number, number]);
    const ref = solarize().transform(rgb);
    expectClose(ref, c['solarize_0.5'], { atol: 1e-7, rtol: 0 });
    tf.dispose([x, out, rgb, ref]);
  });

  it('no leaks', async () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('s'), [2, 3, 3, 3]);
    const aug = solarize();
    await expectNoLeak(() => aug.apply(x));
    x.dispose();
  });
});

describe('solarize errors', () => {
  it('rejects a threshold outside [0, 1]', () => expect(() => solarize({ threshold: 2 })).toThrow(/options\.threshold/));
});
