import * as tf from '@tensorflow/tfjs-core';
import { assertTensor } from '@contrastive/core';

/**
 * Identity in the forward pass, zero gradient in the backward pass: PyTorch's `.detach()` /
 * `jax.lax.stop_gradient`, which tfjs lacks (tfjs issues #7438, #967; docs/science/tfjs-notes.md §7.1).
 * Used inside SimSiam and BYOL so that their targets are constants whatever the caller does.
 *
 * @param x any shape
 * @returns a new tensor with the values of `x`
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  assertTensor('stopGradient', 'x', x);
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    // Shape and dtype only: `input` itself may be disposed by the time the gradient runs.
    const { shape, dtype } = input;
    return { value: tf.clone(input), gradFunc: () => [tf.zeros(shape, dtype)] };
  });
  return f(x) as T;
}
