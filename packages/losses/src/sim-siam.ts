import * as tf from '@tensorflow/tfjs-core';
import { checkNormScale } from './checks';
import { cosineSimilarity } from './cosine-similarity';
import { stopGradient } from './stop-gradient';

/**
 * SimSiam's symmetric negative-cosine loss (Chen & He 2021, docs/science/non-contrastive.md §3.1), as in
 * facebookresearch/simsiam `main_simsiam.py`:
 *   L = −(mean_i cos(p1_i, sg(z2_i)) + mean_i cos(p2_i, sg(z1_i))) / 2,   minimum −1
 * with `nn.CosineSimilarity(dim=1)` (eps 1e-8). The targets z1, z2 pass through `stopGradient`
 * inside the loss, so their gradient is exactly zero whatever the caller differentiates.
 *
 * @param p1 [batch, dim] predictor output of view 1
 * @param z1 [batch, dim] projector output of view 1 (target for p2)
 * @param p2 [batch, dim] predictor output of view 2
 * @param z2 [batch, dim] projector output of view 2 (target for p1)
 * @returns scalar loss in [−1, 1]
 */
export function simSiamLoss(p1: tf.Tensor2D, z1: tf.Tensor2D, p2: tf.Tensor2D, z2: tf.Tensor2D): tf.Scalar {
  checkNormScale('simSiamLoss', [
    ['p1', p1],
    ['z1', z1],
    ['p2', p2],
    ['z2', z2],
  ]);
  return tf.tidy(() => {
    const d12 = tf.mean(cosineSimilarity(p1, stopGradient(z2)));
    const d21 = tf.mean(cosineSimilarity(p2, stopGradient(z1)));
    return tf.mul(tf.add(d12, d21), -0.5) as tf.Scalar;
  });
}
