import { describe, expect, it } from 'vitest';
import { orthonormalColumns } from './gram-schmidt';
import { createRng } from './rng';
import { symmetricEigen } from './symmetric-eigen';

/** Random orthogonal matrix: Gram–Schmidt of a Gaussian matrix (row-major n×n, columns orthonormal). */
function randomOrthogonal(n: number, seed: number): Float64Array {
  return orthonormalColumns(createRng(seed).fillNormal(new Float64Array(n * n)), n, n);
}

/** A = Q diag(lambda) Qᵀ with known spectrum. */
function withSpectrum(lambda: number[], seed: number): { a: Float64Array; q: Float64Array } {
  const n = lambda.length;
  const q = randomOrthogonal(n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k]! * lambda[k]! * q[j * n + k]!;
      a[i * n + j] = s;
    }
  return { a, q };
}

describe('symmetricEigen (cyclic Jacobi)', () => {
  it('solves the 2×2 closed form [[2,1],[1,2]] → 3, 1 with (1,1)/√2, (1,−1)/√2', () => {
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0]! * vectors[2]!).toBeGreaterThan(0); // eigenvector of 3 is (1,1)/√2
    expect(vectors[1]! * vectors[3]!).toBeLessThan(0); // eigenvector of 1 is (1,−1)/√2
  });

  it('recovers a known spectrum (n = 40, including repeated and negative eigenvalues)', () => {
    const lambda = Array.from({ length: 40 }, (_, i) => (i < 3 ? 5 : 10 - i * 0.5));
    const { a, q } = withSpectrum(lambda, 11);
    const { values, vectors } = symmetricEigen(a, 40);
    const sorted = [...lambda].sort((x, y) => y - x);
    values.forEach((v, i) => expect(v).toBeCloseTo(sorted[i]!, 10));
    // A v = λ v for every pair, and V is orthonormal.
    const n = 40;
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[j * n + k]!;
        expect(av).toBeCloseTo(values[k]! * vectors[i * n + k]!, 9);
      }
      for (let l = 0; l < n; l++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + k]! * vectors[i * n + l]!;
        expect(dot).toBeCloseTo(k === l ? 1 : 0, 10);
      }
    }
    // Distinct eigenvalues: eigenvector matches the generating column up to sign.
    const last = lambda.indexOf(sorted[n - 1]!);
    let dot = 0;
    for (let i = 0; i < n; i++) dot += vectors[i * n + n - 1]! * q[i * n + last]!;
    expect(Math.abs(dot)).toBeCloseTo(1, 9);
  });

  it('handles diagonal, zero and 1×1 matrices', () => {
    expect(Array.from(symmetricEigen([3, 0, 0, 0, 1, 0, 0, 0, 2], 3).values)).toEqual([3, 2, 1]);
    expect(Array.from(symmetricEigen(new Float64Array(4), 2).values)).toEqual([0, 0]);
    expect(symmetricEigen([7], 1).values[0]).toBe(7);
  });

  it('rejects bad sizes and non-finite entries', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/symmetricEigen: invalid argument 'a': expected length n\*n = 4, got "length 3"/);
    expect(() => symmetricEigen([1, Number.NaN, Number.NaN, 1], 2)).toThrow(/a\[0\]\[1\]/);
  });
});
