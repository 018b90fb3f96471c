// parseNpy on files assembled here byte by byte from the format spec (NEP 1 / numpy.lib.format):
// magic \x93NUMPY, major and minor version, header length (uint16 LE in 1.0, uint32 LE in 2.0 and
// 3.0), an ASCII (latin-1; UTF-8 in 3.0) Python dict literal, then the raw little-endian data.
// Expected values are written out by hand; each refusal is checked with its whole message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNpy } from './files';
import { npyDataset, parseNpy } from './npy';

const tmp = mkdtempSync(join(tmpdir(), 'contrastive-npy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A .npy file: `header` is the dict text as written (no padding added), `data` the raw bytes. */
function file(header: string, data: number[], major = 1): Uint8Array {
  const h = major === 3 ? new TextEncoder().encode(header) : Uint8Array.from(header, (ch) => ch.charCodeAt(0));
  const len = h.length;
  const lenBytes = major === 1 ? [len & 0xff, len >> 8] : [len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, len >>> 24];
  return Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0, ...lenBytes, ...h, ...data]);
}
const dict = (descr: string, shape: string, fortran = 'False') =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;
/** Parses and returns [dtype, shape, values, typed-array class name]. */
const read = (bytes: Uint8Array) => {
  const a = parseNpy(bytes);
  return [a.dtype, a.shape, Array.from(a.data), a.data.constructor.name];
};

describe('parseNpy: every dtype from hand-written bytes', () => {
  it('bytes, bools and 16/32-bit integers in their own typed arrays, little-endian', () => {
    expect(read(file(dict('|u1', '(3,)'), [0, 128, 255]))).toEqual(['|u1', [3], [0, 128, 255], 'Uint8Array']);
    // '<u1' and '<i1' are the same dtypes as '|u1' and '|i1' (a byte has no byte order).
    expect(read(file(dict('<u1', '(2,)'), [7, 200]))).toEqual(['|u1', [2], [7, 200], 'Uint8Array']);
    expect(read(file(dict('|i1', '(3,)'), [0x80, 0xff, 0x7f]))).toEqual(['|i1', [3], [-128, -1, 127], 'Int8Array']);
    expect(read(file(dict('<i1', '(1,)'), [0xfe]))).toEqual(['|i1', [1], [-2], 'Int8Array']);
    // Any non-zero byte is True.
    expect(read(file(dict('|b1', '(4,)'), [0, 1, 2, 255]))).toEqual(['|b1', [4], [0, 1, 1, 1], 'Uint8Array']);
    expect(read(file(dict('<u2', '(2,)'), [0x34, 0x12, 0xff, 0xff]))).toEqual(['<u2', [2], [0x1234, 65535], 'Uint16Array']);
    expect(read(file(dict('<i2', '(2,)'), [0xfe, 0xff, 0x00, 0x80]))).toEqual(['<i2', [2], [-2, -32768], 'Int16Array']);
    expect(read(file(dict('<u4', '(2,)'), [0x78, 0x56, 0x34, 0x12, 0xff, 0xff, 0xff, 0xff]))).toEqual([
      '<u4',
      [2],
      [0x12345678, 4294967295],
      'Uint32Array',
    ]);
    expect(read(file(dict('<i4', '(1,)'), [0xff, 0xff, 0xff, 0xff]))).toEqual(['<i4', [1], [-1], 'Int32Array']);
  });

  it('floats, and 64-bit integers as exact float64 up to ±(2^53 − 1)', () => {
    // 1.5 = 0x3FC00000 (float32), -2 = 0xC000000000000000 (float64).
    expect(read(file(dict('<f4', '(1,)'), [0x00, 0x00, 0xc0, 0x3f]))).toEqual(['<f4', [1], [1.5], 'Float32Array']);
    expect(read(file(dict('<f8', '(1,)'), [0, 0, 0, 0, 0, 0, 0x00, 0xc0]))).toEqual(['<f8', [1], [-2], 'Float64Array']);
    const max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00]; // 2^53 − 1
    const minus3 = [0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    expect(read(file(dict('<i8', '(2,)'), [...max, ...minus3]))).toEqual(['<i8', [2], [2 ** 53 - 1, -3], 'Float64Array']);
    expect(read(file(dict('<u8', '(1,)'), max))).toEqual(['<u8', [1], [2 ** 53 - 1], 'Float64Array']);
    // 0xFF…FF is −1 as <i8 but 2^64 − 1 as <u8 (beyond 2^53): refused, naming the element.
    const ones = Array<number>(8).fill(0xff);
    expect(read(file(dict('<i8', '(1,)'), ones))[2]).toEqual([-1]);
    expect(() => parseNpy(file(dict('<u8', '(2,)'), [...max, ...ones]), { source: 'u.npy' })).toThrow(
      'parseNpy: u.npy element 1: 18446744073709551615 does not fit a float64 exactly',
    );
    // 2^53 itself is refused (2^53 + 1 would round to it).
    expect(() => parseNpy(file(dict('<i8', '(1,)'), [0, 0, 0, 0, 0, 0, 0x20, 0]))).toThrow(
      'parseNpy: npy element 0: 9007199254740992 does not fit a float64 exactly',
    );
  });
});

describe('parseNpy: header forms', () => {
  it('versions 2.0 and 3.0 have a 4-byte header length; 3.0 is UTF-8', () => {
    expect(read(file(dict('|u1', '(2,)'), [1, 2], 2))).toEqual(['|u1', [2], [1, 2], 'Uint8Array']);
    // A UTF-8 field name (two bytes, one character) before the known keys.
    expect(read(file(`{'é': 1, 'descr': '|u1', 'fortran_order': False, 'shape': (1,), }\n`, [9], 3))).toEqual([
      '|u1',
      [1],
      [9],
      'Uint8Array',
    ]);
    // A 2.0 header longer than 65 535 bytes needs all four bytes of its length.
    const huge = dict('|u1', '(1,)').replace('}', `${' '.repeat(70_000)}}`);
    expect(read(file(huge, [5], 2))).toEqual(['|u1', [1], [5], 'Uint8Array']);
    // 3.0 headers are UTF-8 and 1.0 headers latin-1: an error quoting the header shows the characters.
    expect(() => parseNpy(file(`{'é': 1}`, [], 3))).toThrow(`parseNpy: npy header: is not a valid .npy header dictionary: {'é': 1}`);
    expect(() => parseNpy(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 3, 0, 0x7b, 0xe9, 0x7d]))).toThrow(
      'parseNpy: npy header: is not a valid .npy header dictionary: {é}',
    );
    // A header length of 0 in a 10-byte file: past the magic check, an empty dictionary.
    expect(() => parseNpy(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]))).toThrow(
      'parseNpy: npy header: is not a valid .npy header dictionary: ',
    );
    // A value that is not a word, a quoted string or a tuple is missing.
    const minus = `{'descr': '|u1', 'fortran_order': -1, 'shape': (1,), }`;
    expect(() => parseNpy(file(minus, [1]))).toThrow(`parseNpy: npy header: is not a valid .npy header dictionary: ${minus}`);
    // A header longer than 255 bytes needs both bytes of the 1.0 length.
    const long = dict('|u1', '(1,)').replace('}', `${' '.repeat(300)}}`);
    expect(read(file(long, [4]))).toEqual(['|u1', [1], [4], 'Uint8Array']);
  });

  it('double quotes, keys in any order, shapes without spaces, empty and 0-d shapes', () => {
    expect(read(file(`{"shape": (2,3), "fortran_order": False, "descr": "|u1"}`, [1, 2, 3, 4, 5, 6]))).toEqual([
      '|u1',
      [2, 3],
      [1, 2, 3, 4, 5, 6],
      'Uint8Array',
    ]);
    expect(read(file(`{'descr':'<i2','fortran_order':False,'shape':(1,)}`, [1, 1]))).toEqual(['<i2', [1], [257], 'Int16Array']);
    expect(read(file(`{'descr'  :  '<u2', 'fortran_order'  :  False, 'shape'  :  ( 1 , ) }`, [2, 0]))).toEqual([
      '<u2',
      [1],
      [2],
      'Uint16Array',
    ]);
    expect(read(file(dict('|u1', '(0, 4)'), []))).toEqual(['|u1', [0, 4], [], 'Uint8Array']);
    expect(read(file(dict('|u1', '()'), [42]))).toEqual(['|u1', [], [42], 'Uint8Array']);
  });

  it('refuses malformed files with the source, the place and the reason', () => {
    const o = { source: 'f.npy' };
    const ok = file(dict('|u1', '(1,)'), [1]);
    expect(() => parseNpy(ok.subarray(0, 9), o)).toThrow('parseNpy: f.npy: not a .npy file (missing the \\x93NUMPY magic)');
    for (const at of [0, 5]) {
      const bad = ok.slice();
      bad[at] = 0x20;
      expect(() => parseNpy(bad, o)).toThrow('parseNpy: f.npy: not a .npy file (missing the \\x93NUMPY magic)');
    }
    for (const [major, minor] of [
      [0, 0],
      [4, 1],
    ]) {
      const bad = ok.slice();
      bad[6] = major!;
      bad[7] = minor!;
      expect(() => parseNpy(bad, o)).toThrow(`parseNpy: f.npy: unsupported .npy format version ${major}.${minor}`);
    }
    // The header length reaches one byte past the end (the data is empty, so the header is cut).
    const cut = file(dict('|u1', '(0,)'), []);
    expect(() => parseNpy(cut.subarray(0, cut.length - 1), o)).toThrow(
      `parseNpy: f.npy header: declares ${cut.length - 10} header bytes but the file has ${cut.length - 11}`,
    );
    // …and exactly to the end is fine.
    expect(parseNpy(cut).shape).toEqual([0]);
    for (const header of [
      `{'fortran_order': False, 'shape': (1,), }`,
      `{'descr': '|u1', 'shape': (1,), }`,
      `{'descr': '|u1', 'fortran_order': False, }`,
    ]) {
      // The whole message: the header's padding (spaces, then the newline) is trimmed off.
      expect(() => parseNpy(file(`${header}   \n`, [1]), o)).toThrow(
        expect.objectContaining({ message: `parseNpy: f.npy header: is not a valid .npy header dictionary: ${header}` }),
      );
    }
    expect(() => parseNpy(file(dict('|u1', '(1,)', 'True'), [1]), o)).toThrow(
      'parseNpy: f.npy header: is in Fortran order; save it in C order (np.ascontiguousarray) first',
    );
    const supported = '|u1, |i1, |b1, <u2, <i2, <u4, <i4, <i8, <u8, <f4, <f8';
    expect(() => parseNpy(file(dict('>i4', '(1,)'), [0, 0, 0, 1]), o)).toThrow(
      `parseNpy: f.npy header: has dtype '>i4' (big-endian: save with .astype("<…") first); supported: ${supported}`,
    );
    expect(() => parseNpy(file(dict('<f2', '(1,)'), [0, 0]), o)).toThrow(
      `parseNpy: f.npy header: has dtype '<f2'; supported: ${supported}`,
    );
    for (const shape of ['(-1,)', '(1.5,)', '(a,)']) {
      expect(() => parseNpy(file(dict('|u1', shape), [1]), o)).toThrow(`parseNpy: f.npy header: has an invalid shape ${shape}`);
    }
    expect(() => parseNpy(file(dict('<u2', '(2, 2)'), [1, 2, 3, 4, 5, 6, 7, 8, 9]), o)).toThrow(
      'parseNpy: f.npy data: holds 9 bytes but shape (2, 2) of <u2 needs 8 (truncated or corrupt file)',
    );
  });
});

describe('npyDataset and loadNpy', () => {
  it('defaults: name npy, scale 1/255 for bytes and 1 otherwise; options pass through', () => {
    const labels = file(dict('|u1', '(2,)'), [1, 0]);
    const bytes = npyDataset(file(dict('|u1', '(2, 1)'), [51, 255]), labels);
    expect([bytes.name, bytes.numClasses, bytes.classNames]).toEqual(['npy', 2, undefined]);
    const b = bytes.get([0, 1]);
    expect(Array.from(b.x.dataSync())).toEqual([0.2, 1].map(Math.fround));
    tf.dispose(b);
    const named = npyDataset(file(dict('<u2', '(1, 1)'), [200, 0]), file(dict('|u1', '(1,)'), [0]), {
      name: 'n',
      numClasses: 3,
      classNames: ['a', 'b', 'c'],
      scale: 0.5,
    });
    expect([named.name, named.numClasses, named.classNames]).toEqual(['n', 3, ['a', 'b', 'c']]);
    const c = named.get([0]);
    expect(Array.from(c.x.dataSync())).toEqual([100]);
    tf.dispose(c);
  });

  it('names which array is wrong: x or labels, with the default or the given name', () => {
    const x = file(dict('|u1', '(2, 1)'), [1, 2]);
    expect(() => npyDataset(x, file(dict('|u1', '(2, 1)'), [0, 0]))).toThrow('npyDataset: npy (labels): must have shape [n], got (2, 1)');
    expect(() => npyDataset(x, file(dict('|u1', '()'), [0]), { name: 'm' })).toThrow('npyDataset: m (labels): must have shape [n], got ()');
    expect(() => npyDataset(file(dict('|u1', '(2,)'), [1, 2]), x, { name: 'm' })).toThrow(
      'npyDataset: m (x): must have shape [n, ...item shape], got (2)',
    );
    expect(() => npyDataset(new Uint8Array(3), x, { name: 'm' })).toThrow('parseNpy: m (x): not a .npy file');
    expect(() => npyDataset(x, new Uint8Array(3))).toThrow('parseNpy: npy (labels): not a .npy file');
  });

  it('loadNpy names a folder given as the file', async () => {
    await expect(loadNpy(tmp)).rejects.toThrow(`loadNpy: ${tmp}: cannot be read: is a directory, not a file`);
  });
});
