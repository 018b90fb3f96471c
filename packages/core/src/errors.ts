const marker = 'contrastive.error';
const symbol = Symbol.for(marker);

/**
 * Base class of every error thrown by contrastive packages. Use `ContrastiveError.isInstance(e)`
 * (or a subclass's) rather than `instanceof`: it also works across duplicated package copies.
 */
export class ContrastiveError extends Error {
  private readonly [symbol] = true;
  /** Which function or option raised the error, e.g. `supConLoss`. */
  readonly op: string | undefined;

  constructor({ message, op, cause }: { message: string; op?: string; cause?: unknown }) {
    super(op ? `${op}: ${message}` : message, cause === undefined ? undefined : { cause });
    this.name = 'ContrastiveError';
    this.op = op;
  }

  /** True for an error of this class, also one thrown by another bundled copy of the package (`instanceof` is not). */
  static isInstance(error: unknown): error is ContrastiveError {
    return hasMarker(error, symbol);
  }
}

function hasMarker(error: unknown, s: symbol): boolean {
  return typeof error === 'object' && error !== null && s in error && (error as Record<symbol, unknown>)[s] === true;
}

const invalidSymbol = Symbol.for(`${marker}.invalid-argument`);
/** An argument or option has a bad value: names the argument, the expectation and what came. */
export class InvalidArgumentError extends ContrastiveError {
  private readonly [invalidSymbol] = true;
  /** The argument (or option path) that was wrong, e.g. `temperature` or `threshold.final`. */
  readonly argument: string;
  /** What was expected, in words. */
  readonly expected: string;
  /** The value that was given. */
  readonly actual: unknown;

  constructor(options: { op?: string; argument: string; expected: string; actual: unknown; message?: string; cause?: unknown }) {
    super({
      op: options.op,
      cause: options.cause,
      message: options.message ?? `invalid argument '${options.argument}': expected ${options.expected}, got ${describe(options.actual)}`,
    });
    this.name = 'InvalidArgumentError';
    this.argument = options.argument;
    this.expected = options.expected;
    this.actual = options.actual;
  }

  /** True for an error of this class, also one thrown by another bundled copy of the package (`instanceof` is not). */
  static override isInstance(error: unknown): error is InvalidArgumentError {
    return hasMarker(error, invalidSymbol);
  }
}

const shapeSymbol = Symbol.for(`${marker}.shape-mismatch`);
/** A tensor has the wrong rank or shape. */
export class ShapeMismatchError extends ContrastiveError {
  private readonly [shapeSymbol] = true;
  /** The tensor argument whose shape was wrong. */
  readonly argument: string;
  /** The expected shape, in words (e.g. `[batch, 64]`). */
  readonly expected: string;
  /** The shape that was given. */
  readonly actual: readonly number[];

  constructor(options: { op?: string; argument: string; expected: string; actual: readonly number[]; message?: string }) {
    super({
      op: options.op,
      message: options.message ?? `'${options.argument}' must have shape ${options.expected}, got [${options.actual.join(', ')}]`,
    });
    this.name = 'ShapeMismatchError';
    this.argument = options.argument;
    this.expected = options.expected;
    this.actual = options.actual;
  }

  /** True for an error of this class, also one thrown by another bundled copy of the package (`instanceof` is not). */
  static override isInstance(error: unknown): error is ShapeMismatchError {
    return hasMarker(error, shapeSymbol);
  }
}

const finiteSymbol = Symbol.for(`${marker}.non-finite`);
/** A tensor or a computed value (e.g. a training loss) contains NaN or ±Infinity. */
export class NonFiniteValueError extends ContrastiveError {
  private readonly [finiteSymbol] = true;
  /** The tensor argument that held NaN or ±Infinity. */
  readonly argument: string;
  /** Flat index of the first non-finite entry, when known. */
  readonly index: number | undefined;
  /** Training step at which it was met, when raised by a training loop. */
  readonly step: number | undefined;

  constructor(options: { op?: string; argument: string; index?: number; value?: number; step?: number; message?: string }) {
    const where = options.index === undefined ? '' : ` at flat index ${options.index}`;
    const value = options.value === undefined ? 'a non-finite value' : String(options.value);
    const step = options.step === undefined ? '' : ` at step ${options.step}`;
    super({
      op: options.op,
      message: options.message ?? `'${options.argument}' contains ${value}${where}${step}; all values must be finite`,
    });
    this.name = 'NonFiniteValueError';
    this.argument = options.argument;
    this.index = options.index;
    this.step = options.step;
  }

  /** True for an error of this class, also one thrown by another bundled copy of the package (`instanceof` is not). */
  static override isInstance(error: unknown): error is NonFiniteValueError {
    return hasMarker(error, finiteSymbol);
  }
}

/** Short human description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return value.length > 8 ? `array of length ${value.length}` : JSON.stringify(value);
  if (typeof value === 'object' && 'shape' in value && 'dtype' in value) {
    const t = value as { shape: number[]; dtype: string };
    return `${t.dtype} tensor of shape [${t.shape.join(', ')}]`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  try {
    const s = JSON.stringify(value);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(value);
  }
}
