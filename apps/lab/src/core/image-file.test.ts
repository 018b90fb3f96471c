import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { syntheticImageBytes, syntheticImageFile } from '../../test/fixtures/synthetic-images';
import { crc32, decodeImageFile, encodeImageFile, IMAGE_FILE_MAGIC, IMAGE_FILE_VERSION, imageDatasets } from './image-file';

describe('crc32', () => {
  it('matches the standard check values (CRC-32/ISO-HDLC, as zlib and PNG)', () => {
    // The catalogue's check value for "123456789" (Williams' "A painless guide to CRC", reveng's CRC-32/ISO-HDLC).
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    // zlib.crc32(b'The quick brown fox jumps over the lazy dog') == 0x414fa339
    expect(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });
});

describe('the lab image file', () => {
  it('round-trips: header (magic, version, metadata length, CRC-32 of the rest), metadata, pixels and labels', () => {
    const file = syntheticImageFile(8, 4);
    const bytes = encodeImageFile(file);
    const view = new DataView(bytes.buffer);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe(IMAGE_FILE_MAGIC);
    expect(view.getUint16(4, true)).toBe(IMAGE_FILE_VERSION);
    const metaLength = view.getUint32(8, true);
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + metaLength)))).toEqual(file.meta);
    expect(view.getUint32(12, true)).toBe(crc32(bytes.subarray(16)));
    expect(bytes.length).toBe(16 + metaLength + 12 * 144 + 12);
    const back = decodeImageFile(bytes);
    expect(back.meta).toEqual(file.meta);
    expect(back.train.pixels).toEqual(file.train.pixels);
    expect(back.train.labels).toEqual(file.train.labels);
    expect(back.test.pixels).toEqual(file.test.pixels);
    expect(back.test.labels).toEqual(file.test.labels);
  });

  it('refuses a corrupt file, naming the file and what was expected', () => {
    const good = syntheticImageBytes(8, 4);
    const flipped = good.slice();
    flipped[flipped.length - 100]! ^= 0x10;
    expect(() => decodeImageFile(flipped, 'subset.bin')).toThrow(/subset\.bin: checksum.*CRC-32 0x[0-9a-f]{8}.*the file is corrupt/);
    expect(() => decodeImageFile(good.subarray(0, good.length - 1), 'subset.bin')).toThrow(
      /subset\.bin: length.*bytes for 8 \+ 4 images of 12×12×1/,
    );
    expect(() => decodeImageFile(good.subarray(0, 10), 'subset.bin')).toThrow(/subset\.bin: length.*at least 16 bytes/);
    const magic = good.slice();
    magic[0] = 0x50;
    expect(() => decodeImageFile(magic, 'subset.bin')).toThrow(/subset\.bin: magic.*'CLIM'/);
    const version = good.slice();
    version[4] = 9;
    expect(() => decodeImageFile(version, 'subset.bin')).toThrow(/subset\.bin: version.*expected 1/);
    const meta = good.slice();
    meta[16] = 0x20; // '{' → ' ': no longer a JSON object
    expect(() => decodeImageFile(meta, 'subset.bin')).toThrow(/subset\.bin: metadata/);
    const long = good.slice();
    new DataView(long.buffer).setUint32(8, 1e9, true);
    expect(() => decodeImageFile(long, 'subset.bin')).toThrow(/metadata length/);
  });

  it('refuses to encode inconsistent splits', () => {
    const file = syntheticImageFile(8, 4);
    expect(() => encodeImageFile({ ...file, train: { ...file.train, labels: file.train.labels.map(() => 4) } })).toThrow(
      /train\.labels\[0\].*below 4/,
    );
    expect(() => encodeImageFile({ ...file, test: { ...file.test, pixels: file.test.pixels.subarray(1) } })).toThrow(
      /test\.pixels.*4·144 = 576 bytes/,
    );
    expect(() => encodeImageFile({ ...file, meta: { ...file.meta, shape: [12, 12] as never } })).toThrow(/meta/);
  });

  it('gives @contrastive/datasets datasets: pixels / 255 in [n, h, w, c], labels, class names', () => {
    const file = syntheticImageFile(8, 4);
    const { train, test } = imageDatasets(file);
    expect([train.length, test.length]).toEqual([8, 4]);
    expect(train.shape).toEqual([12, 12, 1]);
    expect(train.classNames).toEqual(['top', 'middle', 'left', 'right']);
    const before = tf.memory().numTensors;
    const b = train.get([5, 2]);
    expect(b.x.shape).toEqual([2, 12, 12, 1]);
    const x = b.x.dataSync();
    for (let i = 0; i < 144; i++) expect(x[i]).toBeCloseTo(file.train.pixels[5 * 144 + i]! / 255, 6);
    expect(Array.from(b.labels.dataSync())).toEqual([1, 2]);
    tf.dispose([b.x, b.labels]);
    train.dispose();
    test.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
