import * as tf from '@tensorflow/tfjs-core';
import { assertShape, type Augmentation, createRng, InvalidArgumentError, type Rng } from '@contrastive/core';

/**
 * An augmentation that can also draw a single view: `compose` applies the later steps to each view
 * made by the first through `transform`.
 */
export interface ViewAugmentation extends Augmentation {
  /** One random view of x [batch, dim] → [batch, dim], drawing from `rng` (or the own stream). */
  transform(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D;
}

/** An augmentation of this package: a `ViewAugmentation` that exposes its resolved options. */
export interface ConfiguredAugmentation<N extends string, O> extends ViewAugmentation {
  /** The augmentation's name (its type in configs). */
  readonly name: N;
  readonly views: number;
  /** Resolved options (defaults applied). */
  readonly options: O;
}

/**
 * The augmentation's own stream: forked by name so that two augmentations built with the same
 * seed (e.g. a mask and a jitter inside `compose`) never draw the same numbers.
 */
export function ownStream(seed: number | string, name: string): Rng {
  return createRng(seed).fork(name);
}

/** Validates `apply`'s arguments and picks the stream: the caller's `rng` when given, else `own`. */
export function checkApply(op: string, x: unknown, rng: unknown, own: Rng): { batch: number; dim: number; rng: Rng } {
  assertShape(op, 'x', x, ['batch', 'dim']);
  const t = x as tf.Tensor2D;
  if (t.dtype !== 'float32') {
    throw new InvalidArgumentError({ op, argument: 'x', expected: 'a float32 tensor', actual: `dtype '${t.dtype}'` });
  }
  if (rng !== undefined && (typeof rng !== 'object' || rng === null || typeof (rng as Rng).nextUint32 !== 'function')) {
    throw new InvalidArgumentError({ op, argument: 'rng', expected: 'an Rng from createRng(seed), or undefined', actual: rng });
  }
  return { batch: t.shape[0], dim: t.shape[1], rng: (rng as Rng | undefined) ?? own };
}

/**
 * Multiplies x by `views` per-view masks. The masks live in one buffer; each view is a plain
 * same-shape product (a broadcast [1,B,d]×[V,B,d] product is ~20× slower on the cpu backend).
 *
 * @param x [batch, dim]
 * @param masks `views`·batch·dim values, view-major ([views, batch, dim] row-major), scale included
 * @returns `views` tensors [batch, dim]
 */
export function applyMasks(x: tf.Tensor2D, masks: Float32Array, views: number): tf.Tensor2D[] {
  return perView(x, masks, views, tf.mul);
}

/** `views` tensors op(x, values_v), values_v the v-th [batch, dim] block of `values`. */
export function perView(
  x: tf.Tensor2D,
  values: Float32Array,
  views: number,
  op: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D,
): tf.Tensor2D[] {
  const [b, d] = x.shape;
  const n = b * d;
  return tf.tidy(() => Array.from({ length: views }, (_, v) => op(x, tf.tensor2d(values.subarray(v * n, (v + 1) * n), [b, d]))));
}
