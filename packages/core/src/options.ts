import * as z from 'zod/mini';
import { InvalidArgumentError } from './errors';

/** A zod issue (classic `zod` and `zod/mini` share the same core issue type). */
export type OptionIssue = z.core.$ZodIssue;

/**
 * Parses `value` with a zod schema (a `zod/mini` or a classic `zod` one) and returns the typed
 * result (defaults applied). On failure throws an `InvalidArgumentError` naming the op, the
 * offending key path, what was expected and what came, with the zod issue as `cause`.
 *
 * The message is built here from the issue's code, not from zod's locale: `zod/mini` ships no
 * English messages unless a locale is configured, and configuring one would pull every locale
 * into browser bundles.
 *
 * @param op       function or factory name used in the message, e.g. `supConLoss`
 * @param argument name of the argument being parsed, e.g. `options`
 */
export function parseOptions<S extends z.core.$ZodType>(op: string, schema: S, value: unknown, argument = 'options'): z.output<S> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const { path, expected, actual, message } = describeIssue(schema, result.error.issues[0]!, value, argument);
  throw new InvalidArgumentError({ op, argument: path, expected, actual, message, cause: result.error.issues[0] });
}

/** A zod issue in words: the full key path, what was expected, what came and a one-line message. */
export interface IssueDescription {
  /** `argument` plus the key path, e.g. `options.method.temperature`. */
  path: string;
  /** What was expected, e.g. `a finite number > 0`, `one of "all" | "one"`. */
  expected: string;
  /** The offending value (`undefined` when the key is missing). */
  actual: unknown;
  /** e.g. `invalid argument 'options.temperature': expected a number > 0 (got -1)`. */
  message: string;
}

/**
 * Describes a zod issue raised while parsing `value` with `schema` (used by `parseOptions`; the CLI
 * uses it for its own config errors). Unknown keys get the key in the path and the list of the
 * known keys (read from the schema); enum values list the allowed values; a non-finite number
 * says so.
 */
export function describeIssue(schema: z.core.$ZodType, issue: OptionIssue, value: unknown, argument = 'options'): IssueDescription {
  const leaf = deepestIssue(issue, value);
  let keyPath: PropertyKey[] = [...leaf.path];
  let expected: string;
  let what: string | undefined; // the message body when it is not "expected X (got Y)"
  let actual = getAt(value, keyPath);
  let showActual = true;
  const isInt = () => {
    let def = defOf(schemaAt(schema, keyPath, value, true));
    for (let guard = 0; def && 'innerType' in def && guard < 16; guard++) def = defOf(def.innerType);
    return def?.type === 'number' && typeof def.format === 'string' && /int/.test(def.format);
  };
  switch (leaf.code) {
    case 'invalid_type':
      expected = typeName(leaf.expected === 'number' && isInt() ? 'int' : leaf.expected, actual);
      if (actual === undefined) {
        what = `is required (expected ${expected})`;
        showActual = false;
      }
      break;
    case 'too_small':
    case 'too_big':
      expected = boundText(leaf, leaf.origin === 'number' && isInt());
      break;
    case 'invalid_value':
      expected = leaf.values.length === 1 ? fmtValue(leaf.values[0]) : `one of ${leaf.values.map(fmtValue).join(' | ')}`;
      break;
    case 'unrecognized_keys': {
      const known = objectKeys(schemaAt(schema, keyPath, value, true));
      keyPath = [...keyPath, leaf.keys[0]!];
      actual = getAt(value, keyPath);
      const others =
        leaf.keys.length > 1
          ? ` (and ${leaf.keys
              .slice(1)
              .map((k) => `'${k}'`)
              .join(', ')})`
          : '';
      expected = known ? `one of the known keys: ${known.join(', ')}` : 'no other keys';
      what = `unknown key${others}; ${known ? `known keys: ${known.join(', ')}` : 'no other keys are allowed'}`;
      showActual = false;
      break;
    }
    case 'invalid_union': {
      const disc = (leaf as { discriminator?: string }).discriminator;
      if (disc !== undefined) {
        // zod puts the discriminator key in the path already.
        if (keyPath[keyPath.length - 1] !== disc) keyPath = [...keyPath, disc];
        actual = getAt(value, keyPath);
        const values = discriminatorValues(schemaAt(schema, keyPath.slice(0, -1), value), disc);
        expected = values.length > 0 ? `one of ${values.map(fmtValue).join(' | ')}` : `a known '${disc}'`;
      } else {
        expected = unionText(schemaAt(schema, keyPath, value)) ?? 'a valid value';
      }
      break;
    }
    case 'not_multiple_of':
      expected = `a multiple of ${String(leaf.divisor)}`;
      break;
    case 'invalid_format':
      expected = `a string in ${leaf.format} format`;
      break;
    case 'custom':
      expected = leaf.message && leaf.message !== 'Invalid input' ? leaf.message.replace(/^expected /, '') : 'a valid value';
      break;
    default:
      expected = leaf.message || 'a valid value';
  }
  const path = [argument, ...keyPath.map(String)].join('.');
  const body = what ?? `expected ${expected}`;
  const message = `invalid argument '${path}': ${body}${showActual ? ` (got ${describeShort(actual)})` : ''}`;
  return { path, expected, actual, message };
}

/**
 * The innermost issue: through non-discriminated unions into the branch the value was meant for,
 * i.e. the one that accepted its type and failed furthest down (e.g. the object of
 * `number | {…}`). When every branch rejected the type itself, the union issue is kept.
 */
function deepestIssue(issue: OptionIssue, value: unknown): OptionIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const here = getAt(value, issue.path);
  let best: OptionIssue | undefined;
  let bestScore = -1;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (!first) continue;
    const typeMismatch =
      first.path.length === 0 &&
      (first.code === 'invalid_type' || (first.code === 'invalid_value' && !first.values.some((v) => typeof v === typeof here)));
    const score = typeMismatch ? -1 : first.path.length;
    if (score > bestScore) {
      best = first;
      bestScore = score;
    }
  }
  if (!best) return issue;
  const inner = deepestIssue({ ...best, path: [...issue.path, ...best.path] } as OptionIssue, value);
  return inner;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/**
 * The sub-schema at `path` (through wrappers, pipes, arrays and records). A union on the way is
 * resolved by `value`: the option whose discriminator matches, else its object option. A union at
 * the end of the path is returned as is unless `resolveLast`.
 */
function schemaAt(schema: z.core.$ZodType, path: readonly PropertyKey[], value: unknown, resolveLast = false): z.core.$ZodType | undefined {
  let s: unknown = schema;
  let v: unknown = value;
  let i = 0;
  for (let guard = 0; guard < 256 && s !== undefined; guard++) {
    const def = defOf(s);
    if (!def) return undefined;
    if ('innerType' in def) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else if (def.type === 'lazy') s = (def.getter as () => unknown)();
    else if (def.type === 'union' && (i < path.length || resolveLast)) {
      const options = def.options as z.core.$ZodType[];
      const disc = def.discriminator as string | undefined;
      const dv = disc !== undefined ? getAt(v, [disc]) : undefined;
      s =
        (disc !== undefined ? options.find((o) => (o._zod.propValues?.[disc] as Set<unknown> | undefined)?.has(dv as never)) : undefined) ??
        options.find((o) => ['object', 'array', 'record', 'union'].includes(unwrapType(o)));
    } else if (i === path.length) return s as z.core.$ZodType;
    else if (def.type === 'object') {
      const key = path[i++]!;
      s = (def.shape as Record<PropertyKey, unknown>)[key];
      v = getAt(v, [key]);
    } else if (def.type === 'array') {
      s = def.element;
      v = getAt(v, [path[i++]!]);
    } else if (def.type === 'record') {
      s = def.valueType;
      v = getAt(v, [path[i++]!]);
    } else return undefined;
  }
  return undefined;
}

function unwrapType(s: z.core.$ZodType): string {
  let def = defOf(s);
  for (let guard = 0; def && 'innerType' in def && guard < 16; guard++) def = defOf(def.innerType);
  return def?.type ?? 'unknown';
}

function objectKeys(s: z.core.$ZodType | undefined): string[] | undefined {
  const def = defOf(s);
  return def?.type === 'object' ? Object.keys(def.shape as object) : undefined;
}

function discriminatorValues(s: z.core.$ZodType | undefined, disc: string): unknown[] {
  let def = defOf(s);
  for (let guard = 0; def && 'innerType' in def && guard < 16; guard++) def = defOf(def.innerType);
  if (def?.type !== 'union') return [];
  return (def.options as z.core.$ZodType[]).flatMap((o) => [...((o._zod.propValues?.[disc] as Set<unknown> | undefined) ?? [])]);
}

/** "a number or a string", "a number or an object" for a union that failed at its root. */
function unionText(s: z.core.$ZodType | undefined): string | undefined {
  let def = defOf(s);
  for (let guard = 0; def && 'innerType' in def && guard < 16; guard++) def = defOf(def.innerType);
  if (def?.type !== 'union') return undefined;
  const parts = (def.options as z.core.$ZodType[]).map((o) => {
    const d = defOf(o)!;
    if (d.type === 'literal') return (d.values as unknown[]).map(fmtValue).join(' | ');
    if (d.type === 'enum')
      return Object.values(d.entries as object)
        .map(fmtValue)
        .join(' | ');
    if (d.type === 'union') return 'an object';
    return typeName(unwrapType(o), undefined);
  });
  return [...new Set(parts)].join(' or ');
}

const article = (s: string): string => (/^[aeiou]/.test(s) ? `an ${s}` : `a ${s}`);

function typeName(expected: string, actual: unknown): string {
  // zod rejects ±Infinity and NaN as "number": say what is really wrong.
  if (expected === 'number') return typeof actual === 'number' ? 'a finite number' : 'a number';
  if (expected === 'int') return typeof actual === 'number' && !Number.isFinite(actual) ? 'a finite integer' : 'an integer';
  if (expected === 'custom') return 'a valid value';
  return article(expected);
}

function boundText(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, integer: boolean): string {
  const small = issue.code === 'too_small';
  const bound = String(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const op = small ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
  switch (issue.origin) {
    case 'number':
      return `${integer ? 'an integer' : 'a number'} ${op} ${bound}`;
    case 'int':
      return `an integer ${op} ${bound}`;
    case 'array':
    case 'set':
      return issue.exact ? `exactly ${bound} entries` : `${small ? 'at least' : 'at most'} ${bound} entries`;
    case 'string':
      return issue.exact ? `exactly ${bound} characters` : `${small ? 'at least' : 'at most'} ${bound} characters`;
    default:
      return `a value ${op} ${bound}`;
  }
}

function fmtValue(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function getAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function describeShort(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}
