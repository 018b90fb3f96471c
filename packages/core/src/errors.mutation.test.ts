// Exact messages, names and markers of the error classes (the user-facing contract that every
// package's "bad input" tests rely on), written out by hand from the documented formats.
import * as tf from '@tensorflow/tfjs-core';
import { describe as suite, expect, it } from 'vitest';
import { ContrastiveError, describe, InvalidArgumentError, NonFiniteValueError, ShapeMismatchError } from './errors';

suite('ContrastiveError', () => {
  it('prefixes the op only when there is one, and keeps a cause only when given', () => {
    const plain = new ContrastiveError({ message: 'boom' });
    expect(plain.message).toBe('boom');
    expect(plain.name).toBe('ContrastiveError');
    expect(plain.op).toBeUndefined();
    expect('cause' in plain).toBe(false);
    expect(new ContrastiveError({ message: 'boom', op: '' }).message).toBe('boom');
    const withCause = new ContrastiveError({ message: 'boom', op: 'f', cause: 0 });
    expect(withCause.message).toBe('f: boom');
    expect(withCause.cause).toBe(0);
  });

  it('isInstance needs the marker set to true, not just present', () => {
    const marker = Symbol.for('contrastive.error');
    expect(ContrastiveError.isInstance({ [marker]: false })).toBe(false);
    expect(ContrastiveError.isInstance({ [marker]: true })).toBe(true);
    expect(ContrastiveError.isInstance({})).toBe(false);
    expect(ContrastiveError.isInstance('contrastive.error')).toBe(false);
    expect(ContrastiveError.isInstance(undefined)).toBe(false);
  });

  it('each subclass recognises its own instances only, across copies (marker, not prototype)', () => {
    const shape = new ShapeMismatchError({ argument: 'x', expected: '[n]', actual: [] });
    const finite = new NonFiniteValueError({ argument: 'x' });
    const invalid = new InvalidArgumentError({ argument: 'x', expected: 'y', actual: 1 });
    expect([shape, finite, invalid].map((e) => ShapeMismatchError.isInstance(e))).toEqual([true, false, false]);
    expect([shape, finite, invalid].map((e) => NonFiniteValueError.isInstance(e))).toEqual([false, true, false]);
    expect([shape, finite, invalid].map((e) => InvalidArgumentError.isInstance(e))).toEqual([false, false, true]);
    expect([shape, finite, invalid].every((e) => ContrastiveError.isInstance(e))).toBe(true);
    // A structural copy (another bundled copy of core) is recognised by its marker.
    const copy = Object.assign(new Error('x'), { [Symbol.for('contrastive.error.shape-mismatch')]: true });
    expect(ShapeMismatchError.isInstance(copy)).toBe(true);
  });
});

suite('error messages', () => {
  it('ShapeMismatchError', () => {
    const e = new ShapeMismatchError({ argument: 'a', expected: '[batch, dim]', actual: [3] });
    expect(e.message).toBe("'a' must have shape [batch, dim], got [3]");
    expect(e.name).toBe('ShapeMismatchError');
    expect([e.argument, e.expected, e.actual]).toEqual(['a', '[batch, dim]', [3]]);
    expect(new ShapeMismatchError({ argument: 'a', expected: 'e', actual: [1], message: 'custom' }).message).toBe('custom');
  });

  it('NonFiniteValueError: value, index and step are each optional', () => {
    const bare = new NonFiniteValueError({ argument: 'x' });
    expect(bare.message).toBe("'x' contains a non-finite value; all values must be finite");
    expect(bare.name).toBe('NonFiniteValueError');
    expect([bare.argument, bare.index, bare.step]).toEqual(['x', undefined, undefined]);
    const full = new NonFiniteValueError({ op: 'f', argument: 'x', index: 5, value: Number.POSITIVE_INFINITY, step: 0 });
    expect(full.message).toBe("f: 'x' contains Infinity at flat index 5 at step 0; all values must be finite");
    expect(full.index).toBe(5);
    expect(new NonFiniteValueError({ argument: 'x', index: 0 }).message).toBe(
      "'x' contains a non-finite value at flat index 0; all values must be finite",
    );
    expect(new NonFiniteValueError({ argument: 'x', message: 'm' }).message).toBe('m');
  });

  it('InvalidArgumentError keeps expected/actual and a custom message', () => {
    const e = new InvalidArgumentError({ argument: 'k', expected: 'an integer', actual: 1.5, message: 'custom' });
    expect(e.message).toBe('custom');
    expect([e.argument, e.expected, e.actual]).toEqual(['k', 'an integer', 1.5]);
  });
});

suite('describe', () => {
  it('primitives', () => {
    expect(describe(undefined)).toBe('undefined');
    expect(describe(null)).toBe('null');
    expect(describe(Number.NaN)).toBe('NaN');
    expect(describe(-2.5)).toBe('-2.5');
    expect(describe('a b')).toBe('"a b"');
    expect(describe('')).toBe('""');
    expect(describe(true)).toBe('true');
  });

  it('arrays: written out up to 8 entries, summarised beyond', () => {
    expect(describe([])).toBe('[]');
    expect(describe([1, 2, 3, 4, 5, 6, 7, 8])).toBe('[1,2,3,4,5,6,7,8]');
    expect(describe([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBe('array of length 9');
  });

  it('tensors by dtype and shape, typed arrays by type and length', () => {
    const t = tf.zeros([2, 3], 'int32');
    expect(describe(t)).toBe('int32 tensor of shape [2, 3]');
    t.dispose();
    expect(describe({ shape: [], dtype: 'float32' })).toBe('float32 tensor of shape []');
    // An object with only one of the two keys is not a tensor.
    expect(describe({ shape: [1] })).toBe('{"shape":[1]}');
    expect(describe({ dtype: 'x' })).toBe('{"dtype":"x"}');
    expect(describe(new Float32Array(4))).toBe('Float32Array of length 4');
  });

  it('objects as JSON, cut at 120 characters; unserialisable ones via String()', () => {
    const exactly120 = { k: 'x'.repeat(112) }; // {"k":"…"} = 8 + 112 characters
    expect(JSON.stringify(exactly120).length).toBe(120);
    expect(describe(exactly120)).toBe(JSON.stringify(exactly120));
    const long = { k: 'x'.repeat(113) };
    const d = describe(long);
    expect(d).toBe(`${JSON.stringify(long).slice(0, 117)}...`);
    expect(d.length).toBe(120);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describe(cyclic)).toBe('[object Object]');
  });
});
