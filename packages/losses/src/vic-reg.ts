import * as tf from '@tensorflow/tfjs-core';
import { matMul, parseOptions } from '@contrastive/core';
import { z } from 'zod';
import { checkEmbeddings } from './checks';

export const vicRegLossOptionsSchema = z.strictObject({
  /** λ, weight of the invariance term (MSE between the views). Default 25 (facebookresearch/vicreg `--sim-coeff`). */
  invariance: z.number().min(0).default(25),
  /** μ, weight of the variance (std hinge) term. Default 25 (`--std-coeff`). */
  variance: z.number().min(0).default(25),
  /** ν, weight of the covariance term. Default 1 (`--cov-coeff`). */
  covariance: z.number().min(0).default(1),
});
export type VicRegLossOptions = z.input<typeof vicRegLossOptionsSchema>;

/** eps inside the std's square root in the reference. */
const VAR_EPS = 1e-4;

/**
 * VICReg (Bardes, Ponce & LeCun 2022), as facebookresearch/vicreg `main_vicreg.py` on one device:
 *   inv = mean((a − b)²)                                         (F.mse_loss)
 *   std_x = sqrt(var(x, unbiased) + 1e-4) per dim;  var = mean(relu(1 − std_a))/2 + mean(relu(1 − std_b))/2
 *   cov_x = x̄ᵀx̄/(batch − 1);  cov = Σ_{i≠j} cov_a,ij²/dim + Σ_{i≠j} cov_b,ij²/dim
 *   loss = invariance·inv + variance·var + covariance·cov
 *
 * @param a [batch, dim] embeddings of view 1 (batch ≥ 2)
 * @param b [batch, dim] embeddings of view 2
 * @returns scalar loss
 */
export function vicRegLoss(a: tf.Tensor2D, b: tf.Tensor2D, options?: VicRegLossOptions): tf.Scalar {
  const op = 'vicRegLoss';
  const o = parseOptions(op, vicRegLossOptionsSchema, options ?? {});
  const { batch, dim } = checkEmbeddings(op, [['a', a], ['b', b]], 2);
  return tf.tidy(() => {
    const inv = tf.mean(tf.square(tf.sub(a, b)));
    const offMask = tf.sub(1, tf.eye(dim));
    const stats = (x: tf.Tensor2D) => {
      const xc = tf.sub(x, tf.mean(x, 0, true)) as tf.Tensor2D;
      const std = tf.sqrt(tf.add(tf.div(tf.sum(tf.square(xc), 0), batch - 1), VAR_EPS));
      const stdLoss = tf.div(tf.mean(tf.relu(tf.sub(1, std))), 2);
      const cov = tf.div(matMul(xc, xc, true, false), batch - 1);
      const covLoss = tf.div(tf.sum(tf.square(tf.mul(cov, offMask))), dim);
      return [stdLoss, covLoss] as const;
    };
    const [stdA, covA] = stats(a);
    const [stdB, covB] = stats(b);
    return tf.addN([
      tf.mul(inv, o.invariance),
      tf.mul(tf.add(stdA, stdB), o.variance),
      tf.mul(tf.add(covA, covB), o.covariance),
    ]) as tf.Scalar;
  });
}
