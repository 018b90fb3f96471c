import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from './rng';

/**
 * One batch drawn from a data model: the observations `x` [batch, dim] plus whatever ground
 * truth the model exposes for that batch (latent codes, noise, labels, tree values, …).
 * The caller owns every tensor in it (dispose them, e.g. with `tf.dispose(sample)`).
 */
export interface Sample {
  /** The observations [batch, inputDim] (or [batch, h, w, c] images). */
  x: tf.Tensor2D;
  [groundTruth: string]: tf.Tensor;
}

/** A seeded generative model whose true features are known. */
export interface DataModel<S extends Sample = Sample> {
  /** The model's name (its type in configs). */
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

// Ground-truth capabilities: optional interfaces a data model implements to tell the training
// loop and the metric suites what it knows. Test them with the guards in `capabilities.ts`
// (`hasDictionary(data)`, `drawsPairs(data)`, …) rather than by casting.

/**
 * Sparse-coding ground truth (Wen & Li 2021): x = Mz + Hζ + ξ with a known dictionary M and an
 * optional dense basis H. Enables the sparse-coding and decoupling metric suites.
 */
export interface HasDictionary {
  /** M [inputDim, d]: one atom per column (unit norm). Owned by the data model. */
  readonly dictionary: tf.Tensor2D;
  /** H [inputDim, k]: orthonormal dense directions ⟂ M, or null/absent when the model has none. */
  readonly denseBasis?: tf.Tensor2D | null;
}

/** A batch with its positive partner: row i of `x` and of `xPositive` form a positive pair. */
export interface PairSample extends Sample {
  /** The positive view [batch, inputDim]. */
  xPositive: tf.Tensor2D;
}

/**
 * A data model that draws its own positive pairs (HLTM, latent mixing): training without an
 * augmentation uses `samplePair(batchSize, rng)` and the views `[x, xPositive]`.
 */
export interface PairedDataModel<S extends Sample = Sample, P extends S & PairSample = S & PairSample> extends DataModel<S> {
  /** Draws `batchSize` positive pairs (randomness from `rng` when given, as `sample`). */
  samplePair(batchSize: number, rng?: Rng): P;
}

/** Samples carry a class per row (for linear probes and kNN). */
export interface HasLabels {
  /** Key of the sample entry holding the labels [batch] (int32 in [0, classes)), e.g. 'labels'. */
  readonly labelKey: string;
}

/**
 * Samples carry true latents that an ideal encoder recovers up to an invertible map (an
 * identifiable model, Zimmermann et al. 2021): features are scored against them by R² and MCC.
 */
export interface HasRecoverableLatents {
  /** Key of the sample entry holding the latents [batch, latentDim], e.g. 'z'. */
  readonly latentKey: string;
}

/**
 * A hierarchical latent tree (Tian et al. 2020): samples carry `latents` [batch, nodes], every
 * node's value breadth-first with the `leafOffset` internal nodes first, then the leaves.
 */
export interface HasLatentTree {
  /** Number of internal (non-leaf) nodes = index of the first leaf. */
  readonly leafOffset: number;
}

/**
 * A view generator: maps a batch x [batch, dim] to `views` tensors [batch, dim], or, as
 * `Augmentation<tf.Tensor4D>`, images [batch, height, width, channels] (float32 in [0, 1], 1 or 3
 * channels) to image views. `Augmentation<tf.Tensor>` accepts both kinds. Randomness comes from
 * `rng` when given, else from the augmentation's own seeded stream.
 */
export interface Augmentation<T extends tf.Tensor = tf.Tensor2D> {
  /** The augmentation's name (its type in configs). */
  readonly name: string;
  /** Views produced per call (2 for a positive pair). */
  readonly views: number;
  /** Makes `views` views of the batch `x` (the caller owns them). */
  apply(x: T, rng?: Rng): T[];
}

/** Serialised network: enough to rebuild it exactly with the package's `fromJSON`. */
export interface NetworkJSON {
  /** Network type, the key of its reader (`registerNetworkType`). */
  type: string;
  /** The options it was built with. */
  config: Record<string, unknown>;
  /** Weights by variable name; values are the exact float32 numbers. */
  weights: Record<
    string,
    {
      /** The variable's shape. */
      shape: number[];
      /** Its values, row-major. */
      values: number[];
    }
  >;
  /** Non-trainable state (schedules, running statistics), if any. */
  state?: Record<string, unknown>;
}

/** A trainable function of a batch. `apply` is differentiable w.r.t. `variables`. */
export interface Network {
  /** Name, also the prefix of its variables' names. */
  readonly name: string;
  /** Size of one flattened input (h·w·c for an image network). */
  readonly inputDim: number;
  /** Shape of one input when it is not a vector, e.g. [height, width, channels] for images. */
  readonly inputShape?: readonly number[];
  /** Size of one output row. */
  readonly outputDim: number;
  /** x [batch, inputDim] (or [batch, ...inputShape]) → [batch, outputDim]. */
  apply(x: tf.Tensor): tf.Tensor2D;
  /** The network's trainable variables (non-trainable state such as batch-norm running statistics is not here). */
  readonly variables: tf.Variable[];
  /** Called by the training loop before step `step` (0-based) of `totalSteps`, e.g. to advance a threshold schedule. */
  onStep?(step: number, totalSteps: number): void;
  /** Called after each optimizer update, e.g. to project weight rows back to unit norm. */
  afterUpdate?(): void;
  /** Serialises the network: config, exact weights and state. */
  toJSON(): NetworkJSON;
  /**
   * An independent copy (new variables, same values and state), renamed when `name` is given.
   * Optional: `cloneNetwork` uses it when present, else rebuilds the network from `toJSON()`.
   */
  clone?(name?: string): Network;
  /** Frees its variables. */
  dispose(): void;
}

// Network capabilities, for the metric suites (guards in `capabilities.ts`).

/** A network whose first layer is a set of neurons with weight vectors in input space. */
export interface HasNeuronWeights {
  /** The neurons' weight vectors as rows [units, inputDim] (a fresh tensor the caller owns). */
  neuronWeights(): tf.Tensor2D;
}

/** A network with hidden units grouped by the latent node they mirror (the HLTM tree network). */
export interface HasHiddenUnits {
  /**
   * Hidden units [batch, nodes·unitsPerNode], node μ in columns μ·unitsPerNode … (μ+1)·unitsPerNode − 1
   * (caller owns the result).
   */
  hiddenUnits(x: tf.Tensor2D): tf.Tensor2D;
}

/** A linear predictor p(f) = W_p f with a square matrix (DirectPred, a trained linear predictor). */
export interface HasPredictorMatrix {
  /** W_p row-major [outputDim, outputDim] (float64 copy). */
  predictorMatrix(): Float64Array;
}

/** A network with train/eval modes (batch norm): eval uses running statistics (PyTorch's `eval()`). */
export interface HasTrainingMode {
  /** True in train mode (batch statistics), false in eval mode (running statistics). */
  readonly training: boolean;
  /** Sets the mode and returns the network. */
  setTraining(mode: boolean): this;
}

/** A loss of two aligned embeddings (row i of a and b is a positive pair). */
export type PairLoss = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Scalar;
