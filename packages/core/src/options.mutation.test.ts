// Every branch of parseOptions' message builder, with the message written out by hand: bounds of
// each origin (number, integer, bigint, array, set, string), multiples, formats, custom checks,
// literal/enum/nested unions, unknown keys through records/pipes/lazy schemas, long and
// unserialisable values.
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { InvalidArgumentError } from './errors';
import { parseOptions } from './options';

function messageOf(schema: z.core.$ZodType, value: unknown): string {
  try {
    parseOptions('f', schema, value);
  } catch (e) {
    if (InvalidArgumentError.isInstance(e)) return e.message.replace(/^f: /, '');
    throw e;
  }
  throw new Error('did not throw');
}
const at = (schema: z.core.$ZodType, value: unknown): string => messageOf(z.strictObject({ v: schema }), { v: value });

describe('parseOptions messages: bounds', () => {
  it('numbers: ≥ > ≤ <, integer or not', () => {
    expect(at(z.number().check(z.gte(0)), -1)).toBe("invalid argument 'options.v': expected a number ≥ 0 (got -1)");
    expect(at(z.number().check(z.gt(0)), 0)).toBe("invalid argument 'options.v': expected a number > 0 (got 0)");
    expect(at(z.number().check(z.lte(1)), 2)).toBe("invalid argument 'options.v': expected a number ≤ 1 (got 2)");
    expect(at(z.number().check(z.lt(1)), 1)).toBe("invalid argument 'options.v': expected a number < 1 (got 1)");
    expect(at(z.int().check(z.lte(3)), 4)).toBe("invalid argument 'options.v': expected an integer ≤ 3 (got 4)");
    expect(at(z._default(z.int().check(z.lt(3)), 0), 3)).toBe("invalid argument 'options.v': expected an integer < 3 (got 3)");
    expect(at(z.optional(z.number()), 'x')).toBe(`invalid argument 'options.v': expected a number (got "x")`);
    expect(at(z.optional(z.int()), 'x')).toBe(`invalid argument 'options.v': expected an integer (got "x")`);
  });

  it('other origins: bigint, arrays, sets, strings (at least / at most / exactly)', () => {
    // JSON.stringify throws on a bigint: the value is shown with String().
    expect(at(z.bigint().check(z.lte(3n)), 4n)).toBe("invalid argument 'options.v': expected a value ≤ 3 (got 4)");
    expect(at(z.array(z.number()).check(z.minLength(2)), [1])).toBe("invalid argument 'options.v': expected at least 2 entries (got [1])");
    expect(at(z.array(z.number()).check(z.maxLength(1)), [1, 2])).toBe(
      "invalid argument 'options.v': expected at most 1 entries (got [1,2])",
    );
    expect(at(z.array(z.number()).check(z.length(2)), [1])).toBe("invalid argument 'options.v': expected exactly 2 entries (got [1])");
    expect(at(z.set(z.number()).check(z.minSize(2)), new Set([1]))).toBe(
      "invalid argument 'options.v': expected at least 2 entries (got {})",
    );
    expect(at(z.set(z.number()).check(z.maxSize(0)), new Set([1]))).toBe(
      "invalid argument 'options.v': expected at most 0 entries (got {})",
    );
    expect(at(z.string().check(z.minLength(2)), 'a')).toBe(`invalid argument 'options.v': expected at least 2 characters (got "a")`);
    expect(at(z.string().check(z.maxLength(1)), 'ab')).toBe(`invalid argument 'options.v': expected at most 1 characters (got "ab")`);
    expect(at(z.string().check(z.length(3)), 'ab')).toBe(`invalid argument 'options.v': expected exactly 3 characters (got "ab")`);
  });
});

describe('parseOptions messages: other issue kinds', () => {
  it('multiples and formats', () => {
    expect(at(z.number().check(z.multipleOf(2)), 3)).toBe("invalid argument 'options.v': expected a multiple of 2 (got 3)");
    expect(at(z.string().check(z.regex(/^a/)), 'b')).toBe(`invalid argument 'options.v': expected a string in regex format (got "b")`);
  });

  it('custom checks: their message (without a leading "expected "), else "a valid value"', () => {
    expect(
      at(
        z.custom<number>((v) => v === 1, { message: 'the number one' }),
        2,
      ),
    ).toBe("invalid argument 'options.v': expected the number one (got 2)");
    // Only a leading "expected " is dropped.
    expect(
      at(
        z.custom<number>((v) => v === 1, { message: 'one, as expected here' }),
        2,
      ),
    ).toBe("invalid argument 'options.v': expected one, as expected here (got 2)");
    expect(
      at(
        z.custom<number>((v) => v === 1),
        2,
      ),
    ).toBe("invalid argument 'options.v': expected a valid value (got 2)");
    expect(
      at(
        z.custom<number>((v) => v === 1, { message: 'Invalid input' }),
        2,
      ),
    ).toBe("invalid argument 'options.v': expected a valid value (got 2)");
  });

  it('literals: one value, or the list; a missing literal shows "got undefined"', () => {
    expect(at(z.literal('x'), 'y')).toBe(`invalid argument 'options.v': expected "x" (got "y")`);
    expect(at(z.literal(3), 4)).toBe("invalid argument 'options.v': expected 3 (got 4)");
    expect(at(z.literal(['a', 'b']), 'c')).toBe(`invalid argument 'options.v': expected one of "a" | "b" (got "c")`);
    expect(messageOf(z.strictObject({ t: z.literal('x') }), {})).toBe(`invalid argument 'options.t': expected "x" (got undefined)`);
  });

  it('unions that failed at the root list their branches (literals, enums, nested unions, deduplicated)', () => {
    expect(at(z.union([z.literal('a'), z.literal(2), z.boolean()]), null)).toBe(
      `invalid argument 'options.v': expected "a" or 2 or a boolean (got null)`,
    );
    expect(at(z.union([z.enum(['x', 'y']), z.boolean()]), 3)).toBe(`invalid argument 'options.v': expected "x" | "y" or a boolean (got 3)`);
    expect(at(z.union([z.number(), z.union([z.strictObject({ a: z.number() }), z.array(z.number())])]), 'q')).toBe(
      `invalid argument 'options.v': expected a number or an object (got "q")`,
    );
    expect(at(z.union([z.number(), z._default(z.number().check(z.gt(0)), 1)]), 'q')).toBe(
      `invalid argument 'options.v': expected a number (got "q")`,
    );
    // A value of the literal's type goes into that branch.
    expect(at(z.union([z.literal('a'), z.number()]), 'c')).toBe(`invalid argument 'options.v': expected "a" (got "c")`);
    // A number with a literal-string branch: the number branch got it, and its bound is named.
    expect(at(z.union([z.literal('auto'), z.number().check(z.gt(0))]), -1)).toBe(
      "invalid argument 'options.v': expected a number > 0 (got -1)",
    );
  });

  it('discriminated unions name the discriminator values, also when the union is wrapped', () => {
    const du = z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('a'), x: z.number() }),
      z.strictObject({ kind: z.literal('b') }),
    ]);
    expect(at(z._default(du, { kind: 'b' }), { kind: 'c' })).toBe(`invalid argument 'options.v.kind': expected one of "a" | "b" (got "c")`);
    expect(at(du, {})).toBe(`invalid argument 'options.v.kind': expected one of "a" | "b" (got undefined)`);
    expect(at(du, { kind: 'a', x: 'y' })).toBe(`invalid argument 'options.v.x': expected a number (got "y")`);
  });
});

describe('parseOptions messages: unknown keys through wrappers', () => {
  it('records, pipes and lazy schemas resolve the object that has the key', () => {
    expect(at(z.record(z.string(), z.strictObject({ a: z.number() })), { k: { a: 1, b: 2 } })).toBe(
      "invalid argument 'options.v.k.b': unknown key; known keys: a",
    );
    expect(at(z.record(z.string(), z.number()), { k: 'x' })).toBe(`invalid argument 'options.v.k': expected a number (got "x")`);
    expect(
      at(
        z.pipe(
          z.strictObject({ a: z.number() }),
          z.transform((o) => o),
        ),
        { a: 1, c: 1 },
      ),
    ).toBe("invalid argument 'options.v.c': unknown key; known keys: a");
    expect(
      at(
        z.lazy(() => z.strictObject({ a: z.number() })),
        { a: 1, d: 1 },
      ),
    ).toBe("invalid argument 'options.v.d': unknown key; known keys: a");
    expect(at(z.array(z.strictObject({ a: z.number() })), [{ a: 1, e: 2 }])).toBe(
      "invalid argument 'options.v.0.e': unknown key; known keys: a",
    );
  });

  it('the type of a record entry and of an int in an array is found through the path', () => {
    expect(at(z.record(z.string(), z.int().check(z.gte(1))), { k: 0 })).toBe(
      "invalid argument 'options.v.k': expected an integer ≥ 1 (got 0)",
    );
    expect(at(z.array(z.int().check(z.lte(1))), [0, 2])).toBe("invalid argument 'options.v.1': expected an integer ≤ 1 (got 2)");
  });
});

describe('parseOptions messages: the value shown', () => {
  it('is cut at 80 characters of JSON; functions are shown with String()', () => {
    const exactly80 = { s: 'x'.repeat(72) }; // {"s":"…"} = 8 + 72
    expect(JSON.stringify(exactly80).length).toBe(80);
    expect(at(z.number(), exactly80)).toBe(`invalid argument 'options.v': expected a number (got ${JSON.stringify(exactly80)})`);
    const long = { s: 'x'.repeat(73) };
    expect(at(z.number(), long)).toBe(`invalid argument 'options.v': expected a number (got ${JSON.stringify(long).slice(0, 77)}...)`);
    const fn = () => 1;
    expect(at(z.number(), fn)).toBe(`invalid argument 'options.v': expected a number (got ${String(fn)})`);
  });

  it('uses the argument name given', () => {
    expect(() => parseOptions('g', z.number(), 'x', 'seed')).toThrow(`g: invalid argument 'seed': expected a number (got "x")`);
  });
});
