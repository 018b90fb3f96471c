// Shared plumbing of the image augmentations: the image-augmentation type, input checks, the
// zod/mini option pieces and the views loop. Not exported from the package index except types.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Rng, ShapeMismatchError } from '@contrastive/core';
import * as z from 'zod/mini';
import { ownStream } from './view-utils';

/** `[min, max]` with min ≤ max (zod/mini check). */
export function rangeSchema(min: number, max: number) {
  return z
    .tuple([z.number().check(z.gte(min), z.lte(max)), z.number().check(z.gte(min), z.lte(max))])
    .check(z.refine((r) => r[0] <= r[1], { message: 'expected [min, max] with min ≤ max' }));
}

/** Sizes of a checked image batch and the stream to draw from. */
export interface ImageBatch {
  batch: number;
  height: number;
  width: number;
  channels: 1 | 3;
  rng: Rng;
}

/**
 * Validates an image batch `[batch, height, width, channels]` (float32, 1 or 3 channels) and the
 * optional `rng`; returns the sizes and the stream (the caller's `rng`, else `own`).
 */
export function checkImages(op: string, x: unknown, rng: unknown, own: Rng): ImageBatch {
  if (!(x instanceof tf.Tensor)) {
    throw new InvalidArgumentError({
      op,
      argument: 'x',
      expected: 'an image batch tf.Tensor4D [batch, height, width, channels]',
      actual: x,
    });
  }
  if (x.isDisposed) {
    throw new InvalidArgumentError({ op, argument: 'x', expected: 'a live tensor', actual: 'a disposed tensor' });
  }
  if (x.rank !== 4 || (x.shape[3] !== 1 && x.shape[3] !== 3)) {
    throw new ShapeMismatchError({
      op,
      argument: 'x',
      expected: '[batch, height, width, 1 | 3]',
      actual: x.shape,
      message: `'x' must be an image batch [batch, height, width, channels] with 1 or 3 channels, got [${x.shape.join(', ')}]`,
    });
  }
  if (x.dtype !== 'float32') {
    throw new InvalidArgumentError({ op, argument: 'x', expected: 'a float32 tensor (values in [0, 1])', actual: `dtype '${x.dtype}'` });
  }
  if (rng !== undefined && (typeof rng !== 'object' || rng === null || typeof (rng as Rng).nextUint32 !== 'function')) {
    throw new InvalidArgumentError({ op, argument: 'rng', expected: 'an Rng from createRng(seed), or undefined', actual: rng });
  }
  const [batch, height, width, channels] = x.shape as [number, number, number, 1 | 3];
  return { batch, height, width, channels, rng: (rng as Rng | undefined) ?? own };
}

/**
 * An image augmentation: `apply` maps images `[batch, h, w, c]` to `views` image batches and
 * `transform` draws one view. The methods are generic so that an image augmentation is also an
 * `Augmentation` / `ViewAugmentation` for `compose` and `randomApply`; they check at run time that
 * x is an image batch (rank 4, 1 or 3 channels).
 */
export interface ImageAugmentation<N extends string = string, O = unknown> {
  /** The augmentation's name (its type in configs). */
  readonly name: N;
  /** Views produced per call. */
  readonly views: number;
  /** Resolved options (defaults applied). */
  readonly options: O;
  /** images [batch, h, w, c] → `views` × [batch, h', w', c] (h' = h unless the op resizes). */
  apply<T extends tf.Tensor>(x: T, rng?: Rng): T[];
  /** One random view of images [batch, h, w, c]. */
  transform<T extends tf.Tensor>(x: T, rng?: Rng): T;
}

/**
 * Builds an `ImageAugmentation` from its one-view transform. `apply` draws the views one after
 * another from the stream (all of view 1's parameters, then view 2's, …), so `apply(x)[v]` equals
 * the v-th of `views` successive `transform(x)` calls on the same stream.
 */
export function imageAugmentation<N extends string, O>(
  name: N,
  options: O,
  views: number,
  seed: number | string,
  view: (x: tf.Tensor4D, s: ImageBatch) => tf.Tensor4D,
): ImageAugmentation<N, O> {
  const own = ownStream(seed, name);
  const one = (op: string, x: unknown, rng: unknown): tf.Tensor4D => {
    const s = checkImages(op, x, rng, own);
    return view(x as tf.Tensor4D, s);
  };
  return {
    name,
    views,
    options,
    apply<T extends tf.Tensor>(x: T, rng?: Rng): T[] {
      const out: tf.Tensor[] = [];
      try {
        for (let v = 0; v < views; v++) out.push(one(`${name}.apply`, x, rng));
      } catch (e) {
        tf.dispose(out);
        throw e;
      }
      return out as T[];
    },
    transform<T extends tf.Tensor>(x: T, rng?: Rng): T {
      return one(`${name}.transform`, x, rng) as tf.Tensor as T;
    },
  };
}

/**
 * Per-sample choice: sample b of the result is `yes[b]` where `keep[b]` is 1, else `no[b]`, as
 * yes·m + no·(1 − m) with a 0/1 mask m [batch, 1, …] (exact for finite values; a broadcast `where`
 * or a gather is 10–50× slower on the wasm backend).
 */
export function selectPerSample<T extends tf.Tensor>(keep: ArrayLike<number>, yes: T, no: T): T {
  return tf.tidy(() => {
    const m = tf.tensor(Float32Array.from(keep), [keep.length, ...new Array<number>(yes.rank - 1).fill(1)]);
    return tf.add(tf.mul(yes, m), tf.mul(no, tf.sub(1, m))) as T;
  });
}

/** ITU-R BT.601 luma weights (R, G, B), as PIL's `convert('L')` and torchvision's grayscale. */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

/** Luma of RGB images [b, h, w, 3] → [b, h, w, 1]; grey images are returned as they are. */
export function luma(x: tf.Tensor4D): tf.Tensor4D {
  if (x.shape[3] === 1) return x;
  // One [pixels, 3] × [3, 1] product: faster than a broadcast multiply and a sum on cpu and wasm.
  const [b, h, w] = x.shape;
  return tf.tidy(() =>
    tf.reshape(tf.matMul(tf.reshape(x, [b * h * w, 3]) as tf.Tensor2D, tf.tensor2d(LUMA_WEIGHTS as unknown as number[], [3, 1])), [
      b,
      h,
      w,
      1,
    ]),
  );
}

/** Luma of RGB images in all three channels, [b, h, w, 3] (one [pixels, 3] × [3, 3] product; tile is slow on wasm). */
export function luma3(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const m = LUMA_WEIGHTS.flatMap((wt) => [wt, wt, wt]);
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(x, [b * h * w, 3]) as tf.Tensor2D, tf.tensor2d(m, [3, 3])), [b, h, w, 3]));
}

/** A [batch, 1, 1, 1] tensor of per-sample values, to broadcast over an image batch. */
export function perSample(values: Float32Array | number[]): tf.Tensor4D {
  return tf.tensor4d(values instanceof Float32Array ? values : Float32Array.from(values), [values.length, 1, 1, 1]);
}

/** Validates the `views` option shared by every factory: a positive integer, default 2. */
export const viewsSchema = z._default(z.int().check(z.gte(1)), 2);
