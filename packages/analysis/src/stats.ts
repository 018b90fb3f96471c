import type { Matrix } from './matrix';

/** Arithmetic mean (0 for an empty list). */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** Median (mean of the two middle values for an even count; 0 for an empty list). */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const h = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/** Minimum (0 for an empty list). */
export function min(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  let m = Infinity;
  for (let i = 0; i < values.length; i++) m = Math.min(m, values[i]!);
  return m;
}

/** Maximum (0 for an empty list). */
export function max(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) m = Math.max(m, values[i]!);
  return m;
}

/** Summary of a list of scores, as reported by every per-item metric. */
export interface Summary {
  /** Arithmetic mean. */
  mean: number;
  /** Median (mean of the two middle values for an even count). */
  median: number;
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
}

/** mean/median/min/max of the non-null entries. */
export function summarize(values: ReadonlyArray<number | null>): Summary {
  const kept = values.filter((v): v is number => v !== null);
  return { mean: mean(kept), median: median(kept), min: min(kept), max: max(kept) };
}

/**
 * Columns centred and scaled so that the Pearson correlation of columns i, j (possibly of two
 * different matrices with the same rows) is the plain dot product of their standardized columns.
 * A column whose spread is zero up to float64 rounding is marked constant and left at zero.
 */
export interface StandardizedColumns {
  /** Column-major [cols][rows]: column j is data.subarray(j*rows, (j+1)*rows), unit norm or zero. */
  data: Float64Array;
  rows: number;
  cols: number;
  /** True for columns with zero variance (their correlation is undefined). */
  constant: Uint8Array;
}

export function standardizeColumns(a: Matrix): StandardizedColumns {
  const { rows, cols } = a;
  const data = new Float64Array(rows * cols);
  const constant = new Uint8Array(cols);
  for (let j = 0; j < cols; j++) {
    let mu = 0;
    let scale = 0;
    for (let i = 0; i < rows; i++) {
      const v = a.data[i * cols + j]!;
      mu += v;
      scale = Math.max(scale, Math.abs(v));
    }
    mu /= rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) {
      const c = a.data[i * cols + j]! - mu;
      data[j * rows + i] = c;
      ss += c * c;
    }
    // Two-pass deviations of a constant column are pure rounding, ≤ ~n·ε·|value|.
    const sd = Math.sqrt(ss);
    if (!(sd > 1e-12 * scale * Math.sqrt(rows)) || sd === 0) {
      constant[j] = 1;
      data.fill(0, j * rows, (j + 1) * rows);
    } else {
      for (let i = 0; i < rows; i++) data[j * rows + i]! /= sd;
    }
  }
  return { data, rows, cols, constant };
}

/** Pearson correlation of column i of `a` and column j of `b` (both standardized); null if either is constant. */
export function correlationOf(a: StandardizedColumns, i: number, b: StandardizedColumns, j: number): number | null {
  if (a.constant[i] || b.constant[j]) return null;
  const n = a.rows;
  let s = 0;
  const oa = i * n;
  const ob = j * n;
  for (let r = 0; r < n; r++) s += a.data[oa + r]! * b.data[ob + r]!;
  // Clamp rounding just outside [-1, 1].
  return Math.max(-1, Math.min(1, s));
}

/** Pearson correlation matrix [a.cols, b.cols] (row-major); entries with a constant column are 0. */
export function correlationMatrix(a: StandardizedColumns, b: StandardizedColumns): Float64Array {
  const out = new Float64Array(a.cols * b.cols);
  for (let i = 0; i < a.cols; i++) for (let j = 0; j < b.cols; j++) out[i * b.cols + j] = correlationOf(a, i, b, j) ?? 0;
  return out;
}
