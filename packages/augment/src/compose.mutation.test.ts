// compose's validation (each rule on its own), its name, and its error paths (no tensor leaked,
// the input never disposed), with the messages written out.
import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, ContrastiveError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { compose } from './compose';
import { identity } from './identity';

const scaleBy = (k: number, views = 1): Augmentation => ({
  name: `scale${k}`,
  views,
  apply: (x) => Array.from({ length: views }, () => tf.mul(x, k)),
});
/** A later step that fails on its `n`-th call (0-based), after producing a tensor each time before. */
function failingOn(n: number): Augmentation {
  let calls = 0;
  return {
    name: 'flaky',
    views: 1,
    apply: (x) => {
      if (calls++ === n) throw new Error('flaky failed');
      return [tf.add(x, 1)];
    },
  };
}

describe('compose validation', () => {
  it('each malformed step is refused with its index and the expected interface', () => {
    const bad = (s: unknown) => {
      try {
        compose(identity(), s as Augmentation);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    const interfaceMsg = "compose: invalid argument 'steps[1]': expected an Augmentation { name, views, apply(x, rng?) }";
    expect(bad(null)).toBe(`${interfaceMsg}, got null`);
    expect(bad('aug')).toBe(`${interfaceMsg}, got "aug"`);
    expect(bad({ name: 'n', views: 1, apply: 1 })).toBe(`${interfaceMsg}, got {"name":"n","views":1,"apply":1}`);
    expect(bad({ name: 'n', views: 1.5, apply: () => [] })).toMatch(/^compose: invalid argument 'steps\[1\]': expected an Augmentation/);
    expect(bad({ name: 'n', views: 0, apply: () => [] })).toMatch(/^compose: invalid argument 'steps\[1\]': expected an Augmentation/);
    expect(bad({ name: 'n', apply: () => [] })).toMatch(/^compose: invalid argument 'steps\[1\]': expected an Augmentation/);
    expect(bad({ name: 'n', views: 1, apply: () => [] })).toBe('accepted');
    expect(bad(scaleBy(2, 3))).toBe(
      "compose: invalid argument 'steps[1]': expected an augmentation that draws one view per input (it has transform(x), or views = 1): steps after the first are applied to each view, got \"'scale2' with views = 3 and no transform\"",
    );
    expect(() => compose()).toThrow(
      'compose: invalid argument \'steps\': expected at least one augmentation, e.g. compose(complementaryMask(), denseJitter({ basis })), got "none"',
    );
    expect(() => compose(identity(), [identity()] as never)).toThrow(
      'compose: invalid argument \'steps[1]\': expected an Augmentation (call compose(a, b), or compose(...list)), got "an array"',
    );
    // A multi-view first step is fine: it makes the views.
    expect(compose(scaleBy(2, 3)).views).toBe(3);
  });

  it("is named after its steps, joined by '+', and keeps them", () => {
    const steps = [identity(), scaleBy(2), scaleBy(3)];
    const c = compose(...steps);
    expect(c.name).toBe('identity+scale2+scale3');
    expect(c.steps).toEqual(steps);
  });
});

describe('compose error paths', () => {
  it('a first step with the wrong number of views: named, its outputs disposed, x kept', () => {
    const x = tf.ones([2, 3]) as tf.Tensor2D;
    const liar: Augmentation = { name: 'liar', views: 2, apply: (v) => [v, tf.clone(v), tf.clone(v)] };
    const before = tf.memory().numTensors;
    expect(() => compose(liar, scaleBy(2)).apply(x)).toThrow(
      new ContrastiveError({ op: 'compose.apply', message: "step 0 ('liar') returned 3 views, expected 2" }).message,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('a later step failing on view 2 disposes view 1’s result and the remaining views, never x', () => {
    for (const failAt of [0, 1, 2, 3]) {
      const x = tf.ones([2, 3]) as tf.Tensor2D;
      // 2 views from the first step (view 1 is x itself), then two later steps: calls are
      // (view 1: step 1, step 2), (view 2: step 1, step 2).
      const first: Augmentation = { name: 'two', views: 2, apply: (v) => [v, tf.mul(v, 2)] };
      const flaky = failingOn(failAt);
      const aug = compose(first, flaky, scaleBy(3));
      // scaleBy(3) is called between flaky's calls: flaky's calls are its 1st and 2nd (views 1, 2).
      const before = tf.memory().numTensors;
      if (failAt < 2) {
        expect(() => aug.apply(x), `fail at ${failAt}`).toThrow('flaky failed');
        expect(tf.memory().numTensors, `fail at ${failAt}`).toBe(before);
      } else {
        const out = aug.apply(x);
        expect(out.map((t) => Array.from(t.dataSync()))).toEqual([
          [6, 6, 6, 6, 6, 6],
          [9, 9, 9, 9, 9, 9],
        ]);
        tf.dispose(out);
        expect(tf.memory().numTensors).toBe(before);
      }
      expect(x.isDisposed).toBe(false);
      x.dispose();
    }
  });

  it('transform chains every step on one view, disposing the intermediates', () => {
    const x = tf.ones([1, 2]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const y = compose(scaleBy(2), scaleBy(3), identity(), scaleBy(5)).transform(x);
    expect(Array.from(y.dataSync())).toEqual([30, 30]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const failing = compose(scaleBy(2), failingOn(0));
    expect(() => failing.transform(x)).toThrow('flaky failed');
    expect(tf.memory().numTensors).toBe(before);
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });
});
