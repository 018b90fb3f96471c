// A small in-memory `Dataset` for the train package's tests (the real loaders live in
// @contrastive/datasets; this keeps the loop's tests independent of them).
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Dataset } from '@contrastive/core';

/**
 * `n` items of `shape` with labels i mod `classes` (or `labels`): class k's items are noise around
 * a class-specific level, so the classes are separable. Values in [0, 1] for images.
 */
export function toyDataset(n: number, shape: number[], classes: number, seed = 0, labels?: number[]): Dataset {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const y = Int32Array.from(labels ?? Array.from({ length: n }, (_, i) => i % classes));
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: size }, () => rng.uniform(0.2, 0.8)));
  const x = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < size; j++) x[i * size + j] = Math.min(1, Math.max(0, centres[y[i]!]![j]! + rng.normal(0, 0.1)));
  }
  let disposed = false;
  return {
    name: 'toy-dataset',
    length: n,
    shape,
    numClasses: classes,
    get(indices) {
      if (disposed) throw new Error('toy-dataset: disposed');
      const m = indices.length;
      const out = new Float32Array(m * size);
      const lab = new Int32Array(m);
      for (let r = 0; r < m; r++) {
        const i = indices[r]!;
        out.set(x.subarray(i * size, (i + 1) * size), r * size);
        lab[r] = y[i]!;
      }
      return { x: tf.tensor(out, [m, ...shape]), labels: tf.tensor1d(lab, 'int32') };
    },
    dispose() {
      disposed = true;
    },
  };
}
