import { type Dataset, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { type ArrayInput, buildArrayDataset } from './array-dataset';
import { formatError } from './errors';

/** NumPy dtypes `parseNpy` reads ('<' little-endian, '|' byte-sized). */
export const NPY_DTYPES = ['|u1', '|i1', '|b1', '<u2', '<i2', '<u4', '<i4', '<i8', '<u8', '<f4', '<f8'] as const;
/** A NumPy dtype string `parseNpy` reads (see `NPY_DTYPES`). */
export type NpyDtype = (typeof NPY_DTYPES)[number];

/** A parsed .npy array: its values in C (row-major) order. */
export interface NpyArray {
  /** The array's dtype. */
  dtype: NpyDtype;
  /** The array's shape. */
  shape: number[];
  /**
   * The values, in the natural typed array of the dtype; 64-bit integers become a Float64Array
   * (exact: values beyond ±2^53 are rejected) and `|b1` a Uint8Array of 0/1.
   */
  data: Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function headerValue(header: string, key: string): string | undefined {
  const m = new RegExp(`['"]${key}['"]\\s*:\\s*`).exec(header);
  if (!m) return undefined;
  const rest = header.slice(m.index + m[0].length);
  if (rest.startsWith('(')) return rest.slice(0, rest.indexOf(')') + 1);
  const q = rest[0];
  if (q === "'" || q === '"') return rest.slice(1, rest.indexOf(q, 1));
  return /^\w+/.exec(rest)?.[0];
}

/**
 * Parses the bytes of a NumPy `.npy` file (format versions 1, 2 and 3). Supports the dtypes in
 * `NPY_DTYPES` in C order; Fortran order, big-endian, object, string and other dtypes are
 * rejected with a message naming the source. Universal: no Node built-in.
 */
export function parseNpy(bytes: Uint8Array | ArrayBuffer, options: { source?: string } = {}): NpyArray {
  const op = 'parseNpy';
  const src = options.source ?? 'npy';
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (b.length < 10 || MAGIC.some((m, i) => b[i] !== m)) throw formatError(op, src, '', 'not a .npy file (missing the \\x93NUMPY magic)');
  const major = b[6]!;
  if (major < 1 || major > 3) throw formatError(op, src, '', `unsupported .npy format version ${major}.${b[7]}`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLen;
  if (dataStart > b.length)
    throw formatError(op, src, 'header', `declares ${headerLen} header bytes but the file has ${b.length - headerStart}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(b.subarray(headerStart, dataStart));
  const descr = headerValue(header, 'descr');
  const fortran = headerValue(header, 'fortran_order');
  const shapeText = headerValue(header, 'shape');
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw formatError(op, src, 'header', `is not a valid .npy header dictionary: ${header.trim()}`);
  }
  if (fortran !== 'False') throw formatError(op, src, 'header', 'is in Fortran order; save it in C order (np.ascontiguousarray) first');
  const dtype = (descr === '<u1' ? '|u1' : descr === '<i1' ? '|i1' : descr) as NpyDtype;
  if (!(NPY_DTYPES as readonly string[]).includes(dtype)) {
    const why = descr.startsWith('>') ? ' (big-endian: save with .astype("<…") first)' : '';
    throw formatError(op, src, 'header', `has dtype '${descr}'${why}; supported: ${NPY_DTYPES.join(', ')}`);
  }
  const shape = shapeText
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw formatError(op, src, 'header', `has an invalid shape ${shapeText}`);
  const count = shape.reduce((a, d) => a * d, 1);
  const itemSize = Number(dtype.slice(2));
  const need = count * itemSize;
  const have = b.length - dataStart;
  if (have !== need) {
    throw formatError(
      op,
      src,
      'data',
      `holds ${have} bytes but shape (${shape.join(', ')}) of ${dtype} needs ${need} (truncated or corrupt file)`,
    );
  }
  // Copy so the typed array is aligned and independent of the input buffer.
  const raw = b.slice(dataStart, dataStart + need).buffer;
  let data: NpyArray['data'];
  switch (dtype) {
    case '|u1':
      data = new Uint8Array(raw);
      break;
    case '|b1':
      data = new Uint8Array(raw).map((v) => (v ? 1 : 0));
      break;
    case '|i1':
      data = new Int8Array(raw);
      break;
    case '<u2':
      data = new Uint16Array(raw);
      break;
    case '<i2':
      data = new Int16Array(raw);
      break;
    case '<u4':
      data = new Uint32Array(raw);
      break;
    case '<i4':
      data = new Int32Array(raw);
      break;
    case '<f4':
      data = new Float32Array(raw);
      break;
    case '<f8':
      data = new Float64Array(raw);
      break;
    case '<i8':
    case '<u8': {
      const big = dtype === '<i8' ? new BigInt64Array(raw) : new BigUint64Array(raw);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = Number(big[i]!);
        if (!Number.isSafeInteger(v)) throw formatError(op, src, `element ${i}`, `${big[i]} does not fit a float64 exactly`);
        out[i] = v;
      }
      data = out;
      break;
    }
  }
  return { dtype, shape, data };
}

/** The options of `npyDataset(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const npyDatasetOptionsSchema = z.strictObject({
  /** Name shown in errors and reports. Default: `'npy'`. */
  name: z.optional(z.string()),
  /** Number of classes C. Default: 1 + the largest label. */
  numClasses: z.optional(z.int().check(z.positive())),
  /** Name of each class [C]. Default: none. */
  classNames: z.optional(z.array(z.string())),
  /** Factor applied when reading. Default 1/255 for a `|u1` (uint8) x, else 1. */
  scale: z.optional(z.number().check(z.positive())),
});
/** Options of `npyDataset` (the input of its schema: a field with a default may be omitted). */
export type NpyDatasetOptions = z.input<typeof npyDatasetOptionsSchema>;

/**
 * A dataset from two .npy arrays (bytes or parsed): `x` [n, ...shape] (e.g. [n, 28, 28, 1]
 * uint8 images, or [n, d] float features) and integer `labels` [n].
 */
export function npyDataset(
  x: NpyArray | Uint8Array | ArrayBuffer,
  labels: NpyArray | Uint8Array | ArrayBuffer,
  options: NpyDatasetOptions = {},
): Dataset {
  const op = 'npyDataset';
  const o = parseOptions(op, npyDatasetOptionsSchema, options);
  const name = o.name ?? 'npy';
  const xa = 'dtype' in x ? x : parseNpy(x, { source: `${name} (x)` });
  const ya = 'dtype' in labels ? labels : parseNpy(labels, { source: `${name} (labels)` });
  if (xa.shape.length < 2) throw formatError(op, `${name} (x)`, '', `must have shape [n, ...item shape], got (${xa.shape.join(', ')})`);
  if (ya.shape.length !== 1) throw formatError(op, `${name} (labels)`, '', `must have shape [n], got (${ya.shape.join(', ')})`);
  return buildArrayDataset(op, xa.data as ArrayInput, ya.data, {
    name,
    shape: xa.shape.slice(1),
    ...(o.numClasses === undefined ? {} : { numClasses: o.numClasses }),
    ...(o.classNames === undefined ? {} : { classNames: o.classNames }),
    ...(o.scale === undefined ? {} : { scale: o.scale }),
  });
}
