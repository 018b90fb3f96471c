import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertTensor, InvalidArgumentError } from '@contrastive/core';

/**
 * `x / max(‖x‖₂, eps)` along `axis`, exactly PyTorch's `F.normalize(x, p=2, dim=axis, eps)`.
 *
 * Why a customGrad: autograd through `sqrt(sum(x²))` gives 0/0 = NaN for an all-zero row (collapsed
 * features are a normal state in SSL), and is several small ops. The closed form is
 * `dx = (dy − y·⟨y, dy⟩) / ‖x‖` where ‖x‖ > eps, and `dy / eps` where the norm is clamped (the clamp
 * makes the denominator a constant there, as in PyTorch).
 *
 * @param x    any rank ≥ 1, float32
 * @param axis the axis to normalise (negative counts from the end); default −1
 * @param eps  lower clamp of the norm; default 1e-12 (F.normalize)
 * @returns same shape as `x`
 */
export function l2Normalize<T extends tf.Tensor>(x: T, axis = -1, eps = 1e-12): T {
  const op = 'l2Normalize';
  assertTensor(op, 'x', x);
  if (x.rank < 1) throw new InvalidArgumentError({ op, argument: 'x', expected: 'a tensor of rank ≥ 1', actual: x });
  assertNumber(op, 'axis', axis, { integer: true, min: -x.rank, max: x.rank - 1 });
  assertNumber(op, 'eps', eps, { min: 0, exclusiveMin: true });
  const ax = axis < 0 ? x.rank + axis : axis;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const norm = tf.sqrt(tf.sum(tf.square(input), ax, true));
    const denom = tf.maximum(norm, eps);
    const y = tf.div(input, denom);
    // 1 where the norm is not clamped: only there does the denominator depend on x.
    const free = tf.cast(tf.greater(norm, eps), 'float32');
    save([y, denom, free]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ys, d, fr] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const proj = tf.mul(tf.sum(tf.mul(ys, dy), ax, true), fr);
        return [tf.div(tf.sub(dy, tf.mul(ys, proj)), d)];
      },
    };
  });
  return tf.tidy(() => f(x.dtype === 'float32' ? x : tf.cast(x, 'float32'))) as T;
}
