import * as tf from '@tensorflow/tfjs-core';
import {
  type Dataset,
  type DatasetBatch,
  InvalidArgumentError,
  NonFiniteValueError,
  parseOptions,
  ShapeMismatchError,
} from '@contrastive/core';
import * as z from 'zod/mini';
import { checkClassNames, checkLabels } from './labels';
import { assertLive, checkIndices, type ItemStorage, storedDataset } from './stored-dataset';

/** The options of `arrayDataset(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const arrayDatasetOptionsSchema = z.strictObject({
  /** Name shown in errors and reports. Default `'array'` (`'tensor'` for `tensorDataset`). */
  name: z.optional(z.string()),
  /**
   * Shape of one item, e.g. [28, 28, 1] or [d]. Required when `x` is flat (a typed array or a
   * flat number array); for nested arrays it must agree with the nesting. Default: from `x`.
   */
  shape: z.optional(z.array(z.int().check(z.positive()))),
  /** Number of classes C. Default: 1 + the largest label. */
  numClasses: z.optional(z.int().check(z.positive())),
  /** Name of each class [C]. Default: none. */
  classNames: z.optional(z.array(z.string())),
  /**
   * Factor applied to every value when read. Default 1/255 for `Uint8Array` /
   * `Uint8ClampedArray` pixels (so images come out in [0, 1]), 1 otherwise.
   */
  scale: z.optional(z.number().check(z.positive())),
});
/** Options of `arrayDataset` (the input of its schema: a field with a default may be omitted). */
export type ArrayDatasetOptions = z.input<typeof arrayDatasetOptionsSchema>;

/** The options of `tensorDataset(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const tensorDatasetOptionsSchema = z.strictObject({
  /** Name shown in errors and reports. Default `'tensor'`. */
  name: z.optional(z.string()),
  /** Number of classes C. Default: 1 + the largest label. */
  numClasses: z.optional(z.int().check(z.positive())),
  /** Name of each class [C]. Default: none. */
  classNames: z.optional(z.array(z.string())),
  /** Factor applied to every value when read (e.g. 1/255 for 0..255 pixels). Default 1. */
  scale: z._default(z.number().check(z.positive()), 1),
});
/** Options of `tensorDataset` (the input of its schema: a field with a default may be omitted). */
export type TensorDatasetOptions = z.input<typeof tensorDatasetOptionsSchema>;

/** Nested number arrays: [n, d] rows or [n, h, w, c] images. */
export type NestedArray = ReadonlyArray<number | NestedArray>;

/** What `arrayDataset` accepts for `x`: a flat typed array (give `shape`) or nested arrays. */
export type ArrayInput =
  | Float32Array
  | Float64Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint32Array
  | NestedArray;

/** Shape of a nested array (checked to be rectangular) and its values flattened into `out`. */
function flatten(op: string, x: NestedArray): { shape: number[]; values: Float32Array } {
  const shape: number[] = [];
  let probe: unknown = x;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  let k = 0;
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') {
        throw new InvalidArgumentError({ op, argument: `x${path}`, expected: 'a number', actual: node });
      }
      if (!Number.isFinite(node)) throw new NonFiniteValueError({ op, argument: `x${path}`, value: node });
      values[k++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new ShapeMismatchError({
        op,
        argument: 'x',
        expected: `[${shape.join(', ')}]`,
        actual: shape,
        message: `'x' is ragged: x${path} has ${Array.isArray(node) ? `length ${node.length}` : `a ${typeof node}`}, expected length ${shape[depth]} like x${'[0]'.repeat(depth)}`,
      });
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${path}[${i}]`);
  };
  walk(x, 0, '');
  return { shape, values };
}

/** Finite-checks and stores typed-array values compactly (bytes stay bytes). */
function toStorage(op: string, x: Exclude<ArrayInput, NestedArray>): { data: ItemStorage; defaultScale: number } {
  if (x instanceof Uint8Array || x instanceof Uint8ClampedArray) {
    return { data: new Uint8Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength)), defaultScale: 1 / 255 };
  }
  if (x instanceof Uint16Array) return { data: Uint16Array.from(x), defaultScale: 1 };
  const data = Float32Array.from(x as ArrayLike<number>);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new NonFiniteValueError({ op, argument: 'x', index: i, value: Number(x[i]) });
  }
  return { data, defaultScale: 1 };
}

/**
 * A dataset from your own arrays: `x` as nested arrays ([n, d] rows or [n, h, w, c] images) or a
 * flat typed array with `options.shape` (one item's shape); `labels` [n] integer classes. The
 * values are copied (uint8 pixels stay one byte each and are read back scaled by 1/255).
 *
 * @example arrayDataset(pixels, labels, { shape: [28, 28, 1] }) // pixels: Uint8Array [n·784]
 */
export function arrayDataset(x: ArrayInput, labels: ArrayLike<number>, options: ArrayDatasetOptions = {}): Dataset {
  return buildArrayDataset('arrayDataset', x, labels, options);
}

/** `arrayDataset` whose errors name `op` (the public function the user called). */
export function buildArrayDataset(op: string, x: ArrayInput, labels: ArrayLike<number>, options: ArrayDatasetOptions): Dataset {
  const o = parseOptions(op, arrayDatasetOptionsSchema, options);
  let data: ItemStorage;
  let shape: number[];
  let defaultScale = 1;
  if (Array.isArray(x)) {
    const flat = flatten(op, x as NestedArray);
    data = flat.values;
    const nested = flat.shape.slice(1);
    if (o.shape !== undefined && flat.shape.length === 1) {
      shape = o.shape;
    } else {
      if (o.shape !== undefined && o.shape.join() !== nested.join()) {
        throw new ShapeMismatchError({
          op,
          argument: 'options.shape',
          expected: `[${nested.join(', ')}] (the shape of x[0])`,
          actual: o.shape,
        });
      }
      if (flat.shape.length < 2) {
        throw new InvalidArgumentError({
          op,
          argument: 'options.shape',
          expected: "one item's shape for a flat x",
          actual: undefined,
          message: "a flat 'x' needs options.shape (one item's shape, e.g. [28, 28, 1] or [d])",
        });
      }
      shape = nested;
    }
  } else if (ArrayBuffer.isView(x)) {
    if (o.shape === undefined) {
      throw new InvalidArgumentError({
        op,
        argument: 'options.shape',
        expected: "one item's shape for a flat x",
        actual: undefined,
        message: "a typed-array 'x' needs options.shape (one item's shape, e.g. [28, 28, 1] or [d])",
      });
    }
    ({ data, defaultScale } = toStorage(op, x));
    shape = o.shape;
  } else {
    throw new InvalidArgumentError({ op, argument: 'x', expected: 'nested number arrays or a typed array', actual: x });
  }
  const itemSize = shape.reduce((a, b) => a * b, 1);
  if (data.length % itemSize !== 0) {
    throw new ShapeMismatchError({
      op,
      argument: 'x',
      expected: `a multiple of ${itemSize} values (items of shape [${shape.join(', ')}])`,
      actual: [data.length],
      message: `'x' holds ${data.length} values, not a whole number of items of shape [${shape.join(', ')}] (${itemSize} values each)`,
    });
  }
  const n = data.length / itemSize;
  const checked = checkLabels(op, labels, n, o.numClasses);
  return storedDataset({
    name: o.name ?? 'array',
    data,
    shape,
    labels: checked.labels,
    numClasses: checked.numClasses,
    classNames: checkClassNames(op, o.classNames, checked.numClasses),
    scale: o.scale ?? defaultScale,
  });
}

/**
 * A dataset over a tensor `x` [n, ...shape] (images [n, h, w, c] or vectors [n, d]) and labels
 * [n]. Keeps its own reference to `x` (you may dispose yours); `get` gathers rows on the
 * tensor's backend. `dispose()` releases it.
 */
export function tensorDataset(x: tf.Tensor, labels: tf.Tensor | ArrayLike<number>, options: TensorDatasetOptions = {}): Dataset {
  const op = 'tensorDataset';
  const o = parseOptions(op, tensorDatasetOptionsSchema, options);
  if (!(x instanceof tf.Tensor) || x.isDisposed) {
    throw new InvalidArgumentError({ op, argument: 'x', expected: 'a live tf.Tensor [n, ...shape]', actual: x });
  }
  if (x.rank < 2) {
    throw new ShapeMismatchError({ op, argument: 'x', expected: '[n, ...shape] (rank ≥ 2)', actual: x.shape });
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new InvalidArgumentError({ op, argument: 'x', expected: 'a float32 or int32 tensor', actual: x });
  }
  const finite = tf.tidy(() => tf.all(tf.isFinite(x)).dataSync()[0]);
  if (!finite) throw new NonFiniteValueError({ op, argument: 'x' });
  const n = x.shape[0]!;
  let labelValues: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1) throw new ShapeMismatchError({ op, argument: 'labels', expected: '[n]', actual: labels.shape });
    labelValues = labels.dataSync();
  } else {
    labelValues = labels;
  }
  const checked = checkLabels(op, labelValues, n, o.numClasses);
  const classNames = checkClassNames(op, o.classNames, checked.numClasses);
  const name = o.name ?? 'tensor';
  const getOp = `${name}.get`;
  const held = tf.keep(tf.clone(x));
  const shape = Object.freeze(x.shape.slice(1));
  let disposed = false;
  const ds: Dataset = {
    name,
    length: n,
    shape,
    numClasses: checked.numClasses,
    get(indices: ArrayLike<number>): DatasetBatch {
      assertLive(getOp, name, disposed);
      const idx = checkIndices(getOp, indices, n);
      const y = new Int32Array(idx.length);
      for (let i = 0; i < idx.length; i++) y[i] = checked.labels[idx[i]!]!;
      const batch = tf.tidy(() => {
        const rows = tf.cast(tf.gather(held, tf.tensor1d(idx, 'int32')), 'float32');
        return o.scale === 1 ? rows : tf.mul(rows, tf.scalar(o.scale));
      });
      return { x: batch, labels: tf.tensor1d(y, 'int32') };
    },
    dispose() {
      if (!disposed) held.dispose();
      disposed = true;
    },
  };
  if (classNames !== undefined) Object.assign(ds, { classNames });
  return Object.freeze(ds);
}

/**
 * The items of `dataset` at `indices`, as a dataset of its own (a view: nothing is copied, and
 * disposing the subset leaves the parent alone). Use it for a held-out split or a small probe set.
 */
export function subsetDataset(dataset: Dataset, indices: ArrayLike<number>, name = `${dataset.name}[subset]`): Dataset {
  const op = 'subsetDataset';
  const map = checkIndices(op, indices, dataset.length);
  let disposed = false;
  const ds: Dataset = {
    name,
    length: map.length,
    shape: dataset.shape,
    numClasses: dataset.numClasses,
    get(idx: ArrayLike<number>): DatasetBatch {
      assertLive(`${name}.get`, name, disposed);
      const local = checkIndices(`${name}.get`, idx, map.length);
      return dataset.get(local.map((i) => map[i]!));
    },
    dispose() {
      disposed = true;
    },
  };
  if (dataset.classNames !== undefined) Object.assign(ds, { classNames: dataset.classNames });
  return Object.freeze(ds);
}
