import { InvalidArgumentError, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { type MatrixInput, readMatricesSync } from './matrix';

/** The options of `embeddingsToTsv` (and `embeddingProjectorFiles`) as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const embeddingTsvOptionsSchema = z.strictObject({
  /** Significant digits per value. Default 9 (every float32 value reads back exactly). */
  digits: z._default(z.int().check(z.gte(1), z.lte(17)), 9),
});
/** Options of `embeddingsToTsv` (the input of its schema: a field with a default may be omitted). */
export type EmbeddingTsvOptions = z.input<typeof embeddingTsvOptionsSchema>;

/**
 * Embedding vectors as the TensorFlow Embedding Projector's "tensors" TSV: one row per line, values
 * separated by tabs, no header.
 *
 * @param embeddings [n, dim] (tensor, rows or `{ rows, cols, data }`)
 */
export function embeddingsToTsv(embeddings: MatrixInput, options: EmbeddingTsvOptions = {}): string {
  const op = 'embeddingsToTsv';
  const { digits } = parseOptions(op, embeddingTsvOptionsSchema, options);
  const [m] = readMatricesSync(op, [['embeddings', embeddings, ['n', 'dim']]] as const);
  const lines: string[] = [];
  for (let i = 0; i < m.rows; i++) {
    const row: string[] = [];
    for (let j = 0; j < m.cols; j++) row.push(String(Number(m.data[i * m.cols + j]!.toPrecision(digits))));
    lines.push(row.join('\t'));
  }
  return lines.join('\n') + '\n';
}

/** A TSV cell: tabs and line breaks would split the cell, so they become spaces. */
const cell = (v: unknown) => String(v).replace(/[\t\r\n]+/g, ' ');

/**
 * Metadata as the Embedding Projector's TSV: with two or more columns a header line of the column
 * names, then one line per point; with a single column no header (the projector reads a
 * one-column file as labels without a header: tensorflow/docs `site/en/guide/embedding.md`).
 *
 * @param columns column name → one value per point (every column the same length)
 */
export function metadataToTsv(columns: Record<string, ArrayLike<string | number>>): string {
  const op = 'metadataToTsv';
  const names = Object.keys(columns ?? {});
  if (names.length === 0) throw new InvalidArgumentError({ op, argument: 'columns', expected: 'at least one column', actual: columns });
  const n = columns[names[0]!]!.length;
  for (const name of names) {
    const col = columns[name];
    if (col === null || typeof col !== 'object' || typeof col.length !== 'number') {
      throw new InvalidArgumentError({ op, argument: `columns.${name}`, expected: 'an array of values', actual: col });
    }
    if (col.length !== n)
      throw new InvalidArgumentError({
        op,
        argument: `columns.${name}`,
        expected: `${n} values (as columns.${names[0]})`,
        actual: `${col.length} values`,
      });
  }
  const lines = names.length > 1 ? [names.map(cell).join('\t')] : [];
  for (let i = 0; i < n; i++) lines.push(names.map((name) => cell(columns[name]![i])).join('\t'));
  return lines.join('\n') + '\n';
}

/** The two files the Embedding Projector loads ("Load" → tensors TSV and metadata TSV). */
export interface EmbeddingProjectorFiles {
  /** `embeddingsToTsv`: one line per point. */
  vectors: string;
  /** `metadataToTsv` with the header `index	label` (and `class` when class names are given). */
  metadata: string;
}

/**
 * Vectors and metadata of labelled embeddings for the TensorFlow Embedding Projector
 * (projector.tensorflow.org, or TensorBoard): metadata columns `index`, `label` and, with
 * `classNames`, `class`, so the points can be coloured and searched by class.
 *
 * @param embeddings [n, dim]
 * @param labels [n] integer classes
 */
export function embeddingProjectorFiles(
  embeddings: MatrixInput,
  labels: ArrayLike<number>,
  options: EmbeddingTsvOptions & { classNames?: readonly string[] } = {},
): EmbeddingProjectorFiles {
  const op = 'embeddingProjectorFiles';
  const { classNames, ...rest } = options;
  const vectors = embeddingsToTsv(embeddings, rest);
  const n = vectors.split('\n').length - 1;
  if (labels?.length !== n)
    throw new InvalidArgumentError({
      op,
      argument: 'labels',
      expected: `${n} labels (one per embedding row)`,
      actual: labels?.length ?? labels,
    });
  const y = Array.from(labels);
  const columns: Record<string, Array<string | number>> = { index: y.map((_, i) => i), label: y };
  if (classNames) {
    const bad = y.findIndex((l) => classNames[l] === undefined);
    if (bad >= 0)
      throw new InvalidArgumentError({
        op,
        argument: `labels[${bad}]`,
        expected: `a class with a name in classNames (0..${classNames.length - 1})`,
        actual: y[bad],
      });
    columns['class'] = y.map((l) => classNames[l]!);
  }
  return { vectors, metadata: metadataToTsv(columns) };
}
