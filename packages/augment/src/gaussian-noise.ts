import * as tf from '@tensorflow/tfjs-core';
import { parseOptions, type Rng, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { checkApply, perView, type ConfiguredAugmentation, ownStream } from './view-utils';

/** The options of `gaussianNoise(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const gaussianNoiseOptionsSchema = z.strictObject({
  /**
   * Standard deviation τ of the added noise, in the units of x (absolute; to add noise in units
   * of the data's noise level σ, pass `k * data.noiseStd`). ≥ 0; 0 gives copies.
   */
  std: z.number().check(z.gte(0)),
  /** Number of views (≥ 1). Default 2. */
  views: z._default(z.int().check(z.gte(1)), 2),
  /** Seed of the augmentation's own stream (used when `apply` gets no `rng`). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `gaussianNoise` (the input of its schema: a field with a default may be omitted). */
export type GaussianNoiseOptions = z.input<typeof gaussianNoiseOptionsSchema>;
/** The options of `gaussianNoise` with every default filled in (the augmentation's or model's `options`). */
export type GaussianNoiseResolvedOptions = z.output<typeof gaussianNoiseOptionsSchema>;
/** The augmentation `gaussianNoise(options)` returns: `apply` makes its views; `options` holds the resolved options. */
export type GaussianNoise = ConfiguredAugmentation<'gaussianNoise', GaussianNoiseResolvedOptions>;

/**
 * Additive isotropic Gaussian noise, fresh per view: view v = x + ε_v, ε_v ~ N(0, τ² I).
 * The weak-augmentation baseline of docs/science/feature-decoupling.md §1.7: it lowers every direction's cross-view
 * correlation by the same additive variance (corr = a/(a + τ²) for a direction of variance a), so
 * it does not decouple sparse from dense features.
 *
 * Stream use: `apply`, `fillNormal(views·B·d1, 0, τ)` view-major then row-major; `transform`,
 * `fillNormal(B·d1, 0, τ)`; nothing when τ = 0.
 *
 * @example
 * const [xa, xb] = gaussianNoise({ std: 0.5 * data.noiseStd, seed: 2 }).apply(x);
 */
export function gaussianNoise(options: GaussianNoiseOptions): GaussianNoise {
  const op = 'gaussianNoise';
  const o = parseOptions(op, gaussianNoiseOptionsSchema, options);
  const own = ownStream(o.seed, op);
  return {
    name: op,
    views: o.views,
    options: o,
    apply(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D[] {
      const { batch, dim, rng: r } = checkApply(`${op}.apply`, x, rng, own);
      if (o.std === 0) return Array.from({ length: o.views }, () => tf.clone(x));
      const noise = r.fillNormal(new Float32Array(o.views * batch * dim), 0, o.std);
      return perView(x, noise, o.views, tf.add);
    },
    transform(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D {
      const { batch, dim, rng: r } = checkApply(`${op}.transform`, x, rng, own);
      if (o.std === 0) return tf.clone(x);
      const noise = r.fillNormal(new Float32Array(batch * dim), 0, o.std);
      return tf.tidy(() => tf.add(x, tf.tensor2d(noise, [batch, dim])));
    },
  };
}
