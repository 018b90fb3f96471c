import * as tf from '@tensorflow/tfjs-core';
import { parseOptions, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { type ImageAugmentation, imageAugmentation, luma3, selectPerSample, viewsSchema } from './image-utils';

/** The options of `randomGrayscale(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const randomGrayscaleOptionsSchema = z.strictObject({
  /** Probability that an image is turned grey. Default 0.1 (torchvision's RandomGrayscale; SimCLR uses 0.2). */
  p: z._default(z.number().check(z.gte(0), z.lte(1)), 0.1),
  /** Number of views (≥ 1). Default 2. */
  views: viewsSchema,
  /** Seed of the augmentation's own stream (used when `apply` gets no `rng`). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `randomGrayscale` (the input of its schema: a field with a default may be omitted). */
export type RandomGrayscaleOptions = z.input<typeof randomGrayscaleOptionsSchema>;
/** The options of `randomGrayscale` with every default filled in (the augmentation's or model's `options`). */
export type RandomGrayscaleResolvedOptions = z.output<typeof randomGrayscaleOptionsSchema>;
/** The augmentation `randomGrayscale(options)` returns: `apply` makes its views; `options` holds the resolved options. */
export type RandomGrayscale = ImageAugmentation<'randomGrayscale', RandomGrayscaleResolvedOptions>;

/**
 * Random grayscale: with probability `p` an RGB image is replaced by its ITU-R BT.601 luma
 * L = 0.299 R + 0.587 G + 0.114 B in all three channels (PIL's `convert('L')`; torchvision's
 * tensor path uses 0.2989 for R). Grey images (1 channel) are returned unchanged.
 * Stream use per view: one `rng.bernoulli(p)` per image, also for grey images.
 */
export function randomGrayscale(options: RandomGrayscaleOptions = {}): RandomGrayscale {
  const op = 'randomGrayscale';
  const o = parseOptions(op, randomGrayscaleOptionsSchema, options);
  return imageAugmentation(op, o, o.views, o.seed, (x, { batch, channels, rng }) => {
    const grey = Float32Array.from({ length: batch }, () => (rng.bernoulli(o.p) ? 1 : 0));
    if (channels === 1 || grey.every((g) => g === 0)) return tf.clone(x);
    return tf.tidy(() => selectPerSample(grey, luma3(x), x));
  });
}
