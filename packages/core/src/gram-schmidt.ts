import { ContrastiveError } from './errors';

/**
 * Orthonormalises `vectors` (each of length n, float64) against `basis` (already orthonormal)
 * and against each other, by modified Gram–Schmidt with one re-orthogonalisation pass ("twice is
 * enough", Giraud et al., Numer. Math. 2005). Done in float64 in JS rather than with a tfjs QR so
 * the result is bit-identical on every backend. Returns the new orthonormal vectors (the inputs
 * are modified in place, so subarray views of one buffer work); `basis` is not modified.
 *
 * @throws ContrastiveError when a vector is (numerically) linearly dependent on the previous ones
 */
export function gramSchmidt(vectors: readonly Float64Array[], basis: readonly Float64Array[] = []): Float64Array[] {
  const done: Float64Array[] = [...basis];
  const out: Float64Array[] = [];
  for (const v of vectors) {
    const n = v.length;
    let norm0 = 0;
    for (let i = 0; i < n; i++) norm0 += v[i]! * v[i]!;
    for (let pass = 0; pass < 2; pass++) {
      for (const b of done) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i]! * b[i]!;
        for (let i = 0; i < n; i++) v[i]! -= dot * b[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
    // A Gaussian vector lies in a given proper subspace with probability 0; this guards the
    // degenerate case (e.g. more vectors than dimensions) instead of returning NaNs.
    if (!(norm > 1e-20 * norm0) || norm === 0) {
      throw new ContrastiveError({ op: 'gramSchmidt', message: `vector ${out.length} is linearly dependent on the previous ones` });
    }
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[i]! *= inv;
    done.push(v);
    out.push(v);
  }
  return out;
}

/** Packs columns (each of length `rows`) into a row-major [rows, columns.length] array. */
export function columnsToRowMajor<A extends Float32Array | Float64Array>(columns: readonly Float64Array[], rows: number, out: A): A {
  const cols = columns.length;
  for (let j = 0; j < cols; j++) {
    const c = columns[j]!;
    for (let i = 0; i < rows; i++) out[i * cols + j] = c[i]!;
  }
  return out;
}

/**
 * Row-major [rows, cols] with orthonormal columns: the Gram–Schmidt of the columns of `a` (a
 * row-major [rows, cols] float64 array, e.g. Gaussian draws: the Q of its QR decomposition).
 */
export function orthonormalColumns(a: Float64Array, rows: number, cols: number): Float64Array {
  const columns = Array.from({ length: cols }, (_, j) => Float64Array.from({ length: rows }, (_, i) => a[i * cols + j]!));
  return columnsToRowMajor(gramSchmidt(columns), rows, new Float64Array(rows * cols));
}
