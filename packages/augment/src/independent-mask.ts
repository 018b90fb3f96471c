import * as tf from '@tensorflow/tfjs-core';
import { parseOptions, type Rng, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { applyMasks, checkApply, type ConfiguredAugmentation, ownStream } from './view-utils';

/** The options of `independentMask(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const independentMaskOptionsSchema = z.strictObject({
  /** q = P(D_i = 1), the same for every view, in (0, 1]. Default ½. */
  keepProb: z._default(z.number().check(z.gt(0), z.lte(1)), 0.5),
  /** Divide each view by q so that E[view] = x. Default true. */
  rescale: z._default(z.boolean(), true),
  /** Number of views (≥ 1). Default 2. */
  views: z._default(z.int().check(z.gte(1)), 2),
  /** Seed of the augmentation's own stream (used when `apply` gets no `rng`). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `independentMask` (the input of its schema: a field with a default may be omitted). */
export type IndependentMaskOptions = z.input<typeof independentMaskOptionsSchema>;
/** The options of `independentMask` with every default filled in (the augmentation's or model's `options`). */
export type IndependentMaskResolvedOptions = z.output<typeof independentMaskOptionsSchema>;
/** The augmentation `independentMask(options)` returns: `apply` makes its views; `options` holds the resolved options. */
export type IndependentMask = ConfiguredAugmentation<'independentMask', IndependentMaskResolvedOptions>;

/**
 * Independent random coordinate masks, one per view: view v = D_v x / q with D_v i.i.d.
 * Bernoulli(q) per sample and coordinate (the `MaskedSparseContrastiveDataset` of Pokle et al.,
 * docs/science/feature-decoupling.md §1.8). Unlike complementary masks the views may share coordinates, so the
 * cross-view covariance is all of Σ: noise is *not* decoupled, only each view's variance grows by
 * (1/q − 1)·diag Σ (an isotropic-noise direction keeps cross-view correlation q).
 *
 * Stream use: `apply`, `fillBernoulli(views·B·d1, q)` view-major then row-major; `transform`,
 * `fillBernoulli(B·d1, q)`.
 *
 * @example
 * const [xa, xb] = independentMask({ keepProb: 0.75, seed: 1 }).apply(x);
 */
export function independentMask(options: IndependentMaskOptions = {}): IndependentMask {
  const op = 'independentMask';
  const o = parseOptions(op, independentMaskOptionsSchema, options);
  const own = ownStream(o.seed, op);
  const s = o.rescale ? 1 / o.keepProb : 1;
  const draw = (r: Rng, size: number): Float32Array => {
    const masks = r.fillBernoulli(new Float32Array(size), o.keepProb);
    if (s !== 1) for (let i = 0; i < size; i++) masks[i] = masks[i]! * s;
    return masks;
  };
  return {
    name: op,
    views: o.views,
    options: o,
    apply(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D[] {
      const { batch, dim, rng: r } = checkApply(`${op}.apply`, x, rng, own);
      return applyMasks(x, draw(r, o.views * batch * dim), o.views);
    },
    transform(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D {
      const { batch, dim, rng: r } = checkApply(`${op}.transform`, x, rng, own);
      const mask = draw(r, batch * dim);
      return tf.tidy(() => tf.mul(x, tf.tensor2d(mask, [batch, dim])));
    },
  };
}
