import { symmetricEigen } from '@contrastive/core';
import { gram, type Matrix } from './matrix';

/**
 * Orthonormal basis Q [rows, r] of the column span of `a` [rows, cols], r = numerical rank.
 * Q = A V Λ^{-1/2} over the eigenpairs of AᵀA above `rtol`·λ_max, so a dictionary that is not
 * exactly orthonormal (or is rank-deficient) still gives the true orthogonal projector QQᵀ.
 */
export function orthonormalBasis(a: Matrix, rtol = 1e-10): Matrix {
  const { rows, cols } = a;
  const { values, vectors } = symmetricEigen(gram(a), cols);
  const top = Math.max(values[0]!, 0);
  const keep: number[] = [];
  for (let k = 0; k < cols; k++) if (values[k]! > rtol * top && values[k]! > 0) keep.push(k);
  const r = keep.length;
  const q = new Float64Array(rows * r);
  keep.forEach((k, c) => {
    const s = 1 / Math.sqrt(values[k]!);
    for (let i = 0; i < rows; i++) {
      let v = 0;
      for (let j = 0; j < cols; j++) v += a.data[i * cols + j]! * vectors[j * cols + k]!;
      q[i * r + c] = v * s;
    }
  });
  return { rows, cols: r, data: q };
}

/**
 * Share of each row's squared norm inside span(Q): ‖Qᵀw_i‖² / ‖w_i‖² ∈ [0, 1] (0 for a zero row).
 * @param w [m, d1] rows are the vectors
 * @param q [d1, r] orthonormal columns
 */
export function shareInSpan(w: Matrix, q: Matrix): Float64Array {
  const { rows: m, cols: d1 } = w;
  const r = q.cols;
  const out = new Float64Array(m);
  const proj = new Float64Array(r);
  for (let i = 0; i < m; i++) {
    proj.fill(0);
    let norm2 = 0;
    for (let k = 0; k < d1; k++) {
      const v = w.data[i * d1 + k]!;
      norm2 += v * v;
      if (v === 0) continue;
      for (let c = 0; c < r; c++) proj[c] = proj[c]! + v * q.data[k * r + c]!;
    }
    let p2 = 0;
    for (let c = 0; c < r; c++) p2 += proj[c]! ** 2;
    out[i] = norm2 > 0 ? Math.min(1, p2 / norm2) : 0;
  }
  return out;
}
