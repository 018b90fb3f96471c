import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Dataset } from '@contrastive/core';
import { type CsvDatasetOptions, csvDataset } from './csv';
import { formatError } from './errors';
import { type NpyArray, type NpyDatasetOptions, npyDataset, parseNpy } from './npy';

/** Reads a whole file; a missing or unreadable file gets an error naming it. */
export async function readBytes(op: string, path: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : String((error as Error).message ?? error);
    throw formatError(op, path, '', `cannot be read: ${why}`, error);
  }
}

/** Reads and parses a .npy file (see `parseNpy`). */
export async function loadNpy(path: string): Promise<NpyArray> {
  return parseNpy(await readBytes('loadNpy', path), { source: path });
}

/** A dataset from a CSV file (see `csvDataset`; `source` defaults to the path). */
export async function loadCsvDataset(path: string, options: CsvDatasetOptions = {}): Promise<Dataset> {
  return csvDataset(await readBytes('loadCsvDataset', path), { source: path, ...options });
}

/** A dataset from two .npy files: items `x` [n, ...shape] and integer `labels` [n] (see `npyDataset`). */
export async function loadNpyDataset(paths: { x: string; labels: string }, options: NpyDatasetOptions = {}): Promise<Dataset> {
  const [x, labels] = await Promise.all([loadNpy(paths.x), loadNpy(paths.labels)]);
  return npyDataset(x, labels, { name: basename(paths.x), ...options });
}
