import * as tf from '@tensorflow/tfjs-core';
import { filledTensor, InvalidArgumentError, parseOptions, type Rng, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { applyMasks, checkApply, type ConfiguredAugmentation, ownStream } from './view-utils';

/** The options of `complementaryMask(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const complementaryMaskOptionsSchema = z.strictObject({
  /**
   * q = P(D_i = 1), the share of coordinates view 1 keeps; view 2 keeps the rest. In (0, 1).
   * Default ½ (docs/science/feature-decoupling.md §1.2). Only for `views` = 2: with more views each coordinate goes to one
   * view uniformly at random, so leave it unset.
   */
  keepProb: z.optional(z.number().check(z.gt(0), z.lt(1))),
  /**
   * Divide each view by its keep probability (view 1 = Dx/q, view 2 = (I−D)x/(1−q); 2Dx and
   * 2(I−D)x at q = ½) so that E[view] = x. Default true.
   */
  rescale: z._default(z.boolean(), true),
  /** Number of views (≥ 2). Default 2: the positive pair. */
  views: z._default(z.int().check(z.gte(2)), 2),
  /** Seed of the augmentation's own stream (used when `apply` gets no `rng`). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `complementaryMask` (the input of its schema: a field with a default may be omitted). */
export type ComplementaryMaskOptions = z.input<typeof complementaryMaskOptionsSchema>;
/** The options of `complementaryMask` with every default filled in (the augmentation's or model's `options`). */
export type ComplementaryMaskResolvedOptions = Omit<z.output<typeof complementaryMaskOptionsSchema>, 'keepProb'> & {
  /** q (1/views when views > 2). */
  keepProb: number;
};
/** The augmentation `complementaryMask(options)` returns: `apply` makes its views; `options` holds the resolved options. */
export type ComplementaryMask = ConfiguredAugmentation<'complementaryMask', ComplementaryMaskResolvedOptions>;

/**
 * Complementary random coordinate masking (Wen & Li 2021; docs/science/feature-decoupling.md §1.2):
 * D = diag(D_1 … D_d1), D_i ~ Bernoulli(q) i.i.d., drawn fresh **per sample** (per row) and per
 * call; x⁺ = Dx/q, x⁺⁺ = (I−D)x/(1−q), i.e. 2Dx and 2(I−D)x at q = ½. The views share no
 * coordinate, so noise with independent coordinates has zero cross-view covariance while the
 * delocalised sparse atoms keep almost all of theirs (Cov(x⁺, x⁺⁺) = Σ − diag Σ).
 *
 * With `views` = V > 2 the generalisation is a random partition: each coordinate of each sample
 * goes to exactly one view (uniformly, probability 1/V) and the views are scaled by V (by 1 when
 * `rescale` is false); every pair of views again has cross-covariance Σ − diag Σ.
 *
 * `transform(x)` draws one view alone: Dx/q (D ~ Bernoulli(q), or Bernoulli(1/V) scaled by V).
 *
 * Stream use per `apply`: V = 2, `fillBernoulli(B·d1, q)` row-major; V > 2, `int(V)` once per
 * entry, row-major. Per `transform`: `fillBernoulli(B·d1, q)`.
 *
 * @example
 * const aug = complementaryMask({ seed: 0 });
 * const [xa, xb] = aug.apply(x); // x [batch, dim] → 2 × [batch, dim]
 */
export function complementaryMask(options: ComplementaryMaskOptions = {}): ComplementaryMask {
  const op = 'complementaryMask';
  const o = parseOptions(op, complementaryMaskOptionsSchema, options);
  if (o.views > 2 && o.keepProb !== undefined) {
    throw new InvalidArgumentError({
      op,
      argument: 'options.keepProb',
      expected: 'unset when views > 2 (each coordinate then goes to one of the views with probability 1/views)',
      actual: o.keepProb,
    });
  }
  const views = o.views;
  const q = o.keepProb ?? (views === 2 ? 0.5 : 1 / views);
  const resolved: ComplementaryMaskResolvedOptions = { ...o, keepProb: q };
  const own = ownStream(o.seed, op);
  const s1 = o.rescale ? 1 / q : 1;
  const s2 = o.rescale ? 1 / (1 - q) : 1;

  return {
    name: op,
    views,
    options: resolved,
    apply(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D[] {
      const { batch, dim, rng: r } = checkApply(`${op}.apply`, x, rng, own);
      const n = batch * dim;
      if (views === 2 && s1 === s2) {
        // q = ½ (or no rescaling): view 1 = (s·x)·D and view 2 = s·x − view 1, exactly the
        // entries s·x·D_i and s·x·(1 − D_i) (a 0/1 mask; s a power of two or 1), from one
        // [batch, dim] 0/1 mask: no scaling loop, no second mask to upload and multiply.
        return tf.tidy(() => {
          // drawn straight into the tensor (in place in the wasm heap: no array to collect)
          const keep = filledTensor<tf.Rank.R2>([batch, dim], (out) => r.fillBernoulli(out, q));
          const sx: tf.Tensor2D = s1 === 1 ? x : tf.mul(x, s1);
          const x1: tf.Tensor2D = tf.mul(sx, keep);
          return [x1, tf.sub(sx, x1)];
        });
      }
      const masks = new Float32Array(views * n);
      if (views === 2) {
        const keep = masks.subarray(0, n);
        r.fillBernoulli(keep, q);
        for (let i = 0; i < n; i++) {
          const di = keep[i]!;
          masks[n + i] = (1 - di) * s2;
          keep[i] = di * s1;
        }
      } else {
        const s = o.rescale ? views : 1;
        for (let i = 0; i < n; i++) masks[r.int(views) * n + i] = s;
      }
      return applyMasks(x, masks, views);
    },
    transform(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D {
      const { batch, dim, rng: r } = checkApply(`${op}.transform`, x, rng, own);
      const mask = r.fillBernoulli(new Float32Array(batch * dim), q);
      if (s1 !== 1) for (let i = 0; i < mask.length; i++) mask[i] = mask[i]! * s1;
      return tf.tidy(() => tf.mul(x, tf.tensor2d(mask, [batch, dim])));
    },
  };
}
