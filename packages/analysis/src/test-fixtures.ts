// Test-only helpers (excluded from the published files): seeded float64 matrices.
import * as tf from '@tensorflow/tfjs-core';
import {
  orthonormalColumns as coreOrthonormalColumns,
  createRng,
  type DataModel,
  type Network,
  type Rng,
  type Sample,
} from '@contrastive/core';
import type { Matrix } from './matrix';

export function rngOf(seed: number | string): Rng {
  return createRng(seed);
}

/** [rows, cols] of i.i.d. N(0, std²). */
export function normalMatrix(rng: Rng, rows: number, cols: number, std = 1): Matrix {
  return { rows, cols, data: rng.fillNormal(new Float64Array(rows * cols), 0, std) };
}

/** [rows, cols] with orthonormal columns (core's Gram–Schmidt of a Gaussian matrix). */
export function orthonormalColumns(rng: Rng, rows: number, cols: number): Matrix {
  return { rows, cols, data: coreOrthonormalColumns(normalMatrix(rng, rows, cols).data, rows, cols) };
}

/** Column j of a matrix. */
export function column(m: Matrix, j: number): Float64Array {
  return Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]!);
}

/** Matrix from a list of rows. */
export function fromRows(rows: ArrayLike<number>[]): Matrix {
  const cols = rows[0]!.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j]!;
  });
  return { rows: rows.length, cols, data };
}

/** Aᵀ and A B for building test inputs: the package's own float64 helpers. */
export { multiply as matmul, transpose as transposed } from './matrix';

/** Pairs of N(0,1) columns with correlation rho: returns [x, y] each of length n. */
export function correlatedPair(rng: Rng, n: number, rho: number): [Float64Array, Float64Array] {
  const x = rng.fillNormal(new Float64Array(n));
  const e = rng.fillNormal(new Float64Array(n));
  const y = x.map((v, i) => rho * v + Math.sqrt(1 - rho * rho) * e[i]!);
  return [x, y];
}

// Tiny models for the metric suites: networks and data models written out by hand so every
// expected value has a closed form.

/** A network x ↦ f(x) with optional capabilities (neuronWeights, hiddenUnits, predictorMatrix). */
export function stubNetwork(
  inputDim: number,
  outputDim: number,
  f: (x: tf.Tensor2D) => tf.Tensor2D,
  extra: Record<string, unknown> = {},
): Network {
  return {
    name: 'stub',
    inputDim,
    outputDim,
    variables: [],
    apply: (x) => tf.tidy(() => f(x as tf.Tensor2D)),
    toJSON: () => ({ type: 'stub', config: {}, weights: {} }),
    dispose: () => {},
    ...extra,
  } as Network;
}

/** A data model drawing `x` from `draw(n, rng)` (every entry of the returned sample is a fresh tensor). */
export function stubData(inputDim: number, draw: (n: number, rng: Rng) => Sample, extra: Record<string, unknown> = {}): DataModel {
  return { name: 'stub', inputDim, sample: (n: number, rng?: Rng) => draw(n, rng!), dispose: () => {}, ...extra } as DataModel;
}

/** Unit vector e_i of dimension d. */
export const basisVector = (d: number, i: number) => Array.from({ length: d }, (_, j) => (j === i ? 1 : 0));

/**
 * n points in f dimensions from `classes` Gaussian blobs (item i in class i mod classes): centres
 * N(0, 1) per coordinate, each point its centre plus N(0, spread²) noise, drawn from `seed`.
 */
export function gaussianBlobs(seed: number, n: number, f: number, classes: number, spread: number): { x: number[][]; y: number[] } {
  const rng = rngOf(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: f }, () => rng.normal(0, 1)));
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y.push(c);
    x.push(centres[c]!.map((m) => m + rng.normal(0, spread)));
  }
  return { x, y };
}

/**
 * Best total of an assignment problem by enumeration: every injective map from the smaller side of
 * `cost` [rows, cols] to the larger one (the independent reference for `hungarian`, n ≤ 6).
 */
export function bruteForceAssignment(cost: number[][], maximize: boolean): number {
  const rows = cost.length;
  const cols = cost[0]!.length;
  const small = Math.min(rows, cols);
  const large = Math.max(rows, cols);
  const at = (i: number, j: number) => (rows <= cols ? cost[i]![j]! : cost[j]![i]!);
  let best = maximize ? -Infinity : Infinity;
  const used = new Array<boolean>(large).fill(false);
  const rec = (i: number, total: number) => {
    if (i === small) {
      best = maximize ? Math.max(best, total) : Math.min(best, total);
      return;
    }
    for (let j = 0; j < large; j++) {
      if (used[j]) continue;
      used[j] = true;
      rec(i + 1, total + at(i, j));
      used[j] = false;
    }
  };
  rec(0, 0);
  return best;
}
