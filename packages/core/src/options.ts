import type { z } from 'zod';
import { InvalidArgumentError } from './errors';

/**
 * Parses `value` with a zod schema and returns the typed result (defaults applied). On failure
 * throws an `InvalidArgumentError` naming the op, the offending key path, what was expected and
 * what came, with the zod issue as `cause`.
 *
 * @param op       function or factory name used in the message, e.g. `supConLoss`
 * @param argument name of the argument being parsed, e.g. `options`
 */
export function parseOptions<S extends z.ZodType>(
  op: string,
  schema: S,
  value: unknown,
  argument = 'options',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.length > 0 ? `${argument}.${issue.path.map(String).join('.')}` : argument;
  const actual = getAt(value, issue.path);
  throw new InvalidArgumentError({
    op,
    argument: path,
    expected: expectedFromIssue(issue),
    actual,
    message: `invalid argument '${path}': ${issue.message}${actual === undefined && issue.code !== 'invalid_type' ? '' : ` (got ${describeShort(actual)})`}`,
    cause: issue,
  });
}

function expectedFromIssue(issue: z.core.$ZodIssue): string {
  if ('expected' in issue && typeof issue.expected === 'string') return issue.expected;
  return issue.message;
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
