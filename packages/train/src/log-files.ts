// Node file writers of the train loggers (`@contrastive/train/node`): metrics.jsonl, CSV and
// TensorBoard event files. Append-safe: every row is one append (O_APPEND) of whole lines; a line
// torn by a killed process is cut off before the next append; a resumed run first drops the rows it
// is about to log again (its own rows past the checkpoint's step), rewriting the file atomically,
// so a log of a killed and resumed run holds every row once.
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { InvalidArgumentError, parseOptions } from '@contrastive/core';
import { fsError } from './fs-error';
import { makeDirectory, writeFileAtomic } from './node';
import { tensorBoardLogger, type TensorBoardLoggerOptions } from './tfevents';
import type { TrainEvent } from './train';
import {
  csvCell,
  csvHeader,
  csvLogger,
  jsonLinesLogger,
  type MetricsLogOptions,
  metricsLogOptionsSchema,
  type MetricsRow,
  type TrainLogger,
} from './train-log';

/** How a log file recognises this run's rows: the step of a line written with these fields, else undefined. */
type RowStep = (line: string) => number | undefined;

/**
 * An append-only text file opened at the first event: repairs a torn last line, checks/writes the
 * header, prunes the rows a (re)started run will log again, then appends.
 */
function appendOnlyFile(path: string, header: string | undefined, rowStep: RowStep) {
  let handle: FileHandle | undefined;
  let opening: Promise<FileHandle> | undefined;
  const openAt = async (first: TrainEvent): Promise<FileHandle> => {
    await makeDirectory(dirname(path));
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError('read', path, e);
    }
    if (text) {
      // An existing, non-empty file. A line without its newline was torn by a kill mid-append: it is
      // dropped, never completed (the split's last piece is that line, or '' after the final newline).
      let lines = text.split('\n').slice(0, -1);
      if (header !== undefined && lines.length > 0 && lines[0] !== header) {
        throw new InvalidArgumentError({
          op: 'csvFile',
          argument: path,
          expected: `a CSV log whose header is "${header}" (other fields or another format: choose another file)`,
          actual: lines[0],
        });
      }
      if (first.type === 'start') {
        // This run logs again every row after its starting step (all of them when not resumed).
        lines = lines.filter((line, i) => {
          if (header !== undefined && i === 0) return true;
          const step = rowStep(line);
          return step === undefined || (first.resumed && step <= first.step);
        });
      }
      if (header !== undefined && lines.length === 0) lines = [header];
      const kept = lines.map((l) => `${l}\n`).join('');
      if (kept !== text) await writeFileAtomic(path, kept);
    } else if (header !== undefined) {
      await writeFileAtomic(path, `${header}\n`);
    }
    try {
      return await open(path, 'a');
    } catch (e) {
      throw fsError('open', path, e);
    }
  };
  return {
    /** Appends whole lines to the file `touch` opened (`fileLogger` touches it at every event first). */
    async append(text: string) {
      try {
        await handle!.appendFile(text);
      } catch (e) {
        throw fsError('append to', path, e);
      }
    },
    /** Opens (and repairs/prunes) the file at the run's first event even when it logs no row. */
    async touch(event: TrainEvent) {
      handle ??= await (opening ??= openAt(event));
    },
    /** Flushes the file `touch` opened to disk. */
    async sync() {
      await handle!.datasync().catch((e: unknown) => {
        throw fsError('sync', path, e);
      });
    },
    async close() {
      const h = handle;
      handle = undefined;
      opening = undefined;
      if (h) {
        await h.datasync().catch(() => undefined);
        await h.close();
      }
    },
  };
}

/**
 * Wraps a text logger so that its writes go to `file`, opened at the first event; the file is
 * synced to disk at every checkpoint (the log is then as durable as the checkpoint) and at the end.
 */
function fileLogger(file: ReturnType<typeof appendOnlyFile>, make: (write: (text: string) => Promise<void>) => TrainLogger): TrainLogger {
  const inner = make((text) => file.append(text));
  return {
    async log(event) {
      await file.touch(event);
      await inner.log(event);
      if (event.type === 'checkpoint' || event.type === 'end') await file.sync();
    },
    close: () => file.close(),
  };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A `metrics.jsonl` writer: `jsonLinesLogger` rows (`{ ...fields, step, loss, lr }`,
 * `{ ...fields, step, ...metrics }`) appended to `path`, one line each. A line torn by a kill is
 * dropped at the next open; at a `start` event the rows of this run (same `fields`) that it will
 * log again are removed first, so a resumed run's file holds each row once. Several runs may share
 * one file when their `fields` differ.
 */
export function jsonLinesFile(path: string, options: MetricsLogOptions = {}): TrainLogger {
  const { fields = {} } = parseOptions('jsonLinesFile', metricsLogOptionsSchema, options);
  const rowStep: RowStep = (line) => {
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return undefined; // not a JSON line: not this run's
    }
    return Object.entries(fields).every(([k, v]) => row[k] === v) && typeof row['step'] === 'number' ? row['step'] : undefined;
  };
  return fileLogger(appendOnlyFile(path, undefined, rowStep), (write) => jsonLinesLogger(write, options));
}

/**
 * A CSV writer: `csvLogger` rows in long form (`<fields…>,step,name,value`) appended to `path`,
 * the header written when the file is new or empty. A file with another header is refused (an
 * `InvalidArgumentError` naming the file). Append-safe and resume-safe as `jsonLinesFile`.
 */
export function csvFile(path: string, options: MetricsLogOptions = {}): TrainLogger {
  const { fields = {} } = parseOptions('csvFile', metricsLogOptionsSchema, options);
  const head = csvHeader(fields);
  // This run's rows start with its field cells, then the step.
  const prefix = Object.values(fields)
    .map((v) => `${csvCell(v)},`)
    .join('');
  const re = new RegExp(`^${escapeRe(prefix)}(\\d+),`);
  const rowStep: RowStep = (line) => {
    const m = re.exec(line);
    return m ? Number(m[1]) : undefined;
  };
  return fileLogger(appendOnlyFile(path, head, rowStep), (write) => csvLogger(write, { ...options, header: false }));
}

/**
 * A TensorBoard log: `tensorBoardLogger` records appended to a new event file
 * `<dir>/events.out.tfevents.<seconds>.<host>.<pid>` (`tensorboard --logdir <dir>` shows
 * `train/loss`, `train/lr` and `eval/<metric>`). Returns the logger and the file's `path`.
 */
export function tensorBoardFile(
  dir: string,
  options: TensorBoardLoggerOptions = {},
): TrainLogger & {
  /** The event file written. */
  path: string;
} {
  const seconds = Math.floor((options.now ?? (() => Date.now() / 1000))());
  const path = join(dir, `events.out.tfevents.${seconds}.${hostname()}.${process.pid}`);
  let handle: FileHandle | undefined;
  const inner = tensorBoardLogger(async (bytes) => {
    if (!handle) {
      await makeDirectory(dir);
      try {
        handle = await open(path, 'a');
      } catch (e) {
        throw fsError('open', path, e);
      }
    }
    try {
      await handle.appendFile(bytes);
    } catch (e) {
      throw fsError('append to', path, e);
    }
  }, options);
  return {
    path,
    log: (event) => inner.log(event),
    async close() {
      const h = handle;
      handle = undefined;
      if (h) {
        await h.datasync().catch(() => undefined);
        await h.close();
      }
    },
  };
}

/**
 * Reads a JSON-lines metrics log (`jsonLinesFile`'s, or the CLI's `metrics.jsonl`): one row per
 * line. A last line without its newline (torn by a kill) is skipped; any other line that is not a
 * JSON object is an error naming `path:line`.
 */
export async function readJsonLines(path: string): Promise<MetricsRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw fsError('read', path, e);
  }
  // The last piece of the split is a torn line, or '' after the final newline.
  const lines = text.split('\n').slice(0, -1);
  return lines.flatMap((line, i) => {
    if (line.trim() === '') return [];
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new Error(`${path}:${i + 1}: not a JSON line (${(e as Error).message})`, { cause: e });
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new Error(`${path}:${i + 1}: not a JSON object`);
    return [row as MetricsRow];
  });
}
