// Test-only helpers (excluded from the published files): seeded float64 matrices.
import { orthonormalColumns as coreOrthonormalColumns, createRng, type Rng } from '@contrastive/core';
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
