import { describe, expect, it } from 'vitest';
import { parseOptions } from './options';
import { seedSchema } from './seed';

describe('seedSchema', () => {
  it('accepts finite numbers and strings, rejects the rest naming both options', () => {
    expect(parseOptions('f', seedSchema, 3, 'seed')).toBe(3);
    expect(parseOptions('f', seedSchema, 'run-1', 'seed')).toBe('run-1');
    expect(() => parseOptions('f', seedSchema, null, 'seed')).toThrow(
      "f: invalid argument 'seed': expected a number or a string (got null)",
    );
    expect(() => parseOptions('f', seedSchema, Number.NaN, 'seed')).toThrow("'seed': expected a number or a string (got NaN)");
  });
});
