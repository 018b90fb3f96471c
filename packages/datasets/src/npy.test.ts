import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadNpy, loadNpyDataset } from './files';
import { npyDataset, parseNpy } from './npy';

// Fixtures written by NumPy itself: scripts/make_npy_fixtures.py.
const dir = join(import.meta.dirname, 'test-fixtures', 'npy');
const fixture = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
const X = [0.5, -1.25, 3.0, 1e-3, 2.5, -7.0, 100.0, 0.0, 0.25];

/** A .npy v1 file written here, by the format spec (NEP 1), independent of the parser. */
function npy(descr: string, shape: number[], body: Uint8Array, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'; // total header a multiple of 64
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

describe('parseNpy', () => {
  it('reads NumPy-written arrays: <f4, <f8 (format 2.0), <i8, <i4, |u1, <u2, <i2, |b1', () => {
    const f4 = parseNpy(fixture('x_f4.npy'));
    expect(f4.dtype).toBe('<f4');
    expect(f4.shape).toEqual([3, 3]);
    expect(f4.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f4.data)).toEqual(Array.from(Float32Array.from(X)));
    const f8 = parseNpy(fixture('x_f8_v2.npy'));
    expect([f8.dtype, f8.shape, Array.from(f8.data)]).toEqual(['<f8', [3, 3], X]);
    expect(Array.from(parseNpy(fixture('y_i8.npy')).data)).toEqual([2, 0, 1]);
    expect(parseNpy(fixture('y_i4.npy')).data).toEqual(Int32Array.from([2, 0, 1]));
    const img = parseNpy(fixture('img_u1.npy'));
    expect([img.dtype, img.shape]).toEqual(['|u1', [2, 2, 3, 1]]);
    expect(Array.from(img.data)).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
    expect(parseNpy(fixture('u2.npy')).data).toEqual(Uint16Array.from([1, 65535]));
    expect(parseNpy(fixture('i2.npy')).data).toEqual(Int16Array.from([-3, 300]));
    expect(Array.from(parseNpy(fixture('b1.npy')).data)).toEqual([1, 0, 1]);
  });

  it('reads bytes at any offset of a larger buffer (unaligned data is copied)', () => {
    const bytes = fixture('x_f4.npy');
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(Array.from(parseNpy(padded.subarray(3)).data)).toEqual(Array.from(Float32Array.from(X)));
    expect(parseNpy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).shape).toEqual([3, 3]);
  });

  it('rejects what it cannot read, naming the source and the reason', () => {
    const src = { source: 'a.npy' };
    expect(() => parseNpy(fixture('fortran.npy'), src)).toThrow(/parseNpy: a\.npy header: is in Fortran order/);
    expect(() => parseNpy(fixture('big_endian.npy'), src)).toThrow(/has dtype '>f4' \(big-endian/);
    expect(() => parseNpy(fixture('unicode.npy'), src)).toThrow(/has dtype '<U2'; supported: \|u1/);
    expect(() => parseNpy(fixture('complex.npy'), src)).toThrow(/has dtype '<c16'/);
    expect(() => parseNpy(new TextEncoder().encode('x,y\n1,2\n'), src)).toThrow(/a\.npy: not a \.npy file/);
    const full = fixture('x_f4.npy');
    expect(() => parseNpy(full.subarray(0, full.length - 4), src)).toThrow(
      /a\.npy data: holds 32 bytes but shape \(3, 3\) of <f4 needs 36 \(truncated or corrupt file\)/,
    );
    expect(() => parseNpy(full.subarray(0, 40), src)).toThrow(/a\.npy header: declares/);
    const huge = new BigInt64Array([2n ** 60n]);
    expect(() => parseNpy(npy('<i8', [1], new Uint8Array(huge.buffer)), src)).toThrow(
      /element 0: 1152921504606846976 does not fit a float64 exactly/,
    );
  });

  it('agrees with a file written here from the spec (1-d shape, 0-d shape)', () => {
    const body = new Uint8Array(Float64Array.from([1.5, -2]).buffer);
    expect(parseNpy(npy('<f8', [2], body))).toEqual({ dtype: '<f8', shape: [2], data: Float64Array.from([1.5, -2]) });
    expect(parseNpy(npy('<f8', [], body.subarray(0, 8))).shape).toEqual([]);
    expect(() => parseNpy(npy('<f8', [2], body, true))).toThrow(/Fortran order/);
  });
});

describe('npyDataset / loadNpyDataset', () => {
  it('uint8 images from .npy come back in [0, 1]; float features as saved; labels from int64', async () => {
    const labels = npy('<i4', [2], new Uint8Array(Int32Array.from([1, 0]).buffer));
    const imgs = npyDataset(fixture('img_u1.npy'), labels, { name: 'imgs' });
    expect([imgs.length, imgs.shape, imgs.numClasses]).toEqual([2, [2, 3, 1], 2]);
    const b = imgs.get([1]);
    expect(b.x.shape).toEqual([1, 2, 3, 1]);
    Array.from(b.x.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(((6 + i) * 20) / 255, 7));
    expect(Array.from(b.labels.dataSync())).toEqual([0]);
    tf.dispose(b);
    const feats = await loadNpyDataset({ x: join(dir, 'x_f8_v2.npy'), labels: join(dir, 'y_i8.npy') });
    expect([feats.name, feats.length, feats.shape, feats.numClasses]).toEqual(['x_f8_v2.npy', 3, [3], 3]);
    const f = feats.get([2, 0]);
    expect(Array.from(f.x.dataSync())).toEqual([100, 0, 0.25, 0.5, -1.25, 3]);
    expect(Array.from(f.labels.dataSync())).toEqual([1, 2]);
    tf.dispose(f);
  });

  it('rejects non-integer labels, a label count that does not match, and missing files', async () => {
    expect(() => npyDataset(fixture('x_f4.npy'), fixture('y_f8.npy'))).toThrow(
      /npyDataset: 'labels\[2\]' must be a non-negative integer class, got 1\.5/,
    );
    expect(() => npyDataset(fixture('img_u1.npy'), fixture('y_i8.npy'))).toThrow(/expected 2, got 3/);
    expect(() => npyDataset(fixture('y_i8.npy'), fixture('y_i8.npy'))).toThrow(
      /npy \(x\): must have shape \[n, \.\.\.item shape\], got \(3\)/,
    );
    await expect(loadNpy(join(dir, 'nope.npy'))).rejects.toThrow(/loadNpy: .*nope\.npy: cannot be read: no such file/);
    await expect(loadNpy(join(dir, 'fortran.npy'))).rejects.toThrow(/fortran\.npy header: is in Fortran order/);
  });
});
