import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from './errors';
import { parseOptions } from './options';

const schema = z.object({
  /** Softmax temperature. */
  temperature: z.number().positive().default(0.1),
  mode: z.enum(['all', 'one']).default('all'),
  nested: z.object({ k: z.number().int().min(1) }).optional(),
});

describe('parseOptions', () => {
  it('applies defaults', () => {
    expect(parseOptions('f', schema, {})).toEqual({ temperature: 0.1, mode: 'all' });
  });

  it('throws InvalidArgumentError naming op, key path and value, with the zod issue as cause', () => {
    let err: unknown;
    try {
      parseOptions('supConLoss', schema, { temperature: -1 });
    } catch (e) {
      err = e;
    }
    expect(InvalidArgumentError.isInstance(err)).toBe(true);
    const e = err as InvalidArgumentError;
    expect(e.argument).toBe('options.temperature');
    expect(e.message).toMatch(/^supConLoss: invalid argument 'options\.temperature': .*\(got -1\)$/);
    expect((e.cause as { code: string }).code).toBe('too_small');
    expect(() => parseOptions('f', schema, { nested: { k: 0 } })).toThrow(/'options\.nested\.k'/);
    expect(() => parseOptions('f', schema, { mode: 'none' })).toThrow(/'options\.mode'.*got "none"/);
    expect(() => parseOptions('f', schema, { temperature: Number.NaN })).toThrow(/got NaN/);
  });
});
