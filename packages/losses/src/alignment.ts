import * as tf from '@tensorflow/tfjs-core';
import { parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { checkEmbeddings, checkScale } from './checks';

/** The options of `alignmentLoss(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const alignmentLossOptionsSchema = z.strictObject({
  /** α > 0, the power of the distance. Default 2 (SsnL/align_uniform `align_loss`). */
  alpha: z._default(z.number().check(z.positive()), 2),
});
/** Options of `alignmentLoss` (the input of its schema: a field with a default may be omitted). */
export type AlignmentLossOptions = z.input<typeof alignmentLossOptionsSchema>;

/**
 * Alignment of positive pairs (Wang & Isola 2020, docs/science/alignment-uniformity.md §6), SsnL/align_uniform `align_loss`:
 *   L_align = mean_i ‖a_i − b_i‖₂^α
 * The inputs are used as given (the paper applies it to L2-normalised features; normalise first).
 * Closed-form gradient (α/B)·‖d_i‖^{α−2}·d_i, taken as 0 where a_i = b_i (PyTorch's norm backward
 * does the same), so α < 2 never gives NaN.
 *
 * @param a [batch, dim]
 * @param b [batch, dim]; row i of a and b is a positive pair
 * @returns scalar ≥ 0; 0 iff a = b; ≈ 2 for independent uniform unit vectors (α = 2)
 */
export function alignmentLoss(a: tf.Tensor2D, b: tf.Tensor2D, options?: AlignmentLossOptions): tf.Scalar {
  const op = 'alignmentLoss';
  const { alpha } = parseOptions(op, alignmentLossOptionsSchema, options ?? {});
  const { batch, dim, maxAbs } = checkEmbeddings(op, [
    ['a', a],
    ['b', b],
  ]);
  if (maxAbs) {
    const sq = (maxAbs[0]! + maxAbs[1]!) ** 2 * dim; // ‖a_i − b_i‖² ≤ (max|a| + max|b|)²·dim
    const i = maxAbs[0]! >= maxAbs[1]! ? 0 : 1;
    checkScale(op, i === 0 ? 'a' : 'b', maxAbs[i], Math.max(sq, sq ** (alpha / 2)), '‖a − b‖^α', 'rescale the features');
  }
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, y, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const d = tf.sub(x, y);
    const sq = tf.sum(tf.square(d), 1, true); // [B, 1]
    const norm = tf.sqrt(sq);
    const value = alpha === 2 ? tf.mean(sq) : tf.mean(tf.pow(norm, alpha));
    // ∂/∂a_i = (α/B)‖d_i‖^{α−2} d_i, 0 for a zero difference.
    const coef =
      alpha === 2
        ? tf.fill([batch, 1], 2 / batch)
        : tf.where(tf.greater(norm, 0), tf.mul(tf.pow(norm, alpha - 2), alpha / batch), tf.zerosLike(norm));
    save([tf.mul(d, coef)]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const g = tf.mul(saved[0]!, dy);
        return [g, tf.neg(g)];
      },
    };
  });
  return tf.tidy(() => f(tf.cast(a, 'float32'), tf.cast(b, 'float32')) as tf.Scalar);
}
