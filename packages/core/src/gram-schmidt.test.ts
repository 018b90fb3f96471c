import { describe, expect, it } from 'vitest';
import { ContrastiveError } from './errors';
import { columnsToRowMajor, gramSchmidt, orthonormalColumns } from './gram-schmidt';
import { createRng } from './rng';

describe('gramSchmidt', () => {
  it('orthonormalises against a prior basis and refuses dependent vectors', () => {
    const [e1] = gramSchmidt([Float64Array.from([2, 0, 0])]);
    expect(Array.from(e1!)).toEqual([1, 0, 0]);
    // (1,1,0) minus its e1 component is (0,1,0); normalised.
    const [v] = gramSchmidt([Float64Array.from([1, 1, 0])], [e1!]);
    expect(Array.from(v!)).toEqual([0, 1, 0]);
    expect(() => gramSchmidt([Float64Array.from([1, 0]), Float64Array.from([0, 1]), Float64Array.from([1, 1])])).toThrow(ContrastiveError);
    expect(() => gramSchmidt([new Float64Array(3)])).toThrow(/linearly dependent/);
  });

  it('gives QᵀQ = I to 1e-14 on ill-conditioned Gaussian columns, and spans the same space', () => {
    const rows = 30;
    const cols = 12;
    const a = createRng(4).fillNormal(new Float64Array(rows * cols));
    // Make column 1 nearly parallel to column 0 (one pass of classical GS would lose orthogonality).
    for (let i = 0; i < rows; i++) a[i * cols + 1] = a[i * cols]! + 1e-9 * a[i * cols + 1]!;
    const q = orthonormalColumns(a, rows, cols);
    for (let j = 0; j < cols; j++) {
      for (let k = 0; k < cols; k++) {
        let d = 0;
        for (let i = 0; i < rows; i++) d += q[i * cols + j]! * q[i * cols + k]!;
        expect(Math.abs(d - (j === k ? 1 : 0))).toBeLessThan(1e-14);
      }
    }
    // Column 0 of Q is column 0 of A normalised (triangular R).
    let n = 0;
    for (let i = 0; i < rows; i++) n += a[i * cols]! ** 2;
    for (let i = 0; i < rows; i++) expect(q[i * cols]!).toBeCloseTo(a[i * cols]! / Math.sqrt(n), 14);
  });

  it('columnsToRowMajor packs columns', () => {
    const out = columnsToRowMajor(
      [Float64Array.from([1, 2]), Float64Array.from([3, 4]), Float64Array.from([5, 6])],
      2,
      new Float32Array(6),
    );
    expect(Array.from(out)).toEqual([1, 3, 5, 2, 4, 6]);
  });
});
