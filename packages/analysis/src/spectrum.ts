import { parseOptions, symmetricEigen } from '@contrastive/core';
import * as z from 'zod/mini';
import { type Matrix, type MatrixInput, readMatrices, readMatricesSync } from './matrix';

/** The options of `spectrum(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const spectrumOptionsSchema = z.strictObject({
  /** Subtract the batch mean first (covariance); false gives the uncentred second moment E[z zᵀ]. Default true. */
  center: z._default(z.boolean(), true),
  /** Divide by n − 1 instead of n. Default true. */
  unbiased: z._default(z.boolean(), true),
});
/** Options of `spectrum` (the input of its schema: a field with a default may be omitted). */
export type SpectrumOptions = z.input<typeof spectrumOptionsSchema>;

/** The eigenvalue spectrum of the representation's covariance (collapse shows as a cliff). */
export interface SpectrumResult {
  /** Eigenvalues of the covariance [dim], descending, rounding negatives clipped to 0. */
  eigenvalues: number[];
  /** eigenvalues / their sum (explained variance ratio); zeros when the total is 0. */
  explained: number[];
  /** Sum of the eigenvalues (= total variance, the trace). */
  total: number;
}

/** Covariance (or second moment) of the columns of z, [dim, dim] row-major. */
export function covariance(z: Matrix, center: boolean, unbiased: boolean): Float64Array {
  const { rows: n, cols: d } = z;
  const mu = new Float64Array(d);
  if (center) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] = mu[j]! + z.data[i * d + j]!;
    for (let j = 0; j < d; j++) mu[j]! /= n;
  }
  const c = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = z.data[i * d + j]! - mu[j]!;
    for (let a = 0; a < d; a++) {
      const v = row[a]!;
      if (v === 0) continue;
      for (let b = a; b < d; b++) c[a * d + b] = c[a * d + b]! + v * row[b]!;
    }
  }
  const denom = unbiased ? Math.max(n - 1, 1) : n;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      c[a * d + b]! /= denom;
      c[b * d + a] = c[a * d + b]!;
    }
  }
  return c;
}

const OP = 'spectrum';
const spec = (z: MatrixInput) => [['z', z, ['batch', 'dim']]] as const;

function compute(m: Matrix, center: boolean, unbiased: boolean): SpectrumResult {
  const { values } = symmetricEigen(covariance(m, center, unbiased), m.cols);
  const eigenvalues = Array.from(values, (v) => Math.max(v, 0));
  const total = eigenvalues.reduce((s, v) => s + v, 0);
  return { eigenvalues, explained: eigenvalues.map((v) => (total > 0 ? v / total : 0)), total };
}

/**
 * Eigenvalues of the embedding covariance, descending (float64 Jacobi from core). A collapsed
 * representation has one (or no) non-zero eigenvalue; dimensional collapse shows as a fast decay.
 *
 * @param z [n, dim] embeddings (dim up to a few hundred: the solver is O(dim³) per sweep)
 */
export async function spectrum(z: MatrixInput, options: SpectrumOptions = {}): Promise<SpectrumResult> {
  const { center, unbiased } = parseOptions(OP, spectrumOptionsSchema, options);
  const [m] = await readMatrices(OP, spec(z));
  return compute(m, center, unbiased);
}

/** Synchronous `spectrum`. */
export function spectrumSync(z: MatrixInput, options: SpectrumOptions = {}): SpectrumResult {
  const { center, unbiased } = parseOptions(OP, spectrumOptionsSchema, options);
  const [m] = readMatricesSync(OP, spec(z));
  return compute(m, center, unbiased);
}
