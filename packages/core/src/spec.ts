import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from './rng';

/**
 * One batch drawn from a data model: the observations `x` [batch, dim] plus whatever ground
 * truth the model exposes for that batch (latent codes, noise, labels, tree values, …).
 * The caller owns every tensor in it (dispose them, e.g. with `tf.dispose(sample)`).
 */
export interface Sample {
  x: tf.Tensor2D;
  [groundTruth: string]: tf.Tensor;
}

/** A seeded generative model whose true features are known. */
export interface DataModel<S extends Sample = Sample> {
  readonly name: string;
  /** Dimension of one observation x. */
  readonly inputDim: number;
  /**
   * Draws `batchSize` fresh samples. Randomness comes from `rng` when given (the training loop
   * passes its own, checkpointable stream), else from the model's own stream seeded by `seed`.
   */
  sample(batchSize: number, rng?: Rng): S;
  /** Frees the fixed ground-truth tensors (dictionary, bases, …). */
  dispose(): void;
}

/**
 * A view generator: maps a batch x [batch, dim] to `views` tensors [batch, dim], or, as
 * `Augmentation<tf.Tensor4D>`, images [batch, height, width, channels] (float32 in [0, 1], 1 or 3
 * channels) to image views. `Augmentation<tf.Tensor>` accepts both kinds. Randomness comes from
 * `rng` when given, else from the augmentation's own seeded stream.
 */
export interface Augmentation<T extends tf.Tensor = tf.Tensor2D> {
  readonly name: string;
  /** Views produced per call (2 for a positive pair). */
  readonly views: number;
  apply(x: T, rng?: Rng): T[];
}

/** Serialised network: enough to rebuild it exactly with the package's `fromJSON`. */
export interface NetworkJSON {
  type: string;
  config: Record<string, unknown>;
  /** Weights by variable name; values are the exact float32 numbers. */
  weights: Record<string, { shape: number[]; values: number[] }>;
  /** Non-trainable state (schedules, running statistics), if any. */
  state?: Record<string, unknown>;
}

/** A trainable function of a batch. `apply` is differentiable w.r.t. `variables`. */
export interface Network {
  readonly name: string;
  /** Size of one flattened input (h·w·c for an image network). */
  readonly inputDim: number;
  /** Shape of one input when it is not a vector, e.g. [height, width, channels] for images. */
  readonly inputShape?: readonly number[];
  readonly outputDim: number;
  /** x [batch, inputDim] (or [batch, ...inputShape]) → [batch, outputDim]. */
  apply(x: tf.Tensor): tf.Tensor2D;
  readonly variables: tf.Variable[];
  /** Called by the training loop before step `step` (0-based) of `totalSteps`, e.g. to advance a threshold schedule. */
  onStep?(step: number, totalSteps: number): void;
  /** Called after each optimizer update, e.g. to project weight rows back to unit norm. */
  afterUpdate?(): void;
  toJSON(): NetworkJSON;
  dispose(): void;
}

/** A loss of two aligned embeddings (row i of a and b is a positive pair). */
export type PairLoss = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Scalar;
