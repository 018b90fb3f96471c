// PNG files for the tests: one assembled byte by byte from the PNG spec, one written by pngjs.
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

/** A PNG built here byte by byte from the spec (signature, IHDR, optional PLTE and tRNS, IDAT with filter 0, IEND). */
export function handPng(
  width: number,
  height: number,
  depth: number,
  colorType: number,
  rows: Uint8Array[],
  palette?: number[],
  trns?: number[],
): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    Buffer.from(data).copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([depth, colorType, 0, 0, 0], 8);
  const raw = Buffer.concat(rows.map((r) => Buffer.concat([Buffer.from([0]), Buffer.from(r)])));
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (palette) parts.push(chunk('PLTE', Uint8Array.from(palette)));
  if (trns) parts.push(chunk('tRNS', Uint8Array.from(trns)));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
  return new Uint8Array(Buffer.concat(parts));
}

/** A PNG written by pngjs's encoder from RGBA pixels. */
export function pngjsPng(width: number, height: number, rgba: number[], colorType: 0 | 2 | 4 | 6, bitDepth: 8 | 16 = 8): Buffer {
  const png = new PNG({ width, height, colorType, bitDepth, inputHasAlpha: true });
  if (bitDepth === 16) png.data = Buffer.from(new Uint8Array(Uint16Array.from(rgba).buffer)) as never;
  else png.data = Buffer.from(rgba);
  return PNG.sync.write(png, { colorType, bitDepth, inputColorType: 6, inputHasAlpha: true });
}
