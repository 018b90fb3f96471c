import * as tf from '@tensorflow/tfjs-core';
import { ContrastiveError, type Dataset, type DatasetBatch, InvalidArgumentError } from '@contrastive/core';

/** Typed arrays a dataset can hold its items in (uint8 pixels stay 1 byte each). */
export type ItemStorage = Float32Array | Uint8Array | Uint16Array;

export interface StoredDatasetInit {
  name: string;
  /** Items, row-major [n, ...shape]. */
  data: ItemStorage;
  /** One item's shape. */
  shape: readonly number[];
  /** Labels [n], already checked. */
  labels: Int32Array;
  numClasses: number;
  classNames?: readonly string[] | undefined;
  /** Factor applied when reading (1/255 for uint8 pixels, so `get` returns [0, 1]). */
  scale: number;
}

/** Checks `indices` against a dataset's length; returns them as a plain int array. */
export function checkIndices(op: string, indices: ArrayLike<number>, length: number): Int32Array {
  if (indices === null || typeof indices !== 'object' || typeof indices.length !== 'number') {
    throw new InvalidArgumentError({ op, argument: 'indices', expected: 'an array of item indices', actual: indices });
  }
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= length) {
      throw new InvalidArgumentError({
        op,
        argument: `indices[${i}]`,
        expected: `an integer in 0..${length - 1}`,
        actual: v,
        message: `'indices[${i}]' must be an integer in 0..${length - 1} (the dataset has ${length} items), got ${String(v)}`,
      });
    }
    out[i] = v;
  }
  return out;
}

export function assertLive(op: string, name: string, disposed: boolean): void {
  if (disposed) throw new ContrastiveError({ op, message: `dataset '${name}' has been disposed` });
}

/**
 * A dataset held in one JS typed array: `get` copies the requested rows into a fresh float32
 * tensor, so nothing lives in tfjs memory between calls.
 */
export function storedDataset(init: StoredDatasetInit): Dataset {
  const { name, data, labels, numClasses, scale } = init;
  const shape = Object.freeze([...init.shape]);
  const itemSize = shape.reduce((a, b) => a * b, 1);
  const length = labels.length;
  let disposed = false;
  const op = `${name}.get`;
  const ds: Dataset = {
    name,
    length,
    shape,
    numClasses,
    get(indices: ArrayLike<number>): DatasetBatch {
      assertLive(op, name, disposed);
      const idx = checkIndices(op, indices, length);
      const n = idx.length;
      const x = new Float32Array(n * itemSize);
      const y = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const src = idx[i]! * itemSize;
        const dst = i * itemSize;
        if (scale === 1) x.set(data.subarray(src, src + itemSize), dst);
        else for (let j = 0; j < itemSize; j++) x[dst + j] = data[src + j]! * scale;
        y[i] = labels[idx[i]!]!;
      }
      return { x: tf.tensor(x, [n, ...shape], 'float32'), labels: tf.tensor1d(y, 'int32') };
    },
    dispose() {
      disposed = true;
    },
  };
  if (init.classNames !== undefined) Object.assign(ds, { classNames: init.classNames });
  return Object.freeze(ds);
}
