import { type Dataset, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { buildArrayDataset } from './array-dataset';
import { formatError } from './errors';
import { checkClassNames } from './labels';

/** The options of `parseCsv` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const csvOptionsSchema = z.strictObject({
  /**
   * The label column: its header name or its 0-based index (negative counts from the end).
   * Default: the column named `label` when the header has one, else the last column.
   */
  label: z.optional(z.union([z.string(), z.int()])),
  /** Whether the first row is a header: `'auto'` = yes when any of its cells is not a number. Default `'auto'`. */
  header: z._default(z.union([z.boolean(), z.literal('auto')]), 'auto'),
  /** Cell separator, one character. Default `','`. */
  delimiter: z._default(z.string().check(z.length(1)), ','),
  /**
   * Class names: a label cell may then hold a name (its class is the index in this list) as well
   * as an integer. Default: none (every label must be an integer ≥ 0).
   */
  classNames: z.optional(z.array(z.string())),
  /** Number of classes C. Default: `classNames.length`, else 1 + the largest label. */
  numClasses: z.optional(z.int().check(z.positive())),
  /** Name of the input in error messages, e.g. the file name. Default `'csv'`. */
  source: z._default(z.string(), 'csv'),
});
/** Options of `parseCsv` (the input of its schema: a field with a default may be omitted). */
export type CsvOptions = z.input<typeof csvOptionsSchema>;

/** The options of `csvDataset(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const csvDatasetOptionsSchema = z.extend(csvOptionsSchema, {
  /** Shape of one item when a row is an image, e.g. [28, 28, 1]. Default [number of feature columns]. */
  shape: z.optional(z.array(z.int().check(z.positive()))),
  /** Factor applied to every feature (e.g. 1/255 for 0..255 pixels). Default 1. */
  scale: z._default(z.number().check(z.positive()), 1),
});
/** Options of `csvDataset` (the input of its schema: a field with a default may be omitted). */
export type CsvDatasetOptions = z.input<typeof csvDatasetOptionsSchema>;

/** A parsed numeric CSV. */
export interface ParsedCsv {
  /** Features, row-major [rows, features]. */
  x: Float32Array;
  /** Label of every row [rows]. */
  labels: Int32Array;
  /** Number of data rows. */
  rows: number;
  /** Number of feature columns. */
  features: number;
  /** Header names of the feature columns, when there is a header. */
  featureNames?: string[];
  /** Header name (or index) of the label column. */
  labelColumn: string | number;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Splits CSV text into records (RFC 4180 quoting), each with the 1-based line it starts on. */
function records(op: string, source: string, text: string, delimiter: string): { cells: string[]; line: number }[] {
  const out: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  const endRecord = () => {
    cells.push(cell);
    // A blank line (one empty unquoted cell) is not a record.
    if (!(cells.length === 1 && cells[0]!.trim() === '' && !wasQuoted)) out.push({ cells, line: start });
    cells = [];
    cell = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      wasQuoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) throw formatError(op, source, `line ${start}`, 'a quoted cell is never closed');
  if (cell !== '' || cells.length > 0) endRecord();
  return out;
}

/**
 * Parses a numeric CSV (text or UTF-8 bytes) into features [rows, features] and integer labels.
 * Every feature cell must be a finite decimal number and every row must have the header's
 * number of cells; otherwise the error names the source, the line and the column. Universal
 * (no Node built-in): the browser can call it on fetched bytes.
 */
export function parseCsv(input: string | Uint8Array, options: CsvOptions = {}): ParsedCsv {
  const op = 'parseCsv';
  const o = parseOptions(op, csvOptionsSchema, options);
  const src = o.source;
  let text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = records(op, src, text, o.delimiter);
  if (rows.length === 0) throw formatError(op, src, '', 'no rows');
  const first = rows[0]!.cells;
  const hasHeader = o.header === 'auto' ? first.some((c) => !NUMBER.test(c.trim())) : o.header;
  const names = hasHeader ? first.map((c) => c.trim()) : undefined;
  const body = hasHeader ? rows.slice(1) : rows;
  const width = first.length;
  if (width < 2)
    throw formatError(op, src, `line ${rows[0]!.line}`, `needs at least one feature column and a label column, found ${width} column`);
  let labelIndex: number;
  if (typeof o.label === 'string') {
    if (names === undefined) throw formatError(op, src, '', `label column '${o.label}' is given by name but the file has no header`);
    labelIndex = names.indexOf(o.label);
    if (labelIndex < 0) throw formatError(op, src, 'header', `has no column named '${o.label}' (columns: ${names.join(', ')})`);
  } else if (typeof o.label === 'number') {
    labelIndex = o.label < 0 ? width + o.label : o.label;
    if (labelIndex < 0 || labelIndex >= width)
      throw formatError(op, src, '', `label column index ${o.label} is outside the ${width} columns`);
  } else {
    const named = names?.indexOf('label') ?? -1;
    labelIndex = named >= 0 ? named : width - 1;
  }
  const features = width - 1;
  const n = body.length;
  const x = new Float32Array(n * features);
  const labels = new Int32Array(n);
  const byName = new Map((o.classNames ?? []).map((name, k) => [name, k]));
  for (let r = 0; r < n; r++) {
    const { cells, line } = body[r]!;
    if (cells.length !== width) {
      throw formatError(
        op,
        src,
        `line ${line}`,
        `has ${cells.length} cells, expected ${width} like the ${hasHeader ? 'header' : 'first row'} (ragged rows)`,
      );
    }
    let f = 0;
    for (let c = 0; c < width; c++) {
      const cell = cells[c]!.trim();
      const column = names ? `column ${c + 1} ('${names[c]}')` : `column ${c + 1}`;
      if (c === labelIndex) {
        const k = byName.get(cell);
        if (k !== undefined) labels[r] = k;
        else if (/^\+?\d+$/.test(cell) && Number(cell) <= 0x7fffffff) labels[r] = Number(cell);
        else {
          const hint = o.classNames ? ` or one of the classNames` : '';
          throw formatError(op, src, `line ${line} ${column}`, `label ${JSON.stringify(cell)} is not a non-negative integer${hint}`);
        }
        continue;
      }
      if (!NUMBER.test(cell)) throw formatError(op, src, `line ${line} ${column}`, `${JSON.stringify(cell)} is not a number`);
      x[r * features + f++] = Number(cell);
    }
  }
  const out: ParsedCsv = { x, labels, rows: n, features, labelColumn: names ? names[labelIndex]! : labelIndex };
  if (names) out.featureNames = names.filter((_, c) => c !== labelIndex);
  return out;
}

/** A dataset from CSV text or bytes (see `parseCsv`); each row is one item of shape `options.shape` (default [features]). */
export function csvDataset(input: string | Uint8Array, options: CsvDatasetOptions = {}): Dataset {
  const op = 'csvDataset';
  const { shape, scale, ...rest } = parseOptions(op, csvDatasetOptionsSchema, options);
  const parsed = parseCsv(input, rest);
  const numClasses = rest.numClasses ?? rest.classNames?.length;
  if (rest.classNames && numClasses !== undefined) checkClassNames(op, rest.classNames, numClasses);
  return buildArrayDataset(op, parsed.x, parsed.labels, {
    name: rest.source,
    shape: shape ?? [parsed.features],
    scale,
    ...(numClasses === undefined ? {} : { numClasses }),
    ...(rest.classNames === undefined ? {} : { classNames: rest.classNames }),
  });
}
