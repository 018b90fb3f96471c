import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { assertDims, assertFinite, assertNonEmpty, assertNumber, assertShape, assertShapes, assertTensor } from './assert';
import { InvalidArgumentError, NonFiniteValueError, ShapeMismatchError } from './errors';

describe('tensor assertions', () => {
  it('assertShape checks rank, fixed sizes and names shared across tensors', () => {
    const a = tf.zeros([4, 8]);
    const b = tf.zeros([5, 8]);
    expect(() => assertShape('op', 'a', a, ['batch', 'dim'])).not.toThrow();
    expect(() => assertShape('op', 'a', a, [null, null, null])).toThrow("op: 'a' must be rank 3 [?, ?, ?], got rank 2 [4, 8]");
    expect(() => assertShape('op', 'a', a, [4, 9])).toThrow(ShapeMismatchError);
    expect(() =>
      assertShapes('op', [
        ['a', a, ['batch', 'dim']],
        ['b', b, ['batch', 'dim']],
      ]),
    ).toThrow("op: 'b' has batch = 5 (shape [5, 8]) but 'a' has batch = 4");
    expect(assertShapes('op', [['a', a, ['batch', 'dim']]]).get('dim')).toBe(8);
    tf.dispose([a, b]);
  });

  it('assertDims checks a plain shape; a name used twice in one argument must agree', () => {
    expect(assertDims('op', 'm', [3, 3], ['n', 'n']).get('n')).toEqual({ size: 3, argument: 'm' });
    expect(() => assertDims('op', 'm', [3, 4], ['n', 'n'])).toThrow("op: 'm' must be [n, n] (square), got [3, 4]");
    expect(() => assertDims('op', 't', [2, 3, 3], ['n', 'm', 'n'])).toThrow("op: 't' must be [n, m, n] (n twice), got [2, 3, 3]");
    expect(() => assertDims('op', 'm', [3], ['n', 'n'])).toThrow("op: 'm' must be rank 2 [n, n], got rank 1 [3]");
  });

  it('assertNonEmpty rejects a zero-size dimension', () => {
    expect(() => assertNonEmpty('op', 'features', [4, 2, 1])).not.toThrow();
    expect(() => assertNonEmpty('op', 'features', [4, 2, 0])).toThrow("op: 'features' is empty: dimension 2 of [4, 2, 0] is 0");
  });

  it('assertTensor rejects non-tensors and disposed tensors', () => {
    expect(() => assertTensor('op', 'x', [1, 2])).toThrow(InvalidArgumentError);
    const t = tf.scalar(1);
    t.dispose();
    expect(() => assertTensor('op', 'x', t)).toThrow(/already been disposed/);
  });

  it('assertFinite reports the first bad index', () => {
    const t = tf.tensor([1, 2, Number.POSITIVE_INFINITY, Number.NaN]);
    expect(() => assertFinite('op', 'x', t)).toThrow(NonFiniteValueError);
    expect(() => assertFinite('op', 'x', t)).toThrow("op: 'x' contains Infinity at flat index 2; all values must be finite");
    t.dispose();
  });

  it('assertNumber', () => {
    expect(() => assertNumber('op', 'p', 0.5, { min: 0, max: 1 })).not.toThrow();
    expect(() => assertNumber('op', 'p', -0.1, { min: 0, max: 1 })).toThrow(
      "op: invalid argument 'p': expected a finite number ≥ 0 ≤ 1, got -0.1",
    );
    expect(() => assertNumber('op', 'n', 2.5, { integer: true })).toThrow(/an integer/);
  });
});
