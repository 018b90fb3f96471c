import type * as tf from '@tensorflow/tfjs-core';

/**
 * One batch read from a `Dataset`. The caller owns both tensors (dispose them, e.g. with
 * `tf.dispose(batch)`). A type alias, not an interface, so it is a `tf.TensorContainer`.
 */
export type DatasetBatch = {
  /**
   * Items [n, ...shape], float32. Images are [n, height, width, channels] with values in [0, 1];
   * vectors are [n, d] with the values as given.
   */
  x: tf.Tensor;
  /** Class of every item [n], int32 in 0..numClasses − 1. */
  labels: tf.Tensor1D;
};

/**
 * A finite, indexed, labelled dataset: items 0..length − 1, each of shape `shape`, each with one
 * integer class. Unlike a `DataModel` (an endless sampler), it is read by index, so a training
 * loop can shuffle it without replacement, run epochs and hold out a test split.
 */
export interface Dataset {
  /** Human-readable name, e.g. `fashion-mnist/train` or the source file. */
  readonly name: string;
  /** Number of items n. */
  readonly length: number;
  /** Shape of one item: [height, width, channels] for images (e.g. [28, 28, 1]) or [d] for vectors. */
  readonly shape: readonly number[];
  /** Number of classes C; every label is in 0..C − 1. */
  readonly numClasses: number;
  /** Name of each class [C], when known (e.g. `T-shirt/top`, or a sub-folder name). */
  readonly classNames?: readonly string[];
  /**
   * The items at `indices` (any order, repeats allowed, each an integer in 0..length − 1), in
   * that order: x [indices.length, ...shape] float32 and labels [indices.length] int32.
   */
  get(indices: ArrayLike<number>): DatasetBatch;
  /** Frees what the dataset holds (tensors, buffers); `get` throws afterwards. */
  dispose(): void;
}
