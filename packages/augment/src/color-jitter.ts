import * as tf from '@tensorflow/tfjs-core';
import { parseOptions, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { type ImageAugmentation, imageAugmentation, luma, perSample, viewsSchema } from './image-utils';

/** A strength s ≥ 0 (factor range [max(0, 1 − s), 1 + s]) or an explicit [min, max] range of factors ≥ 0. */
const factorSchema = z.union([
  z.number().check(z.gte(0)),
  z
    .tuple([z.number().check(z.gte(0)), z.number().check(z.gte(0))])
    .check(z.refine((r) => r[0] <= r[1], { message: 'expected [min, max] with min ≤ max' })),
]);

/** The options of `colorJitter(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
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
      z
        .tuple([z.number().check(z.gte(-0.5), z.lte(0.5)), z.number().check(z.gte(-0.5), z.lte(0.5))])
        .check(z.refine((r) => r[0] <= r[1], { message: 'expected [min, max] with min ≤ max' })),
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
  seed: z._default(seedSchema, 0),
});
/** Options of `colorJitter` (the input of its schema: a field with a default may be omitted). */
export type ColorJitterOptions = z.input<typeof colorJitterOptionsSchema>;
/** The options of `colorJitter` with every default filled in (the augmentation's or model's `options`). */
export type ColorJitterResolvedOptions = z.output<typeof colorJitterOptionsSchema>;
/** The augmentation `colorJitter(options)` returns: `apply` makes its views; `options` holds the resolved options. */
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
    // Exact 0/1 masks from step(d) = 1[d > 0] (bool comparisons and casts cost ~10× more on wasm).
    const pos = (t: tf.Tensor) => tf.step(t);
    const notPos = (t: tf.Tensor) => tf.sub(1, tf.step(t));
    // _rgb2hsv
    const maxc = tf.maximum(tf.maximum(r, g), b);
    const minc = tf.minimum(tf.minimum(r, g), b);
    const cr = tf.sub(maxc, minc);
    const eqc = notPos(cr); // 1 where maxc = minc
    const s = tf.div(cr, tf.add(maxc, eqc)); // cr / (eqc ? 1 : maxc): maxc + 1 when cr = 0 gives 0 as well
    const crd = tf.add(cr, eqc); // eqc ? 1 : cr
    const rc = tf.div(tf.sub(maxc, r), crd);
    const gc = tf.div(tf.sub(maxc, g), crd);
    const bc = tf.div(tf.sub(maxc, b), crd);
    const isR = notPos(tf.sub(maxc, r)); // maxc == r
    const notR = pos(tf.sub(maxc, r));
    const isG = tf.mul(notPos(tf.sub(maxc, g)), notR); // maxc == g and maxc != r
    const isB = tf.mul(pos(tf.sub(maxc, g)), notR); // maxc != g and maxc != r
    const hSum = tf.addN([tf.mul(isR, tf.sub(bc, gc)), tf.mul(isG, tf.sub(tf.add(rc, 2), bc)), tf.mul(isB, tf.sub(tf.add(gc, 4), rc))]);
    const frac = (t: tf.Tensor) => tf.sub(t, tf.floor(t)); // t mod 1 (torch's fmod / % agree here)
    let h = frac(tf.add(tf.div(hSum, 6), 1));
    h = frac(tf.reshape(tf.add(tf.reshape(h, [B, H * W]), tf.reshape(shift, [B, 1])), [B * H * W])); // broadcast: tile is slow on wasm
    // _hsv2rgb
    const v = maxc;
    const h6 = tf.mul(h, 6);
    const i = tf.floor(h6);
    const f = tf.sub(h6, i);
    const vs = tf.mul(v, s);
    const p = tf.clipByValue(tf.sub(v, vs), 0, 1);
    const q = tf.clipByValue(tf.sub(v, tf.mul(vs, f)), 0, 1);
    const t = tf.clipByValue(tf.sub(v, tf.mul(vs, tf.sub(1, f))), 0, 1);
    const i6 = tf.sub(i, tf.mul(tf.floor(tf.div(i, 6)), 6));
    // m_k = 1[i6 = k] for integer i6 ∈ [0, 6): step(i6 − k + ½) − step(i6 − k − ½).
    const m = Array.from({ length: 6 }, (_, k) => tf.sub(tf.step(tf.sub(i6, k - 0.5)), tf.step(tf.sub(i6, k + 0.5))));
    const sel = (...terms: Array<[number[], tf.Tensor]>) =>
      tf.addN(terms.map(([ks, val]) => tf.mul(ks.length === 1 ? m[ks[0]!]! : tf.addN(ks.map((k) => m[k]!)), val)));
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
 * order, as one blend with a per-image factor and reference; the images are sorted by the stage of
 * their hue rotation (one gather, undone at the end) so that each stage rotates one contiguous slice.
 *
 * Stream use per view, per image in order: with order 'random' `rng.permutation(4)` (indices
 * 0 brightness, 1 contrast, 2 saturation, 3 hue), then one `rng.uniform` per enabled adjustment in
 * the order brightness, contrast, saturation, hue (as torchvision's `get_params`).
 *
 * @example const jitter = colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
 */
export function colorJitter(options: ColorJitterOptions = {}): ColorJitter {
  const op = 'colorJitter';
  const o = parseOptions(op, colorJitterOptionsSchema, options);
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
    // Images are processed sorted by the stage of their hue rotation, so that each stage rotates
    // one contiguous slice (every image is rotated once, not 4 times); unsorted at the end.
    const hueStage = Int32Array.from({ length: batch }, (_, b) => (active(HUE) ? orders.subarray(b * 4, b * 4 + 4).indexOf(HUE) : -1));
    const perm = Array.from({ length: batch }, (_, b) => b).sort((a, b) => hueStage[a]! - hueStage[b]! || a - b);
    const sorted = perm.some((p, b) => p !== b);
    return tf.tidy(() => {
      let cur = sorted ? (tf.gather(x, tf.tensor1d(perm, 'int32')) as tf.Tensor4D) : x;
      for (let k = 0; k < 4; k++) {
        const f = new Float32Array(batch).fill(1);
        const useContrast = new Float32Array(batch);
        const useSaturation = new Float32Array(batch);
        let anyBlend = false;
        let hueFrom = batch;
        let hueTo = 0;
        for (let pos = 0; pos < batch; pos++) {
          const b = perm[pos]!;
          const fn = orders[b * 4 + k]!;
          if (!active(fn)) continue;
          if (fn === HUE) {
            hueFrom = Math.min(hueFrom, pos);
            hueTo = pos + 1;
          } else {
            f[pos] = factors[b * 4 + fn]!;
            if (fn === CONTRAST) useContrast[pos] = 1;
            if (fn === SATURATION) useSaturation[pos] = 1;
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
        if (hueTo > hueFrom) {
          const [n, [, h, w, c]] = [hueTo - hueFrom, cur.shape];
          const shift = Float32Array.from({ length: n }, (_, i) => factors[perm[hueFrom + i]! * 4 + HUE]!);
          const rotated = adjustHue(tf.slice(cur, [hueFrom, 0, 0, 0], [n, h, w, c]), perSample(shift));
          const parts = [
            ...(hueFrom > 0 ? [tf.slice(cur, [0, 0, 0, 0], [hueFrom, h, w, c])] : []),
            rotated,
            ...(hueTo < batch ? [tf.slice(cur, [hueTo, 0, 0, 0], [batch - hueTo, h, w, c])] : []),
          ];
          cur = parts.length === 1 ? rotated : (tf.concat(parts, 0) as tf.Tensor4D);
        }
      }
      if (sorted) {
        const inverse = new Int32Array(batch);
        perm.forEach((p, pos) => (inverse[p] = pos));
        cur = tf.gather(cur, tf.tensor1d(inverse, 'int32')) as tf.Tensor4D;
      }
      return cur === x ? tf.clone(x) : cur;
    });
  });
}
