import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, ContrastiveError, InvalidArgumentError, type Rng } from '@contrastive/core';
import type { ViewAugmentation } from './view-utils';

/** The result of `compose`: a `ViewAugmentation` that remembers its steps. */
export interface ComposedAugmentation extends ViewAugmentation {
  /** The steps' names joined by '+', e.g. `complementaryMask+denseJitter`. */
  readonly name: string;
  /** The augmentations applied in order. */
  readonly steps: readonly Augmentation[];
}

function hasTransform(a: Augmentation): a is ViewAugmentation {
  return typeof (a as Partial<ViewAugmentation>).transform === 'function';
}

/**
 * Chains augmentations. The **first step makes the views** (`first.apply(x)`, so the result has
 * `first.views` views); every later step is applied to **each view separately**, drawing one fresh
 * view of it (its `transform`, or `apply(v)[0]` for a foreign augmentation with `views` = 1).
 * So `compose(complementaryMask(), denseJitter({ basis }))` masks (2 complementary views) and then
 * jitters each masked view independently, and the later steps' own `views` option is ignored.
 *
 * Randomness: with an `rng` argument, every step draws from it in order (the first step's views,
 * then step 2 on view 1, view 2, …, then step 3 …), so one checkpointed stream reproduces the whole
 * chain; without it each step uses its own seeded stream. Intermediate views are disposed.
 *
 * @example
 * const aug = compose(complementaryMask({ seed: 1 }), gaussianNoise({ std: 0.1, seed: 2 }));
 * const [xa, xb] = aug.apply(x);
 */
export function compose(...steps: Augmentation[]): ComposedAugmentation {
  const op = 'compose';
  if (steps.length === 0) {
    throw new InvalidArgumentError({
      op,
      argument: 'steps',
      expected: 'at least one augmentation, e.g. compose(complementaryMask(), denseJitter({ basis }))',
      actual: 'none',
    });
  }
  steps.forEach((s, i) => {
    if (Array.isArray(s)) {
      throw new InvalidArgumentError({
        op,
        argument: `steps[${i}]`,
        expected: 'an Augmentation (call compose(a, b), or compose(...list))',
        actual: 'an array',
      });
    }
    const a = s as Partial<Augmentation> | null;
    if (typeof a !== 'object' || a === null || typeof a.apply !== 'function' || !Number.isInteger(a.views) || (a.views ?? 0) < 1) {
      throw new InvalidArgumentError({
        op,
        argument: `steps[${i}]`,
        expected: 'an Augmentation { name, views, apply(x, rng?) }',
        actual: s,
      });
    }
    if (i > 0 && !hasTransform(s) && s.views !== 1) {
      throw new InvalidArgumentError({
        op,
        argument: `steps[${i}]`,
        expected:
          'an augmentation that draws one view per input (it has transform(x), or views = 1): steps after the first are applied to each view',
        actual: `'${s.name}' with views = ${s.views} and no transform`,
      });
    }
  });
  const [first, ...rest] = steps as [Augmentation, ...Augmentation[]];

  const one = (s: Augmentation, v: tf.Tensor2D, rng: Rng | undefined, index: number): tf.Tensor2D => {
    if (hasTransform(s)) return s.transform(v, rng);
    const out = s.apply(v, rng);
    if (out.length !== 1) {
      tf.dispose(out);
      throw new ContrastiveError({ op: `${op}.apply`, message: `step ${index} ('${s.name}') returned ${out.length} views, expected 1` });
    }
    return out[0]!;
  };
  /** Runs the later steps on one view; disposes every intermediate (never x itself). */
  const chain = (v: tf.Tensor2D, x: tf.Tensor2D, rng: Rng | undefined): tf.Tensor2D => {
    let cur = v;
    try {
      rest.forEach((s, i) => {
        const next = one(s, cur, rng, i + 1);
        if (cur !== x && cur !== next) cur.dispose();
        cur = next;
      });
    } catch (e) {
      if (cur !== x) cur.dispose();
      throw e;
    }
    return cur;
  };

  return {
    name: steps.map((s) => s.name).join('+'),
    views: first.views,
    steps,
    apply(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D[] {
      const made = first.apply(x, rng);
      if (made.length !== first.views) {
        tf.dispose(made.filter((t) => t !== x));
        throw new ContrastiveError({
          op: `${op}.apply`,
          message: `step 0 ('${first.name}') returned ${made.length} views, expected ${first.views}`,
        });
      }
      const out: tf.Tensor2D[] = [];
      try {
        for (let i = 0; i < made.length; i++) out.push(chain(made[i]!, x, rng));
      } catch (e) {
        tf.dispose([...out, ...made.slice(out.length + 1)].filter((t) => t !== x));
        throw e;
      }
      return out;
    },
    transform(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D {
      return chain(one(first, x, rng, 0), x, rng);
    },
  };
}
