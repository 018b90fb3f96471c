import { InvalidArgumentError, parseOptions, symmetricEigen } from '@contrastive/core';
import * as z from 'zod/mini';
import { gram, type Matrix, type MatrixInput, readMatrices, readMatricesSync, transpose } from './matrix';

/** The options of `effectiveRank(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const effectiveRankOptionsSchema = z.strictObject({
  /** Subtract the batch mean before taking singular values (Roy & Vetterli use the matrix as is). Default false. */
  center: z._default(z.boolean(), false),
});
/** Options of `effectiveRank` (the input of its schema: a field with a default may be omitted). */
export type EffectiveRankOptions = z.input<typeof effectiveRankOptionsSchema>;

/**
 * Effective rank of Roy & Vetterli (EUSIPCO 2007) from singular values σ_k ≥ 0:
 * exp(H(p)) with p_k = σ_k / Σσ and H the Shannon entropy (0·log 0 = 0). Ranges from 1 (one
 * non-zero value) to the number of values (all equal); 0 when all are zero.
 */
export function effectiveRankOfSingularValues(singularValues: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < singularValues.length; i++) {
    const s = singularValues[i]!;
    if (!(Number.isFinite(s) && s >= 0)) {
      throw new InvalidArgumentError({
        op: 'effectiveRankOfSingularValues',
        argument: `singularValues[${i}]`,
        expected: 'a finite number ≥ 0',
        actual: s,
      });
    }
    total += s;
  }
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < singularValues.length; i++) {
    const p = singularValues[i]! / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.exp(h);
}

/** Singular values of z (descending), via the eigenvalues of the smaller Gram matrix. */
export function singularValues(z: Matrix): Float64Array {
  const small = z.cols <= z.rows ? z : transpose(z);
  const { values } = symmetricEigen(gram(small), small.cols);
  return values.map((v) => Math.sqrt(Math.max(v, 0)));
}

function centered(z: Matrix): Matrix {
  const { rows: n, cols: d } = z;
  const data = Float64Array.from(z.data);
  for (let j = 0; j < d; j++) {
    let mu = 0;
    for (let i = 0; i < n; i++) mu += data[i * d + j]!;
    mu /= n;
    for (let i = 0; i < n; i++) data[i * d + j]! -= mu;
  }
  return { rows: n, cols: d, data };
}

const OP = 'effectiveRank';
const spec = (z: MatrixInput) => [['z', z, ['batch', 'dim']]] as const;

function compute(m: Matrix, center: boolean): number {
  // Rounding leaves ~√ε·σ_max "singular values" where the true ones are 0; drop them.
  const s = singularValues(center ? centered(m) : m);
  const floor = 1e-7 * (s[0] ?? 0);
  return effectiveRankOfSingularValues(s.map((v) => (v > floor ? v : 0)));
}

/**
 * Effective rank (Roy & Vetterli 2007; RankMe, Garrido et al. 2023) of an embedding batch:
 * exp of the entropy of the normalised singular values. Full-rank isotropic embeddings give ≈ dim,
 * complete collapse gives 1 (a single direction).
 *
 * @param z [n, dim] embeddings; the cost is O(min(n, dim)³)
 */
export async function effectiveRank(z: MatrixInput, options: EffectiveRankOptions = {}): Promise<number> {
  const { center } = parseOptions(OP, effectiveRankOptionsSchema, options);
  const [m] = await readMatrices(OP, spec(z));
  return compute(m, center);
}

/** Synchronous `effectiveRank`. */
export function effectiveRankSync(z: MatrixInput, options: EffectiveRankOptions = {}): number {
  const { center } = parseOptions(OP, effectiveRankOptionsSchema, options);
  const [m] = readMatricesSync(OP, spec(z));
  return compute(m, center);
}
