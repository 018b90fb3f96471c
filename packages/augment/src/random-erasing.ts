import * as tf from '@tensorflow/tfjs-core';
import { parseOptions, type Rng, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { type ImageAugmentation, imageAugmentation, rangeSchema, viewsSchema } from './image-utils';
import { type CropBox, roundHalfEven } from './random-resized-crop';

/** The options of `randomErasing(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const randomErasingOptionsSchema = z.strictObject({
  /** Probability that an image gets an erased rectangle. Default 0.5 (torchvision's RandomErasing). */
  p: z._default(z.number().check(z.gte(0), z.lte(1)), 0.5),
  /** Range of the erased area as a fraction of the image's area. Default [0.02, 0.33] (torchvision). */
  scale: z._default(rangeSchema(0, 1), [0.02, 0.33]),
  /** Range of the rectangle's aspect ratio height/width, sampled log-uniformly. Default [0.3, 3.3] (torchvision). */
  ratio: z._default(rangeSchema(Number.MIN_VALUE, Number.MAX_VALUE), [0.3, 3.3]),
  /** Value written into the rectangle (all channels). Default 0 (cutout). */
  value: z._default(z.number(), 0),
  /** Number of views (≥ 1). Default 2. */
  views: viewsSchema,
  /** Seed of the augmentation's own stream (used when `apply` gets no `rng`). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `randomErasing` (the input of its schema: a field with a default may be omitted). */
export type RandomErasingOptions = z.input<typeof randomErasingOptionsSchema>;
/** The options of `randomErasing` with every default filled in (the augmentation's or model's `options`). */
export type RandomErasingResolvedOptions = z.output<typeof randomErasingOptionsSchema>;
/** The augmentation `randomErasing(options)` returns: `apply` makes its views; `options` holds the resolved options. */
export type RandomErasing = ImageAugmentation<'randomErasing', RandomErasingResolvedOptions>;

/**
 * torchvision's `RandomErasing.get_params`: up to 10 attempts of area·U(scale) and
 * r = exp(U(log ratio)), h = round(√(area·r)), w = round(√(area/r)) (half to even); the first
 * with h < height and w < width gets a uniform position (`rng.int(height − h + 1)`, then
 * `rng.int(width − w + 1)`). Returns undefined when no attempt fits (the image is left as it is).
 */
export function sampleErasing(
  rng: Rng,
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
): CropBox | undefined {
  const area = height * width;
  const [logLo, logHi] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const eraseArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const h = roundHalfEven(Math.sqrt(eraseArea * aspect));
    const w = roundHalfEven(Math.sqrt(eraseArea / aspect));
    if (!(h < height && w < width)) continue;
    const i = rng.int(height - h + 1);
    const j = rng.int(width - w + 1);
    return { i, j, h, w };
  }
  return undefined;
}

/**
 * Random erasing (Zhong et al. 2020; cutout, DeVries & Taylor 2017): with probability `p` a
 * random rectangle (`sampleErasing`) of the image is set to `value` in every channel. Built as one
 * [batch, h, w, 1] mask: view = x·(1 − m) + value·m.
 * Stream use per view, per image in order: `rng.bernoulli(p)`, then `sampleErasing`'s draws when it
 * is erased.
 */
export function randomErasing(options: RandomErasingOptions = {}): RandomErasing {
  const op = 'randomErasing';
  const o = parseOptions(op, randomErasingOptionsSchema, options);
  return imageAugmentation(op, o, o.views, o.seed, (x, { batch, height, width, rng }) => {
    const mask = new Float32Array(batch * height * width);
    for (let b = 0; b < batch; b++) {
      if (!rng.bernoulli(o.p)) continue;
      const box = sampleErasing(rng, height, width, o.scale, o.ratio);
      if (!box) continue;
      for (let i = box.i; i < box.i + box.h; i++) mask.fill(1, (b * height + i) * width + box.j, (b * height + i) * width + box.j + box.w);
    }
    return tf.tidy(() => {
      const m = tf.tensor4d(mask, [batch, height, width, 1]);
      return tf.add(tf.mul(x, tf.sub(1, m)), tf.mul(m, o.value)) as tf.Tensor4D;
    });
  });
}
