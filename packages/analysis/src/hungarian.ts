import { parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { type Matrix, type MatrixInput, readMatricesSync } from './matrix';

/** The options of `hungarian(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const hungarianOptionsSchema = z.strictObject({
  /** Maximise the total instead of minimising it (e.g. total |correlation| for MCC). Default false. */
  maximize: z._default(z.boolean(), false),
});
/** Options of `hungarian` (the input of its schema: a field with a default may be omitted). */
export type HungarianOptions = z.input<typeof hungarianOptionsSchema>;

/** An optimal assignment of rows to columns (`hungarian`). */
export interface Assignment {
  /** Column assigned to each row, or −1 when there are more rows than columns and the row is left out. */
  rowToCol: number[];
  /** Row assigned to each column, or −1. */
  colToRow: number[];
  /** Sum of the assigned costs. */
  total: number;
}

/**
 * Minimum-cost assignment for an n×m cost matrix with n ≤ m (every row gets a distinct column):
 * the Hungarian algorithm (Kuhn 1955, Munkres 1957) in its O(n²m) shortest-augmenting-path form
 * with row/column potentials u, v (Jonker–Volgenant style). Returns rowToCol.
 */
function solveRowsLeCols(a: Matrix): Int32Array {
  const { rows: n, cols: m } = a;
  const cost = (i: number, j: number) => a.data[(i - 1) * m + (j - 1)]!;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row (1-based) matched to column j; p[0] is the row being inserted
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost(i0, j) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minv[j]! -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    // Augment along the alternating path back to the virtual column 0.
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowToCol = new Int32Array(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j]! > 0) rowToCol[p[j]! - 1] = j - 1;
  return rowToCol;
}

/**
 * Optimal linear assignment (scipy's `linear_sum_assignment`): a one-to-one matching of rows to
 * columns of a (possibly rectangular) cost matrix that minimises (or maximises) the total cost.
 * min(rows, cols) pairs are matched. Exact, O(min³·max) — used by `mcc` for permutation matching.
 *
 * @param cost [rows, cols] finite costs (tensor, { rows, cols, data } or array of rows)
 */
export function hungarian(cost: MatrixInput, options: HungarianOptions = {}): Assignment {
  const op = 'hungarian';
  const { maximize } = parseOptions(op, hungarianOptionsSchema, options);
  const [c] = readMatricesSync(op, [['cost', cost, ['rows', 'cols']]] as const);
  const { rows, cols } = c;
  const sign = maximize ? -1 : 1;
  // Work on the orientation with rows ≤ cols.
  const flip = rows > cols;
  const n = flip ? cols : rows;
  const m = flip ? rows : cols;
  const data = new Float64Array(n * m);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) data[flip ? j * m + i : i * m + j] = sign * c.data[i * cols + j]!;
  }
  const match = solveRowsLeCols({ rows: n, cols: m, data });
  const rowToCol = new Array<number>(rows).fill(-1);
  const colToRow = new Array<number>(cols).fill(-1);
  match.forEach((j, i) => {
    const [r, k] = flip ? [j, i] : [i, j];
    rowToCol[r] = k;
    colToRow[k] = r;
  });
  let total = 0;
  rowToCol.forEach((k, r) => {
    if (k >= 0) total += c.data[r * cols + k]!;
  });
  return { rowToCol, colToRow, total };
}
