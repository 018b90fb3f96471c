import * as tf from '@tensorflow/tfjs-core';

/**
 * float32 values of `t` for a native call that reads them synchronously: on wasm a view into the
 * wasm heap (no copy; valid until tfjs allocates again), elsewhere `dataSync()`.
 */
export function tensorValues(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array };
  if (t.dtype === 'float32' && tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function')
    return backend.typedArrayFromHeap(t);
  return (t.dtype === 'float32' ? t.dataSync() : Float32Array.from(t.dataSync())) as Float32Array;
}
