import * as tf from '@tensorflow/tfjs-core';
import { assertNumber } from '@contrastive/core';
import { checkNormScale } from './checks';
import { l2Normalize } from './l2-normalize';

/**
 * Row-wise cosine similarity, as PyTorch's `nn.CosineSimilarity(dim=1, eps=1e-8)`: each norm is
 * clamped to ≥ eps separately, so an all-zero row gives 0 instead of NaN.
 *
 * @param a [batch, dim]
 * @param b [batch, dim]
 * @returns [batch], cos(a_i, b_i)
 */
export function cosineSimilarity(a: tf.Tensor2D, b: tf.Tensor2D, eps = 1e-8): tf.Tensor1D {
  const op = 'cosineSimilarity';
  assertNumber(op, 'eps', eps, { min: 0, exclusiveMin: true });
  checkNormScale(op, [
    ['a', a],
    ['b', b],
  ]);
  return tf.tidy(() => tf.sum(tf.mul(l2Normalize(a, -1, eps), l2Normalize(b, -1, eps)), 1));
}
