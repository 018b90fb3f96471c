import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from './rng';

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A float32 tensor of i.i.d. N(mean, std²) values drawn from `rng` (reproducible on any backend). */
export function randomNormalTensor<R extends tf.Rank>(rng: Rng, shape: readonly number[], mean = 0, std = 1): tf.Tensor<R> {
  const t: tf.Tensor = tf.tensor(rng.fillNormal(new Float32Array(size(shape)), mean, std), [...shape]);
  return t as tf.Tensor<R>;
}

/** A float32 tensor of i.i.d. U[low, high) values drawn from `rng`. */
export function randomUniformTensor<R extends tf.Rank>(rng: Rng, shape: readonly number[], low = 0, high = 1): tf.Tensor<R> {
  const t: tf.Tensor = tf.tensor(rng.fillUniform(new Float32Array(size(shape)), low, high), [...shape]);
  return t as tf.Tensor<R>;
}

/** A float32 tensor of i.i.d. Bernoulli(p) values (1 with probability p, else 0). */
export function bernoulliTensor<R extends tf.Rank>(rng: Rng, shape: readonly number[], p: number): tf.Tensor<R> {
  const t: tf.Tensor = tf.tensor(rng.fillBernoulli(new Float32Array(size(shape)), p), [...shape]);
  return t as tf.Tensor<R>;
}
