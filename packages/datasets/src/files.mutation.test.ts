// The Node file loaders (files.ts) on files written here: what names the dataset (the path, the
// file name, or the caller's option), and the reason a file cannot be read, in words.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCsvDataset, loadNpy, loadNpyDataset } from './files';

const tmp = mkdtempSync(join(tmpdir(), 'contrastive-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A v1 .npy of `|u1` bytes with the given shape text (format spec, NEP 1). */
function npyBytes(shape: string, data: number[]): Uint8Array {
  const header = `{'descr': '|u1', 'fortran_order': False, 'shape': ${shape}, }\n`;
  return Uint8Array.from([
    0x93,
    0x4e,
    0x55,
    0x4d,
    0x50,
    0x59,
    1,
    0,
    header.length,
    0,
    ...Array.from(header, (c) => c.charCodeAt(0)),
    ...data,
  ]);
}

describe('file loaders', () => {
  it('loadCsvDataset: named by its path unless a source is given; a file inside a file is named with the system reason', async () => {
    const path = join(tmp, 'd.csv');
    writeFileSync(path, 'a,label\n1,0\n2,1\n');
    expect((await loadCsvDataset(path)).name).toBe(path);
    const named = await loadCsvDataset(path, { source: 'mine' });
    expect(named.name).toBe('mine');
    const b = named.get([1]);
    expect([Array.from(b.x.dataSync()), Array.from(b.labels.dataSync())]).toEqual([[2], [1]]);
    tf.dispose(b);
    const inside = join(path, 'x.csv');
    await expect(loadCsvDataset(inside)).rejects.toThrow(
      `loadCsvDataset: ${inside}: cannot be read: ENOTDIR: not a directory, open '${inside}'`,
    );
    await expect(loadCsvDataset(tmp)).rejects.toThrow(`loadCsvDataset: ${tmp}: cannot be read: is a directory, not a file`);
  });

  it('loadNpy reads the bytes of the file; loadNpyDataset is named by the x file name unless a name is given', async () => {
    const x = join(tmp, 'images.npy');
    const y = join(tmp, 'labels.npy');
    writeFileSync(x, npyBytes('(2, 1)', [51, 102]));
    writeFileSync(y, npyBytes('(2,)', [1, 0]));
    expect(await loadNpy(x)).toEqual({ dtype: '|u1', shape: [2, 1], data: Uint8Array.from([51, 102]) });
    const ds = await loadNpyDataset({ x, labels: y });
    expect([ds.name, ds.length, ds.shape, ds.numClasses]).toEqual(['images.npy', 2, [1], 2]);
    const b = ds.get([0, 1]);
    expect([Array.from(b.x.dataSync()), Array.from(b.labels.dataSync())]).toEqual([Array.from(Float32Array.from([0.2, 0.4])), [1, 0]]);
    tf.dispose(b);
    expect((await loadNpyDataset({ x, labels: y }, { name: 'set' })).name).toBe('set');
    // Each file's own errors name it.
    writeFileSync(y, npyBytes('(3,)', [1, 0]));
    await expect(loadNpyDataset({ x, labels: y })).rejects.toThrow(`parseNpy: ${y} data: holds 2 bytes but shape (3) of |u1 needs 3`);
    await expect(loadNpyDataset({ x: join(tmp, 'none.npy'), labels: y })).rejects.toThrow(
      `loadNpy: ${join(tmp, 'none.npy')}: cannot be read: no such file`,
    );
  });
});
