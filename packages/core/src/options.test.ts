import { nonStrictObjects, nonStrictSchemas } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { InvalidArgumentError } from './errors';
import { describeIssue, parseOptions } from './options';

const schema = z.strictObject({
  /** Softmax temperature. */
  temperature: z._default(z.number().check(z.positive()), 0.1),
  mode: z._default(z.enum(['all', 'one']), 'all'),
  nested: z.optional(z.strictObject({ k: z.int().check(z.gte(1)) })),
  seed: z._default(z.union([z.number(), z.string()]), 0),
  threshold: z._default(
    z.union([
      z.number(),
      z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('constant'), value: z.number() }),
        z.strictObject({ type: z.literal('linear'), steps: z.int() }),
      ]),
    ]),
    0,
  ),
  list: z._default(z.array(z.strictObject({ a: z.number() })), []),
  check: z.optional(z.custom<string>((v) => v === 'ok', { message: 'expected the string "ok"' })),
});

function errorOf(f: () => unknown): InvalidArgumentError {
  try {
    f();
  } catch (e) {
    if (InvalidArgumentError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('parseOptions', () => {
  it('applies defaults', () => {
    expect(parseOptions('f', schema, {})).toEqual({ temperature: 0.1, mode: 'all', seed: 0, threshold: 0, list: [] });
  });

  it('throws InvalidArgumentError naming op, key path and value, with the zod issue as cause', () => {
    const e = errorOf(() => parseOptions('supConLoss', schema, { temperature: -1 }));
    expect(e.argument).toBe('options.temperature');
    expect(e.message).toBe("supConLoss: invalid argument 'options.temperature': expected a number > 0 (got -1)");
    expect(e.expected).toBe('a number > 0');
    expect(e.actual).toBe(-1);
    expect((e.cause as { code: string }).code).toBe('too_small');
    expect(() => parseOptions('f', schema, { nested: { k: 0 } })).toThrow(
      "f: invalid argument 'options.nested.k': expected an integer ≥ 1 (got 0)",
    );
    expect(() => parseOptions('f', schema, { nested: { k: 1.5 } })).toThrow("'options.nested.k': expected an integer (got 1.5)");
    expect(() => parseOptions('f', schema, { temperature: '0.5' })).toThrow(`'options.temperature': expected a number (got "0.5")`);
    expect(() => parseOptions('f', schema, { nested: {} })).toThrow("'options.nested.k': is required (expected an integer)");
    expect(() => parseOptions('f', schema, null)).toThrow("'options': expected an object (got null)");
    expect(() => parseOptions('f', schema, {}, 'config')).not.toThrow();
    expect(() => parseOptions('f', schema, { check: 'no' })).toThrow(`'options.check': expected the string "ok" (got "no")`);
  });

  it('says "finite" for ±Infinity and NaN, not "expected number, received number"', () => {
    expect(() => parseOptions('f', schema, { temperature: Number.POSITIVE_INFINITY })).toThrow(
      "'options.temperature': expected a finite number (got Infinity)",
    );
    expect(() => parseOptions('f', schema, { temperature: Number.NaN })).toThrow(
      "'options.temperature': expected a finite number (got NaN)",
    );
    expect(() => parseOptions('f', schema, { nested: { k: -Infinity } })).toThrow(
      "'options.nested.k': expected a finite integer (got -Infinity)",
    );
  });

  it('lists the allowed values of an enum (case-exact) and of a discriminator', () => {
    expect(() => parseOptions('f', schema, { mode: 'All' })).toThrow(`'options.mode': expected one of "all" | "one" (got "All")`);
    expect(() => parseOptions('f', schema, { threshold: { type: 'Linear', steps: 3 } })).toThrow(
      `'options.threshold.type': expected one of "constant" | "linear" (got "Linear")`,
    );
    expect(() => parseOptions('f', schema, { seed: true })).toThrow(`'options.seed': expected a number or a string (got true)`);
  });

  it('rejects unknown keys at every depth, naming the key and the known keys', () => {
    const top = errorOf(() => parseOptions('f', schema, { temprature: 0.5 }));
    expect(top.argument).toBe('options.temprature');
    expect(top.message).toBe(
      "f: invalid argument 'options.temprature': unknown key; known keys: temperature, mode, nested, seed, threshold, list, check",
    );
    expect(() => parseOptions('f', schema, { nested: { k: 1, kk: 2 } })).toThrow("'options.nested.kk': unknown key; known keys: k");
    expect(() => parseOptions('f', schema, { threshold: { type: 'linear', steps: 3, step: 1 } })).toThrow(
      "'options.threshold.step': unknown key; known keys: type, steps",
    );
    expect(() => parseOptions('f', schema, { list: [{ a: 1 }, { a: 1, b: 2 }] })).toThrow("'options.list.1.b': unknown key; known keys: a");
    expect(() => parseOptions('f', schema, { x: 1, y: 2 })).toThrow("'options.x': unknown key (and 'y'); known keys:");
  });

  it('goes into the branch of a union that got furthest', () => {
    expect(() => parseOptions('f', schema, { threshold: { type: 'constant', value: 'a' } })).toThrow(
      `'options.threshold.value': expected a number (got "a")`,
    );
  });

  it('describeIssue works on a classic zod schema too', async () => {
    const classic = await import('zod');
    const s = classic.z.strictObject({ lr: classic.z.number().positive(), inner: schema });
    const r = s.safeParse({ lr: 1, inner: { mode: 'x' } });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(describeIssue(s, r.error.issues[0]!, { lr: 1, inner: { mode: 'x' } }, 'config').message).toBe(
        `invalid argument 'config.inner.mode': expected one of "all" | "one" (got "x")`,
      );
    }
    expect(() => parseOptions('f', s, { lr: 1, inner: {}, extra: 1 })).toThrow("'options.extra': unknown key; known keys: lr, inner");
  });
});

describe('nonStrictObjects (the test helper every package uses on its exported schemas)', () => {
  it('finds stripping objects at any depth and passes strict ones', () => {
    expect(nonStrictObjects(schema)).toEqual([]);
    const loose = z.strictObject({
      a: z.object({ b: z.number() }),
      c: z.optional(z.array(z.object({}))),
      d: z.union([
        z.number(),
        z.discriminatedUnion('type', [z.strictObject({ type: z.literal('x') }), z.looseObject({ type: z.literal('y') })]),
      ]),
    });
    expect(nonStrictObjects(loose)).toEqual(['a', 'c.*', 'd']);
    expect(nonStrictSchemas({ looseSchema: loose, okSchema: schema, helper: z.object({}) })).toEqual({ looseSchema: ['a', 'c.*', 'd'] });
  });

  it("core's own schemas are strict", async () => {
    expect(nonStrictSchemas((await import('./index')) as Record<string, unknown>)).toEqual({});
  });
});
