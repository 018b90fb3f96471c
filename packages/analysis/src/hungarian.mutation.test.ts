// Hungarian assignment (Kuhn 1955, Munkres 1957; scipy.optimize.linear_sum_assignment semantics)
// checked against brute force over every injective map, n ≤ 6: square, wide and tall matrices, with
// many ties (small integer costs), both directions; the −1 entries of the unmatched side and the error text.
import { describe, expect, it } from 'vitest';
import { hungarian } from './hungarian';
import { bruteForceAssignment as bruteForce, rngOf } from './test-fixtures';

/** Checks that (rowToCol, colToRow) is a valid matching of min(rows, cols) pairs with −1 elsewhere. */
function expectValidMatching(cost: number[][], r: ReturnType<typeof hungarian>) {
  const rows = cost.length;
  const cols = cost[0]!.length;
  expect(r.rowToCol).toHaveLength(rows);
  expect(r.colToRow).toHaveLength(cols);
  let pairs = 0;
  let total = 0;
  r.rowToCol.forEach((k, i) => {
    if (k === -1) return;
    pairs++;
    total += cost[i]![k]!;
    expect(r.colToRow[k]).toBe(i);
  });
  expect(pairs).toBe(Math.min(rows, cols));
  // Every column is either matched back to its row or explicitly −1 (not a hole, not another number).
  r.colToRow.forEach((i, k) => {
    if (i === -1) expect(r.rowToCol.includes(k)).toBe(false);
    else expect(r.rowToCol[i]).toBe(k);
  });
  expect(Object.keys(r.colToRow)).toHaveLength(cols);
  expect(r.colToRow.filter((i) => i === -1)).toHaveLength(cols - pairs);
  expect(r.rowToCol.filter((k) => k === -1)).toHaveLength(rows - pairs);
  expect(r.total).toBe(total);
}

describe('hungarian against brute force', () => {
  it('every shape up to 6×6 with tied integer costs, minimising and maximising', () => {
    const rng = rngOf(1955);
    for (let rows = 1; rows <= 6; rows++) {
      for (let cols = 1; cols <= 6; cols++) {
        if (rows * cols > 30) continue; // 6×6 is 720 permutations per case: keep a few
        for (let trial = 0; trial < 3; trial++) {
          // Costs in {0, 1, 2}: many optimal assignments tie.
          const cost = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.floor(rng.uniform() * 3)));
          for (const maximize of [false, true]) {
            const r = hungarian(cost, { maximize });
            expectValidMatching(cost, r);
            expect(r.total).toBe(bruteForce(cost, maximize));
          }
        }
      }
    }
  });

  it('6×6 and 5×6 real-valued costs', () => {
    const rng = rngOf(1957);
    for (const [rows, cols] of [
      [6, 6],
      [5, 6],
      [6, 5],
    ] as const) {
      const cost = Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal()));
      for (const maximize of [false, true]) {
        const r = hungarian(cost, { maximize });
        expectValidMatching(cost, r);
        expect(r.total).toBeCloseTo(bruteForce(cost, maximize), 12);
      }
    }
  });

  it('a wide matrix by hand: the unmatched column is −1 in colToRow', () => {
    // Rows pick columns 2 and 0 (cost 1 + 1); column 1 (cost 5, 5) stays free.
    const r = hungarian([
      [9, 5, 1],
      [1, 5, 9],
    ]);
    expect(r).toEqual({ rowToCol: [2, 0], colToRow: [1, -1, 0], total: 2 });
    const t = hungarian([
      [9, 1],
      [5, 5],
      [1, 9],
    ]);
    expect(t).toEqual({ rowToCol: [1, -1, 0], colToRow: [2, 0], total: 2 });
  });

  it('names itself in option errors', () => {
    expect(() => hungarian([[1]], { maximize: 'yes' as unknown as boolean })).toThrow(/^hungarian: .*maximize/);
  });
});
