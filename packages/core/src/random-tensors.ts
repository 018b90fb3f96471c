import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from './rng';

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The parts of tfjs-backend-wasm's backend used to write a new tensor in place. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * A new float32 tensor whose values `fill` writes, given the tensor's storage. On the wasm backend
 * `fill` writes straight into the tensor's memory in the wasm heap: no JavaScript array is
 * allocated (none to garbage-collect) and nothing is copied. Elsewhere it fills a fresh
 * Float32Array that becomes the tensor. Either way the values are exactly those `fill` writes, so
 * a seeded `fill` gives the same tensor on every backend. `fill` must not run tfjs ops (the wasm
 * heap may move when tfjs allocates).
 *
 * @example filledTensor([256, 512], (out) => rng.fillNormal(out)) // = tf.tensor(rng.fillNormal(new Float32Array(256·512)), [256, 512])
 */
export function filledTensor<R extends tf.Rank>(shape: readonly number[], fill: (out: Float32Array) => void): tf.Tensor<R> {
  const backend = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as Partial<WasmBackendLike>) : undefined;
  if (backend && typeof backend.makeOutput === 'function' && typeof backend.typedArrayFromHeap === 'function' && size(shape) > 0) {
    const info = backend.makeOutput([...shape], 'float32');
    fill(backend.typedArrayFromHeap(info));
    return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
  }
  const values = new Float32Array(size(shape));
  fill(values);
  return tf.tensor(values, [...shape] as number[]) as unknown as tf.Tensor<R>;
}

/** A float32 tensor of i.i.d. N(mean, std²) values drawn from `rng` (reproducible on any backend). */
export function randomNormalTensor<R extends tf.Rank>(rng: Rng, shape: readonly number[], mean = 0, std = 1): tf.Tensor<R> {
  return filledTensor<R>(shape, (out) => rng.fillNormal(out, mean, std));
}

/** A float32 tensor of i.i.d. U[low, high) values drawn from `rng`. */
export function randomUniformTensor<R extends tf.Rank>(rng: Rng, shape: readonly number[], low = 0, high = 1): tf.Tensor<R> {
  return filledTensor<R>(shape, (out) => rng.fillUniform(out, low, high));
}

/** A float32 tensor of i.i.d. Bernoulli(p) values (1 with probability p, else 0). */
export function bernoulliTensor<R extends tf.Rank>(rng: Rng, shape: readonly number[], p: number): tf.Tensor<R> {
  return filledTensor<R>(shape, (out) => rng.fillBernoulli(out, p));
}
