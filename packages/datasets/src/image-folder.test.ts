import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { imageFolderDataset } from './image-folder';
import { imageDataset } from './images';
import { decodePng } from './png';
import { handPng, pngjsPng } from './test-fixtures/png-files';

const tmp = mkdtempSync(join(tmpdir(), 'contrastive-png-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('decodePng', () => {
  it('hand-built files: 16-bit grey keeps 16 bits; palette expands to RGB', () => {
    const g16 = decodePng(handPng(2, 1, 16, 0, [Uint8Array.from([0x12, 0x34, 0xff, 0xff])]));
    expect([g16.width, g16.height, g16.channels]).toEqual([2, 1, 1]);
    expect(g16.data).toEqual(Uint16Array.from([0x1234, 0xffff]));
    const pal = decodePng(handPng(2, 1, 8, 3, [Uint8Array.from([1, 0])], [10, 20, 30, 200, 100, 50]));
    expect([pal.channels, Array.from(pal.data)]).toEqual([3, [200, 100, 50, 10, 20, 30]]);
    const g1 = decodePng(handPng(8, 1, 1, 0, [Uint8Array.from([0b10100000])]));
    expect(Array.from(g1.data)).toEqual([255, 0, 255, 0, 0, 0, 0, 0]); // 1-bit grey scaled to 0/255
  });

  it('grey, grey + alpha, RGB and RGBA written by pngjs come back in their own channels', () => {
    const rgba = [10, 10, 10, 255, 200, 200, 200, 128];
    // (pngjs's encoder composites alpha away when writing types 0 and 2, so those get opaque input.)
    expect(Array.from(decodePng(pngjsPng(2, 1, [10, 10, 10, 255, 200, 200, 200, 255], 0)).data)).toEqual([10, 200]);
    expect(Array.from(decodePng(pngjsPng(2, 1, rgba, 4)).data)).toEqual([10, 255, 200, 128]);
    const colour = [255, 0, 0, 255, 0, 0, 255, 64];
    const opaque = [255, 0, 0, 255, 0, 0, 255, 255];
    expect(decodePng(pngjsPng(2, 1, opaque, 2)).channels).toBe(3);
    expect(Array.from(decodePng(pngjsPng(2, 1, opaque, 2)).data)).toEqual([255, 0, 0, 0, 0, 255]);
    expect(Array.from(decodePng(pngjsPng(2, 1, colour, 6)).data)).toEqual(colour);
  });

  it('a corrupt file is an error naming it', () => {
    const good = pngjsPng(2, 1, [1, 2, 3, 255, 4, 5, 6, 255], 2);
    const bad = Uint8Array.from(good);
    bad[bad.length - 20] = bad[bad.length - 20]! ^ 0xff; // inside IDAT: CRC mismatch
    expect(() => decodePng(bad, { source: 'x.png' })).toThrow(/decodePng: x\.png: is not a valid PNG \(/);
    expect(() => decodePng(new TextEncoder().encode('hello'), { source: 'y.png' })).toThrow(/y\.png: is not a valid PNG/);
    expect(() => decodePng(good.subarray(0, 40), { source: 'z.png' })).toThrow(/z\.png: is not a valid PNG/);
  });
});

describe('imageFolderDataset', () => {
  const write = (path: string, bytes: Uint8Array) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, bytes);
  };

  it('one sub-folder per class (sorted), files sorted; grey stays uint8 [h, w, 1] in [0, 1]', async () => {
    const root = join(tmp, 'grey');
    // 2×2 grey images whose first pixel encodes (class, file).
    const img = (v: number) => pngjsPng(2, 2, [v, v, v, 255, 0, 0, 0, 255, 255, 255, 255, 255, 50, 50, 50, 255], 0);
    write(join(root, 'zebra', 'b.png'), img(30));
    write(join(root, 'zebra', 'a.png'), img(20));
    write(join(root, 'apple', '01.png'), img(10));
    write(join(root, 'apple', 'notes.txt'), new TextEncoder().encode('ignored'));
    write(join(root, '.hidden', 'x.png'), img(99));
    const before = tf.memory().numTensors;
    const ds = await imageFolderDataset(root);
    expect([ds.length, ds.shape, ds.numClasses, ds.classNames, ds.name]).toEqual([3, [2, 2, 1], 2, ['apple', 'zebra'], root]);
    expect(ds.files).toEqual([join(root, 'apple', '01.png'), join(root, 'zebra', 'a.png'), join(root, 'zebra', 'b.png')]);
    const b = ds.get([0, 1, 2]);
    const v = b.x.dataSync();
    expect([0, 4, 8].map((i) => Math.round(v[i]! * 255))).toEqual([10, 20, 30]);
    expect(v[6]).toBeCloseTo(1, 7);
    expect(Array.from(b.labels.dataSync())).toEqual([0, 1, 1]);
    tf.dispose(b);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('mixed grey / RGB / RGBA / 16-bit: auto gives RGB floats; channels 1 uses BT.601 luma', async () => {
    const root = join(tmp, 'mixed');
    write(join(root, 'a', 'grey.png'), pngjsPng(1, 1, [100, 100, 100, 255], 0));
    write(join(root, 'a', 'rgb.png'), pngjsPng(1, 1, [255, 0, 0, 255], 2));
    write(join(root, 'b', 'rgba.png'), pngjsPng(1, 1, [0, 255, 0, 10], 6));
    write(join(root, 'b', 'sixteen.png'), handPng(1, 1, 16, 0, [Uint8Array.from([0x80, 0x00])]));
    const rgb = await imageFolderDataset(root);
    expect(rgb.shape).toEqual([1, 1, 3]);
    const b = rgb.get([0, 1, 2, 3]);
    const expected = [100 / 255, 100 / 255, 100 / 255, 1, 0, 0, 0, 1, 0, 0x8000 / 65535, 0x8000 / 65535, 0x8000 / 65535];
    Array.from(b.x.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 6));
    tf.dispose(b);
    const grey = await imageFolderDataset(root, { channels: 1 });
    const g = grey.get([1, 2]);
    const [red, green] = Array.from(g.x.dataSync());
    expect(red).toBeCloseTo(0.299, 6);
    expect(green).toBeCloseTo(0.587, 6);
    tf.dispose(g);
    const withAlpha = await imageFolderDataset(root, { channels: 4 });
    const a = withAlpha.get([2, 0]);
    const av = Array.from(a.x.dataSync());
    expect(av[3]).toBeCloseTo(10 / 255, 6); // the drawn alpha
    expect(av[7]).toBe(1); // opaque where the file has no alpha
    tf.dispose(a);
  });

  it('odd sizes, corrupt files, empty classes and missing folders name the file; nothing is half-loaded', async () => {
    const root = join(tmp, 'bad');
    write(join(root, 'a', '1.png'), pngjsPng(2, 1, [0, 0, 0, 255, 0, 0, 0, 255], 0));
    write(join(root, 'a', '2.png'), pngjsPng(1, 2, [0, 0, 0, 255, 0, 0, 0, 255], 0));
    await expect(imageFolderDataset(root)).rejects.toThrow(
      new RegExp(`imageFolderDataset: .*2\\.png: is 1×2 but .*1\\.png is 2×1; all images must share one size`),
    );
    write(join(root, 'a', '2.png'), readFileSync(join(root, 'a', '1.png')).subarray(0, 30));
    await expect(imageFolderDataset(root)).rejects.toThrow(/2\.png: is not a valid PNG/);
    rmSync(join(root, 'a', '2.png'));
    mkdirSync(join(root, 'b'));
    await expect(imageFolderDataset(root)).rejects.toThrow(/class 'b' has no \.png images/);
    await expect(imageFolderDataset(join(tmp, 'nowhere'))).rejects.toThrow(/nowhere: cannot be read as a folder \(ENOENT\)/);
    await expect(imageFolderDataset(join(root, 'a'))).rejects.toThrow(/has no class sub-folders/);
  });
});

describe('imageDataset', () => {
  it('stacks decoded images with their labels (browser path: pixels from a canvas)', () => {
    const ds = imageDataset(
      [
        { width: 1, height: 1, channels: 4, data: Uint8Array.from([255, 255, 255, 255]) },
        { width: 1, height: 1, channels: 4, data: Uint8Array.from([0, 0, 0, 255]) },
      ],
      [1, 0],
    );
    expect(ds.shape).toEqual([1, 1, 3]);
    const b = ds.get([0, 1]);
    expect(Array.from(b.x.dataSync())).toEqual([1, 1, 1, 0, 0, 0]);
    tf.dispose(b);
    expect(() => imageDataset([], [])).toThrow(/no images/);
    expect(() => imageDataset([{ width: 1, height: 1, channels: 1, data: new Uint8Array(1) }], [0, 1])).toThrow(/expected 1, got 2/);
  });
});
