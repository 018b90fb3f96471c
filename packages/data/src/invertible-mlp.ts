import { ContrastiveError, type Rng, symmetricEigen } from '@contrastive/core';

/** The frozen weights of an invertible leaky-ReLU MLP g (square layers, no biases). */
export interface InvertibleMlpWeights {
  /** W_l, row-major [n, n] float64, PyTorch Linear convention (out × in): layer l maps h ↦ W_l h. */
  weights: Float64Array[];
  /** W_l⁻¹, row-major [n, n] float64. */
  inverses: Float64Array[];
  /** Condition number σ_max/σ_min of each W_l. */
  conditionNumbers: number[];
  /** Acceptance threshold on the condition number (from the pool). */
  conditionThreshold: number;
}

/** σ_max/σ_min of a row-major n×n matrix, from the eigenvalues of WᵀW (float64 Jacobi). */
export function conditionNumber(w: Float64Array, n: number): number {
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += w[k * n + i]! * w[k * n + j]!;
      gram[i * n + j] = s;
      gram[j * n + i] = s;
    }
  }
  const { values } = symmetricEigen(gram, n);
  const lo = values[n - 1]!;
  return lo > 0 ? Math.sqrt(values[0]! / lo) : Infinity;
}

/** Inverse of a row-major n×n matrix by Gauss–Jordan elimination with partial pivoting (float64). */
export function invertMatrix(w: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(w);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    const pv = a[pivot * n + col]!;
    if (pv === 0) throw new ContrastiveError({ op: 'invertMatrix', message: 'matrix is singular' });
    if (pivot !== col) {
      for (let k = 0; k < n; k++) {
        [a[col * n + k], a[pivot * n + k]] = [a[pivot * n + k]!, a[col * n + k]!];
        [inv[col * n + k], inv[pivot * n + k]] = [inv[pivot * n + k]!, inv[col * n + k]!];
      }
    }
    for (let k = 0; k < n; k++) {
      a[col * n + k]! /= pv;
      inv[col * n + k]! /= pv;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r * n + col]!;
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        a[r * n + k]! -= f * a[col * n + k]!;
        inv[r * n + k]! -= f * inv[col * n + k]!;
      }
    }
  }
  return inv;
}

/** W ~ U(−1, 1)^{n×n}, then each column scaled to unit L2 norm (cl-ica `l2_normalize(A, axis=0)`). */
function randomColumnNormalized(rng: Rng, n: number): Float64Array {
  const w = rng.fillUniform(new Float64Array(n * n), -1, 1);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += w[i * n + j]! ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < n; i++) w[i * n + j]! *= inv;
  }
  return w;
}

/**
 * Draws the layers of cl-ica's `construct_invertible_mlp` (weight init 'pcl'): a pool of
 * `poolSize` random column-normalised matrices sets the threshold (the `quantile` of their
 * condition numbers), then each layer is redrawn until its condition number is ≤ the threshold.
 */
export function buildInvertibleMlp(rng: Rng, n: number, layers: number, poolSize: number, quantile: number): InvertibleMlpWeights {
  const pool = Array.from({ length: poolSize }, () => conditionNumber(randomColumnNormalized(rng, n), n)).sort((a, b) => a - b);
  const conditionThreshold = pool[Math.min(poolSize - 1, Math.floor(poolSize * quantile))]!;
  // Acceptance probability is ≥ ~1/(poolSize + 1), so this bound fails with probability < e^-100.
  const maxTries = 100 * (poolSize + 1);
  const weights: Float64Array[] = [];
  const conditionNumbers: number[] = [];
  for (let l = 0; l < layers; l++) {
    for (let t = 0; ; t++) {
      if (t >= maxTries) {
        throw new ContrastiveError({
          op: 'latentMixing',
          message: `no matrix with condition number ≤ ${conditionThreshold} in ${maxTries} draws`,
        });
      }
      const w = randomColumnNormalized(rng, n);
      const cond = conditionNumber(w, n);
      if (cond <= conditionThreshold) {
        weights.push(w);
        conditionNumbers.push(cond);
        break;
      }
    }
  }
  return { weights, inverses: weights.map((w) => invertMatrix(w, n)), conditionNumbers, conditionThreshold };
}
