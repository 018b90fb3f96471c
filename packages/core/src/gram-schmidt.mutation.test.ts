// gramSchmidt's dependence test is relative: ‖residual‖² ≤ 1e-20·‖v‖² throws, whatever the scale.
import { describe, expect, it } from 'vitest';
import { columnsToRowMajor, gramSchmidt } from './gram-schmidt';

const e = (n: number, i: number, scale = 1) => Float64Array.from({ length: n }, (_, k) => (k === i ? scale : 0));

describe('gramSchmidt', () => {
  it('refuses a vector whose residual is below 1e-10 of its norm, at any scale', () => {
    // v = 1e6·(e0 + 1e-12·e1): residual² / ‖v‖² = 1e-24 < 1e-20.
    for (const scale of [1, 1e6]) {
      const v = Float64Array.from([scale, scale * 1e-12, 0]);
      expect(() => gramSchmidt([v], [e(3, 0)])).toThrow('gramSchmidt: vector 0 is linearly dependent on the previous ones');
    }
    // residual² / ‖v‖² = 1e-16 > 1e-20: kept, and normalised to e1.
    const ok = gramSchmidt([Float64Array.from([1e6, 1e-2, 0])], [e(3, 0)]);
    expect(Array.from(ok[0]!)).toEqual([0, 1, 0]);
    expect(() => gramSchmidt([e(2, 0), e(2, 0, 3)])).toThrow('vector 1 is linearly dependent');
    expect(() => gramSchmidt([new Float64Array(2)])).toThrow('vector 0 is linearly dependent');
  });

  it('(1, 1, 1) then (0, 2, 0) against e0: (0, 1, 1)/√2 and (0, 1, −1)/√2; the output excludes the basis', () => {
    const out = gramSchmidt([Float64Array.from([1, 1, 1]), Float64Array.from([0, 2, 0])], [e(3, 0)]);
    const expected = [
      [0, Math.SQRT1_2, Math.SQRT1_2],
      [0, Math.SQRT1_2, -Math.SQRT1_2],
    ];
    expect(out).toHaveLength(2);
    out.forEach((v, j) => v.forEach((x, i) => expect(x).toBeCloseTo(expected[j]![i]!, 15)));
  });

  it('columnsToRowMajor writes exactly rows × columns entries', () => {
    const out = columnsToRowMajor([Float64Array.from([1, 2]), Float64Array.from([3, 4])], 2, new Float64Array(5).fill(9));
    expect(Array.from(out)).toEqual([1, 3, 2, 4, 9]);
  });
});
