// stackImages' channel rules (images.ts) on hand-made pixels, each output value written out:
// grey → colour repeats the grey value, colour → grey is BT.601 luma (0.299, 0.587, 0.114,
// ITU-R BT.601; as tf.image.rgbToGrayscale), alpha kept only for 4 channels (opaque when absent),
// 8-bit input stays bytes (scale 1/255) unless luma is needed, 16-bit is divided by 65535.
// Plus decodePng's alpha from a tRNS chunk and imageFolderDataset's options and file filter.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { imageFolderDataset } from './image-folder';
import { type DecodedImage, imageDataset, stackImages } from './images';
import { decodePng } from './png';
import { handPng, pngjsPng } from './test-fixtures/png-files';

const tmp = mkdtempSync(join(tmpdir(), 'contrastive-images-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A 3 × 1 image (width 3, height 1) of the given channels and samples. */
const img = (channels: DecodedImage['channels'], data: number[], source?: string, sixteen = false): DecodedImage => ({
  width: 3,
  height: 1,
  channels,
  data: sixteen ? Uint16Array.from(data) : Uint8Array.from(data),
  ...(source === undefined ? {} : { source }),
});
const grey = img(1, [0, 51, 255]);
const greyAlpha = img(2, [10, 0, 20, 100, 30, 255]);
const rgb = img(3, [255, 0, 0, 0, 255, 0, 0, 0, 255]);
const rgba = img(4, [255, 0, 0, 7, 0, 255, 0, 8, 0, 0, 255, 9]);
const f32 = (values: number[]) => Array.from(Float32Array.from(values));

describe('stackImages', () => {
  it('grey 8-bit stays bytes: [n, height, width, 1], scale 1/255; alpha of grey + alpha dropped', () => {
    const s = stackImages('op', [grey, greyAlpha], 'auto');
    expect(s.shape).toEqual([1, 3, 1]);
    expect(s.scale).toBe(1 / 255);
    expect(s.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(s.data)).toEqual([0, 51, 255, 10, 20, 30]);
    expect(Array.from(stackImages('op', [greyAlpha], 1).data)).toEqual([10, 20, 30]);
  });

  it("colour makes 'auto' RGB; grey repeats into R, G, B; alpha dropped", () => {
    const s = stackImages('op', [grey, greyAlpha, rgba], 'auto');
    expect([s.shape, s.scale, s.data.constructor.name]).toEqual([[1, 3, 3], 1 / 255, 'Uint8Array']);
    expect(Array.from(s.data)).toEqual([
      ...[0, 0, 0, 51, 51, 51, 255, 255, 255],
      ...[10, 10, 10, 20, 20, 20, 30, 30, 30],
      ...[255, 0, 0, 0, 255, 0, 0, 0, 255],
    ]);
  });

  it('4 channels keep the alpha sample, 255 where there is none', () => {
    const s = stackImages('op', [grey, greyAlpha, rgb, rgba], 4);
    expect([s.shape, s.scale]).toEqual([[1, 3, 4], 1 / 255]);
    expect(Array.from(s.data)).toEqual([
      ...[0, 0, 0, 255, 51, 51, 51, 255, 255, 255, 255, 255],
      ...[10, 10, 10, 0, 20, 20, 20, 100, 30, 30, 30, 255],
      ...[255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255],
      ...[255, 0, 0, 7, 0, 255, 0, 8, 0, 0, 255, 9],
    ]);
  });

  it('colour to 1 channel: BT.601 luma in floats (scale 1), grey samples / 255', () => {
    const s = stackImages('op', [rgb, rgba, grey], 1);
    expect([s.shape, s.scale, s.data.constructor.name]).toEqual([[1, 3, 1], 1, 'Float32Array']);
    expect(Array.from(s.data)).toEqual(f32([0.299, 0.587, 0.114, 0.299, 0.587, 0.114, 0, 51 / 255, 1]));
    // Mixed colours: (0.299·10 + 0.587·20 + 0.114·40) / 255.
    const mix = stackImages('op', [img(3, [10, 20, 40, 0, 0, 0, 255, 255, 255])], 1);
    expect(Array.from(mix.data)).toEqual(f32([(0.299 * 10 + 0.587 * 20 + 0.114 * 40) / 255, 0, (0.299 + 0.587 + 0.114) * 1]));
  });

  it('16-bit samples are divided by 65535 (8-bit ones of the same batch by 255); opaque alpha is 1', () => {
    const g16 = img(1, [0, 32768, 65535], 'g16', true);
    const s = stackImages('op', [g16, grey], 'auto');
    expect([s.shape, s.scale, s.data.constructor.name]).toEqual([[1, 3, 1], 1, 'Float32Array']);
    expect(Array.from(s.data)).toEqual(f32([0, 32768 / 65535, 1, 0, 51 / 255, 1]));
    const c4 = stackImages('op', [img(2, [65535, 0, 0, 65535, 13107, 32768], 'ga16', true), rgb], 4);
    expect(Array.from(c4.data)).toEqual(f32([1, 1, 1, 0, 0, 0, 0, 1, 0.2, 0.2, 0.2, 32768 / 65535, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1]));
  });

  it('refuses no images and images of another size, naming both files (or their places)', () => {
    expect(() => stackImages('op', [], 'auto')).toThrow('op: images: no images');
    const tall: DecodedImage = { width: 1, height: 3, channels: 1, data: new Uint8Array(3) };
    expect(() => stackImages('op', [img(1, [0, 0, 0], 'a.png'), { ...tall, source: 'b.png' }], 1)).toThrow(
      'op: b.png: is 1×3 but a.png is 3×1; all images must share one size',
    );
    expect(() => stackImages('op', [grey, tall], 1)).toThrow(
      'op: image: is 1×3 but the first image is 3×1; all images must share one size',
    );
    // Same width, other height.
    expect(() => stackImages('op', [grey, { ...tall, width: 3, data: new Uint8Array(9) }], 1)).toThrow(
      'op: image: is 3×3 but the first image is 3×1',
    );
  });
});

describe('imageDataset', () => {
  it('name images by default; numClasses and classNames checked; pixels read back in [0, 1]', () => {
    const ds = imageDataset([grey, grey], [0, 2]);
    expect([ds.name, ds.length, ds.shape, ds.numClasses, ds.classNames]).toEqual(['images', 2, [1, 3, 1], 3, undefined]);
    const b = ds.get([1]);
    expect(Array.from(b.x.dataSync())).toEqual(f32([0, 0.2, 1]));
    tf.dispose(b);
    const named = imageDataset([rgb], [0], { name: 'n', channels: 1, numClasses: 2, classNames: ['a', 'b'] });
    expect([named.name, named.shape, named.numClasses, named.classNames]).toEqual(['n', [1, 3, 1], 2, ['a', 'b']]);
    expect(() => imageDataset([rgb], [0], { classNames: ['a', 'b'] })).toThrow(
      "imageDataset: 'classNames' must name each of the 1 classes, got 2 names",
    );
    expect(() => imageDataset([rgb], [0], { channels: 2 } as never)).toThrow(/imageDataset: invalid argument 'options\.channels'/);
  });
});

describe('decodePng: alpha from tRNS, 16-bit colour', () => {
  it('grey with a transparent grey value is grey + alpha; a palette with alpha entries is RGBA', () => {
    // 8-bit grey, tRNS marks sample 50 transparent (PNG spec 11.3.2.1: a 2-byte grey value).
    const g = decodePng(handPng(3, 1, 8, 0, [Uint8Array.from([50, 60, 50])], undefined, [0, 50]));
    // Alpha 0 where the sample is 50. (pngjs also zeroes the grey sample of those pixels, where
    // PIL, and so torchvision's ImageFolder, keeps 50: only the alpha and the opaque pixel are
    // asserted here.)
    expect(g.channels).toBe(2);
    expect([g.data[1], g.data[3], g.data[5], g.data[2]]).toEqual([0, 255, 0, 60]);
    // Palette entry 0 has alpha 128, entry 1 none listed (opaque).
    const p = decodePng(handPng(2, 1, 8, 3, [Uint8Array.from([0, 1])], [1, 2, 3, 4, 5, 6], [128]));
    expect([p.channels, Array.from(p.data)]).toEqual([4, [1, 2, 3, 128, 4, 5, 6, 255]]);
  });

  it('16-bit RGB keeps 16 bits per sample; the default source is png', () => {
    const c = decodePng(handPng(1, 1, 16, 2, [Uint8Array.from([0x01, 0x02, 0x80, 0x00, 0xff, 0xfe])]));
    expect([c.channels, c.data.constructor.name, Array.from(c.data), c.source]).toEqual([
      3,
      'Uint16Array',
      [0x0102, 0x8000, 0xfffe],
      'png',
    ]);
    expect(() => decodePng(Uint8Array.from([1, 2, 3]))).toThrow(/^decodePng: png: is not a valid PNG \(/);
  });
});

describe('imageFolderDataset: options and file filter', () => {
  it('name option; .PNG in any case; folders and hidden files inside a class ignored', async () => {
    const root = join(tmp, 'filter');
    const px = (v: number) => pngjsPng(1, 1, [v, v, v, 255], 0);
    mkdirSync(join(root, 'c', 'nested.png'), { recursive: true });
    writeFileSync(join(root, 'c', 'UPPER.PNG'), px(40));
    writeFileSync(join(root, 'c', '.hidden.png'), px(1));
    writeFileSync(join(root, 'c', 'notes.png.txt'), 'x');
    writeFileSync(join(root, 'loose.png'), px(2)); // a file at the root is not a class
    const ds = await imageFolderDataset(root, { name: 'mine' });
    expect([ds.name, ds.length, ds.classNames, ds.files]).toEqual(['mine', 1, ['c'], [join(root, 'c', 'UPPER.PNG')]]);
    const b = ds.get([0]);
    expect(Array.from(b.x.dataSync())).toEqual(f32([40 / 255]));
    tf.dispose(b);
    const rgbDs = await imageFolderDataset(root, { channels: 3 });
    expect(rgbDs.shape).toEqual([1, 1, 3]);
    await expect(imageFolderDataset(root, { channels: 2 } as never)).rejects.toThrow(
      /imageFolderDataset: invalid argument 'options\.channels'/,
    );
  });

  it('a folder given as the root that is a file, and a class folder without images, are named', async () => {
    const file = join(tmp, 'plain.txt');
    writeFileSync(file, 'x');
    await expect(imageFolderDataset(file)).rejects.toThrow(`imageFolderDataset: ${file}: cannot be read as a folder (ENOTDIR)`);
    const root = join(tmp, 'empty-class');
    mkdirSync(join(root, 'k', 'sub.png'), { recursive: true });
    await expect(imageFolderDataset(root)).rejects.toThrow(`imageFolderDataset: ${join(root, 'k')}: class 'k' has no .png images`);
    const none = join(tmp, 'no-classes');
    mkdirSync(join(none, '.git'), { recursive: true });
    await expect(imageFolderDataset(none)).rejects.toThrow(
      `imageFolderDataset: ${none}: has no class sub-folders (expected root/<class>/<image>.png)`,
    );
  });
});
