import type * as tf from '@tensorflow/tfjs-core';
import type { Network, NetworkJSON, Sample } from '@contrastive/core';

/**
 * A self-supervised method: the networks, the loss, and how the two branches relate
 * (shared weights, stop-gradient, EMA target, DirectPred predictor).
 *
 * The training step calls, in order: `prepare` (outside the gradient: its outputs are constants,
 * which is how stop-gradient and target branches are expressed in tfjs), `loss` (inside
 * `tf.variableGrads` over `trainableVariables()`), the optimizer, then `afterUpdate`.
 */
export interface Method {
  /** The method's name (e.g. `contrastive`, `byol`). */
  readonly name: string;
  /** Which kernels compute the loss and gradients: 'tfjs' (composed ops) or 'native' (a fused step). */
  readonly engine?: 'tfjs' | 'native';
  /** Every network the method owns, by role (`encoder`, `projector`, `predictor`, `target`, …). */
  readonly networks: Readonly<Record<string, Network>>;
  /** Variables the optimizer updates. */
  trainableVariables(): tf.Variable[];
  /** Constants for this step (e.g. target projections). The trainer disposes what it returns. */
  prepare?(views: tf.Tensor2D[], batch: Sample): tf.Tensor[];
  /** The scalar loss; differentiable w.r.t. `trainableVariables()`. */
  loss(views: tf.Tensor2D[], batch: Sample, prepared: tf.Tensor[]): tf.Scalar;
  /**
   * Optional: one whole training step without the tape, when the method can fuse it: the loss,
   * its gradient, the plain SGD update θ ← θ − lr_i·∂ℓ/∂θ of every trainable variable (`lr` in
   * `trainableVariables()` order) and every network's `afterUpdate`, computing the same numbers as
   * `loss` + `tf.variableGrads` + plain SGD + `afterUpdate` would. Returns the loss (variables left
   * unchanged when it is not finite), or undefined when it cannot fuse this step (then nothing is
   * touched and `train` takes the tape path). `train` calls it only with a plain SGD optimizer (no
   * momentum, no weight decay); `prepare` is not called on this path.
   */
  fusedSgdStep?(views: tf.Tensor2D[], batch: Sample, lr: readonly number[]): number | undefined;
  /** After the optimizer update: EMA targets, DirectPred refresh, … */
  afterUpdate?(step: number, totalSteps: number, views: tf.Tensor2D[]): void;
  /** Representation used for evaluation (the encoder output, before any head). [batch, dim] */
  embed(x: tf.Tensor2D): tf.Tensor2D;
  /** Extra non-variable state to checkpoint (e.g. DirectPred's running correlation). */
  getState?(): unknown;
  /** Restores what `getState` returned (from a checkpoint). */
  setState?(state: unknown): void;
  /** Frees every network and state the method owns. */
  dispose(): void;
}

/** Snapshot of every network of a method, for reports and `fromJSON`. */
export function methodToJSON(method: Method): Record<string, NetworkJSON> {
  return Object.fromEntries(Object.entries(method.networks).map(([k, n]) => [k, n.toJSON()]));
}
