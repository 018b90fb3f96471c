// Exact behaviour of the argument checks (messages written out by hand) and of the Jacobi
// eigen-solver's stopping rule, whose sweep count is part of its result.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { assertDims, assertFinite, assertNonEmpty, assertNumber, assertRank, assertShape, assertTensor } from './assert';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { symmetricEigen } from './symmetric-eigen';

function thrown(f: () => unknown): Error & { argument?: string; expected?: string; actual?: unknown } {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('assertTensor / assertShape / assertRank', () => {
  it('a non-tensor and a disposed tensor', () => {
    const e = thrown(() => assertTensor('f', 'x', [1, 2]));
    expect(InvalidArgumentError.isInstance(e)).toBe(true);
    expect(e.message).toBe("f: invalid argument 'x': expected a tf.Tensor, got [1,2]");
    const t = tf.scalar(1);
    t.dispose();
    const d = thrown(() => assertTensor('f', 'x', t));
    expect(d.message).toBe("f: 'x' has already been disposed");
    expect([d.expected, d.actual]).toEqual(['a live tf.Tensor', 'a disposed tensor']);
  });

  it('named and free dimensions accept any size; a number must match exactly', () => {
    const t = tf.zeros([2, 3]);
    expect(() => assertShape('f', 'x', t, ['batch', null])).not.toThrow();
    expect(() => assertShape('f', 'x', t, [2, 3])).not.toThrow();
    expect(thrown(() => assertShape('f', 'x', t, [2, 4])).message).toBe("f: 'x' must have shape [2, 4], got [2, 3]");
    expect(thrown(() => assertShape('f', 'x', t, ['n', 'n'])).message).toBe("f: 'x' must be [n, n] (square), got [2, 3]");
    expect(assertShape('f', 'x', t, ['batch', 'dim'])).toEqual(
      new Map([
        ['batch', { size: 2, argument: 'x' }],
        ['dim', { size: 3, argument: 'x' }],
      ]),
    );
    expect(() => assertRank('f', 'x', t, 2)).not.toThrow();
    const r = thrown(() => assertRank('f', 'x', t, 3));
    expect(ShapeMismatchError.isInstance(r)).toBe(true);
    expect(r.message).toBe("f: 'x' must be rank 3 [?, ?, ?], got rank 2 [2, 3]");
    t.dispose();
    expect(thrown(() => assertDims('f', 'm', [2, 2, 3], ['k', 'k', 'k'])).message).toBe(
      "f: 'm' must be [k, k, k] (k twice), got [2, 2, 3]",
    );
  });

  it('assertNonEmpty names the first zero dimension; assertFinite the first non-finite index', () => {
    expect(() => assertNonEmpty('f', 'x', [1, 1])).not.toThrow();
    const e = thrown(() => assertNonEmpty('f', 'x', [0, 3]));
    expect(e.message).toBe("f: 'x' is empty: dimension 0 of [0, 3] is 0");
    expect(e.expected).toBe('every dimension ≥ 1');
    expect(() => assertFinite('f', 'v', [1, 2, 3])).not.toThrow();
    expect(thrown(() => assertFinite('f', 'v', [1, 2, Number.NaN])).message).toBe(
      "f: 'v' contains NaN at flat index 2; all values must be finite",
    );
  });
});

describe('assertNumber', () => {
  const msg = (value: unknown, o?: Parameters<typeof assertNumber>[3]) => {
    try {
      assertNumber('f', 'k', value, o);
      return 'ok';
    } catch (e) {
      return (e as Error).message;
    }
  };
  it('bounds are inclusive unless exclusiveMin; the message lists them', () => {
    expect(msg(0, { min: 0 })).toBe('ok');
    expect(msg(0, { min: 0, exclusiveMin: true })).toBe("f: invalid argument 'k': expected a finite number > 0, got 0");
    expect(msg(-1, { min: 0 })).toBe("f: invalid argument 'k': expected a finite number ≥ 0, got -1");
    expect(msg(0.5, { min: 0, exclusiveMin: true })).toBe('ok');
    expect(msg(1, { max: 1 })).toBe('ok');
    expect(msg(1.5, { max: 1 })).toBe("f: invalid argument 'k': expected a finite number ≤ 1, got 1.5");
    expect(msg(2, { min: 0, max: 1, integer: true })).toBe("f: invalid argument 'k': expected an integer ≥ 0 ≤ 1, got 2");
    expect(msg(0.5, { integer: true })).toBe("f: invalid argument 'k': expected an integer, got 0.5");
    expect(msg('1')).toBe(`f: invalid argument 'k': expected a finite number, got "1"`);
    expect(msg(Number.POSITIVE_INFINITY)).toBe("f: invalid argument 'k': expected a finite number, got Infinity");
    expect(msg(7)).toBe('ok');
  });
});

describe('symmetricEigen', () => {
  it('stops as soon as the off-diagonal norm² ≤ tolerance²·‖A‖²_F (‖A‖² = 26, off² = 8 for [[3,2],[2,3]])', () => {
    const a = [3, 2, 2, 3];
    // 26·0.33 = 8.6 ≥ 8: already converged. 26·0.25 = 6.5 < 8: one sweep (which zeroes the 2×2 exactly).
    expect(symmetricEigen(a, 2, { tolerance: Math.sqrt(0.33) }).sweeps).toBe(0);
    expect(symmetricEigen(a, 2, { tolerance: 0.5 }).sweeps).toBe(1);
    // At equality (tolerance 1 on [[0,2],[2,0]]: off² = ‖A‖² = 8) it has converged.
    expect(symmetricEigen([0, 2, 2, 0], 2, { tolerance: 1 }).sweeps).toBe(0);
    const r = symmetricEigen(a, 2);
    expect(r.sweeps).toBe(1);
    expect(r.values[0]).toBeCloseTo(5, 14);
    expect(r.values[1]).toBeCloseTo(1, 14);
  });

  it('maxSweeps caps the sweeps; a diagonal matrix needs none', () => {
    const capped = symmetricEigen([3, 2, 2, 3], 2, { maxSweeps: 0 });
    expect(capped.sweeps).toBe(0);
    expect(Array.from(capped.values)).toEqual([3, 3]);
    const diag = symmetricEigen([1, 0, 0, 0, 2, 0, 0, 0, 3], 3);
    expect(diag.sweeps).toBe(0);
    expect(Array.from(diag.values)).toEqual([3, 2, 1]);
    expect(Array.from(diag.vectors)).toEqual([0, 0, 1, 0, 1, 0, 1, 0, 0]);
  });

  it('skips zero off-diagonal entries (equal diagonal: 0/0 would otherwise poison the rotation)', () => {
    // [[1,0,1],[0,1,0],[1,0,1]]: eigenvalues 2, 1, 0 with (1,0,1)/√2, (0,1,0), (1,0,−1)/√2.
    const r = symmetricEigen([1, 0, 1, 0, 1, 0, 1, 0, 1], 3);
    expect(r.values[0]).toBeCloseTo(2, 14);
    expect(r.values[1]).toBeCloseTo(1, 14);
    expect(r.values[2]).toBeCloseTo(0, 14);
    expect(Math.abs(r.vectors[0 * 3 + 0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(Math.abs(r.vectors[1 * 3 + 1]!)).toBeCloseTo(1, 14);
  });

  it('rejects n that is not a positive integer, and non-finite entries by position', () => {
    expect(thrown(() => symmetricEigen([], 0)).message).toBe("symmetricEigen: invalid argument 'n': expected a positive integer, got 0");
    expect(thrown(() => symmetricEigen([1], -1)).message).toBe("symmetricEigen: invalid argument 'n': expected a positive integer, got -1");
    expect(thrown(() => symmetricEigen([1, 2], 1.5)).message).toBe(
      "symmetricEigen: invalid argument 'n': expected a positive integer, got 1.5",
    );
    expect(thrown(() => symmetricEigen([1, Number.NaN, 0, 1], 2)).message).toBe(
      "symmetricEigen: invalid argument 'a[0][1]': expected a finite number, got NaN",
    );
  });
});
