// The binary cache file against its documented layout (binary-cache.ts): the 8-byte magic
// `CTRDSET1`, a little-endian uint32 header length H, H bytes of JSON header { key, sections,
// sha256, meta }, then the sections back to back; SHA-256 over the payload. The expected files
// are assembled here byte by byte, and every reason a file is refused is checked at its edge.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCache, writeCache } from './binary-cache';

const tmp = mkdtempSync(join(tmpdir(), 'contrastive-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A cache file assembled by hand: magic, uint32 LE header length, header JSON text, payload. */
function handFile(headerJson: string, payload: number[], magic = 'CTRDSET1'): Buffer {
  const json = Buffer.from(headerJson, 'utf8');
  const len = json.length;
  const lenBytes = [len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, (len >>> 24) & 0xff];
  return Buffer.concat([Buffer.from(magic, 'latin1'), Buffer.from(lenBytes), json, Buffer.from(payload)]);
}
const hex = (bytes: number[]) => createHash('sha256').update(Buffer.from(bytes)).digest('hex');

describe('binary cache layout', () => {
  it('writeCache writes exactly magic, header length, the JSON header and the sections in order', async () => {
    const path = join(tmp, 'nested', 'deeper', 'a.bin'); // parent folders are created
    await writeCache(path, 'k@1', {
      meta: { n: 2 },
      sections: { labels: Uint8Array.from([7, 8]), pixels: Uint8Array.from([1, 2, 3]) },
    });
    const expected = handFile(
      `{"key":"k@1","sections":[["labels",2],["pixels",3]],"sha256":"${hex([7, 8, 1, 2, 3])}","meta":{"n":2}}`,
      [7, 8, 1, 2, 3],
    );
    expect(readFileSync(path).equals(expected)).toBe(true);
    // The temporary file was renamed away: only a.bin is left.
    expect(readdirSync(join(tmp, 'nested', 'deeper'))).toEqual(['a.bin']);
  });

  it('readCache returns the meta and each section from a hand-assembled file', async () => {
    const path = join(tmp, 'b.bin');
    const payload = [10, 20, 30, 40];
    writeFileSync(path, handFile(`{"key":"b","sections":[["x",1],["y",3]],"sha256":"${hex(payload)}","meta":["m"]}`, payload));
    const r = await readCache<string[]>(path, 'b');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.content.meta).toEqual(['m']);
    expect(Object.keys(r.content.sections)).toEqual(['x', 'y']);
    expect(Array.from(r.content.sections.x!)).toEqual([10]);
    expect(Array.from(r.content.sections.y!)).toEqual([20, 30, 40]);
  });

  it('a header that fills the file exactly, with an empty payload, is read', async () => {
    const path = join(tmp, 'exact.bin');
    writeFileSync(path, handFile(`{"key":"e","sections":[],"sha256":"${hex([])}","meta":0}`, []));
    expect(await readCache(path, 'e')).toEqual({ ok: true, content: { meta: 0, sections: {} } });
  });

  it('names why a file is refused: missing, bad magic, truncated or unreadable header, stale, short payload, checksum', async () => {
    const at = (name: string, bytes: Buffer) => {
      const p = join(tmp, name);
      writeFileSync(p, bytes);
      return p;
    };
    const good = `{"key":"k","sections":[["x",3]],"sha256":"${hex([1, 2, 3])}","meta":null}`;
    expect(await readCache(join(tmp, 'none.bin'), 'k')).toEqual({ ok: false, reason: 'missing' });
    // 11 bytes: too short for magic + length, even though the magic is there.
    expect(await readCache(at('short.bin', Buffer.from('CTRDSET1\0\0\0', 'latin1')), 'k')).toEqual({ ok: false, reason: 'bad magic' });
    expect(await readCache(at('magic.bin', handFile(good, [1, 2, 3], 'CTRDSET2')), 'k')).toEqual({ ok: false, reason: 'bad magic' });
    // 12 bytes with H = 0: past the magic check, the empty header is not JSON.
    expect(await readCache(at('h0.bin', handFile('', [])), 'k')).toEqual({ ok: false, reason: 'unreadable header' });
    expect(await readCache(at('json.bin', handFile('{"key":', [])), 'k')).toEqual({ ok: false, reason: 'unreadable header' });
    // The header length says one byte more than the file holds.
    const truncated = handFile(good, []).subarray(0, -1);
    expect(await readCache(at('trunc.bin', truncated), 'k')).toEqual({ ok: false, reason: 'truncated header' });
    expect(await readCache(at('stale.bin', handFile(good, [1, 2, 3])), 'other')).toEqual({
      ok: false,
      reason: 'stale (cache key "k", want "other")',
    });
    expect(await readCache(at('pay.bin', handFile(good, [1, 2])), 'k')).toEqual({ ok: false, reason: 'payload is 2 bytes, header says 3' });
    expect(await readCache(at('long.bin', handFile(good, [1, 2, 3, 4])), 'k')).toEqual({
      ok: false,
      reason: 'payload is 4 bytes, header says 3',
    });
    expect(await readCache(at('sum.bin', handFile(good, [1, 2, 4])), 'k')).toEqual({ ok: false, reason: 'checksum mismatch' });
    expect(await readCache(at('ok.bin', handFile(good, [1, 2, 3])), 'k')).toMatchObject({ ok: true });
  });

  it('a failed write throws, removes its temporary file and leaves the old file whole', async () => {
    const dir = join(tmp, 'fail');
    mkdirSync(dir);
    // The target is a non-empty folder, so the final rename fails after the temporary file is written.
    const path = join(dir, 'c.bin');
    mkdirSync(path);
    writeFileSync(join(path, 'keep'), 'x');
    await expect(writeCache(path, 'k', { meta: 1, sections: { x: Uint8Array.from([1]) } })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['c.bin']);
    expect(readFileSync(join(path, 'keep'), 'utf8')).toBe('x');
    // A good write over an existing file replaces it.
    const file = join(dir, 'd.bin');
    await writeCache(file, 'k1', { meta: 1, sections: { x: Uint8Array.from([1]) } });
    await writeCache(file, 'k2', { meta: 2, sections: { x: Uint8Array.from([2, 2]) } });
    expect(await readCache(file, 'k2')).toMatchObject({ ok: true, content: { meta: 2 } });
    expect(readdirSync(dir).sort()).toEqual(['c.bin', 'd.bin']);
  });
});
