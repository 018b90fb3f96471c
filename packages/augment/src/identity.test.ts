import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@contrastive/core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { identity } from './identity';

describeBackends('identity', () => {
  it('returns `views` independent copies of x (no augmentation: every direction has correlation 1)', () => {
    const x = tf.tensor2d([
      [1, -2, 3],
      [4, 5, -6],
    ]);
    const views = identity({ views: 3 }).apply(x);
    expect(views).toHaveLength(3);
    for (const v of views) {
      expect(v).not.toBe(x);
      expect(v.arraySync()).toEqual(x.arraySync());
    }
    views[0]!.dispose(); // disposing one view leaves x and the others intact
    expect(views[1]!.arraySync()).toEqual(x.arraySync());
    expect(identity().views).toBe(2);
    const t = identity().transform(x);
    expect(t.arraySync()).toEqual(x.arraySync());
    tf.dispose([x, ...views.slice(1), t]);
  });

  it('does not leak tensors', async () => {
    const x = tf.ones([4, 5]) as tf.Tensor2D;
    await expectNoLeak(() => identity().apply(x));
    x.dispose();
  });
});

describe('identity errors', () => {
  it('rejects bad options and inputs', () => {
    expect(() => identity({ views: 0 })).toThrow(InvalidArgumentError);
    expect(() => identity({ views: 0 })).toThrow(/options\.views/);
    expect(() => identity({ std: 1 } as never)).toThrow("identity: invalid argument 'options.std': unknown key; known keys: views, seed");
    expect(identity({ seed: 1, views: 2 }).views).toBe(2); // seed accepted for uniform options
    expect(() => identity().apply(tf.ones([2]) as never)).toThrow(/'x' must be rank 2/);
    // Images [batch, h, w, c] (an image ablation's "no augmentation" arm): copies, same values.
    const images = tf.randomUniform([2, 3, 3, 1]);
    const before = tf.memory().numTensors;
    const views = identity({ views: 2 }).apply(images as never);
    expect(views.map((v) => v.shape)).toEqual([
      [2, 3, 3, 1],
      [2, 3, 3, 1],
    ]);
    expect(Array.from(views[1]!.dataSync())).toEqual(Array.from(images.dataSync()));
    expect(views[0]).not.toBe(images);
    tf.dispose(views);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => identity().apply(tf.ones([1, 2, 2, 1], 'int32') as never)).toThrow(/float32/);
    images.dispose();
  });
});
