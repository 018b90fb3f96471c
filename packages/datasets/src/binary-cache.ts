import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * One compact binary file holding decoded dataset bytes, written atomically (temporary file +
 * rename) and validated on read. Layout: the 8-byte magic `CTRDSET1`, a little-endian uint32
 * header length H, H bytes of JSON header ({ key, sections, sha256, meta }), then the payload:
 * the named byte sections back to back. The SHA-256 of the payload guards against truncation
 * and corruption.
 */
const MAGIC = 'CTRDSET1';

export interface CacheContent<M> {
  meta: M;
  /** Byte sections by name, views into one buffer. */
  sections: Record<string, Uint8Array>;
}

interface Header<M> {
  key: string;
  sections: [name: string, bytes: number][];
  sha256: string;
  meta: M;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Reads a cache file; returns why it is unusable (missing, other key, corrupt) instead of throwing. */
export async function readCache<M>(
  path: string,
  key: string,
): Promise<{ ok: true; content: CacheContent<M> } | { ok: false; reason: string }> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    return { ok: false, reason: 'missing' };
  }
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) return { ok: false, reason: 'bad magic' };
  const h = buf.readUInt32LE(8);
  if (12 + h > buf.length) return { ok: false, reason: 'truncated header' };
  let header: Header<M>;
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + h)) as Header<M>;
  } catch {
    return { ok: false, reason: 'unreadable header' };
  }
  if (header.key !== key) return { ok: false, reason: `stale (cache key ${JSON.stringify(header.key)}, want ${JSON.stringify(key)})` };
  const payload = new Uint8Array(buf.buffer, buf.byteOffset + 12 + h, buf.length - 12 - h);
  const total = header.sections.reduce((a, [, n]) => a + n, 0);
  if (payload.length !== total) return { ok: false, reason: `payload is ${payload.length} bytes, header says ${total}` };
  if (sha256(payload) !== header.sha256) return { ok: false, reason: 'checksum mismatch' };
  const sections: Record<string, Uint8Array> = {};
  let at = 0;
  for (const [name, n] of header.sections) {
    sections[name] = payload.subarray(at, at + n);
    at += n;
  }
  return { ok: true, content: { meta: header.meta, sections } };
}

/** Writes a cache file atomically: readers see the old file or the complete new one, never a half-written one. */
export async function writeCache<M>(path: string, key: string, content: CacheContent<M>): Promise<void> {
  const names = Object.keys(content.sections);
  const parts = names.map((n) => content.sections[n]!);
  const payload = Buffer.concat(parts);
  const header: Header<M> = { key, sections: names.map((n, i) => [n, parts[i]!.length]), sha256: sha256(payload), meta: content.meta };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, 8);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, Buffer.concat([head, json, payload]));
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
