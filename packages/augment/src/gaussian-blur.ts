import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, parseOptions, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { type ImageAugmentation, imageAugmentation, rangeSchema, viewsSchema } from './image-utils';

/** The options of `gaussianBlur(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const gaussianBlurOptionsSchema = z.strictObject({
  /**
   * Side of the square kernel, an odd integer; it must be smaller than twice the image side (reflect
   * padding). Default 3 (SimCLR uses ~10% of the image side).
   */
  kernelSize: z._default(
    z.int().check(
      z.positive(),
      z.refine((k) => k % 2 === 1, { message: 'expected an odd kernel size' }),
    ),
    3,
  ),
  /** Range of the standard deviation σ (pixels), drawn uniformly per image. Default [0.1, 2] (torchvision, SimCLR). */
  sigma: z._default(rangeSchema(Number.MIN_VALUE, Number.MAX_VALUE), [0.1, 2]),
  /** Number of views (≥ 1). Default 2. */
  views: viewsSchema,
  /** Seed of the augmentation's own stream (used when `apply` gets no `rng`). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `gaussianBlur` (the input of its schema: a field with a default may be omitted). */
export type GaussianBlurOptions = z.input<typeof gaussianBlurOptionsSchema>;
/** The options of `gaussianBlur` with every default filled in (the augmentation's or model's `options`). */
export type GaussianBlurResolvedOptions = z.output<typeof gaussianBlurOptionsSchema>;
/** The augmentation `gaussianBlur(options)` returns: `apply` makes its views; `options` holds the resolved options. */
export type GaussianBlur = ImageAugmentation<'gaussianBlur', GaussianBlurResolvedOptions>;

/**
 * torchvision's `_get_gaussian_kernel1d`: g(t) = exp(−½ (t/σ)²) at t = −(k−1)/2 … (k−1)/2,
 * normalised to sum 1. The 2-D kernel is the outer product g gᵀ.
 */
export function gaussianKernel1d(kernelSize: number, sigma: number): Float64Array {
  const half = (kernelSize - 1) / 2;
  const g = Float64Array.from({ length: kernelSize }, (_, t) => Math.exp(-0.5 * ((t - half) / sigma) ** 2));
  const sum = g.reduce((s, v) => s + v, 0);
  return g.map((v) => v / sum);
}

/**
 * Gaussian blur as torchvision's `F.gaussian_blur` (reflect padding, the separable kernel of
 * `gaussianKernel1d`), with σ ~ U(sigma) drawn per image. The whole batch is two depthwise
 * convolutions: images are moved to channels ([1, h, w, batch·c]) so each (image, channel) has its
 * own kernel. Stream use per view: one `rng.uniform(σmin, σmax)` per image.
 *
 * @example const blur = randomApply(0.5, gaussianBlur({ kernelSize: 3, sigma: [0.1, 2] }));
 */
export function gaussianBlur(options: GaussianBlurOptions = {}): GaussianBlur {
  const op = 'gaussianBlur';
  const o = parseOptions(op, gaussianBlurOptionsSchema, options);
  const k = o.kernelSize;
  const r = (k - 1) / 2;
  return imageAugmentation(op, o, o.views, o.seed, (x, { batch, height, width, channels, rng }) => {
    if (r >= height || r >= width) {
      throw new InvalidArgumentError({
        op: `${op}.apply`,
        argument: 'options.kernelSize',
        expected: `a kernel with (kernelSize − 1)/2 < the image side for reflect padding (kernelSize ≤ ${2 * Math.min(height, width) - 1})`,
        actual: k,
      });
    }
    const n = batch * channels;
    // filter[t, 0, b·c + ch, 0] = g_b(t): one kernel per (image, channel).
    const filter = new Float32Array(k * n);
    for (let b = 0; b < batch; b++) {
      const g = gaussianKernel1d(k, rng.uniform(o.sigma[0], o.sigma[1]));
      for (let t = 0; t < k; t++) for (let ch = 0; ch < channels; ch++) filter[t * n + b * channels + ch] = g[t]!;
    }
    if (k === 1) return tf.clone(x);
    return tf.tidy(() => {
      const padded = tf.mirrorPad(
        x,
        [
          [0, 0],
          [r, r],
          [r, r],
          [0, 0],
        ],
        'reflect',
      );
      const [ph, pw] = [height + 2 * r, width + 2 * r];
      const stacked = tf.reshape(tf.transpose(padded, [1, 2, 0, 3]), [1, ph, pw, n]) as tf.Tensor4D;
      const vertical = tf.depthwiseConv2d(stacked, tf.tensor4d(filter, [k, 1, n, 1]), 1, 'valid');
      const both = tf.depthwiseConv2d(vertical, tf.tensor4d(filter, [1, k, n, 1]), 1, 'valid');
      return tf.transpose(tf.reshape(both, [height, width, batch, channels]), [2, 0, 1, 3]) as tf.Tensor4D;
    });
  });
}
