// The CLI's one error class for bad configs and flags, and the escaping every message goes through.
import { ContrastiveError } from '@contrastive/core';

const configSymbol = Symbol.for('contrastive.error.config');

/**
 * A problem with a config file, a preset or a command-line flag, found before anything is written.
 * `bin.ts` prints its message as one line and exits with code 1.
 */
export class ConfigError extends ContrastiveError {
  private readonly [configSymbol] = true;
  /** Where the problem is: a config path (`arms[1].augment.keepProb`) or a flag (`--seeds`). */
  readonly path: string | undefined;

  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super({ message: oneLine(message), ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.name = 'ConfigError';
    this.path = options.path;
  }

  static override isInstance(error: unknown): error is ConfigError {
    return typeof error === 'object' && error !== null && configSymbol in error;
  }
}

/** C0 and C1 controls, DEL, line/paragraph separators and bidi overrides: never sent raw to a terminal. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** `s` with every control character escaped (`\u001b`, `\n`, …) and cut to `max` characters. */
export function escapeText(s: string, max = 200): string {
  const short = s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
  return short.replace(UNSAFE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** A message on one line (newlines escaped) with no raw control characters. */
export function oneLine(message: string): string {
  return escapeText(message, 2000);
}

/**
 * A user-supplied value for an error message: numbers as written (`Infinity`, `NaN`), strings
 * quoted and escaped, objects and arrays shortened; never throws (deep or cyclic values included).
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${escapeText(value, 60)}'`;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value))
    return value.length <= 4 && value.every((v) => typeof v === 'number' || typeof v === 'boolean')
      ? `[${value.join(', ')}]`
      : `a list of ${value.length}`;
  if (value instanceof Date) return `a date (${value.toISOString()})`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty mapping';
    const type = (value as { type?: unknown }).type;
    const shown = keys
      .slice(0, 4)
      .map((k) => escapeText(k, 30))
      .join(', ');
    return `a mapping${typeof type === 'string' ? ` of type '${escapeText(type, 30)}'` : ''} with keys ${shown}${keys.length > 4 ? ', …' : ''}`;
  }
  return typeof value;
}

/** A config path for messages: `arms[1].augment.steps[0].keepProb` (keys escaped). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else {
      const key = escapeText(String(k), 40);
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? (out ? `.${key}` : key) : `["${key.replace(/"/g, '\\"')}"]`;
    }
  }
  return out || '(top level)';
}

/** Damerau–Levenshtein (optimal string alignment) distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `word` (case-insensitive match first), if it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(lower, c.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}
