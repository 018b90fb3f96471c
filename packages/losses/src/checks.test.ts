import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteValueError, ShapeMismatchError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { checkEmbeddings } from './checks';

describe('checkEmbeddings', () => {
  it('returns batch and dim, and names the offending argument', () => {
    const a = tf.ones([3, 2]);
    const b = tf.ones([3, 2]);
    expect(
      checkEmbeddings('op', [
        ['a', a],
        ['b', b],
      ]),
    ).toEqual({ batch: 3, dim: 2, maxAbs: [1, 1] });
    expect(() => checkEmbeddings('op', [['a', tf.zeros([3, 0])]])).toThrow("op: 'a' is empty: dimension 1 of [3, 0] is 0");
    expect(() =>
      checkEmbeddings('op', [
        ['a', a],
        ['b', tf.ones([4, 2])],
      ]),
    ).toThrow(ShapeMismatchError);
    expect(() =>
      checkEmbeddings('op', [
        ['a', a],
        ['b', tf.ones([3, 2, 1])],
      ]),
    ).toThrow(/op: 'b' must be rank 2/);
    expect(() => checkEmbeddings('op', [['a', tf.tensor2d([[1, NaN]])]])).toThrow(NonFiniteValueError);
    expect(() => checkEmbeddings('op', [['x', tf.ones([1, 2])]], 2)).toThrow(/'x' has batch = 1, but op needs batch ≥ 2/);
    tf.dispose([a, b]);
  });
});
