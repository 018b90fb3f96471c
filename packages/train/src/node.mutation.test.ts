// The Node file helpers' error texts, written out by hand: fsError's `cannot <op> <path> (<code>):
// <detail>` with the errno kept, a directory that cannot be created because a file is in the way
// (ENOTDIR / EEXIST), a checkpoint path that is a directory (EISDIR: not "no checkpoint"), and the
// JSON a store writes (read back equal), the handle of an atomic write synced and closed (a spy on
// Node's FileHandle), and the messages of unreadable checkpoints with their size in bytes.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Checkpoint } from './checkpoint';
import { fsError } from './fs-error';
import { fileCheckpointStore, makeDirectory, writeFileAtomic } from './node';

const dir = mkdtempSync(join(tmpdir(), 'contrastive-node-mut-'));
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

afterEach(() => {
  vi.restoreAllMocks();
});

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
    expect(Object.keys(plain)).toEqual([]); // no `code: undefined` property either
    expect((fsError('open', '/w', undefined) as Error).message).toBe('cannot open /w: undefined');
  });

  it('makeDirectory creates nested directories, and names the path when a file is in the way', async () => {
    const nested = join(dir, 'a', 'b', 'c');
    await makeDirectory(nested);
    await makeDirectory(nested); // exists: fine
    writeFileSync(join(dir, 'file'), 'x');
    const e = (await makeDirectory(join(dir, 'file', 'sub')).catch((err: unknown) => err)) as NodeJS.ErrnoException;
    expect(e.code).toMatch(/ENOTDIR|EEXIST/);
    expect(e.message).toMatch(new RegExp(`^cannot create the directory ${escapeRe(join(dir, 'file', 'sub'))} \\((ENOTDIR|EEXIST)\\): `));
    // Deeper under the file: the error names the directory asked for, not the first missing component.
    const deep = join(dir, 'file', 'a', 'b');
    const d = (await makeDirectory(deep).catch((err: unknown) => err)) as NodeJS.ErrnoException;
    expect(d.code).toBe('ENOTDIR');
    expect(d.message).toMatch(new RegExp(`^cannot create the directory ${escapeRe(deep)} \\(ENOTDIR\\): `));
  });

  it('makeDirectory, where recursive mkdir hides the errno as ENOENT (a read-only or full disk), names the first directory that cannot be made and its errno', async () => {
    // Node's recursive mkdir reports ENOENT when a missing parent fails with EROFS or ENOSPC
    // (nodejs/node#47098, #42808); such a file system cannot be made in a test, so mkdir of
    // node:fs/promises is replaced (syncBuiltinESMExports carries it to the ESM import of node.ts):
    // under `ro`, a recursive mkdir fails with ENOENT and a plain one with the errno in `plain`;
    // anything else is the real mkdir.
    const fsp = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
    const real = fsp.mkdir;
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    let plain: Record<string, string> = {};
    const messages: Record<string, string> = {
      ENOENT: 'no such file or directory',
      EROFS: 'read-only file system',
      EEXIST: 'file already exists',
    };
    const failure = (code: string, p: string) => Object.assign(new Error(`${code}: ${messages[code]}, mkdir '${p}'`), { code });
    fsp.mkdir = ((p: string, options?: { recursive?: boolean }) => {
      if (p.startsWith(`${ro}${sep}`)) {
        if (options?.recursive) return Promise.reject(failure('ENOENT', p));
        if (plain[p]) return Promise.reject(failure(plain[p], p));
      }
      return real(p, options);
    }) as typeof fsp.mkdir;
    syncBuiltinESMExports();
    const failed = (p: string) =>
      makeDirectory(p).then(
        () => undefined,
        (err: unknown) => err as NodeJS.ErrnoException,
      );
    try {
      // `ro/a` cannot be made: the error names it (not `ro/a/b`) with EROFS.
      plain = { [join(ro, 'a')]: 'EROFS' };
      const a = await failed(join(ro, 'a', 'b'));
      expect(a?.message).toBe(
        `cannot create the directory ${join(ro, 'a')} (EROFS): EROFS: read-only file system, mkdir '${join(ro, 'a')}'`,
      );
      expect(a?.code).toBe('EROFS');
      // `ro/c` was made meanwhile by another process (EEXIST: fine); `ro/c/d` cannot be made.
      plain = { [join(ro, 'c')]: 'EEXIST', [join(ro, 'c', 'd')]: 'EROFS' };
      const c = await failed(join(ro, 'c', 'd'));
      expect(c?.message).toBe(
        `cannot create the directory ${join(ro, 'c', 'd')} (EROFS): EROFS: read-only file system, mkdir '${join(ro, 'c', 'd')}'`,
      );
      // Every directory could be made one by one: the recursive mkdir's own error is reported.
      plain = {};
      const e = await failed(join(ro, 'e', 'f'));
      expect(e?.message).toBe(
        `cannot create the directory ${join(ro, 'e', 'f')} (ENOENT): ENOENT: no such file or directory, mkdir '${join(ro, 'e', 'f')}'`,
      );
      expect(readdirSync(join(ro, 'e'))).toEqual(['f']);
    } finally {
      fsp.mkdir = real;
      syncBuiltinESMExports();
    }
  });

  it('writeFileAtomic syncs and closes its temp file handle; a failed write says "cannot write" and leaves no temp file', async () => {
    const probe = await open(join(dir, 'probe'), 'w');
    await probe.close();
    const sync = vi.spyOn(Object.getPrototypeOf(probe) as FileHandle, 'sync');
    const p = join(dir, 'atomic', 'x.txt');
    await writeFileAtomic(p, 'é\n');
    expect(readFileSync(p, 'utf8')).toBe('é\n');
    expect(sync.mock.calls).toHaveLength(1);
    expect((sync.mock.contexts[0] as FileHandle).fd).toBe(-1); // closed (Node sets fd to -1)

    const target = join(dir, 'atomic', 'is-dir');
    mkdirSync(join(target, 'child'), { recursive: true });
    const e = (await writeFileAtomic(target, 'x').catch((err: unknown) => err)) as NodeJS.ErrnoException;
    expect(e.message.startsWith(`cannot write ${target} (${e.code}): `)).toBe(true);
    expect(readdirSync(join(dir, 'atomic')).sort()).toEqual(['is-dir', 'x.txt']);
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

  it('fileCheckpointStore: an empty or truncated file is named with its size in bytes (UTF-8, not characters)', async () => {
    const messageOf = async (text: string) => {
      const p = join(dir, 'ck-msg.json');
      writeFileSync(p, text);
      const e = (await fileCheckpointStore(p)
        .load()
        .catch((err: unknown) => err)) as Error;
      const parse = (() => {
        try {
          JSON.parse(text);
        } catch (err) {
          return (err as Error).message;
        }
      })();
      return [e.message, p, parse] as const;
    };
    const [empty, p, emptyParse] = await messageOf('');
    expect(empty).toBe(`train: checkpoint ${p} is not valid JSON (empty, 0 bytes): ${emptyParse}`);
    // 10 characters, 11 bytes: é is two bytes in UTF-8.
    const [truncated, , truncParse] = await messageOf('{"note":"é');
    expect(truncated).toBe(`train: checkpoint ${p} is not valid JSON (truncated or garbage, 11 bytes): ${truncParse}`);
  });
});
