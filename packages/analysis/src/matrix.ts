import * as tf from '@tensorflow/tfjs-core';
import {
  assertDims,
  assertNonEmpty,
  type Dim,
  type DimNames,
  InvalidArgumentError,
  NonFiniteValueError,
  ShapeMismatchError,
} from '@contrastive/core';

/** A dense row-major float64 matrix held in JS: entry (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** Entries in row-major order (length rows · cols). */
  readonly data: Float64Array;
}

/** A plain row-major matrix given by the caller (e.g. `{ rows: d1, cols: d, data: model.dictionaryValues() }`). */
export interface MatrixLike {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** Entries in row-major order (length rows · cols). */
  readonly data: ArrayLike<number>;
}

/** Any accepted matrix: a rank-2 tensor, a row-major `MatrixLike`, or an array of equal-length rows. */
export type MatrixInput = tf.Tensor | MatrixLike | ReadonlyArray<ArrayLike<number>>;

/** Any accepted vector: a rank-1 tensor or an array of numbers. */
export type VectorInput = tf.Tensor | ArrayLike<number>;

/** One matrix argument to validate: its name, the value, and the expected [rows, cols]. */
export type MatrixSpec = readonly [argument: string, input: MatrixInput, dims: readonly [Dim, Dim]];

function isMatrixLike(x: unknown): x is MatrixLike {
  return typeof x === 'object' && x !== null && 'rows' in x && 'cols' in x && 'data' in x;
}

/** [rows, cols] of a matrix input, without reading its values. */
export function shapeOf(op: string, argument: string, input: unknown): [number, number] {
  if (input instanceof tf.Tensor) {
    if (input.isDisposed) {
      throw new InvalidArgumentError({
        op,
        argument,
        expected: 'a live tf.Tensor',
        actual: 'a disposed tensor',
        message: `'${argument}' has already been disposed`,
      });
    }
    if (input.rank !== 2) {
      throw new ShapeMismatchError({
        op,
        argument,
        expected: '[rows, cols]',
        actual: input.shape,
        message: `'${argument}' must be a rank-2 tensor, got rank ${input.rank} [${input.shape.join(', ')}]`,
      });
    }
    return [input.shape[0]!, input.shape[1]!];
  }
  if (Array.isArray(input)) {
    const rows = input.length;
    const cols = rows === 0 ? 0 : ((input[0] as ArrayLike<number> | undefined)?.length ?? 0);
    for (let i = 0; i < rows; i++) {
      const row = input[i] as ArrayLike<number> | undefined;
      if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
        throw new InvalidArgumentError({ op, argument: `${argument}[${i}]`, expected: 'an array of numbers (a row)', actual: row });
      }
      if (row.length !== cols) {
        throw new ShapeMismatchError({
          op,
          argument,
          expected: `rows of length ${cols}`,
          actual: [rows, row.length],
          message: `'${argument}' rows must all have the same length: row 0 has ${cols}, row ${i} has ${row.length}`,
        });
      }
    }
    return [rows, cols];
  }
  if (isMatrixLike(input)) {
    const { rows, cols, data } = input;
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new InvalidArgumentError({ op, argument: `${argument}.rows/cols`, expected: 'non-negative integers', actual: { rows, cols } });
    }
    if (data === null || typeof data !== 'object' || data.length !== rows * cols) {
      throw new ShapeMismatchError({
        op,
        argument,
        expected: `data of length rows·cols = ${rows * cols}`,
        actual: [rows, cols],
        message: `'${argument}.data' must have rows·cols = ${rows}·${cols} = ${rows * cols} entries, got ${data?.length}`,
      });
    }
    return [rows, cols];
  }
  throw new InvalidArgumentError({ op, argument, expected: 'a rank-2 tf.Tensor, { rows, cols, data } or an array of rows', actual: input });
}

/**
 * Validates the shapes of several matrix arguments at once (named dims must agree across them,
 * and the error names both arguments) and returns their [rows, cols]. Every matrix must be non-empty.
 */
export function checkShapes(op: string, specs: readonly MatrixSpec[]): Array<[number, number]> {
  const names: DimNames = new Map();
  return specs.map(([argument, input, dims]) => {
    const shape = shapeOf(op, argument, input);
    assertDims(op, argument, shape, dims, names);
    assertNonEmpty(op, argument, shape);
    return shape;
  });
}

function toFloat64(op: string, argument: string, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new NonFiniteValueError({ op, argument, index: i, value: v });
    out[i] = v;
  }
  return out;
}

function fromRows(op: string, argument: string, rows: ReadonlyArray<ArrayLike<number>>, cols: number): Float64Array {
  const out = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    for (let j = 0; j < cols; j++) {
      const v = row[j]!;
      if (!Number.isFinite(v)) throw new NonFiniteValueError({ op, argument, index: i * cols + j, value: v });
      out[i * cols + j] = v;
    }
  });
  return out;
}

function convert(op: string, argument: string, input: MatrixInput, [rows, cols]: [number, number], tensorData?: ArrayLike<number>): Matrix {
  if (tensorData !== undefined) return { rows, cols, data: toFloat64(op, argument, tensorData) };
  if (Array.isArray(input)) return { rows, cols, data: fromRows(op, argument, input, cols) };
  return { rows, cols, data: toFloat64(op, argument, (input as MatrixLike).data) };
}

type Matrices<S extends readonly MatrixSpec[]> = { [K in keyof S]: Matrix };

/** Validates then reads matrix arguments into float64 (tensors through one `dataSync` each). */
export function readMatricesSync<const S extends readonly MatrixSpec[]>(op: string, specs: S): Matrices<S> {
  const shapes = checkShapes(op, specs);
  return specs.map(([argument, input], k) =>
    convert(op, argument, input, shapes[k]!, input instanceof tf.Tensor ? (input.dataSync() as ArrayLike<number>) : undefined),
  ) as unknown as Matrices<S>;
}

/** Validates then reads matrix arguments into float64 (tensors through `await t.data()`, concurrently). */
export async function readMatrices<const S extends readonly MatrixSpec[]>(op: string, specs: S): Promise<Matrices<S>> {
  const shapes = checkShapes(op, specs);
  const raw = await Promise.all(
    specs.map(([, input]) => (input instanceof tf.Tensor ? (input.data() as Promise<ArrayLike<number>>) : Promise.resolve(undefined))),
  );
  return specs.map(([argument, input], k) => convert(op, argument, input, shapes[k]!, raw[k])) as unknown as Matrices<S>;
}

/** Length of a vector input, validating that tensors are rank 1. */
export function vectorLength(op: string, argument: string, input: unknown): number {
  if (input instanceof tf.Tensor) {
    if (input.isDisposed) {
      throw new InvalidArgumentError({
        op,
        argument,
        expected: 'a live tf.Tensor',
        actual: 'a disposed tensor',
        message: `'${argument}' has already been disposed`,
      });
    }
    if (input.rank !== 1) {
      throw new ShapeMismatchError({
        op,
        argument,
        expected: '[n]',
        actual: input.shape,
        message: `'${argument}' must be a rank-1 tensor, got rank ${input.rank} [${input.shape.join(', ')}]`,
      });
    }
    return input.shape[0]!;
  }
  if (input !== null && typeof input === 'object' && typeof (input as ArrayLike<number>).length === 'number')
    return (input as ArrayLike<number>).length;
  throw new InvalidArgumentError({ op, argument, expected: 'a rank-1 tf.Tensor or an array of numbers', actual: input });
}

/** Class labels as non-negative integers, checked against the expected length. */
export function toLabels(op: string, argument: string, values: ArrayLike<number>, n: number, rowsArgument: string): Int32Array {
  if (values.length !== n) {
    throw new ShapeMismatchError({
      op,
      argument,
      expected: `[${n}]`,
      actual: [values.length],
      message: `'${argument}' has ${values.length} labels but '${rowsArgument}' has ${n} rows`,
    });
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!(Number.isInteger(v) && v >= 0)) {
      throw new InvalidArgumentError({ op, argument: `${argument}[${i}]`, expected: 'a non-negative integer class label', actual: v });
    }
    out[i] = v;
  }
  return out;
}

/** Reads a label vector (tensor via `data()`). */
export async function readLabels(op: string, argument: string, input: VectorInput, n: number, rowsArgument: string): Promise<Int32Array> {
  vectorLength(op, argument, input);
  const values = input instanceof tf.Tensor ? ((await input.data()) as ArrayLike<number>) : input;
  return toLabels(op, argument, values, n, rowsArgument);
}

/** Reads a label vector synchronously. */
export function readLabelsSync(op: string, argument: string, input: VectorInput, n: number, rowsArgument: string): Int32Array {
  vectorLength(op, argument, input);
  const values = input instanceof tf.Tensor ? (input.dataSync() as ArrayLike<number>) : input;
  return toLabels(op, argument, values, n, rowsArgument);
}

/** Aᵀ as a new matrix. */
export function transpose(a: Matrix): Matrix {
  const out = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j]!;
  return { rows: a.cols, cols: a.rows, data: out };
}

/** A B (float64). */
export function multiply(a: Matrix, b: Matrix): Matrix {
  const { rows: n, cols: k } = a;
  const m = b.cols;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a.data[i * k + p]!;
      if (aip === 0) continue;
      const bo = p * m;
      const oo = i * m;
      for (let j = 0; j < m; j++) out[oo + j] = out[oo + j]! + aip * b.data[bo + j]!;
    }
  }
  return { rows: n, cols: m, data: out };
}

/** AᵀA (Gram matrix of the columns), symmetric [cols, cols]. */
export function gram(a: Matrix): Float64Array {
  const { rows, cols } = a;
  const g = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let i = 0; i < cols; i++) {
      const v = a.data[o + i]!;
      if (v === 0) continue;
      for (let j = i; j < cols; j++) g[i * cols + j] = g[i * cols + j]! + v * a.data[o + j]!;
    }
  }
  for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) g[i * cols + j] = g[j * cols + i]!;
  return g;
}

/** Euclidean norm of each row. */
export function rowNorms(a: Matrix): Float64Array {
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += a.data[i * a.cols + j]! ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** Rows scaled to unit norm; zero rows stay zero (cosines with them are 0, never NaN). */
export function normalizeRows(a: Matrix): Matrix {
  const norms = rowNorms(a);
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++) {
    const s = norms[i]! > 0 ? 1 / norms[i]! : 0;
    for (let j = 0; j < a.cols; j++) out[i * a.cols + j] = a.data[i * a.cols + j]! * s;
  }
  return { rows: a.rows, cols: a.cols, data: out };
}

/** Train and test embeddings [n, dim] (same dim) with their integer labels, as the probes take them. */
export type LabelledSplit = { trainX: Matrix; trainY: Int32Array; testX: Matrix; testY: Int32Array };

const splitSpecs = (trainX: MatrixInput, testX: MatrixInput, dim: string) =>
  [
    ['trainX', trainX, ['trainSize', dim]],
    ['testX', testX, ['testSize', dim]],
  ] as const;

/**
 * Reads and checks a labelled train/test split (the kNN and linear probes' inputs), naming `op`
 * and the shared column dimension `dim` in errors.
 */
export async function readLabelledSplit(
  op: string,
  trainX: MatrixInput,
  trainY: VectorInput,
  testX: MatrixInput,
  testY: VectorInput,
  dim = 'dim',
): Promise<LabelledSplit> {
  const [a, b] = await readMatrices(op, splitSpecs(trainX, testX, dim));
  const [ya, yb] = await Promise.all([readLabels(op, 'trainY', trainY, a.rows, 'trainX'), readLabels(op, 'testY', testY, b.rows, 'testX')]);
  return { trainX: a, trainY: ya, testX: b, testY: yb };
}

/** Synchronous `readLabelledSplit`. */
export function readLabelledSplitSync(
  op: string,
  trainX: MatrixInput,
  trainY: VectorInput,
  testX: MatrixInput,
  testY: VectorInput,
  dim = 'dim',
): LabelledSplit {
  const [a, b] = readMatricesSync(op, splitSpecs(trainX, testX, dim));
  return {
    trainX: a,
    trainY: readLabelsSync(op, 'trainY', trainY, a.rows, 'trainX'),
    testX: b,
    testY: readLabelsSync(op, 'testY', testY, b.rows, 'testX'),
  };
}
