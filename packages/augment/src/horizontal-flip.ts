import * as tf from '@tensorflow/tfjs-core';
import { parseOptions, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { type ImageAugmentation, imageAugmentation, viewsSchema } from './image-utils';

/** The options of `horizontalFlip(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const horizontalFlipOptionsSchema = z.strictObject({
  /** Probability that an image is mirrored left–right. Default 0.5 (torchvision's RandomHorizontalFlip). */
  p: z._default(z.number().check(z.gte(0), z.lte(1)), 0.5),
  /** Number of views (≥ 1). Default 2. */
  views: viewsSchema,
  /** Seed of the augmentation's own stream (used when `apply` gets no `rng`). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `horizontalFlip` (the input of its schema: a field with a default may be omitted). */
export type HorizontalFlipOptions = z.input<typeof horizontalFlipOptionsSchema>;
/** The options of `horizontalFlip` with every default filled in (the augmentation's or model's `options`). */
export type HorizontalFlipResolvedOptions = z.output<typeof horizontalFlipOptionsSchema>;
/** The augmentation `horizontalFlip(options)` returns: `apply` makes its views; `options` holds the resolved options. */
export type HorizontalFlip = ImageAugmentation<'horizontalFlip', HorizontalFlipResolvedOptions>;

/**
 * Random horizontal flip: each image is mirrored (column j ↦ width − 1 − j) with probability `p`.
 * Stream use per view: one `rng.bernoulli(p)` per image, in order.
 *
 * @example const [a, b] = horizontalFlip({ seed: 1 }).apply(images);
 */
export function horizontalFlip(options: HorizontalFlipOptions = {}): HorizontalFlip {
  const op = 'horizontalFlip';
  const o = parseOptions(op, horizontalFlipOptionsSchema, options);
  return imageAugmentation(op, o, o.views, o.seed, (x, { batch, height, width, rng }) => {
    // One cropAndResize with the box [0, 1, 1, 0] (x1 > x2 samples the columns right to left) for
    // flipped images and [0, 0, 1, 1] for the others: at pixel centres the bilinear weights are 0,
    // so values are copied exactly, and it is ~10× faster than reverse + select on wasm.
    const boxes = new Float32Array(batch * 4);
    for (let b = 0; b < batch; b++) boxes.set(rng.bernoulli(o.p) ? [0, 1, 1, 0] : [0, 0, 1, 1], b * 4);
    return tf.tidy(() =>
      tf.image.cropAndResize(
        x,
        tf.tensor2d(boxes, [batch, 4]),
        tf.tensor1d(
          Int32Array.from({ length: batch }, (_, b) => b),
          'int32',
        ),
        [height, width],
        'bilinear',
      ),
    );
  });
}
