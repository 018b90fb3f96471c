import { describe, expect, it } from 'vitest';
import { commutatorNorm, commutatorNormSync } from './commutator-norm';
import type { Matrix } from './matrix';
import { matmul, orthonormalColumns, rngOf, transposed } from './test-fixtures';

/** Q diag(values) Qᵀ. */
function withEigenbasis(q: Matrix, values: number[]): Matrix {
  const d = { rows: values.length, cols: values.length, data: new Float64Array(values.length ** 2) };
  values.forEach((v, i) => (d.data[i * values.length + i] = v));
  return matmul(matmul(q, d), transposed(q));
}

describe('commutatorNorm', () => {
  it('is 0 for symmetric matrices sharing an eigenbasis (DirectPred aligned state, docs/science/non-contrastive.md §3.4)', async () => {
    const q = orthonormalColumns(rngOf(131), 6, 6);
    const f = withEigenbasis(q, [5, 3, 2, 1, 0.5, 0.1]);
    const wp = withEigenbasis(q, [1.01, 0.78, 0.64, 0.46, 0.33, 0.15]); // p_j = √(s_j/s_max) + ε
    expect(await commutatorNorm(f, wp)).toBeLessThan(1e-12);
    expect(commutatorNormSync(f, f)).toBe(0);
  });

  it('closed form: [E12, E21] = diag(1, −1), norm √2; normalised by ‖A‖‖B‖ = 1', () => {
    const a = [
      [0, 1],
      [0, 0],
    ];
    const b = [
      [0, 0],
      [1, 0],
    ];
    expect(commutatorNormSync(a, b)).toBeCloseTo(Math.SQRT2, 15);
    const a3 = a.map((r) => r.map((v) => 3 * v));
    expect(commutatorNormSync(a3, b)).toBeCloseTo(3 * Math.SQRT2, 14);
    expect(commutatorNormSync(a3, b, { normalize: true })).toBeCloseTo(Math.SQRT2, 14);
    expect(
      commutatorNormSync(
        [
          [0, 0],
          [0, 0],
        ],
        b,
        { normalize: true },
      ),
    ).toBe(0);
  });

  it('different eigenbases give a non-zero commutator', () => {
    const f = withEigenbasis(orthonormalColumns(rngOf(132), 4, 4), [4, 3, 2, 1]);
    const wp = withEigenbasis(orthonormalColumns(rngOf(133), 4, 4), [4, 3, 2, 1]);
    expect(commutatorNormSync(f, wp, { normalize: true })).toBeGreaterThan(0.05);
  });

  it('requires square matrices of one size', () => {
    expect(() => commutatorNormSync([[1, 2]], [[1]])).toThrow(/'a' must be \[n, n\] \(square\), got \[1, 2\]/);
    expect(() =>
      commutatorNormSync(
        [[1]],
        [
          [1, 0],
          [0, 1],
        ],
      ),
    ).toThrow(/'b' has n = 2/);
  });
});
