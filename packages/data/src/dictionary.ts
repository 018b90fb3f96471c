import * as tf from '@tensorflow/tfjs-core';
import { columnsToRowMajor, createRng, gramSchmidt } from '@contrastive/core';

/** The fixed linear ground truth of a sparse-coding model. */
export interface Dictionary {
  /** M, row-major [d1, d], float64: orthonormal columns (the atoms). */
  readonly m: Float64Array;
  /** H, row-major [d1, k], float64: orthonormal columns, orthogonal to every atom. */
  readonly h: Float64Array;
}

/**
 * Draws the dictionary M [d1, d] (Gram–Schmidt of a standard Gaussian matrix, i.e. the Q of its QR
 * decomposition up to column signs, docs/science/feature-decoupling.md §1.1) and the dense basis H [d1, k], continuing the
 * same Gram–Schmidt so that H ⟂ span(M). The Gaussian columns of M and H come from separate
 * forks of `seed` ('dictionary', 'dense-basis'), so M does not depend on k: a model with a dense
 * part has the same atoms as the one without.
 */
export function buildDictionary(seed: number | string, ambientDim: number, latentDim: number, denseRank: number): Dictionary {
  const root = createRng(seed);
  const draw = (key: string, count: number) => {
    const rng = root.fork(key);
    return Array.from({ length: count }, () => rng.fillNormal(new Float64Array(ambientDim)));
  };
  const mCols = gramSchmidt(draw('dictionary', latentDim));
  const hCols = gramSchmidt(draw('dense-basis', denseRank), mCols);
  return {
    m: columnsToRowMajor(mCols, ambientDim, new Float64Array(ambientDim * latentDim)),
    h: columnsToRowMajor(hCols, ambientDim, new Float64Array(ambientDim * denseRank)),
  };
}

/** Row-major [rows, cols] float64 → its transpose [cols, rows] as float32. */
export function transposeToFloat32(a: Float64Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

/** A persistent tensor (kept even if created inside a caller's `tf.tidy`). */
export function keptTensor2d(values: Float32Array | Float64Array, shape: [number, number]): tf.Tensor2D {
  return tf.keep(tf.tensor2d(values instanceof Float32Array ? values : Float32Array.from(values), shape));
}
