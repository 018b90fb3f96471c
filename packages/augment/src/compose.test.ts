import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, createRng, InvalidArgumentError, randomNormalTensor } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { complementaryMask } from './complementary-mask';
import { compose } from './compose';
import { denseJitter } from './dense-jitter';
import { gaussianNoise } from './gaussian-noise';
import { identity } from './identity';

const [B, D] = [32, 16];
const input = () => randomNormalTensor<tf.Rank.R2>(createRng('x'), [B, D]);
const values = (t: tf.Tensor) => t.dataSync() as Float32Array;
/** A foreign augmentation without `transform` (only the core interface): scales by `k`. */
const scaleBy = (k: number, views = 1): Augmentation => ({
  name: `scale${k}`,
  views,
  apply: (x) => Array.from({ length: views }, () => tf.mul(x, k)),
});

describeBackends('compose', () => {
  it('the first step makes the views, later steps transform each view (mask, then project out H)', () => {
    const x = input();
    const basis = tf.eye(D, 2) as tf.Tensor2D; // H = e_0, e_1
    const aug = compose(complementaryMask({ seed: 1 }), denseJitter({ basis, scale: 0, seed: 2 }));
    expect(aug.name).toBe('complementaryMask+denseJitter');
    expect(aug.views).toBe(2);
    const views = aug.apply(x);
    const masked = complementaryMask({ seed: 1 }).apply(x);
    // resample with s = 0 is exactly the projection out of span(H): zero the first two coordinates.
    const keep = Float32Array.from({ length: B * D }, (_, i) => (i % D < 2 ? 0 : 1));
    views.forEach((v, k) =>
      expectClose(
        v,
        values(masked[k]!).map((m, i) => m * keep[i]!),
        { atol: 1e-6, rtol: 0 },
      ),
    );
    tf.dispose([x, basis, ...views, ...masked]);
  });

  it('with a caller rng, draws in the documented order: step 1 on x, then step 2 on view 1, view 2', () => {
    const x = input();
    const mask = complementaryMask();
    const noise = gaussianNoise({ std: 1 });
    const got = compose(mask, noise).apply(x, createRng(9));
    const r = createRng(9);
    const [a, b] = mask.apply(x, r) as [tf.Tensor2D, tf.Tensor2D];
    const want = [noise.transform(a, r), noise.transform(b, r)];
    got.forEach((g, k) => expect(values(g)).toEqual(values(want[k]!)));
    // Later steps' own `views` is ignored: still 2 views, with different noise in each.
    expect(got).toHaveLength(2);
    tf.dispose([x, a, b, ...got, ...want]);
  });

  it('is reproducible from the steps’ seeds and advances between calls', () => {
    const x = input();
    const make = () => compose(complementaryMask({ seed: 3 }), gaussianNoise({ std: 0.1, seed: 4 }));
    const [a1] = make().apply(x);
    const [a2] = make().apply(x);
    expect(values(a1!)).toEqual(values(a2!));
    const aug = make();
    const [b1] = aug.apply(x);
    const [b2] = aug.apply(x);
    expect(values(b1!)).toEqual(values(a1!));
    expect(values(b2!)).not.toEqual(values(b1!));
    tf.dispose([x, a1!, a2!, b1!, b2!]);
  });

  it('accepts a foreign views-1 step, a single step, and composes into a transform', () => {
    const x = input();
    const [a, b] = compose(identity(), scaleBy(3)).apply(x);
    expectClose(
      a!,
      values(x).map((v) => 3 * v),
      { atol: 1e-6, rtol: 0 },
    );
    expectClose(
      b!,
      values(x).map((v) => 3 * v),
      { atol: 1e-6, rtol: 0 },
    );
    const [c] = compose(scaleBy(2, 1)).apply(x);
    expectClose(
      c!,
      values(x).map((v) => 2 * v),
      { atol: 1e-6, rtol: 0 },
    );
    const t = compose(identity(), scaleBy(2), scaleBy(5)).transform(x);
    expectClose(
      t,
      values(x).map((v) => 10 * v),
      { atol: 1e-5, rtol: 0 },
    );
    tf.dispose([x, a!, b!, c!, t]);
  });

  it('disposes every intermediate view', async () => {
    const x = input();
    const basis = tf.eye(D, 2) as tf.Tensor2D;
    const aug = compose(complementaryMask(), gaussianNoise({ std: 0.1 }), denseJitter({ basis }), scaleBy(2));
    await expectNoLeak(() => aug.apply(x));
    await expectNoLeak(() => aug.transform(x));
    tf.dispose([x, basis]);
  });
});

describe('compose errors', () => {
  it('rejects no steps, non-augmentations, an array, and a foreign multi-view later step', () => {
    expect(() => compose()).toThrow(InvalidArgumentError);
    expect(() => compose()).toThrow(/at least one augmentation/);
    expect(() => compose(identity(), {} as never)).toThrow(/steps\[1\]/);
    expect(() => compose([identity()] as never)).toThrow(/compose\(a, b\)/);
    expect(() => compose(identity(), scaleBy(2, 2))).toThrow(/steps\[1\].*applied to each view/);
  });

  it('reports a step that returns the wrong number of views, without leaking', () => {
    const liar: Augmentation = { name: 'liar', views: 1, apply: (x) => [tf.clone(x), tf.clone(x)] };
    const x = tf.ones([2, 3]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    expect(() => compose(identity(), liar).apply(x)).toThrow(/step 1 \('liar'\) returned 2 views, expected 1/);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
