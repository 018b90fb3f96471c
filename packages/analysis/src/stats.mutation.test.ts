// Summaries and Pearson correlations (stats.ts) by hand: medians of odd and even counts, empty
// lists, nulls skipped; |Pearson| ≤ 1 even where float64 rounding lands outside; a column that is
// constant up to rounding counts as constant (correlation undefined), a genuinely varying one does not.
import { describe, expect, it } from 'vitest';
import { featureCrossViewCorrelationSync } from './cross-view-correlation';
import { correlationMatrix, correlationOf, max, mean, median, min, standardizeColumns, summarize } from './stats';
import { rngOf } from './test-fixtures';

describe('summaries', () => {
  it('mean, median (odd and even counts, unsorted input), min and max by hand; 0 for empty lists', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([-2, -10])).toBe(-6);
    expect(median([7])).toBe(7);
    expect(min([3, -1, 2])).toBe(-1);
    expect(max([3, -1, 2])).toBe(3);
    expect(max([-3, -1, -2])).toBe(-1);
    expect(min([3, 1, 2])).toBe(1);
    for (const f of [mean, median, min, max]) expect(f([])).toBe(0);
    expect(summarize([null, 4, null, 1, 2])).toEqual({ mean: 7 / 3, median: 2, min: 1, max: 4 });
    expect(summarize([null])).toEqual({ mean: 0, median: 0, min: 0, max: 0 });
  });
});

describe('Pearson correlations', () => {
  it('|corr| ≤ 1 for exact affine copies (rounding can land just outside)', () => {
    const rng = rngOf(17);
    const n = 37;
    const cols = 200;
    const a = new Float64Array(n * cols);
    const b = new Float64Array(n * cols);
    for (let j = 0; j < cols; j++) {
      const slope = rng.normal() * 10;
      const shift = rng.normal() * 100;
      for (let i = 0; i < n; i++) {
        const v = rng.normal();
        a[i * cols + j] = v;
        b[i * cols + j] = j % 2 ? slope * v + shift : -Math.abs(slope) * v + shift;
      }
    }
    const r = featureCrossViewCorrelationSync({ rows: n, cols, data: a }, { rows: n, cols, data: b });
    const values = r.perItem as number[];
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(1);
    expect(Math.min(...values.map(Math.abs))).toBeGreaterThan(1 - 1e-14);
    expect(r.skipped).toBe(0);
  });

  it('a column constant up to rounding (0.1 repeated; 1e9 + 0.1 repeated) is constant; a 1e-6 wiggle on 1 is not', () => {
    const n = 60;
    const data = new Float64Array(n * 4);
    for (let i = 0; i < n; i++) {
      data[i * 4] = 0.1;
      data[i * 4 + 1] = 1e9 + 0.1;
      data[i * 4 + 2] = 1 + (i % 2 ? 1e-6 : -1e-6);
      data[i * 4 + 3] = i;
    }
    const s = standardizeColumns({ rows: n, cols: 4, data });
    expect(Array.from(s.constant)).toEqual([1, 1, 0, 0]);
    // Constant columns are zeroed, varying ones have unit norm.
    expect(s.data.subarray(0, 2 * n).every((v) => v === 0)).toBe(true);
    const norm = (j: number) => Math.sqrt(s.data.subarray(j * n, (j + 1) * n).reduce((acc, v) => acc + v * v, 0));
    expect(norm(2)).toBeCloseTo(1, 14);
    expect(norm(3)).toBeCloseTo(1, 14);
    expect(correlationOf(s, 0, s, 3)).toBeNull();
    expect(correlationOf(s, 3, s, 1)).toBeNull();
    expect(correlationOf(s, 3, s, 3)).toBeCloseTo(1, 14);
    // Alternating ±1e-6 (dy, mean 0 for even n) against i (dx = i − 29.5): each pair (2k, 2k + 1)
    // adds 1e-6 to Σ dx·dy, so Σ dx·dy = 30e-6, Σ dy² = 60e-12 and corr = 30 / √(60 · Σ dx²).
    const sxx = Array.from({ length: n }, (_, i) => (i - 29.5) ** 2).reduce((x, y) => x + y, 0);
    expect(correlationOf(s, 2, s, 3)).toBeCloseTo(30 / Math.sqrt(n * sxx), 9);
    const m = correlationMatrix(s, s);
    expect(m[0]).toBe(0); // constant row/column: 0 in the matrix
    expect(m[3 * 4 + 3]).toBeCloseTo(1, 14);
    expect(m[2 * 4 + 3]).toBeCloseTo(m[3 * 4 + 2]!, 15);
  });
});
