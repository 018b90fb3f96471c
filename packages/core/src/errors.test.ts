import { describe, expect, it } from 'vitest';
import { ContrastiveError, InvalidArgumentError, NonFiniteValueError, ShapeMismatchError } from './errors';

describe('errors', () => {
  it('isInstance recognises the class and its subclasses only', () => {
    const e = new InvalidArgumentError({ op: 'f', argument: 'x', expected: 'a positive number', actual: -1 });
    expect(ContrastiveError.isInstance(e)).toBe(true);
    expect(InvalidArgumentError.isInstance(e)).toBe(true);
    expect(ShapeMismatchError.isInstance(e)).toBe(false);
    expect(ContrastiveError.isInstance(new Error('x'))).toBe(false);
    expect(ContrastiveError.isInstance(null)).toBe(false);
    expect(e.message).toBe("f: invalid argument 'x': expected a positive number, got -1");
    expect(e.name).toBe('InvalidArgumentError');
    expect(e.op).toBe('f');
  });

  it('messages name argument, expected and actual', () => {
    const s = new ShapeMismatchError({ op: 'g', argument: 'features', expected: '[batch, views, dim]', actual: [4, 8] });
    expect(s.message).toBe("g: 'features' must have shape [batch, views, dim], got [4, 8]");
    const n = new NonFiniteValueError({ op: 'train', argument: 'loss', value: Number.NaN, step: 17 });
    expect(n.message).toBe("train: 'loss' contains NaN at step 17; all values must be finite");
    expect(n.step).toBe(17);
  });

  it('keeps the cause', () => {
    const cause = { code: 'too_small' };
    const e = new InvalidArgumentError({ argument: 'a', expected: 'b', actual: 1, cause });
    expect(e.cause).toBe(cause);
  });
});
