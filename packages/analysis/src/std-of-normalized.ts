import { parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { type Matrix, type MatrixInput, normalizeRows, readMatrices, readMatricesSync } from './matrix';

/** The options of `stdOfNormalized(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const stdOfNormalizedOptionsSchema = z.strictObject({
  /** Divide by n − 1 (torch `std` default, as in SimSiam's plot) instead of n. */
  unbiased: z._default(z.boolean(), true),
});
/** Options of `stdOfNormalized` (the input of its schema: a field with a default may be omitted). */
export type StdOfNormalizedOptions = z.input<typeof stdOfNormalizedOptionsSchema>;

const OP = 'stdOfNormalized';
const spec = (z: MatrixInput) => [['z', z, ['batch', 'dim']]] as const;

function compute(z: Matrix, unbiased: boolean): number {
  const { rows: n, cols: dim } = z;
  if (unbiased && n < 2) return 0;
  const u = normalizeRows(z);
  let total = 0;
  for (let j = 0; j < dim; j++) {
    let mu = 0;
    for (let i = 0; i < n; i++) mu += u.data[i * dim + j]!;
    mu /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (u.data[i * dim + j]! - mu) ** 2;
    total += Math.sqrt(ss / (unbiased ? n - 1 : n));
  }
  return total / dim;
}

/**
 * SimSiam's collapse diagnostic (docs/science/non-contrastive.md §3.1): the standard deviation over the batch of each
 * channel of z/‖z‖, averaged over channels. Collapse gives 0; outputs spread isotropically give
 * ≈ 1/√dim (each coordinate of a uniform unit vector has variance exactly 1/dim).
 *
 * @param z [n, dim] embeddings (zero rows stay zero)
 */
export async function stdOfNormalized(z: MatrixInput, options: StdOfNormalizedOptions = {}): Promise<number> {
  const { unbiased } = parseOptions(OP, stdOfNormalizedOptionsSchema, options);
  const [m] = await readMatrices(OP, spec(z));
  return compute(m, unbiased);
}

/** Synchronous `stdOfNormalized`. */
export function stdOfNormalizedSync(z: MatrixInput, options: StdOfNormalizedOptions = {}): number {
  const { unbiased } = parseOptions(OP, stdOfNormalizedOptionsSchema, options);
  const [m] = readMatricesSync(OP, spec(z));
  return compute(m, unbiased);
}
