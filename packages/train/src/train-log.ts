// Logging of `train()` events for any library user, in the browser and in Node: console lines, JSON
// lines and CSV rows, written through a `write(text)` sink so the same loggers feed a file (the
// Node writers of `@contrastive/train/node`), a WebSocket or an in-memory array.
import { InvalidArgumentError, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import type { TrainHistory } from './checkpoint';
import type { TrainEvent } from './train';

/** A value of a constant column (`fields`) of a metrics row, e.g. `{ arm: 'masking', seed: 0 }`. */
export type FieldValue = string | number | boolean;

/**
 * One row of a metrics log, as the CLI's `metrics.jsonl` writes it: a `step` event gives
 * `{ ...fields, step, loss, lr }`, an `eval` event `{ ...fields, step, ...metrics }`.
 */
export type MetricsRow = {
  [key: string]: FieldValue | null;
  /** The step the row belongs to (0 = before training). */
  step: number;
};

/** Something that receives every `train()` event (a console printer, a file writer, …). */
export interface TrainLogger {
  /** Called with every event, in order; a returned promise is awaited before training goes on. */
  log(event: TrainEvent): void | Promise<void>;
  /** Called once when the run ends, also when it throws (flush and close files here). */
  close?(): void | Promise<void>;
}

const fieldsSchema = z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])));

/** The options of `metricsRow`, `jsonLinesLogger` and `csvLogger` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const metricsLogOptionsSchema = z.strictObject({
  /**
   * Constant columns put first in every row, e.g. `{ arm: 'masking', seed: 0 }` (how the CLI tells
   * its jobs apart in one `metrics.jsonl`). Default: none.
   */
  fields: fieldsSchema,
  /**
   * Log a `step` row every this many steps (steps whose number is a multiple of it). Evaluations are
   * always logged. Default 1 (every step event `train()` emits; its own `logEvery` thins them too).
   */
  every: z._default(z.int().check(z.positive()), 1),
});
/** Options of `metricsRow`, `jsonLinesLogger` and `csvLogger` (and their file writers). */
export type MetricsLogOptions = z.input<typeof metricsLogOptionsSchema>;

const reserved = ['step', 'loss', 'lr'];

/** Checks `fields`: plain values whose keys do not collide with `step`, `loss` or `lr`. */
function checkFields(op: string, fields: Record<string, FieldValue> | undefined): Record<string, FieldValue> {
  for (const key of Object.keys(fields ?? {})) {
    if (reserved.includes(key))
      throw new InvalidArgumentError({ op, argument: `fields.${key}`, expected: `a key other than ${reserved.join(', ')}`, actual: key });
  }
  return fields ?? {};
}

/**
 * The metrics row of an event: `{ ...fields, step, loss, lr }` for a `step` event whose step is a
 * multiple of `every`, `{ ...fields, step, ...metrics }` for an `eval` event, `undefined` otherwise.
 * A non-finite metric becomes `null` (JSON has no NaN).
 */
export function metricsRow(event: TrainEvent, options: MetricsLogOptions = {}): MetricsRow | undefined {
  const { fields, every } = parseOptions('metricsRow', metricsLogOptionsSchema, options);
  return rowOf(event, checkFields('metricsRow', fields), every);
}

function rowOf(event: TrainEvent, fields: Record<string, FieldValue>, every: number): MetricsRow | undefined {
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  if (event.type === 'step') {
    if (event.step % every !== 0) return undefined;
    return { ...fields, step: event.step, loss: finite(event.loss), lr: finite(event.lr) };
  }
  if (event.type === 'eval') {
    const metrics = Object.fromEntries(Object.entries(event.metrics).map(([k, v]) => [k, finite(v)]));
    for (const key of Object.keys(metrics)) {
      if (key in fields || key === 'step')
        throw new InvalidArgumentError({
          op: 'metricsRow',
          argument: `metrics.${key}`,
          expected: 'a metric name other than step and the fields',
          actual: key,
        });
    }
    return { ...fields, step: event.step, ...metrics };
  }
  return undefined;
}

/** The options of `consoleLogger(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const consoleLoggerOptionsSchema = z.strictObject({
  /** Print a `step` line every this many steps (start, evaluations and the end are always printed). Default 100. */
  every: z._default(z.int().check(z.positive()), 100),
  /** Significant digits of the loss, the learning rate and the metrics. Default 4. */
  digits: z._default(z.int().check(z.gte(1), z.lte(17)), 4),
  /** Also print a line when a checkpoint is saved. Default false. */
  checkpoints: z._default(z.boolean(), false),
  /** Text put before every line, e.g. `'[masking seed 0] '`. Default `''`. */
  prefix: z._default(z.string(), ''),
});
/** Options of `consoleLogger` (and `formatTrainEvent`: `digits`, `prefix`). */
export type ConsoleLoggerOptions = z.input<typeof consoleLoggerOptionsSchema> & {
  /** Where lines go (one call per line, no trailing newline). Default `console.log`. */
  write?: (line: string) => void;
};

const num = (v: number, digits: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : String(v));

/**
 * One human-readable line for an event (`undefined` for a checkpoint unless asked for), e.g.
 * `step 100/3000  loss 4.123  lr 0.05` or `eval step 100  knn.top1 0.8123`.
 */
export function formatTrainEvent(
  event: TrainEvent,
  options: Pick<ConsoleLoggerOptions, 'digits' | 'prefix' | 'checkpoints'> = {},
): string | undefined {
  const { digits, prefix, checkpoints } = parseOptions('formatTrainEvent', consoleLoggerOptionsSchema, options);
  const line = (() => {
    switch (event.type) {
      case 'start':
        return event.resumed ? `resumed at step ${event.step} of ${event.steps}` : `start: ${event.steps} steps`;
      case 'step':
        return `step ${event.step}/${event.steps}  loss ${num(event.loss, digits)}  lr ${num(event.lr, digits)}`;
      case 'eval': {
        const metrics = Object.entries(event.metrics).map(([k, v]) => `${k} ${num(v, digits)}`);
        return `eval step ${event.step}${metrics.length ? `  ${metrics.join('  ')}` : ''}`;
      }
      case 'checkpoint':
        return checkpoints ? `checkpoint saved at step ${event.step}` : undefined;
      case 'end': {
        const last = event.history.loss.at(-1);
        const loss = last === undefined ? '' : ` (last loss ${num(last, digits)})`;
        return event.aborted ? `aborted at step ${event.step}; checkpoint saved${loss}` : `done: ${event.step} steps${loss}`;
      }
    }
  })();
  return line === undefined ? undefined : prefix + line;
}

/**
 * Prints training progress, one line per event worth reading: the start, a step line every `every`
 * steps, every evaluation and the end.
 *
 * @example
 * for await (const e of withLoggers(train(options), consoleLogger({ every: 500 }))) {}
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): TrainLogger {
  const { write, ...rest } = options;
  const opts = parseOptions('consoleLogger', consoleLoggerOptionsSchema, rest);
  const out = write ?? ((line: string) => console.log(line));
  return {
    log(event) {
      if (event.type === 'step' && event.step % opts.every !== 0 && event.step !== event.steps) return;
      const line = formatTrainEvent(event, opts);
      if (line !== undefined) out(line);
    },
  };
}

/** A sink of text: the loggers call it with whole lines (newline included). */
export type TextSink = (text: string) => void | Promise<void>;

/**
 * Writes a metrics row per `step` / `eval` event as one JSON line (`metricsRow`), the format of the
 * CLI's `metrics.jsonl`. `write` receives each line with its newline; in Node,
 * `jsonLinesFile(path)` of `@contrastive/train/node` is this logger writing to a file.
 */
export function jsonLinesLogger(write: TextSink, options: MetricsLogOptions = {}): TrainLogger {
  const { fields, every } = parseOptions('jsonLinesLogger', metricsLogOptionsSchema, options);
  const f = checkFields('jsonLinesLogger', fields);
  return {
    log(event) {
      const row = rowOf(event, f, every);
      return row ? write(`${JSON.stringify(row)}\n`) : undefined;
    },
  };
}

/** The header of `csvLogger`'s rows: the field names, then `step,name,value`. */
export function csvHeader(fields: Record<string, FieldValue> = {}): string {
  return [...Object.keys(fields), 'step', 'name', 'value'].map(csvCell).join(',');
}

/** RFC 4180 cell: quoted when it holds a comma, a quote or a line break (quotes doubled). */
export const csvCell = (v: FieldValue | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The CSV rows of an event in long ("tidy") form, one per scalar: `loss` and `lr` of a step, each
 * metric of an evaluation; columns as `csvHeader(fields)`. Long rows keep one header however the
 * metrics change between evaluations; pivot them with e.g. pandas `df.pivot(index='step',
 * columns='name', values='value')`. A non-finite value is an empty cell.
 */
export function csvRows(event: TrainEvent, options: MetricsLogOptions = {}): string[] {
  const { fields, every } = parseOptions('csvRows', metricsLogOptionsSchema, options);
  return csvRowsOf(event, checkFields('csvRows', fields), every);
}

function csvRowsOf(event: TrainEvent, fields: Record<string, FieldValue>, every: number): string[] {
  const row = rowOf(event, fields, every);
  if (!row) return [];
  const head = Object.values(fields).map(csvCell);
  return Object.entries(row)
    .filter(([k]) => !(k in fields) && k !== 'step')
    .map(([name, value]) => [...head, String(row.step), csvCell(name), csvCell(value)].join(','));
}

/**
 * Writes the event's scalars as CSV in long form (`csvRows`): the header first (unless `header:
 * false`, for appending to a file that has it), then one line per scalar. In Node,
 * `csvFile(path)` of `@contrastive/train/node` writes them to a file.
 */
export function csvLogger(write: TextSink, options: MetricsLogOptions & { header?: boolean } = {}): TrainLogger {
  const { header = true, ...rest } = options;
  const { fields, every } = parseOptions('csvLogger', metricsLogOptionsSchema, rest);
  const f = checkFields('csvLogger', fields);
  let wroteHeader = !header;
  return {
    async log(event) {
      const rows = csvRowsOf(event, f, every);
      if (!wroteHeader) {
        wroteHeader = true;
        await write(`${csvHeader(f)}\n`);
      }
      if (rows.length) await write(rows.map((r) => `${r}\n`).join(''));
    },
  };
}

/**
 * Passes every event of `events` (a `train()` run) to the loggers, then yields it on; returns the
 * run's history. The loggers' `close` is called when the run ends, also when it throws or the loop
 * breaks early.
 *
 * @example
 * for await (const e of withLoggers(train(options), consoleLogger(), jsonLinesFile('run/metrics.jsonl'))) {
 *   // every event still arrives here
 * }
 */
export async function* withLoggers(
  events: AsyncIterator<TrainEvent, TrainHistory | void> | AsyncIterable<TrainEvent>,
  ...loggers: TrainLogger[]
): AsyncGenerator<TrainEvent, TrainHistory | undefined> {
  loggers.forEach((l, i) => {
    if (l === null || typeof l !== 'object' || typeof l.log !== 'function')
      throw new InvalidArgumentError({
        op: 'withLoggers',
        argument: `loggers[${i}]`,
        expected: 'a TrainLogger ({ log(event) })',
        actual: l,
      });
  });
  const it: AsyncIterator<TrainEvent, TrainHistory | void> =
    Symbol.asyncIterator in events ? (events as AsyncIterable<TrainEvent>)[Symbol.asyncIterator]() : events;
  let history: TrainHistory | undefined;
  let done = false;
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) {
        done = true;
        history = r.value ?? history;
        break;
      }
      for (const l of loggers) await l.log(r.value);
      if (r.value.type === 'end') history = r.value.history;
      yield r.value;
    }
  } finally {
    // An early break or a throw in the consumer ends the training generator too (its own finally runs).
    if (!done) await it.return?.();
    for (const l of loggers) await l.close?.();
  }
  return history;
}
