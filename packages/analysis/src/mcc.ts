import { type Matrix, type MatrixInput, readMatrices, readMatricesSync } from './matrix';
import { hungarian } from './hungarian';
import { correlationMatrix, standardizeColumns } from './stats';

/** Mean correlation coefficient between two sets of variables after the best one-to-one matching. */
export interface MccResult {
  /** Mean |Pearson correlation| over the matched pairs. */
  mcc: number;
  /** Matched |correlation| for every column of `a` (0 if unmatched, when a has more columns than b). */
  perDim: number[];
  /** Column of `b` matched to each column of `a`, or −1. */
  assignment: number[];
  /** Signed Pearson correlation matrix [a.cols][b.cols]; 0 where a column is constant. */
  correlation: number[][];
}

function mccOf(a: Matrix, b: Matrix): MccResult {
  const sa = standardizeColumns(a);
  const sb = standardizeColumns(b);
  const c = correlationMatrix(sa, sb);
  const abs = { rows: a.cols, cols: b.cols, data: c.map(Math.abs) };
  const { rowToCol } = hungarian(abs, { maximize: true });
  const perDim = rowToCol.map((j, i) => (j >= 0 ? Math.abs(c[i * b.cols + j]!) : 0));
  const matched = rowToCol.filter((j) => j >= 0).length;
  const total = perDim.reduce((s, v) => s + v, 0);
  const correlation = Array.from({ length: a.cols }, (_, i) => Array.from(c.subarray(i * b.cols, (i + 1) * b.cols)));
  return { mcc: total / matched, perDim, assignment: rowToCol, correlation };
}

const OP = 'mcc';
const specs = (a: MatrixInput, b: MatrixInput) =>
  [
    ['a', a, ['batch', null]],
    ['b', b, ['batch', null]],
  ] as const;

/**
 * Mean correlation coefficient (Zimmermann et al., `permutation_disentanglement`, docs/science/latent-recovery.md §5.3):
 * the Pearson correlation matrix between the columns of a and b, the one-to-one matching that
 * maximises the total |correlation| (Hungarian algorithm), and the mean |correlation| of the
 * matched pairs. 1 when b is a permutation of a up to sign, scale and shift.
 *
 * @param a [n, k]  e.g. ground-truth latents z
 * @param b [n, k'] e.g. learned features h(x); min(k, k') pairs are matched
 */
export async function mcc(a: MatrixInput, b: MatrixInput): Promise<MccResult> {
  const [x, y] = await readMatrices(OP, specs(a, b));
  return mccOf(x, y);
}

/** Synchronous `mcc`. */
export function mccSync(a: MatrixInput, b: MatrixInput): MccResult {
  const [x, y] = readMatricesSync(OP, specs(a, b));
  return mccOf(x, y);
}
