import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, ContrastiveError, InvalidArgumentError, parseOptions, type Rng, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { type ImageAugmentation, selectPerSample, viewsSchema } from './image-utils';
import { ownStream } from './view-utils';

/** The options of `randomApply(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const randomApplyOptionsSchema = z.strictObject({
  /** Number of views (≥ 1) when used as the first step of `compose`. Default 2. */
  views: viewsSchema,
  /** Seed of the own stream of the per-sample coin flips (used when `apply` gets no `rng`). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `randomApply` (the input of its schema: a field with a default may be omitted). */
export type RandomApplyOptions = z.input<typeof randomApplyOptionsSchema>;
/** The options of `randomApply` with every default filled in (the augmentation's or model's `options`). */
export type RandomApplyResolvedOptions = z.output<typeof randomApplyOptionsSchema> & {
  /** Probability that `inner` is applied to a view. */
  p: number;
};
/** The augmentation `randomApply(inner, options)` returns: applies `inner` to each view with probability `p`. */
export type RandomApply = ImageAugmentation<string, RandomApplyResolvedOptions> & {
  /** The augmentation applied with probability `p`. */
  readonly inner: Augmentation<tf.Tensor>;
};

type OneView = { transform?: (x: tf.Tensor, rng?: Rng) => tf.Tensor } & Augmentation<tf.Tensor>;

/**
 * Applies `aug` to each sample with probability `p` (torchvision's `RandomApply`, per sample):
 * the augmentation transforms the whole batch and a per-sample coin keeps its output or the
 * input, so its own draws do not depend on the coins. Works on any rank (images or vectors).
 *
 * Stream use per view: one `rng.bernoulli(p)` per sample, then `aug`'s draws (from the same `rng`
 * when one is passed, else from `aug`'s own stream).
 *
 * @example const jitter = randomApply(0.8, colorJitter({ brightness: 0.4, contrast: 0.4 }));
 */
export function randomApply(p: number, aug: Augmentation<tf.Tensor> | ImageAugmentation, options: RandomApplyOptions = {}): RandomApply {
  const op = 'randomApply';
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new InvalidArgumentError({ op, argument: 'p', expected: 'a probability in [0, 1]', actual: p });
  }
  const inner = aug as OneView;
  if (typeof inner !== 'object' || inner === null || typeof inner.apply !== 'function') {
    throw new InvalidArgumentError({ op, argument: 'aug', expected: 'an Augmentation { name, views, apply(x, rng?) }', actual: aug });
  }
  if (typeof inner.transform !== 'function' && inner.views !== 1) {
    throw new InvalidArgumentError({
      op,
      argument: 'aug',
      expected: 'an augmentation with transform(x), or views = 1',
      actual: `'${inner.name}' with views = ${inner.views}`,
    });
  }
  const o = { ...parseOptions(op, randomApplyOptionsSchema, options), p };
  const own = ownStream(o.seed, op);
  const name = `randomApply(${inner.name})`;

  const view = (method: string, x: unknown, rng: unknown): tf.Tensor => {
    if (!(x instanceof tf.Tensor) || x.isDisposed || x.rank < 1) {
      throw new InvalidArgumentError({ op: `${op}.${method}`, argument: 'x', expected: 'a live tensor with a batch dimension', actual: x });
    }
    if (rng !== undefined && (typeof rng !== 'object' || rng === null || typeof (rng as Rng).nextUint32 !== 'function')) {
      throw new InvalidArgumentError({
        op: `${op}.${method}`,
        argument: 'rng',
        expected: 'an Rng from createRng(seed), or undefined',
        actual: rng,
      });
    }
    const r = (rng as Rng | undefined) ?? own;
    const batch = x.shape[0]!;
    const keep = Uint8Array.from({ length: batch }, () => (r.bernoulli(p) ? 1 : 0));
    let out: tf.Tensor;
    if (inner.transform) out = inner.transform(x, rng as Rng | undefined);
    else {
      const views = inner.apply(x, rng as Rng | undefined);
      if (views.length !== 1) {
        tf.dispose(views);
        throw new ContrastiveError({ op: `${op}.${method}`, message: `'${inner.name}' returned ${views.length} views, expected 1` });
      }
      out = views[0]!;
    }
    if (!out.shape.every((d, i) => d === x.shape[i]) || out.rank !== x.rank) {
      const shape = out.shape;
      out.dispose();
      throw new ContrastiveError({
        op: `${op}.${method}`,
        message: `'${inner.name}' changed the shape [${x.shape.join(', ')}] to [${shape.join(', ')}]; randomApply needs a shape-preserving augmentation`,
      });
    }
    const result = selectPerSample(keep, out, x);
    out.dispose();
    return result;
  };

  return {
    name,
    views: o.views,
    options: o,
    inner,
    apply<T extends tf.Tensor>(x: T, rng?: Rng): T[] {
      const out: tf.Tensor[] = [];
      try {
        for (let v = 0; v < o.views; v++) out.push(view('apply', x, rng));
      } catch (e) {
        tf.dispose(out);
        throw e;
      }
      return out as T[];
    },
    transform<T extends tf.Tensor>(x: T, rng?: Rng): T {
      return view('transform', x, rng) as T;
    },
  };
}
