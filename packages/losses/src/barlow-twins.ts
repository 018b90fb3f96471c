import * as tf from '@tensorflow/tfjs-core';
import { matMul, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { checkEmbeddings, checkScale } from './checks';

/** The options of `barlowTwinsLoss(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const barlowTwinsLossOptionsSchema = z.strictObject({
  /** λ, the weight of the off-diagonal (redundancy-reduction) term. Default 0.0051 (facebookresearch/barlowtwins `--lambd`). */
  lambda: z._default(z.number().check(z.gte(0)), 0.0051),
});
/** Options of `barlowTwinsLoss` (the input of its schema: a field with a default may be omitted). */
export type BarlowTwinsLossOptions = z.input<typeof barlowTwinsLossOptionsSchema>;

/** PyTorch BatchNorm1d default eps. */
const BN_EPS = 1e-5;

/**
 * Barlow Twins (Zbontar et al. 2021), as facebookresearch/barlowtwins `main.py` on one device:
 *   c = bn(a)ᵀ bn(b) / batch,   loss = Σ_j (c_jj − 1)² + λ Σ_{i≠j} c_ij²
 * where bn is `BatchNorm1d(affine=False)` in training mode: each dimension centred and divided by
 * sqrt(biased batch variance + 1e-5).
 *
 * @param a [batch, dim] embeddings of view 1 (batch ≥ 2)
 * @param b [batch, dim] embeddings of view 2
 * @returns scalar loss; 0 only if c = I
 */
export function barlowTwinsLoss(a: tf.Tensor2D, b: tf.Tensor2D, options?: BarlowTwinsLossOptions): tf.Scalar {
  const op = 'barlowTwinsLoss';
  const o = parseOptions(op, barlowTwinsLossOptionsSchema, options ?? {});
  const { batch, dim, maxAbs } = checkEmbeddings(
    op,
    [
      ['a', a],
      ['b', b],
    ],
    2,
  );
  // The batch variance sums (x − mean)² ≤ 4·max|x|² over the batch.
  if (maxAbs)
    maxAbs.forEach((m, i) => checkScale(op, i === 0 ? 'a' : 'b', m, 4 * m ** 2 * batch, 'the batch variance', 'rescale the features'));
  return tf.tidy(() => {
    const bn = (x: tf.Tensor2D) => {
      const { mean, variance } = tf.moments(x, 0, true); // biased variance, as BatchNorm in training
      return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPS))) as tf.Tensor2D;
    };
    const c = tf.div(matMul(bn(a), bn(b), true, false), batch); // [dim, dim]
    const eye = tf.eye(dim);
    const onDiag = tf.sum(tf.square(tf.sub(tf.sum(tf.mul(c, eye), 1), 1)));
    const offDiag = tf.sum(tf.square(tf.mul(c, tf.sub(1, eye))));
    return tf.add(onDiag, tf.mul(offDiag, o.lambda)) as tf.Scalar;
  });
}
