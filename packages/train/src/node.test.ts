// The Node-only file store: atomic writes that leave no temp file behind, errors that name the path
// and the real errno, and unreadable checkpoint files reported as CheckpointErrors naming the file.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint';
import { fileCheckpointStore, writeFileAtomic } from './node';

const dir = mkdtempSync(join(tmpdir(), 'contrastive-node-'));

describe('@contrastive/train/node', () => {
  it('writeFileAtomic replaces the file and leaves no temp file', async () => {
    const p = join(dir, 'a', 'b.json');
    await writeFileAtomic(p, 'one');
    await writeFileAtomic(p, 'two');
    expect(readdirSync(join(dir, 'a'))).toEqual(['b.json']);
  });

  it('a failed write removes its temp file and names the path and errno (EISDIR)', async () => {
    const target = join(dir, 'isdir');
    mkdirSync(join(target, 'child'), { recursive: true });
    const e = await writeFileAtomic(target, 'x').catch((err: unknown) => err as NodeJS.ErrnoException);
    expect(e).toBeInstanceOf(Error);
    expect(e!.code).toMatch(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(e!.message).toContain(target);
    expect(e!.message).toContain(`(${e!.code})`);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('a read-only directory gives EACCES naming the path', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const e = await writeFileAtomic(join(ro, 'f.json'), 'x').catch((err: unknown) => err as NodeJS.ErrnoException);
    expect(e!.code).toBe('EACCES');
    expect(e!.message).toContain(join(ro, 'f.json'));
    chmodSync(ro, 0o755);
  });

  it('fileCheckpointStore: missing file = no checkpoint; empty, truncated or garbage = CheckpointError naming the file', async () => {
    expect(await fileCheckpointStore(join(dir, 'none.json')).load()).toBeUndefined();
    for (const [name, text] of [
      ['empty', ''],
      ['truncated', '{"version":2,"step":4,"rng":{"da'],
      ['garbage', '\u0000\u0001binary'],
    ] as const) {
      const p = join(dir, `${name}.json`);
      writeFileSync(p, text);
      const e = await fileCheckpointStore(p)
        .load()
        .catch((err: unknown) => err);
      expect(CheckpointError.isInstance(e), name).toBe(true);
      expect((e as Error).message).toContain(p);
      expect((e as Error).message).toContain(name === 'empty' ? 'empty' : 'truncated or garbage');
    }
  });
});
