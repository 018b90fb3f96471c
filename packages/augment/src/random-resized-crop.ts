import * as tf from '@tensorflow/tfjs-core';
import { parseOptions, type Rng, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { type ImageAugmentation, imageAugmentation, rangeSchema, viewsSchema } from './image-utils';

/** The options of `randomResizedCrop(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const randomResizedCropOptionsSchema = z.strictObject({
  /**
   * Output size: `[height, width]` or one number for a square. Default: the input's size (a crop
   * resized back to the full image, as in SimCLR on CIFAR/MNIST-sized images).
   */
  size: z.optional(z.union([z.int().check(z.positive()), z.tuple([z.int().check(z.positive()), z.int().check(z.positive())])])),
  /** Range of the crop's area as a fraction of the image's area. Default [0.08, 1] (torchvision). */
  scale: z._default(rangeSchema(Number.MIN_VALUE, 1), [0.08, 1]),
  /** Range of the crop's aspect ratio width/height, sampled log-uniformly. Default [3/4, 4/3] (torchvision). */
  ratio: z._default(rangeSchema(Number.MIN_VALUE, Number.MAX_VALUE), [3 / 4, 4 / 3]),
  /** Number of views (≥ 1). Default 2. */
  views: viewsSchema,
  /** Seed of the augmentation's own stream (used when `apply` gets no `rng`). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `randomResizedCrop` (the input of its schema: a field with a default may be omitted). */
export type RandomResizedCropOptions = z.input<typeof randomResizedCropOptionsSchema>;
/** The options of `randomResizedCrop` with every default filled in (the augmentation's or model's `options`). */
export type RandomResizedCropResolvedOptions = z.output<typeof randomResizedCropOptionsSchema>;
/** The augmentation `randomResizedCrop(options)` returns: `apply` makes its views; `options` holds the resolved options. */
export type RandomResizedCrop = ImageAugmentation<'randomResizedCrop', RandomResizedCropResolvedOptions>;

/** Python 3's `round`: halves go to the even neighbour (torchvision's crop sizes use it). */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** A crop in pixels: top row i, left column j, height h, width w. */
export interface CropBox {
  /** Top row of the crop. */
  i: number;
  /** Left column of the crop. */
  j: number;
  /** Height of the crop in pixels. */
  h: number;
  /** Width of the crop in pixels. */
  w: number;
}

/**
 * torchvision's `RandomResizedCrop.get_params`, drawing from `rng`: up to 10 attempts of
 * area·U(scale) and exp(U(log ratio)), rounded (half to even) to w = √(area·r), h = √(area/r);
 * the first that fits gets a uniform position (`rng.int(height − h + 1)`, then
 * `rng.int(width − w + 1)`); if none fits, the largest centred crop whose ratio is clamped into
 * `ratio` (the whole image when its own ratio is inside).
 */
export function sampleCrop(
  rng: Rng,
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
): CropBox {
  const area = height * width;
  const [logLo, logHi] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const i = rng.int(height - h + 1);
      const j = rng.int(width - w + 1);
      return { i, j, h, w };
    }
  }
  const inRatio = width / height;
  let [h, w] = [height, width];
  if (inRatio < ratio[0]) h = roundHalfEven(w / ratio[0]);
  else if (inRatio > ratio[1]) w = roundHalfEven(h * ratio[1]);
  return { i: Math.floor((height - h) / 2), j: Math.floor((width - w) / 2), h, w };
}

/**
 * Random resized crop (Szegedy et al. 2015; SimCLR's main augmentation): per image, a crop
 * sampled by torchvision's algorithm (`sampleCrop`) is resized to `size` by bilinear
 * interpolation, all images of the batch in ONE `tf.image.cropAndResize` call. The crop of pixel
 * rows i…i+h−1 maps to the box y ∈ [i/(H−1), (i+h−1)/(H−1)] (same for columns), so output pixels
 * sample the crop from its first to its last pixel centre (corner-aligned, no antialiasing,
 * unlike torchvision's PIL-style resize): a full-image crop at the input size returns the image.
 *
 * Stream use per view: for each image in order, `sampleCrop`'s draws (2 per attempt, then 2
 * integers on success).
 *
 * @example
 * const [a, b] = randomResizedCrop({ scale: [0.3, 1], seed: 1 }).apply(images); // [B, 28, 28, 1] each
 */
export function randomResizedCrop(options: RandomResizedCropOptions = {}): RandomResizedCrop {
  const op = 'randomResizedCrop';
  const o = parseOptions(op, randomResizedCropOptionsSchema, options);
  return imageAugmentation(op, o, o.views, o.seed, (x, { batch, height, width, rng }) => {
    const [outH, outW] = o.size === undefined ? [height, width] : typeof o.size === 'number' ? [o.size, o.size] : o.size;
    const boxes = new Float32Array(batch * 4);
    const ys = height > 1 ? height - 1 : 1;
    const xs = width > 1 ? width - 1 : 1;
    for (let b = 0; b < batch; b++) {
      const c = sampleCrop(rng, height, width, o.scale, o.ratio);
      // tfjs-backend-wasm 4.22 returns the columns from 0 instead of j for some un-resized crops of
      // the top row (y1 = 0, x1 > 0); a top edge of 1e-7 px avoids it (≤ 1e-7·|Δpixel| on row 0).
      const y1 = c.i === 0 && c.j > 0 && height > 1 ? 1e-7 / ys : c.i / ys;
      boxes.set([y1, c.j / xs, (c.i + c.h - 1) / ys, (c.j + c.w - 1) / xs], b * 4);
    }
    return tf.tidy(() =>
      tf.image.cropAndResize(
        x,
        tf.tensor2d(boxes, [batch, 4]),
        tf.tensor1d(
          Int32Array.from({ length: batch }, (_, b) => b),
          'int32',
        ),
        [outH, outW],
        'bilinear',
      ),
    );
  });
}
