// The Node log writers on real runs: metrics.jsonl and CSV files that survive a kill (torn line)
// and a resume (each row once, equal to an uninterrupted run's), and TensorBoard event files read
// back by an independent decoder (Python's struct with a bitwise CRC-32C, not this package's table).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { memoryCheckpointStore } from './checkpoint';
import { csvFile, jsonLinesFile, readJsonLines, tensorBoardFile } from './node';
import { linearNet, toyData, toyMethod, toyNoise } from './testing/toy';
import { train, type TrainEvent, type TrainOptions } from './train';
import { crc32c, scalarEvent } from './tfevents';
import { jsonLinesLogger, type TrainLogger, withLoggers } from './train-log';

const dir = mkdtempSync(join(tmpdir(), 'contrastive-logs-'));
let n = 0;
const options = (extra: Partial<TrainOptions> = {}): TrainOptions => ({
  data: toyData(8),
  augment: toyNoise(0.1),
  method: toyMethod(linearNet(8, 4, 3, `logf${n++}`)),
  optimizer: { type: 'sgd', lr: 0.05 },
  steps: 6,
  batchSize: 16,
  evalEvery: 2,
  evaluate: ({ step }) => ({ 'toy.sq': step * step }),
  ...extra,
});

async function drain(events: AsyncIterable<TrainEvent>): Promise<TrainEvent[]> {
  const out: TrainEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe('log files (@contrastive/train/node)', () => {
  it('jsonLinesFile writes the rows of jsonLinesLogger; readJsonLines reads them back', async () => {
    const path = join(dir, 'a', 'metrics.jsonl');
    let expected = '';
    const opts = options();
    await drain(
      withLoggers(
        train(opts),
        jsonLinesFile(path, { fields: { arm: 'x' } }),
        jsonLinesLogger((t) => void (expected += t), { fields: { arm: 'x' } }),
      ),
    );
    opts.method.dispose();
    expect(readFileSync(path, 'utf8')).toBe(expected);
    const rows = await readJsonLines(path);
    expect(rows).toHaveLength(6 + 4); // 6 steps, evaluations at 0, 2, 4, 6
    expect(rows[0]).toEqual({ arm: 'x', step: 0, 'toy.sq': 0 });
  });

  it('a killed and resumed run leaves every row once, equal to an uninterrupted run; torn lines and other runs are handled', async () => {
    const path = join(dir, 'resume', 'metrics.jsonl');
    const fields = { arm: 'm', seed: 0 };
    // An uninterrupted reference run.
    const refPath = join(dir, 'resume', 'reference.jsonl');
    const ref = options();
    await drain(withLoggers(train(ref), jsonLinesFile(refPath, { fields })));
    ref.method.dispose();

    // Another run's rows share the file and must survive.
    writeFileSync(path, `${JSON.stringify({ arm: 'other', seed: 0, step: 5, loss: 1 })}\n`);
    const store = memoryCheckpointStore();
    const first = options({ checkpoint: store, checkpointEvery: 2 });
    const firstEvents: TrainEvent[] = [];
    // A kill after step 5: the last checkpoint is step 4's, the log already has step 5's rows.
    for await (const e of withLoggers(train(first), jsonLinesFile(path, { fields }))) {
      firstEvents.push(e);
      if (e.type === 'step' && e.step === 5) break;
    }
    first.method.dispose();
    expect(firstEvents.filter((e) => e.type === 'checkpoint').at(-1)!.step).toBe(4);
    expect((await readJsonLines(path)).filter((r) => r['arm'] === 'm').at(-1)).toMatchObject({ step: 5 });
    // The kill tore a line mid-append, after the checkpoint.
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"arm":"m","seed":0,"step":6,"lo`);

    const second = options({ checkpoint: store, checkpointEvery: 2 });
    const secondEvents = await drain(withLoggers(train(second), jsonLinesFile(path, { fields })));
    expect(secondEvents[0]).toEqual({ type: 'start', step: 4, steps: 6, resumed: true });
    second.method.dispose();

    const rows = await readJsonLines(path);
    expect(rows.filter((r) => r['arm'] === 'other')).toEqual([{ arm: 'other', seed: 0, step: 5, loss: 1 }]);
    expect(rows.filter((r) => r['arm'] === 'm')).toEqual(await readJsonLines(refPath));
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });

  it('a fresh (not resumed) run replaces its own earlier rows', async () => {
    const path = join(dir, 'fresh.jsonl');
    for (let i = 0; i < 2; i++) {
      const o = options();
      await drain(withLoggers(train(o), jsonLinesFile(path)));
      o.method.dispose();
    }
    expect(await readJsonLines(path)).toHaveLength(10);
  });

  it('csvFile: header once, rows appended, a file with another header refused', async () => {
    const path = join(dir, 'log.csv');
    const o = options();
    const events = await drain(withLoggers(train(o), csvFile(path, { fields: { arm: 'a' } })));
    o.method.dispose();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('arm,step,name,value');
    expect(lines).toHaveLength(1 + 6 * 2 + 4);
    const s3 = events.find((e) => e.type === 'step' && e.step === 3) as { loss: number };
    expect(lines).toContain(`a,3,loss,${s3.loss}`);

    const other = join(dir, 'other.csv');
    writeFileSync(other, 'x,y\n1,2\n');
    const bad = csvFile(other, { fields: { arm: 'a' } });
    const err = await Promise.resolve(bad.log({ type: 'start', step: 0, steps: 1, resumed: false })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toContain(other);
    expect(readFileSync(other, 'utf8')).toBe('x,y\n1,2\n');
  });

  it('readJsonLines names the file and line of a corrupt row', async () => {
    const path = join(dir, 'corrupt.jsonl');
    writeFileSync(path, '{"step":1}\nnot json\n{"step":2}\n');
    await expect(readJsonLines(path)).rejects.toThrow(`${path}:2: not a JSON line`);
    await expect(readJsonLines(join(dir, 'missing.jsonl'))).rejects.toThrow(/ENOENT/);
  });

  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['--version']).status === 0);
  it.skipIf(!python)('tensorBoardFile: an independent decoder reads every scalar back, CRCs verified', async () => {
    const o = options();
    let t = 1_700_000_000.25;
    const tb = tensorBoardFile(join(dir, 'tb'), { now: () => (t += 0.5) });
    const loggers: TrainLogger[] = [tb];
    const events = await drain(withLoggers(train(o), ...loggers));
    o.method.dispose();
    expect(existsSync(tb.path)).toBe(true);
    expect(tb.path).toMatch(/events\.out\.tfevents\.1700000000\.[^/]+\.\d+$/);
    const r = spawnSync(python!, ['-c', decoder, tb.path], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const decoded = JSON.parse(r.stdout) as Array<{
      wall_time: number;
      step?: number;
      file_version?: string;
      tag?: string;
      value?: number;
    }>;
    // now() gave 1700000000.75 to the file name, then 1700000001.25 to the first event.
    expect(decoded[0]).toEqual({ wall_time: 1_700_000_001.25, file_version: 'brain.Event:2' });
    const want = events.flatMap((e) =>
      e.type === 'step'
        ? [
            ['train/loss', e.step, e.loss],
            ['train/lr', e.step, e.lr],
          ]
        : e.type === 'eval'
          ? Object.entries(e.metrics).map(([k, v]) => [`eval/${k}`, e.step, v])
          : [],
    );
    const got = decoded.slice(1).map((d) => [d.tag, d.step, d.value]);
    expect(got).toEqual(want.map(([tag, step, v]) => [tag, step, Math.fround(v as number)]));
    expect(got).toHaveLength(6 * 2 + 4);

    // Multi-byte varints (steps past 127, 2^14, 2^35), a non-ASCII tag, a value float32 rounds.
    const records = [300, 20_000, 2 ** 35 + 7].map((step, i) => scalarEvent({ tag: `é/${i}`, step, value: 0.1 * (i + 1), wallTime: 12.5 }));
    const path = join(dir, 'tb', 'big.tfevents');
    writeFileSync(path, Buffer.concat(records));
    const big = spawnSync(python!, ['-c', decoder, path], { encoding: 'utf8' });
    expect(big.stderr).toBe('');
    expect(JSON.parse(big.stdout)).toEqual([
      { wall_time: 12.5, step: 300, tag: 'é/0', value: Math.fround(0.1) },
      { wall_time: 12.5, step: 20_000, tag: 'é/1', value: Math.fround(0.2) },
      { wall_time: 12.5, step: 2 ** 35 + 7, tag: 'é/2', value: Math.fround(0.30000000000000004) },
    ]);
  });

  it('crc32c matches the RFC 3720 §B.4 test vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });
});

// Reads a TFRecord file with Python's struct module and a bitwise CRC-32C (no lookup table), checks
// both masked CRCs of every record, and decodes the Event protobuf by its wire format
// (tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto).
const decoder = String.raw`
import json, struct, sys
def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF
assert crc32c(b"123456789") == 0xE3069283  # RFC 3720 check value
def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF
def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]; i += 1
        value |= (b & 0x7F) << shift; shift += 7
        if not b & 0x80: return value, i
def fields(buf):
    i, out = 0, []
    while i < len(buf):
        key, i = varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0: v, i = varint(buf, i)
        elif wt == 1: v = buf[i:i+8]; i += 8
        elif wt == 5: v = buf[i:i+4]; i += 4
        elif wt == 2:
            n, i = varint(buf, i); v = buf[i:i+n]; i += n
        else: raise ValueError("wire type %d" % wt)
        out.append((num, wt, v))
    return out
data = open(sys.argv[1], "rb").read()
i, events = 0, []
while i < len(data):
    header = data[i:i+8]
    (length,) = struct.unpack("<Q", header)
    (len_crc,) = struct.unpack("<I", data[i+8:i+12])
    assert len_crc == masked(header), "length crc"
    body = data[i+12:i+12+length]
    (body_crc,) = struct.unpack("<I", data[i+12+length:i+16+length])
    assert body_crc == masked(body), "data crc"
    i += 16 + length
    ev = {}
    for num, wt, v in fields(body):
        if num == 1: ev["wall_time"] = struct.unpack("<d", v)[0]
        elif num == 2: ev["step"] = v
        elif num == 3: ev["file_version"] = v.decode()
        elif num == 5:
            for vnum, _, value in fields(v):
                assert vnum == 1
                for f, _, x in fields(value):
                    if f == 1: ev["tag"] = x.decode()
                    elif f == 2: ev["value"] = struct.unpack("<f", x)[0]
        else: raise ValueError("field %d" % num)
    events.append(ev)
print(json.dumps(events))
`;
