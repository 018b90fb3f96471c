// zod issues → one-line messages that name the config path, what was expected and what came,
// with a "did you mean" for typos. Works on classic zod and zod/mini schemas alike (both are
// zod core types), by reading their definitions.
import type { z } from 'zod';
import { closest, ConfigError, describeValue, escapeText, formatPath } from './errors';

type Issue = z.core.$ZodIssue;
// The definition fields this file reads; every zod core type carries `_zod.def`.
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  getter?: () => Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  options?: Schema[];
  discriminator?: string;
  valueType?: Schema;
  values?: unknown[];
  entries?: Record<string, unknown>;
}
type Schema = { _zod: { def: Def } } | z.core.$ZodType;
const defOf = (s: Schema): Def => (s as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success']);

/** `s` without optional/default/pipe/lazy wrappers. */
function unwrap(s: Schema): Schema {
  for (let i = 0; i < 50; i++) {
    const d = defOf(s);
    if (WRAPPERS.has(d.type) && d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = defOf(d.in).type === 'transform' && d.out ? d.out : d.in;
    else if (d.type === 'lazy' && d.getter) s = d.getter();
    else return s;
  }
  return s;
}

/** The literal values of a schema (`z.literal`, `z.enum`), else undefined. */
export function literals(s: Schema): unknown[] | undefined {
  const d = defOf(unwrap(s));
  if (d.type === 'literal') return d.values;
  if (d.type === 'enum' && d.entries) return Object.values(d.entries);
  return undefined;
}

/** The member of a union that `value` is meant for: by discriminator, else by kind of value. */
function pickMember(s: Schema, value: unknown): Schema | undefined {
  const d = defOf(s);
  const options = d.options ?? [];
  if (d.discriminator && value && typeof value === 'object') {
    const tag = (value as Record<string, unknown>)[d.discriminator];
    return options.find((o) => literals(defOf(unwrap(o)).shape?.[d.discriminator!] ?? o)?.includes(tag));
  }
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'object' ? 'object' : typeof value;
  for (const o of options) {
    const inner = unwrap(o);
    if (defOf(inner).type === kind) return inner;
    if (defOf(inner).type === 'union') {
      const nested = pickMember(inner, value);
      if (nested) return nested;
    }
  }
  return undefined;
}

/** The schema that validates the value at `path` of `input` (following the input through unions). */
export function schemaAt(root: Schema, input: unknown, path: readonly PropertyKey[]): Schema | undefined {
  let s: Schema | undefined = unwrap(root);
  let value = input;
  for (const key of path) {
    if (!s) return undefined;
    let d = defOf(s);
    if (d.type === 'union') {
      s = pickMember(s, value);
      if (!s) return undefined;
      s = unwrap(s);
      d = defOf(s);
    }
    if (d.type === 'object') s = d.shape?.[String(key)];
    else if (d.type === 'array') s = d.element;
    else if (d.type === 'record') s = d.valueType;
    else return undefined;
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    if (s) s = unwrap(s);
  }
  if (s && defOf(s).type === 'union') return pickMember(s, value) ?? s;
  return s;
}

/** The keys an object schema accepts. */
function keysOf(s: Schema | undefined): string[] {
  if (!s) return [];
  const d = defOf(unwrap(s));
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

/** The `type`s a discriminated union accepts. */
function discriminatorValues(union: Schema | undefined, key: string): string[] {
  if (!union) return [];
  const d = defOf(unwrap(union));
  return (d.options ?? []).flatMap((o) => (literals(defOf(unwrap(o)).shape?.[key] ?? o) ?? []).map(String));
}

function getAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

const KINDS: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'text',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
  literal: 'a fixed value',
};
const quote = (v: unknown) => (typeof v === 'string' ? `'${escapeText(v, 60)}'` : String(v));
const bound = (inclusive: boolean | undefined, below: boolean) => (below ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<');
const plural = (n: number | bigint, word: string) => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;

/** One message for one issue: `arms[0].augment.keepProb: expected a number < 1, got 1.5`. */
export function formatIssue(issue: Issue, root: Schema, input: unknown): string {
  const path = issue.path;
  const actual = getAt(input, path);
  const at = formatPath(path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0]!;
      const allowed = keysOf(schemaAt(root, input, path));
      const guess = closest(key, allowed);
      const others = issue.keys.length > 1 ? ` (and ${plural(issue.keys.length - 1, 'other unknown key')})` : '';
      const hint = guess ? `; did you mean '${guess}'?` : allowed.length ? `; expected one of: ${allowed.join(', ')}` : '';
      return `${formatPath([...path, key])}: unknown key${others}${hint}`;
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator) {
        const key = String(issue.discriminator);
        const parentPath = path.at(-1) === key ? path.slice(0, -1) : path;
        const types = discriminatorValues(findUnion(root, input, parentPath), key);
        const given = getAt(input, [...parentPath, key]);
        const where = formatPath([...parentPath, key]);
        if (given === undefined) {
          const parent = getAt(input, parentPath);
          if (parent === null || typeof parent !== 'object' || Array.isArray(parent))
            return `${formatPath(parentPath)}: expected a mapping with a '${key}' (one of ${types.join(', ')}), got ${describeValue(parent)}`;
          return `${where}: missing; expected one of ${types.join(', ')}`;
        }
        const guess = typeof given === 'string' ? closest(given, types) : undefined;
        return `${where}: unknown ${key} ${describeValue(given)}; ${guess ? `did you mean '${guess}'?` : `expected one of: ${types.join(', ')}`}`;
      }
      // A plain union (e.g. a threshold: a number or a schedule): report the branch meant for this value.
      const branches = issue.errors.filter((errs) => errs.length > 0);
      const meant = branches.find((errs) => !errs.every((e) => e.code === 'invalid_type' && e.path.length === 0));
      if (meant) return formatIssue({ ...meant[0]!, path: [...path, ...meant[0]!.path] } as Issue, root, input);
      const kinds = [
        ...new Set(
          branches.flatMap((errs) =>
            errs.map((e) => ('expected' in e ? (KINDS[String(e.expected)] ?? String(e.expected)) : undefined)).filter(Boolean),
          ),
        ),
      ];
      return `${at}: expected ${kinds.length ? kinds.join(' or ') : 'another kind of value'}, got ${describeValue(actual)}`;
    }
    case 'invalid_type': {
      let expected = KINDS[issue.expected] ?? issue.expected;
      const here = issue.expected === 'object' ? schemaAt(root, input, path) : undefined;
      const types = here && defOf(unwrap(here)).discriminator ? discriminatorValues(here, defOf(unwrap(here)).discriminator!) : [];
      if (types.length) expected = `a mapping with a 'type' (one of ${types.join(', ')})`;
      if (actual === undefined) return `${at}: missing (expected ${expected})`;
      return `${at}: expected ${expected}, got ${describeValue(actual)}`;
    }
    case 'too_small': {
      const min = issue.minimum;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `${at}: expected at least ${plural(min, 'item')}, got ${Array.isArray(actual) ? actual.length : describeValue(actual)}`;
      if (issue.origin === 'string') return `${at}: expected at least ${plural(min, 'character')}, got ${describeValue(actual)}`;
      return `${at}: expected a number ${bound(issue.inclusive, true)} ${min}, got ${describeValue(actual)}`;
    }
    case 'too_big': {
      const max = issue.maximum;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `${at}: expected at most ${plural(max, 'item')}, got ${Array.isArray(actual) ? actual.length : describeValue(actual)}`;
      if (issue.origin === 'string')
        return `${at}: expected at most ${plural(max, 'character')}, got ${typeof actual === 'string' ? `${actual.length} characters` : describeValue(actual)}`;
      return `${at}: expected a number ${bound(issue.inclusive, false)} ${max}, got ${describeValue(actual)}`;
    }
    case 'invalid_value': {
      const guess =
        typeof actual === 'string'
          ? closest(
              actual,
              issue.values.filter((v): v is string => typeof v === 'string'),
            )
          : undefined;
      return `${at}: expected ${issue.values.map(quote).join(' or ')}, got ${describeValue(actual)}${guess ? `; did you mean '${guess}'?` : ''}`;
    }
    case 'invalid_format':
      return `${at}: expected ${issue.format === 'regex' ? escapeText(issue.message) : `a valid ${issue.format}`}, got ${describeValue(actual)}`;
    case 'not_multiple_of':
      return `${at}: expected a multiple of ${String(issue.divisor)}, got ${describeValue(actual)}`;
    default: {
      const message = /^invalid input$/i.test(issue.message) ? `invalid value ${describeValue(actual)}` : issue.message;
      return `${at}: ${escapeText(message, 400)}`;
    }
  }
}

/** The union schema at `path` (the section whose `type` did not match). */
function findUnion(root: Schema, input: unknown, path: readonly PropertyKey[]): Schema | undefined {
  if (path.length === 0) return unwrap(root);
  const parent = schemaAt(root, input, path.slice(0, -1));
  if (!parent) return undefined;
  const d = defOf(unwrap(parent));
  const key = path.at(-1)!;
  const s = d.type === 'object' ? d.shape?.[String(key)] : d.type === 'array' ? d.element : undefined;
  return s ? unwrap(s) : undefined;
}

/** The bounds zod records for a number schema (`minimum`, `exclusiveMaximum`, `format: 'safeint'`, …). */
export function numberBounds(
  s: Schema,
): { minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number; format?: string } | undefined {
  const inner = unwrap(s) as { _zod: { def: Def; bag?: Record<string, unknown> } };
  return defOf(inner).type === 'number' ? (inner._zod.bag ?? {}) : undefined;
}

/**
 * A `ConfigError` for the first issue (the rest are counted): `tiny.yaml: steps: expected …`.
 * Unknown keys come first: a misspelt key (`setps`) is the cause of the missing one (`steps`).
 */
export function issuesError(issues: readonly Issue[], root: Schema, input: unknown, source: string): ConfigError {
  const first = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
  const more = issues.length > 1 ? ` (and ${plural(issues.length - 1, 'more problem')})` : '';
  return new ConfigError(`${source}: ${formatIssue(first, root, input)}${more}`, { path: formatPath(first.path) });
}
