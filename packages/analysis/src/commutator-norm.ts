import { parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { type Matrix, type MatrixInput, multiply, readMatrices, readMatricesSync } from './matrix';

/** The options of `commutatorNorm(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const commutatorNormOptionsSchema = z.strictObject({
  /** Divide by ‖A‖_F‖B‖_F (scale-free, as in docs/science/non-contrastive.md §3.4's alignment check); 0 if either is zero. Default false. */
  normalize: z._default(z.boolean(), false),
});
/** Options of `commutatorNorm` (the input of its schema: a field with a default may be omitted). */
export type CommutatorNormOptions = z.input<typeof commutatorNormOptionsSchema>;

const frobenius = (m: Matrix) => Math.sqrt(m.data.reduce((s, v) => s + v * v, 0));

function compute(a: Matrix, b: Matrix, normalize: boolean): number {
  const ab = multiply(a, b);
  const ba = multiply(b, a);
  let s = 0;
  for (let i = 0; i < ab.data.length; i++) s += (ab.data[i]! - ba.data[i]!) ** 2;
  const norm = Math.sqrt(s);
  if (!normalize) return norm;
  const scale = frobenius(a) * frobenius(b);
  return scale > 0 ? norm / scale : 0;
}

const OP = 'commutatorNorm';
const specs = (a: MatrixInput, b: MatrixInput) =>
  [
    ['a', a, ['n', 'n']],
    ['b', b, ['n', 'n']],
  ] as const;

/**
 * ‖[A, B]‖_F = ‖AB − BA‖_F. DirectPred's eigenspace alignment (Tian et al. 2021, docs/science/non-contrastive.md §3.4):
 * the predictor W_p and the correlation F = W X Wᵀ come to share eigenvectors, i.e. [F, W_p] → 0.
 * Zero exactly when the (symmetric) matrices are simultaneously diagonalisable.
 *
 * @param a [n, n]
 * @param b [n, n]
 */
export async function commutatorNorm(a: MatrixInput, b: MatrixInput, options: CommutatorNormOptions = {}): Promise<number> {
  const { normalize } = parseOptions(OP, commutatorNormOptionsSchema, options);
  const [x, y] = await readMatrices(OP, specs(a, b));
  return compute(x, y, normalize);
}

/** Synchronous `commutatorNorm`. */
export function commutatorNormSync(a: MatrixInput, b: MatrixInput, options: CommutatorNormOptions = {}): number {
  const { normalize } = parseOptions(OP, commutatorNormOptionsSchema, options);
  const [x, y] = readMatricesSync(OP, specs(a, b));
  return compute(x, y, normalize);
}
