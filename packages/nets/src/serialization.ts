// Internal helpers shared by every network: variable creation, weight (de)serialisation, input
// and lifetime checks. Not exported from the package index.
import * as tf from '@tensorflow/tfjs-core';
import { assertShape, ContrastiveError, gramSchmidt, InvalidArgumentError, type NetworkJSON, ShapeMismatchError } from '@contrastive/core';

/** A serialised tensor: its shape and its exact float32 values. */
export type WeightJSON = { shape: number[]; values: number[] };

/**
 * tfjs keeps one global registry of variable names and throws on a duplicate, so two networks
 * both called `encoder` (or a network and its clone) need distinct variable names.
 */
export function uniqueVariableName(base: string): string {
  const registered = tf.engine().registeredVariables;
  if (!(base in registered)) return base;
  for (let i = 1; ; i++) {
    const candidate = `${base}_${i}`;
    if (!(candidate in registered)) return candidate;
  }
}

/** A trainable float32 variable named `<net>/<key>` holding `values` (copied). */
export function makeVariable<R extends tf.Rank>(net: string, key: string, values: Float32Array, shape: readonly number[]): tf.Variable<R> {
  const t = tf.tensor(values, [...shape], 'float32');
  const v = tf.variable(t, true, uniqueVariableName(`${net}/${key}`)) as tf.Variable<R>;
  t.dispose();
  return v;
}

/** Exact float32 snapshot of a tensor as plain numbers (float32 → double is exact, and back). */
export function tensorToJSON(t: tf.Tensor): WeightJSON {
  return { shape: t.shape.slice(), values: Array.from(t.dataSync()) };
}

/**
 * Reads weight `key` of a serialised network, checking its shape, and returns its float32 values.
 * @param op       e.g. `fromJSON(symmetricRelu)`
 */
export function readWeight(op: string, json: NetworkJSON, key: string, shape: readonly number[]): Float32Array {
  const w = json.weights?.[key];
  const argument = `json.weights.${key}`;
  if (!w || !Array.isArray(w.shape) || !Array.isArray(w.values)) {
    throw new InvalidArgumentError({ op, argument, expected: `{ shape: [${shape.join(', ')}], values: number[] }`, actual: w });
  }
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeMismatchError({ op, argument, expected: `[${shape.join(', ')}]`, actual: w.shape });
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (w.values.length !== size) {
    throw new InvalidArgumentError({
      op,
      argument: `${argument}.values`,
      expected: `${size} numbers`,
      actual: `${w.values.length} numbers`,
    });
  }
  const out = Float32Array.from(w.values);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) {
      throw new InvalidArgumentError({ op, argument: `${argument}.values[${i}]`, expected: 'a finite number', actual: w.values[i] });
    }
  }
  return out;
}

/** `type(name)`: how errors name a network instance. */
export function netLabel(type: string, name: string): string {
  return `${type}('${name}')`;
}

/** Throws a clear error when a disposed network is used. */
export function checkAlive(label: string, method: string, disposed: boolean): void {
  if (disposed) throw new ContrastiveError({ op: `${label}.${method}`, message: 'the network has been disposed' });
}

/** Checks `x` is [batch, inputDim] and names the network and the argument on failure. */
export function checkInput(label: string, x: unknown, inputDim: number, method = 'apply'): asserts x is tf.Tensor2D {
  assertShape(`${label}.${method}`, 'x', x, ['batch', inputDim]);
}

/** Checks a deserialised `json.type`. */
export function checkType(op: string, json: NetworkJSON, type: string): void {
  if (json?.type !== type)
    throw new InvalidArgumentError({ op, argument: 'json.type', expected: JSON.stringify(type), actual: json?.type });
}

/**
 * Float64 Gaussian rows orthonormalised by core's `gramSchmidt`, in blocks of `cols` rows when
 * `rows > cols` (each block is an orthonormal set; a full orthonormal set of more than `cols`
 * vectors does not exist).
 * @returns row-major [rows, cols]
 */
export function orthonormalRows(normals: Float64Array, rows: number, cols: number): Float64Array {
  const w = Float64Array.from(normals);
  for (let start = 0; start < rows; start += cols) {
    const block = Math.min(cols, rows - start);
    // In place: the rows are views of w.
    gramSchmidt(Array.from({ length: block }, (_, k) => w.subarray((start + k) * cols, (start + k + 1) * cols)));
  }
  return w;
}
