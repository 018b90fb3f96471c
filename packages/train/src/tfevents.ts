// TensorBoard scalar logs without TensorFlow: an event file is a sequence of TFRecords (length,
// masked CRC-32C of the length, data, masked CRC-32C of the data), each holding one `Event`
// protobuf (tensorflow/core/util/event.proto). Only the few fields a scalar log needs are encoded,
// by hand: wall_time (1, double), step (2, int64), file_version (3, string), summary (5, Summary
// { value (1): Value { tag (1, string), simple_value (2, float) } }). Universal (no Node built-in):
// the bytes can go to a file (`tensorBoardFile` of `@contrastive/train/node`) or a browser download.
import { InvalidArgumentError, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import type { TrainLogger } from './train-log';

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) lookup table, one entry per byte value. */
const table = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C of `bytes` (RFC 3720 §B.4; `crc32c('123456789')` = 0xE3069283), as an unsigned 32-bit integer. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotate right by 15 bits and add 0xa282ead8 (tensorflow/core/lib/hash/crc32c.h). */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord: uint64 length, uint32 masked CRC of the length, the data, uint32 masked CRC of the data (little-endian). */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** Protobuf base-128 varint of a non-negative safe integer. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

const utf8 = new TextEncoder();
const lengthDelimited = (field: number, bytes: ArrayLike<number>) => [(field << 3) | 2, ...varint(bytes.length), ...Array.from(bytes)];

function eventBytes(wallTime: number, step: number | undefined, what: number[]): Uint8Array {
  const time = new Uint8Array(8);
  new DataView(time.buffer).setFloat64(0, wallTime, true);
  return Uint8Array.from([(1 << 3) | 1, ...time, ...(step === undefined ? [] : [(2 << 3) | 0, ...varint(step)]), ...what]);
}

/** The first record of an event file: an `Event` with `file_version: 'brain.Event:2'`, which TensorBoard expects. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return tfRecord(eventBytes(wallTime, undefined, lengthDelimited(3, utf8.encode('brain.Event:2'))));
}

/** A scalar of an event file: `tag` at `step` (`wallTime` in seconds since the epoch). */
export interface ScalarPoint {
  /** The chart's name, e.g. `'loss'` or `'knn.top1'` (a `/` groups charts: `'eval/knn.top1'`). */
  tag: string;
  /** Training step: a non-negative integer. */
  step: number;
  /** The value; stored as float32, as TensorBoard's `simple_value`. */
  value: number;
  /** Seconds since the Unix epoch (fractions allowed). */
  wallTime: number;
}

/** One TFRecord holding an `Event` with a scalar `Summary` (`simple_value`) of `point`. */
export function scalarEvent(point: ScalarPoint): Uint8Array {
  const { tag, step, value, wallTime } = point;
  if (!Number.isSafeInteger(step) || step < 0)
    throw new InvalidArgumentError({ op: 'scalarEvent', argument: 'step', expected: 'a non-negative integer', actual: step });
  if (typeof tag !== 'string' || tag.length === 0)
    throw new InvalidArgumentError({ op: 'scalarEvent', argument: 'tag', expected: 'a non-empty string', actual: tag });
  const f = new Uint8Array(4);
  new DataView(f.buffer).setFloat32(0, value, true);
  const summaryValue = [...lengthDelimited(1, utf8.encode(tag)), (2 << 3) | 5, ...f];
  const summary = lengthDelimited(1, summaryValue);
  return tfRecord(eventBytes(wallTime, step, lengthDelimited(5, summary)));
}

/** The options of `tensorBoardLogger(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const tensorBoardLoggerOptionsSchema = z.strictObject({
  /** Log the loss and learning rate every this many steps (evaluations always). Default 1. */
  every: z._default(z.int().check(z.positive()), 1),
  /** Tag prefix of the step scalars: `<prefix>loss`, `<prefix>lr`. Default `'train/'`. */
  trainPrefix: z._default(z.string(), 'train/'),
  /** Tag prefix of the evaluation metrics: `<prefix><metric>`. Default `'eval/'`. */
  evalPrefix: z._default(z.string(), 'eval/'),
});
/** Options of `tensorBoardLogger` and `tensorBoardFile`. */
export type TensorBoardLoggerOptions = z.input<typeof tensorBoardLoggerOptionsSchema> & {
  /** Wall clock in seconds since the epoch. Default `Date.now() / 1000` (a fixed clock makes files reproducible in tests). */
  now?: () => number;
};

/**
 * Writes `train()` events as a TensorBoard event file: the file-version record first, then a scalar
 * per step (`train/loss`, `train/lr`) and per evaluated metric (`eval/<metric>`). Non-finite
 * values are skipped (TensorBoard cannot plot them). `write` receives whole records.
 */
export function tensorBoardLogger(write: (bytes: Uint8Array) => void | Promise<void>, options: TensorBoardLoggerOptions = {}): TrainLogger {
  const { now = () => Date.now() / 1000, ...rest } = options;
  const { every, trainPrefix, evalPrefix } = parseOptions('tensorBoardLogger', tensorBoardLoggerOptionsSchema, rest);
  let started = false;
  return {
    async log(event) {
      const wallTime = now();
      const records: Uint8Array[] = [];
      if (!started) {
        started = true;
        records.push(fileVersionEvent(wallTime));
      }
      const scalars: Array<[string, number]> =
        event.type === 'step' && event.step % every === 0
          ? [
              [`${trainPrefix}loss`, event.loss],
              [`${trainPrefix}lr`, event.lr],
            ]
          : event.type === 'eval'
            ? Object.entries(event.metrics).map(([k, v]) => [`${evalPrefix}${k}`, v])
            : [];
      for (const [tag, value] of scalars) if (Number.isFinite(value)) records.push(scalarEvent({ tag, step: event.step, value, wallTime }));
      if (records.length === 0) return;
      const out = new Uint8Array(records.reduce((s, r) => s + r.length, 0));
      let at = 0;
      for (const r of records) {
        out.set(r, at);
        at += r.length;
      }
      await write(out);
    },
  };
}
