// TensorBoard event records byte by byte against an independent encoder written here from the
// formats' sources: TFRecord framing (tensorflow/core/lib/io/record_writer.cc: uint64 length,
// masked CRC-32C of the length, data, masked CRC-32C of the data, little-endian), the CRC mask
// (tensorflow/core/lib/hash/crc32c.h: ((crc >> 15) | (crc << 17)) + 0xa282ead8), a bitwise
// CRC-32C (Castagnoli, reflected 0x82F63B78; no lookup table) and the protobuf wire format of
// `Event` / `Summary` (tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto).
import { InvalidArgumentError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { crc32c, fileVersionEvent, maskedCrc32c, scalarEvent, tensorBoardLogger, tfRecord } from './tfevents';
import type { TrainEvent } from './train';

function crcBitwise(bytes: ArrayLike<number>): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
const mask = (crc: number) => Number((((BigInt(crc) >> 15n) | (BigInt(crc) << 17n)) + 0xa282ead8n) & 0xffffffffn);
const le = (value: bigint, bytes: number) => Array.from({ length: bytes }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));
function record(data: number[]): number[] {
  const len = le(BigInt(data.length), 8);
  return [...len, ...le(BigInt(mask(crcBitwise(len))), 4), ...data, ...le(BigInt(mask(crcBitwise(data))), 4)];
}
function varint(n: bigint): number[] {
  const out: number[] = [];
  do {
    const low = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? low | 0x80 : low);
  } while (n > 0n);
  return out;
}
const f64 = (x: number) => Array.from(new Uint8Array(new Float64Array([x]).buffer));
const f32 = (x: number) => Array.from(new Uint8Array(new Float32Array([x]).buffer));
const str = (s: string) => Array.from(new TextEncoder().encode(s));
const field = (n: number, wire: number) => (n << 3) | wire;
const bytesOf = (n: number, payload: number[]) => [field(n, 2), ...varint(BigInt(payload.length)), ...payload];

function scalarBytes(tag: string, step: number, value: number, wallTime: number): number[] {
  const summaryValue = [...bytesOf(1, str(tag)), field(2, 5), ...f32(value)];
  const event = [field(1, 1), ...f64(wallTime), field(2, 0), ...varint(BigInt(step)), ...bytesOf(5, bytesOf(1, summaryValue))];
  return record(event);
}

describe('tfevents against an independent encoder (mutation)', () => {
  it('crc32c and its TFRecord mask equal the bitwise CRC and the shift-and-add of crc32c.h', () => {
    for (const data of [[], [0], [0xff], str('brain.Event:2'), Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff)]) {
      const u = Uint8Array.from(data);
      expect(crc32c(u)).toBe(crcBitwise(data));
      expect(maskedCrc32c(u)).toBe(mask(crcBitwise(data)));
    }
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('tfRecord frames data as length, masked CRC of the length, data, masked CRC of the data', () => {
    for (const data of [[], [1, 2, 3], Array.from({ length: 200 }, (_, i) => i & 0xff)]) {
      expect(Array.from(tfRecord(Uint8Array.from(data)))).toEqual(record(data));
    }
  });

  it('fileVersionEvent and scalarEvent are the Event protobufs written by hand (varints past 1 and 2 bytes)', () => {
    expect(Array.from(fileVersionEvent(1.5))).toEqual(record([field(1, 1), ...f64(1.5), ...bytesOf(3, str('brain.Event:2'))]));
    for (const [tag, step, value, wallTime] of [
      ['loss', 0, 0.25, 1_700_000_000.5],
      ['train/lr', 127, -3.5, 2],
      ['eval/knn.top1', 128, 0.1, 0],
      ['x', 16_384, 1e-30, 5],
      ['y'.repeat(130), 2 ** 40 + 3, 7, 9],
    ] as const) {
      expect(Array.from(scalarEvent({ tag, step, value, wallTime })), `${tag} ${step}`).toEqual(scalarBytes(tag, step, value, wallTime));
    }
  });

  it('scalarEvent names a bad step or tag', () => {
    for (const step of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => scalarEvent({ tag: 'a', step, value: 1, wallTime: 0 })).toThrow(
        `scalarEvent: invalid argument 'step': expected a non-negative integer, got ${step}`,
      );
    }
    expect(() => scalarEvent({ tag: '', step: 1, value: 1, wallTime: 0 })).toThrow(
      `scalarEvent: invalid argument 'tag': expected a non-empty string, got ""`,
    );
    expect(() => scalarEvent({ tag: 3 as never, step: 1, value: 1, wallTime: 0 })).toThrow(InvalidArgumentError);
    expect(scalarEvent({ tag: 'a', step: 0, value: 1, wallTime: 0 }).length).toBeGreaterThan(16);
  });

  it('tensorBoardLogger: the version record once, step scalars every `every` steps, eval metrics always, non-finite skipped', async () => {
    const writes: number[][] = [];
    let t = 10;
    const logger = tensorBoardLogger((b) => void writes.push(Array.from(b)), {
      every: 2,
      trainPrefix: 't/',
      evalPrefix: 'e/',
      now: () => (t += 1),
    });
    const events: TrainEvent[] = [
      { type: 'start', step: 0, steps: 4, resumed: false },
      { type: 'step', step: 1, steps: 4, loss: 1, lr: 0.5 },
      { type: 'step', step: 2, steps: 4, loss: 0.75, lr: Number.NaN },
      { type: 'eval', step: 2, metrics: { acc: 0.5, bad: Number.POSITIVE_INFINITY } },
      { type: 'checkpoint', step: 2 },
      { type: 'eval', step: 3, metrics: {} },
      { type: 'end', step: 4, history: { loss: [], evals: [] }, aborted: false },
    ];
    for (const e of events) await logger.log(e);
    // The start event writes the version record alone (wall time 11); step 1 and the rest nothing.
    expect(writes).toEqual([
      record([field(1, 1), ...f64(11), ...bytesOf(3, str('brain.Event:2'))]),
      scalarBytes('t/loss', 2, 0.75, 13),
      scalarBytes('e/acc', 2, 0.5, 14),
    ]);
  });

  it('tensorBoardLogger defaults: every step, train/ and eval/ prefixes', async () => {
    const writes: number[][] = [];
    const logger = tensorBoardLogger((b) => void writes.push(Array.from(b)), { now: () => 3 });
    await logger.log({ type: 'step', step: 1, steps: 2, loss: 2, lr: 0.1 });
    await logger.log({ type: 'eval', step: 1, metrics: { m: 4 } });
    expect(writes).toEqual([
      [
        ...record([field(1, 1), ...f64(3), ...bytesOf(3, str('brain.Event:2'))]),
        ...scalarBytes('train/loss', 1, 2, 3),
        ...scalarBytes('train/lr', 1, 0.1, 3),
      ],
      scalarBytes('eval/m', 1, 4, 3),
    ]);
    expect(() => tensorBoardLogger(() => undefined, { every: 0 })).toThrow(/tensorBoardLogger: invalid argument 'options\.every'/);
  });

  it('tensorBoardLogger default clock: Date.now() in seconds', async () => {
    const writes: number[][] = [];
    const logger = tensorBoardLogger((b) => void writes.push(Array.from(b)));
    const t0 = Date.now() / 1000;
    await logger.log({ type: 'start', step: 0, steps: 1, resumed: false });
    const t1 = Date.now() / 1000;
    // Bytes 13..20 of the version record: the double after 12 bytes of framing and the field-1 key.
    const wallTime = new DataView(Uint8Array.from(writes[0]!).buffer).getFloat64(13, true);
    expect(wallTime).toBeGreaterThanOrEqual(t0);
    expect(wallTime).toBeLessThanOrEqual(t1);
    expect(writes).toEqual([record([field(1, 1), ...f64(wallTime), ...bytesOf(3, str('brain.Event:2'))])]);
  });
});
