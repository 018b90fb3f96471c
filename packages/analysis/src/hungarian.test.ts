import { describe, expect, it } from 'vitest';
import { hungarian } from './hungarian';
import { bruteForceAssignment as bruteForce, rngOf } from './test-fixtures';

describe('hungarian', () => {
  it('solves the scipy linear_sum_assignment example (cost 5: rows → [1, 0, 2])', () => {
    const r = hungarian([
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ]);
    expect(r.rowToCol).toEqual([1, 0, 2]);
    expect(r.total).toBe(5);
    expect(r.colToRow).toEqual([1, 0, 2]);
  });

  it('matches brute force on 300 random small problems (square and rectangular, with ties)', () => {
    const rng = rngOf(101);
    for (let t = 0; t < 300; t++) {
      const rows = 1 + rng.int(6);
      const cols = 1 + rng.int(6);
      // Small integers make ties common; every fourth case uses real numbers of mixed sign.
      const cost = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (t % 4 === 0 ? rng.normal() * 10 : rng.int(5))));
      for (const maximize of [false, true]) {
        const r = hungarian(cost, { maximize });
        expect(r.total).toBeCloseTo(bruteForce(cost, maximize), 9);
        // A valid one-to-one matching of min(rows, cols) pairs, consistent both ways.
        const matched = r.rowToCol.filter((j) => j >= 0);
        expect(matched).toHaveLength(Math.min(rows, cols));
        expect(new Set(matched).size).toBe(matched.length);
        r.rowToCol.forEach((j, i) => {
          if (j >= 0) expect(r.colToRow[j]).toBe(i);
        });
        expect(r.total).toBeCloseTo(
          r.rowToCol.reduce((s, j, i) => s + (j >= 0 ? cost[i]![j]! : 0), 0),
          9,
        );
      }
    }
  });

  it('rejects non-finite costs by position', () => {
    expect(() => hungarian([[1, Infinity]])).toThrow(/'cost' contains Infinity at flat index 1/);
  });
});
