import * as tf from '@tensorflow/tfjs-core';
import { checkNormScale } from './checks';
import { l2Normalize } from './l2-normalize';
import { stopGradient } from './stop-gradient';

/** deepmind-research `byol/utils/helpers.py` l2_normalize: x·rsqrt(max(Σx², 1e-12)), i.e. the norm clamped at 1e-6. */
const BYOL_NORM_EPS = 1e-6;

/**
 * BYOL's symmetrised regression loss (Grill et al. 2020, docs/science/non-contrastive.md §3.2), exactly as the official
 * deepmind-research `byol/byol_experiment.py`:
 *   repr_loss = regression_loss(q1, sg t2) + regression_loss(q2, sg t1);  loss = mean over the batch
 *   regression_loss(x, y) = ‖x/‖x‖ − y/‖y‖‖² = 2 − 2cos(x, y)
 * The two directions are **summed** (not averaged), so the loss lies in [0, 8] and is 0 when each
 * prediction points along its target. Targets go through `stopGradient` inside the loss.
 *
 * @param q1 [batch, dim] online prediction of view 1
 * @param t2 [batch, dim] target projection of view 2 (constant)
 * @param q2 [batch, dim] online prediction of view 2
 * @param t1 [batch, dim] target projection of view 1 (constant)
 * @returns scalar loss
 */
export function byolLoss(q1: tf.Tensor2D, t2: tf.Tensor2D, q2: tf.Tensor2D, t1: tf.Tensor2D): tf.Scalar {
  checkNormScale('byolLoss', [
    ['q1', q1],
    ['t2', t2],
    ['q2', q2],
    ['t1', t1],
  ]);
  return tf.tidy(() => {
    const regression = (x: tf.Tensor2D, y: tf.Tensor2D) =>
      tf.sum(tf.square(tf.sub(l2Normalize(x, -1, BYOL_NORM_EPS), l2Normalize(stopGradient(y), -1, BYOL_NORM_EPS))), 1);
    return tf.mean(tf.add(regression(q1, t2), regression(q2, t1))) as tf.Scalar;
  });
}
