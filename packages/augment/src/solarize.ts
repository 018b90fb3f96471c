import * as tf from '@tensorflow/tfjs-core';
import { parseOptions, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { type ImageAugmentation, imageAugmentation, viewsSchema } from './image-utils';

/** The options of `solarize(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const solarizeOptionsSchema = z.strictObject({
  /** Pixels ≥ threshold are inverted (v ↦ 1 − v). Default 0.5 (BYOL's solarization). */
  threshold: z._default(z.number().check(z.gte(0), z.lte(1)), 0.5),
  /** Number of views (≥ 1). Default 2. */
  views: viewsSchema,
  /** Accepted for a uniform `{ views, seed }` (solarize draws nothing). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `solarize` (the input of its schema: a field with a default may be omitted). */
export type SolarizeOptions = z.input<typeof solarizeOptionsSchema>;
/** The options of `solarize` with every default filled in (the augmentation's or model's `options`). */
export type SolarizeResolvedOptions = z.output<typeof solarizeOptionsSchema>;
/** The augmentation `solarize(options)` returns: `apply` makes its views; `options` holds the resolved options. */
export type Solarize = ImageAugmentation<'solarize', SolarizeResolvedOptions>;

/**
 * Solarization as torchvision's `F.solarize` for float images: v ↦ 1 − v where v ≥ threshold,
 * else v. Deterministic: use `randomApply(p, solarize())` for BYOL's "solarize with probability
 * 0.2". Draws nothing from the stream.
 */
export function solarize(options: SolarizeOptions = {}): Solarize {
  const op = 'solarize';
  const o = parseOptions(op, solarizeOptionsSchema, options);
  return imageAugmentation(op, o, o.views, o.seed, (x) =>
    tf.tidy(() => tf.where(tf.greaterEqual(x, o.threshold), tf.sub(1, x) as tf.Tensor4D, x)),
  );
}
