import { InvalidArgumentError } from './errors';

/** Eigen-decomposition of a symmetric matrix: A = V diag(values) Vᵀ. */
export interface SymmetricEigen {
  /** Eigenvalues, in descending order. */
  values: Float64Array;
  /** Eigenvectors, row-major n×n: column k (vectors[i*n + k]) is the unit eigenvector of values[k]. */
  vectors: Float64Array;
  /** Jacobi sweeps used. */
  sweeps: number;
}

/**
 * Cyclic Jacobi eigen-solver for a real symmetric n×n matrix (row-major, float64). tfjs has no
 * eigen-decomposition; Jacobi is simple, unconditionally stable and accurate to machine precision
 * in the small dimensions used here (n ≤ a few hundred). The input is not modified; only its
 * upper triangle is read, with the lower triangle assumed equal.
 *
 * @param a      symmetric matrix, row-major, length n*n
 * @param n      order of the matrix
 * @param options tolerance: stop when the off-diagonal Frobenius norm ≤ tolerance·‖A‖_F (default
 *   1e-14); maxSweeps: give up after this many sweeps (default 100)
 */
export function symmetricEigen(
  a: ArrayLike<number>,
  n: number,
  {
    tolerance = 1e-14,
    maxSweeps = 100,
  }: {
    /** Stop when the off-diagonal Frobenius norm ≤ tolerance·‖A‖_F. Default 1e-14. */
    tolerance?: number;
    /** Give up after this many sweeps. Default 100. */
    maxSweeps?: number;
  } = {},
): SymmetricEigen {
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new InvalidArgumentError({ op: 'symmetricEigen', argument: 'n', expected: 'a positive integer', actual: n });
  }
  if (a.length !== n * n) {
    throw new InvalidArgumentError({
      op: 'symmetricEigen',
      argument: 'a',
      expected: `length n*n = ${n * n}`,
      actual: `length ${a.length}`,
    });
  }
  const m = new Float64Array(n * n);
  let norm2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = a[i * n + j]!;
      if (!Number.isFinite(v)) {
        throw new InvalidArgumentError({ op: 'symmetricEigen', argument: `a[${i}][${j}]`, expected: 'a finite number', actual: v });
      }
      m[i * n + j] = v;
      m[j * n + i] = v;
      norm2 += i === j ? v * v : 2 * v * v;
    }
  }
  const vec = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vec[i * n + i] = 1;
  const threshold = tolerance * tolerance * norm2;

  let sweeps = 0;
  for (; sweeps < maxSweeps; sweeps++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * m[p * n + q]! ** 2;
    if (off <= threshold || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        // Rotation angle that zeroes a_pq (Golub & Van Loan, Alg. 8.4.1), stable form.
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!;
          const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        m[p * n + q] = 0;
        m[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = vec[k * n + p]!;
          const vkq = vec[k * n + q]!;
          vec[k * n + p] = c * vkp - s * vkq;
          vec[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j]! - m[i * n + i]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = vec[k * n + src]!;
  });
  return { values, vectors, sweeps };
}
