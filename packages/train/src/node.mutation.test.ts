// The Node file helpers' error texts, written out by hand: fsError's `cannot <op> <path> (<code>):
// <detail>` with the errno kept, a directory that cannot be created because a file is in the way
// (ENOTDIR / EEXIST), a checkpoint path that is a directory (EISDIR: not "no checkpoint"), and the
// JSON a store writes (read back equal).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from './checkpoint';
import { fsError } from './fs-error';
import { fileCheckpointStore, makeDirectory, writeFileAtomic } from './node';

const dir = mkdtempSync(join(tmpdir(), 'contrastive-node-mut-'));

describe('Node file helpers (mutation)', () => {
  it('fsError names the operation, the path and the errno, and keeps code and cause', () => {
    const cause = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    const e = fsError('read', '/x/y', cause) as NodeJS.ErrnoException;
    expect(e.message).toBe('cannot read /x/y (ENOENT): no such file');
    expect(e.code).toBe('ENOENT');
    expect(e.cause).toBe(cause);
    const plain = fsError('sync', '/z', 'disk gone') as NodeJS.ErrnoException;
    expect(plain.message).toBe('cannot sync /z: disk gone');
    expect(plain.code).toBeUndefined();
    expect((fsError('open', '/w', undefined) as Error).message).toBe('cannot open /w: undefined');
  });

  it('makeDirectory creates nested directories, and names the path when a file is in the way', async () => {
    const nested = join(dir, 'a', 'b', 'c');
    await makeDirectory(nested);
    await makeDirectory(nested); // exists: fine
    writeFileSync(join(dir, 'file'), 'x');
    const e = (await makeDirectory(join(dir, 'file', 'sub')).catch((err: unknown) => err)) as NodeJS.ErrnoException;
    expect(e.code).toMatch(/ENOTDIR|EEXIST/);
    expect(e.message).toMatch(
      new RegExp(
        `^cannot create the directory ${join(dir, 'file', 'sub').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\((ENOTDIR|EEXIST)\\): `,
      ),
    );
  });

  it('fileCheckpointStore: a directory where the file should be is a read error, not "no checkpoint"; saves read back equal', async () => {
    const p = join(dir, 'is-a-dir.json');
    mkdirSync(p);
    const e = (await fileCheckpointStore(p)
      .load()
      .catch((err: unknown) => err)) as NodeJS.ErrnoException;
    expect(e.code).toBe('EISDIR');
    expect(e.message).toMatch(/^cannot read .*is-a-dir\.json \(EISDIR\): /);
    const store = fileCheckpointStore(join(dir, 'deep', 'ck.json'));
    expect(store.location).toBe(join(dir, 'deep', 'ck.json'));
    const c = { version: 2, step: 1, note: 'é "quoted"' } as unknown as Checkpoint;
    await store.save(c);
    expect(await store.load()).toEqual(c);
    expect(readFileSync(join(dir, 'deep', 'ck.json'), 'utf8')).toBe(JSON.stringify(c));
    await writeFileAtomic(join(dir, 'deep', 'ck.json'), '{"garbage"');
    await expect(store.load()).rejects.toThrow(/is not valid JSON \(truncated or garbage, 10 bytes\): /);
  });
});
