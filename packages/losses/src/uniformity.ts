import * as tf from '@tensorflow/tfjs-core';
import { parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { checkEmbeddings, checkScale } from './checks';

/** The options of `uniformityLoss(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const uniformityLossOptionsSchema = z.strictObject({
  /** t > 0, the scale of the Gaussian potential. Default 2 (SsnL/align_uniform `uniform_loss`). */
  t: z._default(z.number().check(z.positive()), 2),
});
/** Options of `uniformityLoss` (the input of its schema: a field with a default may be omitted). */
export type UniformityLossOptions = z.input<typeof uniformityLossOptionsSchema>;

/**
 * Uniformity (Wang & Isola 2020, docs/science/alignment-uniformity.md §6), SsnL/align_uniform `uniform_loss`:
 *   L_uniform = log mean_{i<j} exp(−t‖x_i − x_j‖²)      (torch.pdist: distinct pairs only)
 * The inputs are used as given (the paper uses L2-normalised features). Computed as a log-sum-exp
 * over the Gram-matrix distances ‖x_i‖² + ‖x_j‖² − 2x_i·x_j (clamped at 0; the mean over i ≠ j
 * equals the mean over i < j), so it stays finite where exp underflows, with the closed-form
 * gradient −2t Σ_j (P_ij + P_ji)(x_i − x_j), P = the softmax weights of the pairs.
 *
 * @param x [batch, dim] (batch ≥ 2)
 * @returns scalar ≤ 0; 0 for collapsed features; → −2t = −4 for uniform points on a high-dim sphere
 */
export function uniformityLoss(x: tf.Tensor2D, options?: UniformityLossOptions): tf.Scalar {
  const op = 'uniformityLoss';
  const { t } = parseOptions(op, uniformityLossOptionsSchema, options ?? {});
  const { batch: B, dim, maxAbs } = checkEmbeddings(op, [['x', x]], 2);
  // ‖x_i‖² + ‖x_j‖² ≤ 2·max|x|²·dim, times t in the logits.
  if (maxAbs) checkScale(op, 'x', maxAbs[0], 4 * maxAbs[0]! ** 2 * dim * Math.max(t, 1), 'the squared distances', 'rescale the features');
  const selfPenalty = new Float32Array(B * B);
  for (let i = 0; i < B; i++) selfPenalty[i * B + i] = -Infinity;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [X, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const sq = tf.sum(tf.square(X), 1, true); // [B, 1]
    const gram = tf.matMul(X, tf.transpose(X));
    const d2 = tf.relu(tf.sub(tf.add(sq, tf.reshape(sq, [1, B])), tf.mul(gram, 2)));
    // −t‖x_i − x_j‖², with the self pairs at −Infinity (exp → exactly 0; a finite −1e9 would
    // dominate once t‖x_i − x_j‖² > 1e9). The gradient is closed form, so no 0·∞ arises.
    const logits = tf.add(tf.mul(d2, -t), tf.tensor2d(selfPenalty, [B, B]));
    const m = tf.max(logits);
    const E = tf.exp(tf.sub(logits, m));
    const S = tf.sum(E);
    const value = tf.sub(tf.add(m, tf.log(S)), Math.log(B * (B - 1)));
    const P = tf.div(E, S);
    save([X, tf.add(P, tf.transpose(P))]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [Xs, Ps] = saved as [tf.Tensor2D, tf.Tensor2D];
        // Σ_j Ps_ij (x_i − x_j) = rowsum(Ps)_i x_i − (Ps X)_i
        const g = tf.sub(tf.mul(tf.sum(Ps, 1, true), Xs), tf.matMul(Ps, Xs));
        return [tf.mul(g, tf.mul(dy, -2 * t))];
      },
    };
  });
  return tf.tidy(() => f(tf.cast(x, 'float32')) as tf.Scalar);
}
