// The shared input checks of the vector augmentations (view-utils.ts checkApply), of the image
// augmentations (image-utils.ts checkImages, imageAugmentation) and of randomApply, each with its
// whole message (op, argument, expected, actual) written out by hand, plus their edges: p = 0 and
// p = 1 are probabilities, rank must be kept as well as every dimension, a failing view leaks nothing.
import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, ContrastiveError, createRng, ShapeMismatchError } from '@contrastive/core';
import { compose } from './compose';
import { describe, expect, it } from 'vitest';
import { complementaryMask } from './complementary-mask';
import { imageAugmentation } from './image-utils';
import { randomApply } from './random-apply';
import { solarize } from './solarize';

/** A function with a nextUint32 method: typeof 'function', not an Rng object. */
const fnRng = Object.assign(() => 0, { nextUint32: () => 0 });

/** [error class, message] of what `f` throws. */
function thrown(f: () => unknown): [string, string] | 'no error' {
  try {
    f();
  } catch (e) {
    return [(e as Error).constructor.name, (e as Error).message];
  }
  return 'no error';
}

describe('checkApply (vector augmentations)', () => {
  it('names the dtype and the rng it refuses', () => {
    const aug = complementaryMask();
    const ints = tf.ones([2, 3], 'int32') as tf.Tensor2D;
    const x = tf.ones([2, 3]) as tf.Tensor2D;
    expect(thrown(() => aug.apply(ints))).toEqual([
      'InvalidArgumentError',
      `complementaryMask.apply: invalid argument 'x': expected a float32 tensor, got "dtype 'int32'"`,
    ]);
    expect(thrown(() => aug.transform(ints))).toEqual([
      'InvalidArgumentError',
      `complementaryMask.transform: invalid argument 'x': expected a float32 tensor, got "dtype 'int32'"`,
    ]);
    for (const [rng, shown] of [
      [42, '42'],
      [null, 'null'],
      [{}, '{}'],
      [{ nextUint32: 1 }, '{"nextUint32":1}'],
      // A function carrying a nextUint32 method is still not an Rng object.
      [fnRng, '() => 0'],
    ] as const) {
      expect(thrown(() => aug.apply(x, rng as never))).toEqual([
        'InvalidArgumentError',
        `complementaryMask.apply: invalid argument 'rng': expected an Rng from createRng(seed), or undefined, got ${shown}`,
      ]);
    }
    // A caller's rng is used instead of the own stream.
    const [a] = aug.apply(x, createRng(1));
    const [b] = complementaryMask({ seed: 99 }).apply(x, createRng(1));
    expect(a!.dataSync()).toEqual(b!.dataSync());
    tf.dispose([ints, x, a!, b!, ...aug.apply(x)]);
  });
});

describe('checkImages (image augmentations)', () => {
  it('names what is not an image batch: not a tensor, disposed, wrong rank or channels, dtype, rng', () => {
    const aug = solarize();
    const gone = tf.zeros([1, 2, 2, 1]);
    gone.dispose();
    const two = tf.zeros([1, 2, 2, 2]);
    const rank3 = tf.zeros([2, 2, 3]);
    const ints = tf.zeros([1, 2, 2, 3], 'int32');
    const x = tf.zeros([1, 2, 2, 1]);
    expect(thrown(() => aug.apply([[1]] as never))).toEqual([
      'InvalidArgumentError',
      "solarize.apply: invalid argument 'x': expected an image batch tf.Tensor4D [batch, height, width, channels], got [[1]]",
    ]);
    expect(thrown(() => aug.transform(gone))).toEqual([
      'InvalidArgumentError',
      `solarize.transform: invalid argument 'x': expected a live tensor, got "a disposed tensor"`,
    ]);
    expect(thrown(() => aug.apply(two))).toEqual([
      'ShapeMismatchError',
      "solarize.apply: 'x' must be an image batch [batch, height, width, channels] with 1 or 3 channels, got [1, 2, 2, 2]",
    ]);
    expect(thrown(() => aug.apply(rank3))).toEqual([
      'ShapeMismatchError',
      "solarize.apply: 'x' must be an image batch [batch, height, width, channels] with 1 or 3 channels, got [2, 2, 3]",
    ]);
    expect(thrown(() => aug.apply(ints))).toEqual([
      'InvalidArgumentError',
      `solarize.apply: invalid argument 'x': expected a float32 tensor (values in [0, 1]), got "dtype 'int32'"`,
    ]);
    for (const [rng, shown] of [
      [7, '7'],
      [null, 'null'],
      [{}, '{}'],
      [{ nextUint32: 'x' }, '{"nextUint32":"x"}'],
      [fnRng, '() => 0'],
    ] as const) {
      expect(thrown(() => aug.apply(x, rng as never))).toEqual([
        'InvalidArgumentError',
        `solarize.apply: invalid argument 'rng': expected an Rng from createRng(seed), or undefined, got ${shown}`,
      ]);
    }
    // The shape error's fields, not only its message.
    let error: unknown;
    try {
      aug.apply(two);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect(error).toMatchObject({ argument: 'x', expected: '[batch, height, width, 1 | 3]', actual: [1, 2, 2, 2] });
    // 1 and 3 channels are both accepted.
    const rgb = tf.zeros([1, 2, 2, 3]);
    tf.dispose([...aug.apply(x), ...aug.apply(rgb, createRng(0))]);
    tf.dispose([two, rank3, ints, x, rgb]);
  });

  it('imageAugmentation: views in order from one stream, options and name kept; a failing view leaks nothing', () => {
    const x = tf.zeros([1, 1, 1, 1]);
    let calls = 0;
    const counting = imageAugmentation('counting', { k: 1 }, 3, 0, (t, s) => {
      calls++;
      if (calls === 3) throw new Error('third view failed');
      return tf.add(t, s.rng.int(1000)) as tf.Tensor4D;
    });
    expect([counting.name, counting.views, counting.options]).toEqual(['counting', 3, { k: 1 }]);
    const before = tf.memory().numTensors;
    expect(() => counting.apply(x)).toThrow('third view failed');
    expect(tf.memory().numTensors).toBe(before);
    // The sizes passed to the view and the stream: the caller's rng, drawn view after view.
    const seen: number[][] = [];
    const probe = imageAugmentation('probe', {}, 2, 'own', (t, s) => {
      seen.push([s.batch, s.height, s.width, s.channels, s.rng.int(1000)]);
      return tf.clone(t);
    });
    const img = tf.zeros([2, 3, 4, 3]);
    tf.dispose(probe.apply(img, createRng(5)));
    const ref = createRng(5);
    expect(seen).toEqual([
      [2, 3, 4, 3, ref.int(1000)],
      [2, 3, 4, 3, ref.int(1000)],
    ]);
    // Without an rng: the own stream, createRng(seed).fork(name).
    seen.length = 0;
    tf.dispose(probe.transform(img));
    expect(seen[0]![4]).toBe(createRng('own').fork('probe').int(1000));
    tf.dispose([x, img]);
  });
});

describe('randomApply checks', () => {
  const x = () => tf.zeros([2, 3, 3, 1]);

  it('p must be a number in [0, 1]; the edges are allowed', () => {
    for (const p of [-0.01, 1.01, Number.NaN, '0.5']) {
      expect(thrown(() => randomApply(p as never, solarize()))).toEqual([
        'InvalidArgumentError',
        `randomApply: invalid argument 'p': expected a probability in [0, 1], got ${p === '0.5' ? '"0.5"' : String(p)}`,
      ]);
    }
    const r0 = randomApply(0, solarize());
    const r1 = randomApply(1, solarize(), { views: 3, seed: 'a' });
    expect([r0.name, r0.views, r0.options]).toEqual(['randomApply(solarize)', 2, { views: 2, seed: 0, p: 0 }]);
    expect([r1.views, r1.options]).toEqual([3, { views: 3, seed: 'a', p: 1 }]);
  });

  it('aug must be an augmentation that draws one view', () => {
    for (const [aug, shown] of [
      [null, 'null'],
      [42, '42'],
      [{ name: 'n', views: 1 }, '{"name":"n","views":1}'],
    ] as const) {
      expect(thrown(() => randomApply(0.5, aug as never))).toEqual([
        'InvalidArgumentError',
        `randomApply: invalid argument 'aug': expected an Augmentation { name, views, apply(x, rng?) }, got ${shown}`,
      ]);
    }
    const twoViews: Augmentation<tf.Tensor> = { name: 'pair', views: 2, apply: (t) => [tf.clone(t), tf.clone(t)] };
    expect(thrown(() => randomApply(0.5, twoViews))).toEqual([
      'InvalidArgumentError',
      `randomApply: invalid argument 'aug': expected an augmentation with transform(x), or views = 1, got "'pair' with views = 2"`,
    ]);
  });

  it('view checks: x, rng, the number of views returned, the shape and the rank kept', () => {
    const img = x();
    const scalar = tf.scalar(1);
    const before = tf.memory().numTensors;
    const ok = randomApply(1, solarize());
    expect(thrown(() => ok.transform(scalar))).toEqual([
      'InvalidArgumentError',
      "randomApply.transform: invalid argument 'x': expected a live tensor with a batch dimension, got float32 tensor of shape []",
    ]);
    expect(thrown(() => ok.apply([1, 2] as never))).toEqual([
      'InvalidArgumentError',
      "randomApply.apply: invalid argument 'x': expected a live tensor with a batch dimension, got [1,2]",
    ]);
    for (const [rng, shown] of [
      [3, '3'],
      [null, 'null'],
      [{}, '{}'],
      [fnRng, '() => 0'],
    ] as const) {
      expect(thrown(() => ok.apply(img, rng as never))).toEqual([
        'InvalidArgumentError',
        `randomApply.apply: invalid argument 'rng': expected an Rng from createRng(seed), or undefined, got ${shown}`,
      ]);
    }
    // A one-view augmentation without transform that returns two views.
    const liar: Augmentation<tf.Tensor> = { name: 'liar', views: 1, apply: (t) => [tf.clone(t), tf.clone(t)] };
    expect(thrown(() => randomApply(1, liar).apply(img))).toEqual([
      'ContrastiveError',
      "randomApply.apply: 'liar' returned 2 views, expected 1",
    ]);
    // Every dimension kept but one dropped: the rank changed.
    const squeeze: Augmentation<tf.Tensor> = { name: 'squeeze', views: 1, apply: (t) => [tf.reshape(t, t.shape.slice(0, -1))] };
    expect(thrown(() => randomApply(1, squeeze).transform(img))).toEqual([
      'ContrastiveError',
      "randomApply.transform: 'squeeze' changed the shape [2, 3, 3, 1] to [2, 3, 3]; randomApply needs a shape-preserving augmentation",
    ]);
    const widen: Augmentation<tf.Tensor> = { name: 'widen', views: 1, apply: (t) => [tf.concat([t, t], 2)] };
    expect(thrown(() => randomApply(1, widen).transform(img))).toEqual([
      'ContrastiveError',
      "randomApply.transform: 'widen' changed the shape [2, 3, 3, 1] to [2, 3, 6, 1]; randomApply needs a shape-preserving augmentation",
    ]);
    // The second view fails: the first is disposed.
    let n = 0;
    const flaky: Augmentation<tf.Tensor> = {
      name: 'flaky',
      views: 1,
      apply: (t) => {
        if (n++ === 1) throw new ContrastiveError({ message: 'flaky' });
        return [tf.clone(t)];
      },
    };
    expect(() => randomApply(1, flaky).apply(img)).toThrow('flaky');
    expect(tf.memory().numTensors).toBe(before);
    // A one-view augmentation without transform is applied through apply, per sample.
    const plusOne: Augmentation<tf.Tensor> = { name: 'plusOne', views: 1, apply: (t) => [tf.add(t, 1)] };
    const [v] = randomApply(1, plusOne, { views: 1 }).apply(img);
    expect(Array.from(v!.dataSync())).toEqual(new Array(18).fill(1));
    // apply makes exactly `views` views.
    const three = randomApply(0.5, plusOne, { views: 3 }).apply(img);
    expect(three).toHaveLength(3);
    three.forEach((t) => expect(t.shape).toEqual([2, 3, 3, 1]));
    tf.dispose([v!, img, scalar, ...three]);
  });
});

describe('compose edge cases', () => {
  it('a function is not a step, even with views and an apply (every function has one)', () => {
    const fn = Object.assign(() => 0, { views: 1 });
    expect(() => compose(fn as never)).toThrow(
      /^compose: invalid argument 'steps\[0\]': expected an Augmentation \{ name, views, apply\(x, rng\?\) \}/,
    );
  });

  it('steps that hand back their input: the result is x itself, never disposed', () => {
    const x = tf.ones([2, 3]) as tf.Tensor2D;
    const pass: Augmentation = { name: 'pass', views: 1, apply: (v) => [v] };
    const [y] = compose(pass, pass, pass).apply(x);
    expect(y).toBe(x);
    expect(x.isDisposed).toBe(false);
    expect(compose(pass, pass).transform(x)).toBe(x);
    expect(x.isDisposed).toBe(false);
    // A later step handing back an intermediate (not x): that tensor is the result, kept alive.
    const double: Augmentation = { name: 'double', views: 1, apply: (v) => [tf.mul(v, 2)] };
    const [z] = compose(double, pass).apply(x);
    expect(Array.from(z!.dataSync())).toEqual([2, 2, 2, 2, 2, 2]);
    z!.dispose();
    x.dispose();
  });

  it('a later step failing on view 2 after handing back view 1 = x: x is not disposed', () => {
    const x = tf.ones([2, 3]) as tf.Tensor2D;
    const twoOfX: Augmentation = { name: 'twoOfX', views: 2, apply: (v) => [v, v] };
    let calls = 0;
    const passOnce: Augmentation = {
      name: 'passOnce',
      views: 1,
      apply: (v) => {
        if (calls++ === 1) throw new Error('second view failed');
        return [v];
      },
    };
    const before = tf.memory().numTensors;
    expect(() => compose(twoOfX, passOnce).apply(x)).toThrow('second view failed');
    expect(x.isDisposed).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
