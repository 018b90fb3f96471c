import { PNG } from 'pngjs';
import { formatError } from './errors';
import type { DecodedImage } from './images';

/**
 * Decodes PNG bytes with `pngjs` (pure JS; its inflate is Node's zlib, hence Node-only) into the
 * image's own channels: grey (colour type 0), grey + alpha (4), RGB (2, and palette images
 * without transparency), RGBA (6, palette with transparency). 16-bit images come back as
 * Uint16Array, everything else (1/2/4/8-bit, palette) as 8-bit Uint8Array. CRCs are checked:
 * a corrupt file throws an error naming `source`.
 */
export function decodePng(bytes: Uint8Array, options: { source?: string } = {}): DecodedImage {
  const op = 'decodePng';
  const source = options.source ?? 'png';
  // The IHDR bit depth (byte 24) decides whether to keep 16-bit samples; pngjs rescales the rest to 8 bits.
  const depth = bytes.length > 25 ? bytes[24] : undefined;
  let png: { width: number; height: number; data: Uint8Array | Uint16Array; colorType: number; alpha: boolean };
  try {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    png = PNG.sync.read(buf, { skipRescale: depth === 16 }) as unknown as typeof png;
  } catch (error) {
    throw formatError(op, source, '', `is not a valid PNG (${error instanceof Error ? error.message : String(error)})`, error);
  }
  const { width, height, colorType } = png;
  const rgba = png.data;
  // colour type: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA (PNG spec, 11.2.2).
  const grey = colorType === 0 || colorType === 4;
  // pngjs sets `alpha` for colour types 4 and 6 and for a tRNS chunk (transparent colour or palette entries).
  const alpha = png.alpha;
  const channels = (grey ? (alpha ? 2 : 1) : alpha ? 4 : 3) as DecodedImage['channels'];
  const pixels = width * height;
  const out = rgba instanceof Uint16Array ? new Uint16Array(pixels * channels) : new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const s = p * 4;
    const d = p * channels;
    if (grey) {
      out[d] = rgba[s]!;
      if (alpha) out[d + 1] = rgba[s + 3]!;
    } else {
      out[d] = rgba[s]!;
      out[d + 1] = rgba[s + 1]!;
      out[d + 2] = rgba[s + 2]!;
      if (alpha) out[d + 3] = rgba[s + 3]!;
    }
  }
  return { width, height, channels, data: out, source };
}
