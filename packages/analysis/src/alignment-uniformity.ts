import { InvalidArgumentError, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { type Matrix, type MatrixInput, normalizeRows, readMatrices, readMatricesSync } from './matrix';

/** The options of `alignment(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const alignmentOptionsSchema = z.strictObject({
  /** Exponent α of the distance (Wang & Isola default 2). */
  alpha: z._default(z.number().check(z.positive()), 2),
  /** L2-normalise the rows first (the paper evaluates on the unit hypersphere). Default false. */
  normalize: z._default(z.boolean(), false),
});
/** Options of `alignment` (the input of its schema: a field with a default may be omitted). */
export type AlignmentOptions = z.input<typeof alignmentOptionsSchema>;

/** The options of `uniformity(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const uniformityOptionsSchema = z.strictObject({
  /** Temperature t of the Gaussian potential (Wang & Isola default 2). */
  t: z._default(z.number().check(z.positive()), 2),
  /** L2-normalise the rows first (the paper evaluates on the unit hypersphere). Default false. */
  normalize: z._default(z.boolean(), false),
});
/** Options of `uniformity` (the input of its schema: a field with a default may be omitted). */
export type UniformityOptions = z.input<typeof uniformityOptionsSchema>;

const ALIGN = 'alignment';
const alignSpecs = (a: MatrixInput, b: MatrixInput) =>
  [
    ['a', a, ['batch', 'dim']],
    ['b', b, ['batch', 'dim']],
  ] as const;

function alignmentOf(a: Matrix, b: Matrix, alpha: number, normalize: boolean): number {
  const x = normalize ? normalizeRows(a) : a;
  const y = normalize ? normalizeRows(b) : b;
  const { rows: n, cols: d } = x;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (x.data[i * d + j]! - y.data[i * d + j]!) ** 2;
    total += Math.sqrt(s) ** alpha;
  }
  return total / n;
}

/**
 * Alignment of positive pairs (Wang & Isola 2020, docs/science/alignment-uniformity.md §6): mean_i ‖a_i − b_i‖₂^α, as a
 * plain number. Lower is better; 0 when the two views map to the same point.
 *
 * @param a [n, dim] embeddings of the first views
 * @param b [n, dim] embeddings of the second views (row i pairs with row i)
 */
export async function alignment(a: MatrixInput, b: MatrixInput, options: AlignmentOptions = {}): Promise<number> {
  const { alpha, normalize } = parseOptions(ALIGN, alignmentOptionsSchema, options);
  const [x, y] = await readMatrices(ALIGN, alignSpecs(a, b));
  return alignmentOf(x, y, alpha, normalize);
}

/** Synchronous `alignment`. */
export function alignmentSync(a: MatrixInput, b: MatrixInput, options: AlignmentOptions = {}): number {
  const { alpha, normalize } = parseOptions(ALIGN, alignmentOptionsSchema, options);
  const [x, y] = readMatricesSync(ALIGN, alignSpecs(a, b));
  return alignmentOf(x, y, alpha, normalize);
}

const UNIF = 'uniformity';

function uniformityOf(m: Matrix, t: number, normalize: boolean): number {
  const x = normalize ? normalizeRows(m) : m;
  const { rows: n, cols: d } = x;
  if (n < 2) throw new InvalidArgumentError({ op: UNIF, argument: 'x', expected: 'at least 2 rows (pairs i < j)', actual: `${n} row` });
  // log mean exp(−t‖x_i − x_j‖²) over i < j, by log-sum-exp around the largest exponent
  // (the exponents are ≤ 0 and can be very negative, where a plain mean underflows to log 0).
  const e = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  let top = -Infinity;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (x.data[i * d + c]! - x.data[j * d + c]!) ** 2;
      const v = -t * s;
      e[k++] = v;
      if (v > top) top = v;
    }
  }
  let sum = 0;
  for (let p = 0; p < e.length; p++) sum += Math.exp(e[p]! - top);
  return top + Math.log(sum / e.length);
}

/**
 * Uniformity (Wang & Isola 2020, docs/science/alignment-uniformity.md §6): log mean_{i<j} exp(−t‖x_i − x_j‖²) over all
 * distinct pairs of the batch (torch.pdist), as a plain number. 0 for collapsed features (the
 * maximum); ≈ −2t for spread-out unit vectors in high dimension. Lower is better.
 *
 * @param x [n, dim] embeddings, n ≥ 2 (O(n²·dim))
 */
export async function uniformity(x: MatrixInput, options: UniformityOptions = {}): Promise<number> {
  const { t, normalize } = parseOptions(UNIF, uniformityOptionsSchema, options);
  const [m] = await readMatrices(UNIF, [['x', x, ['batch', 'dim']]] as const);
  return uniformityOf(m, t, normalize);
}

/** Synchronous `uniformity`. */
export function uniformitySync(x: MatrixInput, options: UniformityOptions = {}): number {
  const { t, normalize } = parseOptions(UNIF, uniformityOptionsSchema, options);
  const [m] = readMatricesSync(UNIF, [['x', x, ['batch', 'dim']]] as const);
  return uniformityOf(m, t, normalize);
}
