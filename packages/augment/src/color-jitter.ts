import * as tf from '@tensorflow/tfjs-core';
import * as z from 'zod/mini';
import { type ImageAugmentation, imageAugmentation, imageSeedSchema, luma, parseImageOptions, perSample, selectPerSample, viewsSchema } from './image-utils';

/** A strength s ≥ 0 (factor range [max(0, 1 − s), 1 + s]) or an explicit [min, max] range of factors ≥ 0. */
const factorSchema = z.union([
  z.number().check(z.gte(0)),
  z.tuple([z.number().check(z.gte(0)), z.number().check(z.gte(0))]).check(z.refine((r) => r[0] <= r[1], { message: 'expected [min, max] with min ≤ max' })),
]);

export const colorJitterOptionsSchema = z.strictObject({
  /** Brightness strength (torchvision's `brightness`): factor b ~ U[max(0, 1 − s), 1 + s], or [min, max]. Default 0 (off). */
  brightness: z._default(factorSchema, 0),
  /** Contrast strength: factor ~ U[max(0, 1 − s), 1 + s], or [min, max]. Default 0 (off). */
  contrast: z._default(factorSchema, 0),
  /** Saturation strength (RGB only): factor ~ U[max(0, 1 − s), 1 + s], or [min, max]. Default 0 (off). */
  saturation: z._default(factorSchema, 0),
  /** Hue strength h ∈ [0, 0.5] (RGB only): shift ~ U[−h, h] of a full turn, or [min, max] within [−0.5, 0.5]. Default 0 (off). */
  hue: z._default(
    z.union([
      z.number().check(z.gte(0), z.lte(0.5)),
      z.tuple([z.number().check(z.gte(-0.5), z.lte(0.5)), z.number().check(z.gte(-0.5), z.lte(0.5))]).check(
        z.refine((r) => r[0] <= r[1], { message: 'expected [min, max] with min ≤ max' }),
      ),
    ]),
    0,
  ),
  /**
   * 'random': each image applies the four adjustments in its own random order, as torchvision's
   * ColorJitter (one `randperm(4)` per image); 'fixed': brightness, contrast, saturation, hue.
   * Default 'random'.
   */
  order: z._default(z.enum(['random', 'fixed']), 'random'),
  /** Number of views (≥ 1). Default 2. */
  views: viewsSchema,
  /** Seed of the augmentation's own stream (used when `apply` gets no `rng`). Default 0. */
  seed: z._default(imageSeedSchema, 0),
});
export type ColorJitterOptions = z.input<typeof colorJitterOptionsSchema>;
export type ColorJitterResolvedOptions = z.output<typeof colorJitterOptionsSchema>;
export type ColorJitter = ImageAugmentation<'colorJitter', ColorJitterResolvedOptions>;

const [BRIGHTNESS, CONTRAST, SATURATION, HUE] = [0, 1, 2, 3] as const;

function factorRange(v: number | [number, number]): [number, number] | undefined {
  if (Array.isArray(v)) return v[0] === 1 && v[1] === 1 ? undefined : v;
  return v === 0 ? undefined : [Math.max(0, 1 - v), 1 + v];
}

function hueRange(v: number | [number, number]): [number, number] | undefined {
  if (Array.isArray(v)) return v[0] === 0 && v[1] === 0 ? undefined : v;
  return v === 0 ? undefined : [-v, v];
}

/** clamp(f·x + (1 − f)·ref, 0, 1): torchvision's `_blend`. f [b,1,1,1]; ref broadcastable to x. */
function blend(x: tf.Tensor4D, ref: tf.Tensor, f: tf.Tensor4D): tf.Tensor4D {
  return tf.clipByValue(tf.add(tf.mul(f, x), tf.mul(tf.sub(1, f), ref)), 0, 1) as tf.Tensor4D;
}

/**
 * Rotates the hue of RGB images [b, h, w, 3] by `shift` [b, 1, 1, 1] of a full turn:
 * torchvision's `adjust_hue` (`_rgb2hsv`, h ↦ (h + shift) mod 1, `_hsv2rgb`) op for op.
 */
export function adjustHue(x: tf.Tensor4D, shift: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    // Channels as flat [pixels] vectors (a transpose + unstack is ~25× faster than split on wasm).
    const [B, H, W] = x.shape;
    const [r, g, b] = tf.unstack(tf.transpose(tf.reshape(x, [B * H * W, 3]))) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    const maxc = tf.maximum(tf.maximum(r, g), b);
    const minc = tf.minimum(tf.minimum(r, g), b);
    const eqc = tf.equal(maxc, minc);
    const cr = tf.sub(maxc, minc);
    const ones = tf.onesLike(maxc);
    const s = tf.div(cr, tf.where(eqc, ones, maxc));
    const crd = tf.where(eqc, ones, cr);
    const rc = tf.div(tf.sub(maxc, r), crd);
    const gc = tf.div(tf.sub(maxc, g), crd);
    const bc = tf.div(tf.sub(maxc, b), crd);
    const isR = tf.equal(maxc, r);
    const isG = tf.logicalAnd(tf.equal(maxc, g), tf.logicalNot(isR));
    const isB = tf.logicalAnd(tf.notEqual(maxc, g), tf.logicalNot(isR));
    const hr = tf.mul(tf.cast(isR, 'float32'), tf.sub(bc, gc));
    const hg = tf.mul(tf.cast(isG, 'float32'), tf.sub(tf.add(2, rc), bc));
    const hb = tf.mul(tf.cast(isB, 'float32'), tf.sub(tf.add(4, gc), rc));
    const frac = (t: tf.Tensor) => tf.sub(t, tf.floor(t)); // t mod 1 (torch's fmod / % for t ≥ 0 / floor-mod)
    let h = frac(tf.add(tf.div(tf.add(tf.add(hr, hg), hb), 6), 1));
    h = frac(tf.add(h, tf.reshape(tf.tile(shift, [1, H, W, 1]), [B * H * W])));
    // _hsv2rgb
    const v = maxc;
    const h6 = tf.mul(h, 6);
    const i = tf.floor(h6);
    const f = tf.sub(h6, i);
    const p = tf.clipByValue(tf.mul(v, tf.sub(1, s)), 0, 1);
    const q = tf.clipByValue(tf.mul(v, tf.sub(1, tf.mul(s, f))), 0, 1);
    const t = tf.clipByValue(tf.mul(v, tf.sub(1, tf.mul(s, tf.sub(1, f)))), 0, 1);
    const i6 = tf.sub(i, tf.mul(tf.floor(tf.div(i, 6)), 6));
    const m = Array.from({ length: 6 }, (_, k) => tf.cast(tf.equal(i6, k), 'float32'));
    const sel = (...terms: Array<[number[], tf.Tensor]>) => tf.addN(terms.map(([ks, val]) => tf.mul(tf.addN(ks.map((k) => m[k]!)), val)));
    const rOut = sel([[0, 5], v], [[1], q], [[2, 3], p], [[4], t]);
    const gOut = sel([[1, 2], v], [[0], t], [[3], q], [[4, 5], p]);
    const bOut = sel([[3, 4], v], [[0, 1], p], [[2], t], [[5], q]);
    return tf.reshape(tf.transpose(tf.stack([rOut, gOut, bOut])), [B, H, W, 3]) as tf.Tensor4D;
  });
}

/**
 * Colour jitter with torchvision's definitions (`F.adjust_brightness/contrast/saturation/hue`
 * on float tensors): brightness x ↦ clamp(b·x); contrast x ↦ clamp(c·x + (1 − c)·mean(L(x)))
 * with L the BT.601 luma and the mean over the whole image; saturation x ↦ clamp(s·x + (1 − s)·L(x));
 * hue: rotate the HSV hue by h turns. Factors are drawn per image. Grey images (1 channel) get
 * brightness and contrast only (saturation and hue are identities on them, as in torchvision).
 * Luma uses 0.299 for R (BT.601; torchvision's tensor path uses 0.2989).
 *
 * The batch runs as up to 4 stages: at stage k every image applies the k-th adjustment of its own
 * order (one blend with per-image factor and reference, and a hue rotation kept only where the
 * image's stage-k op is hue), so per-image random order costs no gather.
 *
 * Stream use per view, per image in order: with order 'random' `rng.permutation(4)` (indices
 * 0 brightness, 1 contrast, 2 saturation, 3 hue), then one `rng.uniform` per enabled adjustment in
 * the order brightness, contrast, saturation, hue (as torchvision's `get_params`).
 *
 * @example const jitter = colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
 */
export function colorJitter(options: ColorJitterOptions = {}): ColorJitter {
  const op = 'colorJitter';
  const o = parseImageOptions(op, colorJitterOptionsSchema, options);
  const ranges = [factorRange(o.brightness), factorRange(o.contrast), factorRange(o.saturation), hueRange(o.hue)];
  return imageAugmentation(op, o, o.views, o.seed, (x, { batch, channels, rng }) => {
    // orders[b·4 + k] = op of image b at stage k; factors[b·4 + op].
    const orders = new Int32Array(batch * 4);
    const factors = new Float64Array(batch * 4);
    for (let b = 0; b < batch; b++) {
      orders.set(o.order === 'random' ? rng.permutation(4) : [0, 1, 2, 3], b * 4);
      ranges.forEach((range, fn) => {
        factors[b * 4 + fn] = range ? rng.uniform(range[0], range[1]) : fn === HUE ? 0 : 1;
      });
    }
    const active = (fn: number) => ranges[fn] !== undefined && (channels === 3 || fn === BRIGHTNESS || fn === CONTRAST);
    return tf.tidy(() => {
      let cur = x;
      for (let k = 0; k < 4; k++) {
        const f = new Float32Array(batch).fill(1);
        const useContrast = new Float32Array(batch);
        const useSaturation = new Float32Array(batch);
        const shift = new Float32Array(batch);
        let anyBlend = false;
        let anyHue = false;
        for (let b = 0; b < batch; b++) {
          const fn = orders[b * 4 + k]!;
          if (!active(fn)) continue;
          if (fn === HUE) {
            shift[b] = factors[b * 4 + HUE]!;
            anyHue = true;
          } else {
            f[b] = factors[b * 4 + fn]!;
            if (fn === CONTRAST) useContrast[b] = 1;
            if (fn === SATURATION) useSaturation[b] = 1;
            anyBlend = true;
          }
        }
        if (anyBlend) {
          // Reference per image: 0 (brightness), mean luma (contrast) or the luma image (saturation).
          let ref: tf.Tensor = tf.zeros([batch, 1, 1, 1]);
          if (useContrast.some((u) => u === 1)) ref = tf.add(ref, tf.mul(perSample(useContrast), tf.mean(luma(cur), [1, 2, 3], true)));
          if (useSaturation.some((u) => u === 1)) ref = tf.add(ref, tf.mul(perSample(useSaturation), luma(cur)));
          cur = blend(cur, ref, perSample(f));
        }
        if (anyHue) {
          const keep = Array.from(shift, (_, b) => (orders[b * 4 + k] === HUE && active(HUE) ? 1 : 0));
          cur = selectPerSample(keep, adjustHue(cur, perSample(shift)), cur);
        }
      }
      return cur === x ? tf.clone(x) : cur;
    });
  });
}
