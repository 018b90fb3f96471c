// The lab's image subset as ONE compact binary file (Fashion-MNIST: a few thousand images shipped
// with the page, never the package's 150 MB of JSON). Universal: encoded in Node by
// scripts/fmnist-subset.ts at build time, decoded in the page's worker after a fetch.
//
// Layout (little-endian):
//   0  magic 'CLIM' (4 bytes)        8  metadata length L (u32)
//   4  version (u16), 0 (u16)       12  CRC-32 of bytes [16, end) (u32)
//  16  metadata: UTF-8 JSON (L bytes, see imageFileMetaSchema)
//  16+L  train pixels (uint8, n·h·w·c, item-major), train labels (uint8, n), test pixels, test labels
import { InvalidArgumentError, parseOptions } from '@contrastive/core';
import { arrayDataset, type Dataset } from '@contrastive/datasets';
import { z } from 'zod';

export const IMAGE_FILE_MAGIC = 'CLIM';
export const IMAGE_FILE_VERSION = 1;
const PREFIX = 16;

export const imageFileMetaSchema = z.strictObject({
  /** Name shown in the page and in errors, e.g. 'Fashion-MNIST subset'. */
  name: z.string().min(1),
  /** Where the images come from (package, loader, split, how the subset was taken). */
  source: z.string(),
  /** One image [height, width, channels]. */
  shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  /** Class names in label order. */
  classNames: z.array(z.string()).min(1).max(256),
  /** Images of the training split. */
  train: z.number().int().positive(),
  /** Images of the test split. */
  test: z.number().int().positive(),
});
export type ImageFileMeta = z.output<typeof imageFileMetaSchema>;

/** One split: `n` images of `shape` as bytes (item-major) and their labels. */
export interface ImageSplit {
  pixels: Uint8Array;
  labels: Uint8Array;
}

export interface ImageFile {
  meta: ImageFileMeta;
  train: ImageSplit;
  test: ImageSplit;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320: zlib's and PNG's). Synchronous and free of
 * crypto.subtle, which a page served over plain http from a LAN address does not have.
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;
const OP = 'lab.imageFile';

function checkSplit(meta: ImageFileMeta, split: ImageSplit, name: 'train' | 'test'): void {
  const size = meta.shape[0] * meta.shape[1] * meta.shape[2];
  const n = meta[name];
  if (split.pixels.length !== n * size) {
    throw new InvalidArgumentError({
      op: OP,
      argument: `${name}.pixels`,
      expected: `${n}·${size} = ${n * size} bytes`,
      actual: split.pixels.length,
    });
  }
  if (split.labels.length !== n) {
    throw new InvalidArgumentError({ op: OP, argument: `${name}.labels`, expected: `${n} labels`, actual: split.labels.length });
  }
  const i = split.labels.findIndex((y) => y >= meta.classNames.length);
  if (i >= 0) {
    throw new InvalidArgumentError({
      op: OP,
      argument: `${name}.labels[${i}]`,
      expected: `a label below ${meta.classNames.length} (the number of class names)`,
      actual: split.labels[i],
    });
  }
}

/** Encodes a train/test pair of uint8 image splits into the lab's binary format. */
export function encodeImageFile(file: ImageFile): Uint8Array {
  const meta = parseOptions(OP, imageFileMetaSchema, file.meta, 'meta');
  checkSplit(meta, file.train, 'train');
  checkSplit(meta, file.test, 'test');
  const metaBytes = new TextEncoder().encode(JSON.stringify(meta));
  const parts = [metaBytes, file.train.pixels, file.train.labels, file.test.pixels, file.test.labels];
  const out = new Uint8Array(PREFIX + parts.reduce((s, p) => s + p.length, 0));
  let offset = PREFIX;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = IMAGE_FILE_MAGIC.charCodeAt(i);
  view.setUint16(4, IMAGE_FILE_VERSION, true);
  view.setUint32(8, metaBytes.length, true);
  view.setUint32(12, crc32(out.subarray(PREFIX)), true);
  return out;
}

/**
 * Decodes (and checks) a file written by `encodeImageFile`: magic, version, sizes, CRC-32 and
 * labels; any mismatch is an `InvalidArgumentError` naming `source` and what was expected.
 * The splits are views into `bytes` (no copy).
 */
export function decodeImageFile(bytes: Uint8Array, source = 'image file'): ImageFile {
  const fail = (argument: string, expected: string, actual: unknown): never => {
    throw new InvalidArgumentError({ op: OP, argument: `${source}: ${argument}`, expected, actual });
  };
  if (!(bytes instanceof Uint8Array)) fail('bytes', 'a Uint8Array', bytes);
  if (bytes.length < PREFIX) fail('length', `at least ${PREFIX} bytes (the header)`, bytes.length);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== IMAGE_FILE_MAGIC) fail('magic', `'${IMAGE_FILE_MAGIC}' (a contrastive lab image file)`, magic);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== IMAGE_FILE_VERSION) fail('version', `${IMAGE_FILE_VERSION}`, version);
  const metaLength = view.getUint32(8, true);
  if (PREFIX + metaLength > bytes.length) fail('metadata length', `at most ${bytes.length - PREFIX} bytes (truncated file?)`, metaLength);
  let metaJson: unknown;
  try {
    metaJson = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + metaLength)));
  } catch (e) {
    fail('metadata', 'UTF-8 JSON', (e as Error).message);
  }
  const meta = parseOptions(OP, imageFileMetaSchema, metaJson, `${source}: metadata`);
  const size = meta.shape[0] * meta.shape[1] * meta.shape[2];
  const expectedLength = PREFIX + metaLength + (meta.train + meta.test) * (size + 1);
  if (bytes.length !== expectedLength) {
    fail('length', `${expectedLength} bytes for ${meta.train} + ${meta.test} images of ${meta.shape.join('×')}`, `${bytes.length} bytes`);
  }
  const stored = view.getUint32(12, true);
  const actual = crc32(bytes.subarray(PREFIX));
  if (stored !== actual) fail('checksum', `CRC-32 ${hex(stored)} (as stored in the header)`, `${hex(actual)}: the file is corrupt`);
  let offset = PREFIX + metaLength;
  const take = (n: number) => {
    const s = bytes.subarray(offset, offset + n);
    offset += n;
    return s;
  };
  const train = { pixels: take(meta.train * size), labels: take(meta.train) };
  const test = { pixels: take(meta.test * size), labels: take(meta.test) };
  checkSplit(meta, train, 'train');
  checkSplit(meta, test, 'test');
  return { meta, train, test };
}

/** The file's two splits as `@contrastive/datasets` datasets (pixels read back in [0, 1]). */
export function imageDatasets(file: ImageFile): { train: Dataset; test: Dataset } {
  const make = (split: ImageSplit, name: string) =>
    arrayDataset(split.pixels, Array.from(split.labels), {
      shape: [...file.meta.shape],
      numClasses: file.meta.classNames.length,
      classNames: file.meta.classNames,
      name: `${file.meta.name} (${name})`,
    });
  return { train: make(file.train, 'train'), test: make(file.test, 'test') };
}
