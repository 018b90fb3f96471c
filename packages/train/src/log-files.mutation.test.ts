// The Node log files byte for byte on real files in a temp dir, each expected file written out by
// hand from its format: JSON lines (one `JSON.stringify` row + '\n' per line) and long-form CSV
// (RFC 4180, header `<fields…>,step,name,value`). Checked: which lines a (re)started run keeps
// (other runs' rows, non-JSON and blank lines, rows whose step is not a number), the torn last line
// dropped, the CSV header refused / restored, no rewrite when nothing changes (same inode), the
// fsync cadence (a spy on Node's FileHandle: every checkpoint and the end), and the errors of real
// failures (a directory in the file's place, a dangling link, /dev/null that cannot fdatasync,
// /dev/full that cannot be written), each message written out as `cannot <op> <path> (<errno>): `.
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectionOf } from '@contrastive/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { csvFile, jsonLinesFile, readJsonLines, tensorBoardFile } from './node';
import type { TrainEvent } from './train';

const dir = mkdtempSync(join(tmpdir(), 'contrastive-logfiles-mut-'));
let n = 0;
const fresh = (name: string) => join(dir, `${n++}-${name}`);

const start = (step = 0, resumed = false): TrainEvent => ({ type: 'start', step, steps: 10, resumed });
const step = (s: number, loss: number, lr: number): TrainEvent => ({ type: 'step', step: s, steps: 10, loss, lr });
const evalAt = (s: number, metrics: Record<string, number>): TrainEvent => ({ type: 'eval', step: s, metrics });
const end: TrainEvent = { type: 'end', step: 10, history: { loss: [], evals: [] }, aborted: false };

/** Node's FileHandle class (not exported by node:fs/promises): the prototype of an opened handle. */
async function fileHandleProto(): Promise<FileHandle> {
  const h = await open(join(dir, 'proto'), 'w');
  await h.close();
  return Object.getPrototypeOf(h) as FileHandle;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('log files (mutation)', () => {
  it('jsonLinesFile at a fresh start: keeps other runs, non-JSON, blank and non-numeric-step lines, drops its own rows and the torn line', async () => {
    const path = fresh('metrics.jsonl');
    const other = '{"arm":"other","step":1,"loss":1}\n';
    const notJson = 'not json\n';
    const blank = '\n';
    const stringStep = '{"arm":"me","step":"2"}\n';
    writeFileSync(path, `${other}${notJson}${blank}${stringStep}{"arm":"me","step":1,"loss":9,"lr":9}\n{"arm":"me","step":3,"lo`);
    const log = jsonLinesFile(path, { fields: { arm: 'me' } });
    await log.log(start());
    await log.log(step(1, 0.5, 0.125));
    await log.log(evalAt(1, { acc: 0.25 }));
    await log.close?.();
    expect(readFileSync(path, 'utf8')).toBe(
      `${other}${notJson}${blank}${stringStep}{"arm":"me","step":1,"loss":0.5,"lr":0.125}\n{"arm":"me","step":1,"acc":0.25}\n`,
    );
  });

  it('jsonLinesFile: a resumed run keeps its rows up to the checkpoint step; a first event other than start prunes nothing', async () => {
    const path = fresh('resume.jsonl');
    const rows = [1, 2, 3].map((s) => `{"step":${s},"loss":${s},"lr":1}\n`);
    writeFileSync(path, rows.join(''));
    const resumed = jsonLinesFile(path);
    await resumed.log(start(2, true));
    await resumed.log(step(3, 0.5, 1));
    await resumed.close?.();
    expect(readFileSync(path, 'utf8')).toBe(`${rows[0]}${rows[1]}{"step":3,"loss":0.5,"lr":1}\n`);

    // A logger that joins mid-run (no start event) only appends.
    const late = jsonLinesFile(path);
    await late.log(step(2, 0.75, 1));
    await late.close?.();
    expect(readFileSync(path, 'utf8')).toBe(`${rows[0]}${rows[1]}{"step":3,"loss":0.5,"lr":1}\n{"step":2,"loss":0.75,"lr":1}\n`);
  });

  it('a file with nothing to prune is appended to in place, not rewritten (same inode)', async () => {
    const path = fresh('inplace.jsonl');
    writeFileSync(path, '{"arm":"other","step":1}\n');
    const ino = statSync(path).ino;
    const log = jsonLinesFile(path, { fields: { arm: 'me' } });
    await log.log(start());
    await log.log(step(1, 2, 3));
    await log.close?.();
    expect(statSync(path).ino).toBe(ino);
    expect(readFileSync(path, 'utf8')).toBe('{"arm":"other","step":1}\n{"arm":"me","step":1,"loss":2,"lr":3}\n');
  });

  it('csvFile: a new file gets the header then one long row per scalar', async () => {
    const path = join(fresh('csv'), 'sub', 'log.csv');
    const log = csvFile(path, { fields: { arm: 'a.b', seed: 1 } });
    await log.log(start());
    await log.log(step(1, 0.5, 0.125));
    await log.log(evalAt(1, { acc: 0.25 }));
    await log.close?.();
    expect(readFileSync(path, 'utf8')).toBe('arm,seed,step,name,value\na.b,1,1,loss,0.5\na.b,1,1,lr,0.125\na.b,1,1,acc,0.25\n');
  });

  it('csvFile at a fresh start: drops only its own rows (fields matched literally, "." is no wildcard) and the torn line', async () => {
    const path = fresh('shared.csv');
    const header = 'arm,seed,step,name,value\n';
    // Other runs: another arm differing only where a regex "." would match, another seed, a step-less note.
    const others = 'axb,1,1,loss,7\na.b,2,1,loss,8\na.b,1,x,note,1\n';
    writeFileSync(path, `${header}${others}a.b,1,1,loss,9\na.b,1,2,loss,9\na.b,1,3,lo`);
    const log = csvFile(path, { fields: { arm: 'a.b', seed: 1 } });
    await log.log(start());
    await log.log(step(1, 0.5, 0.125));
    await log.close?.();
    expect(readFileSync(path, 'utf8')).toBe(`${header}${others}a.b,1,1,loss,0.5\na.b,1,1,lr,0.125\n`);
  });

  it('csvFile: a resumed run keeps its rows up to its step; a file holding only a torn header gets the header back', async () => {
    const path = fresh('resume.csv');
    writeFileSync(path, 'step,name,value\n1,loss,1\n2,loss,2\n3,loss,3\n');
    const log = csvFile(path);
    await log.log(start(2, true));
    await log.close?.();
    expect(readFileSync(path, 'utf8')).toBe('step,name,value\n1,loss,1\n2,loss,2\n');

    const torn = fresh('torn-header.csv');
    writeFileSync(torn, 'arm,st');
    const t = csvFile(torn, { fields: { arm: 'z' } });
    await t.log(start());
    await t.log(step(4, 1.5, 2));
    await t.close?.();
    expect(readFileSync(torn, 'utf8')).toBe('arm,step,name,value\nz,4,loss,1.5\nz,4,lr,2\n');
  });

  it('csvFile refuses a file with another header, naming it; bad options name the writer', async () => {
    const path = fresh('other.csv');
    writeFileSync(path, 'x,y\n1,2\n');
    const e = await rejectionOf(csvFile(path, { fields: { arm: 'a', seed: 1 } }).log(start()));
    expect(e.message).toBe(
      `csvFile: invalid argument '${path}': expected a CSV log whose header is "arm,seed,step,name,value" (other fields or another format: choose another file), got "x,y"`,
    );
    expect(readFileSync(path, 'utf8')).toBe('x,y\n1,2\n');
    expect(() => csvFile(path, { every: 0 })).toThrow("csvFile: invalid argument 'options.every': expected an integer > 0 (got 0)");
    expect(() => jsonLinesFile(path, { every: 0 })).toThrow(
      "jsonLinesFile: invalid argument 'options.every': expected an integer > 0 (got 0)",
    );
  });

  it('fsync at every checkpoint and at the end (then once more at close); close closes the handle and may be repeated', async () => {
    const proto = await fileHandleProto();
    const datasync = vi.spyOn(proto, 'datasync');
    const log = jsonLinesFile(fresh('sync.jsonl'));
    await log.close?.(); // before the file is opened: nothing to do
    expect(datasync.mock.calls).toHaveLength(0);
    const syncs: number[] = [];
    for (const e of [start(), step(1, 1, 1), { type: 'checkpoint', step: 1 } as TrainEvent, evalAt(1, { m: 1 }), step(2, 1, 1), end]) {
      await log.log(e);
      syncs.push(datasync.mock.calls.length);
    }
    expect(syncs).toEqual([0, 0, 1, 1, 1, 2]);
    const [handle] = new Set(datasync.mock.contexts as FileHandle[]);
    expect(handle!.fd).toBeGreaterThanOrEqual(0);
    await log.close?.();
    expect(datasync.mock.calls).toHaveLength(3);
    expect(new Set(datasync.mock.contexts)).toEqual(new Set([handle])); // one handle, synced and ...
    expect(handle!.fd).toBe(-1); // ... closed (Node sets fd to -1)
    await log.close?.();
    expect(datasync.mock.calls).toHaveLength(3);
  });

  it('real failures name the operation, the file and the errno', async () => {
    // A directory where the log should be: the read fails.
    const isDir = fresh('is-dir.jsonl');
    mkdirSync(isDir);
    const read = await rejectionOf(jsonLinesFile(isDir).log(start()));
    expect(read.code).toBe('EISDIR');
    expect(read.message.startsWith(`cannot read ${isDir} (EISDIR): `)).toBe(true);

    // A dangling link into a missing directory: nothing to read (ENOENT is a new file), the open fails.
    const dangling = fresh('dangling.jsonl');
    symlinkSync(join(dir, 'no-such-dir', 'x.jsonl'), dangling);
    const opened = await rejectionOf(jsonLinesFile(dangling).log(start()));
    expect(opened.code).toBe('ENOENT');
    expect(opened.message.startsWith(`cannot open ${dangling} (ENOENT): `)).toBe(true);

    // /dev/null reads empty and takes appends, but cannot fdatasync (EINVAL): the checkpoint's sync fails.
    const devNull = fresh('null.jsonl');
    symlinkSync('/dev/null', devNull);
    const log = jsonLinesFile(devNull);
    await log.log(start());
    const synced = await rejectionOf(log.log({ type: 'checkpoint', step: 0 }));
    expect(synced.code).toBe('EINVAL');
    expect(synced.message.startsWith(`cannot sync ${devNull} (EINVAL): `)).toBe(true);
    await log.close?.();
  });

  it('a failed append names the file and the errno (ENOSPC injected: a full disk cannot be made in a test)', async () => {
    const proto = await fileHandleProto();
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    vi.spyOn(proto, 'appendFile').mockRejectedValueOnce(full);
    const path = fresh('full.jsonl');
    const log = jsonLinesFile(path);
    await log.log(start());
    const e = await rejectionOf(log.log(step(1, 1, 1)));
    expect(e.message).toBe(`cannot append to ${path} (ENOSPC): ENOSPC: no space left on device, write`);
    expect(e.code).toBe('ENOSPC');
    expect(e.cause).toBe(full);
    await log.close?.();
  });

  it('tensorBoardFile: the default clock names the file; one handle for all writes, synced and closed once', async () => {
    const proto = await fileHandleProto();
    const append = vi.spyOn(proto, 'appendFile');
    const datasync = vi.spyOn(proto, 'datasync');
    const before = Date.now() / 1000;
    const tb = tensorBoardFile(join(fresh('tb'), 'run'));
    const after = Date.now() / 1000;
    const seconds = Number(/events\.out\.tfevents\.(\d+)\./.exec(tb.path)![1]);
    expect(seconds).toBeGreaterThanOrEqual(Math.floor(before));
    expect(seconds).toBeLessThanOrEqual(Math.floor(after));
    expect(tb.path.endsWith(`.${seconds}.${hostname()}.${process.pid}`)).toBe(true);
    await tb.close?.(); // nothing opened yet
    const t0 = Date.now() / 1000;
    await tb.log(start());
    await tb.log(step(1, 0.5, 0.25));
    await tb.log(evalAt(1, { acc: 1 }));
    const t1 = Date.now() / 1000;
    await tb.close?.();
    await tb.close?.();
    expect(new Set(append.mock.contexts).size).toBe(1); // one handle (`this`) for every write
    expect(append.mock.calls).toHaveLength(3);
    expect(datasync.mock.contexts).toEqual(append.mock.contexts.slice(0, 1));
    expect((append.mock.contexts[0] as FileHandle).fd).toBe(-1); // closed
    // The first record is the file-version Event: 12 bytes of framing, then field 1 (wire type 1) and the wall time.
    const bytes = readFileSync(tb.path);
    expect(bytes[12]).toBe((1 << 3) | 1);
    const wallTime = bytes.readDoubleLE(13);
    expect(wallTime).toBeGreaterThanOrEqual(t0);
    expect(wallTime).toBeLessThanOrEqual(t1);
  });

  it('tensorBoardFile failures: a directory in the file place (open), /dev/full (append)', async () => {
    const isDir = tensorBoardFile(fresh('tb-dir'), { now: () => 5 });
    mkdirSync(isDir.path, { recursive: true });
    const opened = await rejectionOf(isDir.log(start()));
    expect(opened.code).toBe('EISDIR');
    expect(opened.message.startsWith(`cannot open ${isDir.path} (EISDIR): `)).toBe(true);

    const d = fresh('tb-full');
    mkdirSync(d);
    const full = tensorBoardFile(d, { now: () => 6 });
    symlinkSync('/dev/full', full.path);
    const appended = await rejectionOf(full.log(start()));
    expect(appended.code).toBe('ENOSPC');
    expect(appended.message).toBe(`cannot append to ${full.path} (ENOSPC): ENOSPC: no space left on device, write`);
    await full.close?.();
  });

  it('readJsonLines skips blank lines and the torn last line; names path:line of a line that is not a JSON object', async () => {
    const path = fresh('read.jsonl');
    writeFileSync(path, '{"step":1}\n\n   \n{"step":2,"m":null}\n{"step":3');
    expect(await readJsonLines(path)).toEqual([{ step: 1 }, { step: 2, m: null }]);

    for (const bad of ['null', '[1]', '3', '"s"']) {
      writeFileSync(path, `{"step":1}\n${bad}\n`);
      await expect(readJsonLines(path), bad).rejects.toThrow(new Error(`${path}:2: not a JSON object`));
    }
    writeFileSync(path, '\n{"step":1}\nnot json\n');
    const parseError = (() => {
      try {
        JSON.parse('not json');
      } catch (e) {
        return e as Error;
      }
    })()!;
    const e = await rejectionOf(readJsonLines(path));
    expect(e.message).toBe(`${path}:3: not a JSON line (${parseError.message})`);
    expect(e.cause).toBeInstanceOf(SyntaxError);

    const missing = join(dir, 'missing.jsonl');
    expect((await rejectionOf(readJsonLines(missing))).message).toBe(
      `cannot read ${missing} (ENOENT): ENOENT: no such file or directory, open '${missing}'`,
    );
  });
});
