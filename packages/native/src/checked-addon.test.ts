import { afterEach, expect, it, vi } from 'vitest';
import { checkedAddon } from './checked-addon';
import { loadFrom, loadNative } from './load';
import { join } from 'node:path';

afterEach(() => vi.unstubAllEnvs());

/** A "kernel" that writes `n` floats from `at` (relative to y's first float) through a wider view of y's buffer. */
const writer = {
  write(x: Float32Array, y: Float32Array, at: number, n: number): number {
    const whole = new Float32Array(y.buffer);
    const first = y.byteOffset / 4;
    for (let i = 0; i < n; i++) whole[first + at + i] = 7 + x.length;
    return n;
  },
  simd: 'test',
};

/** x and y inside one heap-like buffer with a gap between them, as malloc lays out two chunks. */
function heap(): { x: Float32Array; y: Float32Array } {
  const buf = new ArrayBuffer(1024);
  return { x: new Float32Array(buf, 64, 8), y: new Float32Array(buf, 512, 16) };
}

it('passes calls that write only inside their arguments through, with their results', () => {
  const { x, y } = heap();
  const w = checkedAddon(writer);
  expect(w.write(x, y, 0, 16)).toBe(16);
  expect([...y]).toEqual(new Array(16).fill(15));
  expect(w.simd).toBe('test');
});

it('names the function, the argument and the byte when a call writes past the end of an argument', () => {
  const { x, y } = heap();
  // One float past y's 16 floats (bytes 512..575): 15 = 0x41700000, little-endian 00 00 70 41, so
  // the first byte that changes is 576 + 2.
  expect(() => checkedAddon(writer).write(x, y, 0, 17)).toThrow(
    'contrastive-native: write wrote outside its arguments: byte 578 (after argument 1) changed from 0 to 112',
  );
});

it('catches a write before an argument start, and one into the gap between two arguments', () => {
  const { x, y } = heap();
  expect(() => checkedAddon(writer).write(x, y, -1, 1)).toThrow(/byte 510 \(before argument 1\) changed from 0 to 112/);
  // 104 floats before y is byte 96, just past x's end (64..96).
  const { x: x2, y: y2 } = heap();
  expect(() => checkedAddon(writer).write(x2, y2, -104, 1)).toThrow(/write wrote outside its arguments: byte 98 \(after argument 0\)/);
});

it('does not guard bytes that another argument owns (adjacent outputs may both be written)', () => {
  const buf = new ArrayBuffer(256);
  const x = new Float32Array(buf, 0, 4);
  const y = new Float32Array(buf, 16, 4); // starts where x ends
  const both = { fill: (a: Float32Array, b: Float32Array) => (a.fill(1), b.fill(2), 0) };
  expect(checkedAddon(both).fill(x, y)).toBe(0);
});

it('wraps the loaded addon only under CONTRASTIVE_NATIVE_CHECK=1, and real kernels pass the check', () => {
  const addon = loadNative();
  if (!addon) return expect(process.env['CONTRASTIVE_NATIVE']).toBe('0');
  vi.stubEnv('CONTRASTIVE_NATIVE_CHECK', '1');
  const checked = loadFrom([join(import.meta.dirname, '..', 'build')]).addon!;
  expect(checked).not.toBe(addon);
  // C [3×5] = A [3×4] · B [4×5] inside one buffer with slack around each array.
  const buf = new ArrayBuffer(4096);
  const A = new Float32Array(buf, 64, 12).map((_, i) => i + 1);
  const B = new Float32Array(buf, 256, 20).map((_, i) => (i % 3) - 1);
  const C = new Float32Array(buf, 512, 15);
  checked.sgemm(0, 0, 3, 5, 4, 1, A, B, 0, C);
  // Row 0 of A is 1..4; column 0 of B is rows 0,5,10,15 → -1, 1, 0, -1.
  expect(C[0]).toBe(1 * -1 + 2 * 1 + 3 * 0 + 4 * -1);
  const y = new Float32Array(buf, 1024, 33);
  checked.exp(new Float32Array(buf, 2048, 33), y);
  expect([...y]).toEqual(new Array(33).fill(1));
});
