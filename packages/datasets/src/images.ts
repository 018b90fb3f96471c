import { type Dataset, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { formatError } from './errors';
import { checkClassNames, checkLabels } from './labels';
import { type ItemStorage, storedDataset } from './stored-dataset';

/**
 * One decoded image: `channels` interleaved samples per pixel, row-major [height, width, channels],
 * 8-bit (Uint8Array, 0..255) or 16-bit (Uint16Array, 0..65535).
 */
export interface DecodedImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** Pixels row-major, channels interleaved (16-bit PNGs give a Uint16Array). */
  data: Uint8Array | Uint16Array;
  /** Where it came from, for error messages (e.g. the file path). */
  source?: string;
}

/** Output channels of an image dataset: 1 grey, 3 RGB, 4 RGBA, or `'auto'` (1 when every image is grey, else 3). */
export type ImageChannels = 1 | 3 | 4 | 'auto';

const channelsSchema = z.union([z.literal(1), z.literal(3), z.literal(4), z.literal('auto')]);

/** The options of `imageDataset(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const imageDatasetOptionsSchema = z.strictObject({
  /** Name shown in errors and reports. Default `'images'`. */
  name: z.optional(z.string()),
  /** Output channels: 1, 3, 4 or `'auto'` (1 when every image is grey, else 3). Default `'auto'`. */
  channels: z._default(channelsSchema, 'auto'),
  /** Number of classes C. Default: 1 + the largest label. */
  numClasses: z.optional(z.int().check(z.positive())),
  /** Name of each class [C]. Default: none. */
  classNames: z.optional(z.array(z.string())),
});
/** Options of `imageDataset` (the input of its schema: a field with a default may be omitted). */
export type ImageDatasetOptions = z.input<typeof imageDatasetOptionsSchema>;

/**
 * Stacks decoded images of one size into one array [n, height, width, channels]. Colour to grey
 * uses the ITU-R BT.601 luma weights (0.299, 0.587, 0.114), as `tf.image.rgbToGrayscale`; grey to
 * colour repeats the grey value; alpha is dropped unless `channels` is 4 (opaque = 1 when absent).
 * All-8-bit input stays uint8 (read back scaled by 1/255); otherwise float32 in [0, 1].
 */
export function stackImages(
  op: string,
  images: readonly DecodedImage[],
  channels: ImageChannels,
): { data: ItemStorage; shape: [number, number, number]; scale: number } {
  if (images.length === 0) throw formatError(op, 'images', '', 'no images');
  const first = images[0]!;
  const { width, height } = first;
  for (const img of images) {
    if (img.width !== width || img.height !== height) {
      throw formatError(
        op,
        img.source ?? 'image',
        '',
        `is ${img.width}×${img.height} but ${first.source ?? 'the first image'} is ${width}×${height}; all images must share one size`,
      );
    }
  }
  const c = channels === 'auto' ? (images.every((i) => i.channels <= 2) ? 1 : 3) : channels;
  const all8 = images.every((i) => i.data instanceof Uint8Array);
  const needsLuma = c === 1 && images.some((i) => i.channels >= 3);
  const exact = all8 && !needsLuma;
  const pixels = width * height;
  const itemSize = pixels * c;
  const data: ItemStorage = exact ? new Uint8Array(images.length * itemSize) : new Float32Array(images.length * itemSize);
  images.forEach((img, n) => {
    const max = img.data instanceof Uint8Array ? 255 : 65535;
    const k = exact ? 1 : 1 / max;
    const src = img.data;
    const ic = img.channels;
    const base = n * itemSize;
    const colour = ic >= 3;
    const hasAlpha = ic === 2 || ic === 4;
    for (let p = 0; p < pixels; p++) {
      const s = p * ic;
      const d = base + p * c;
      if (c === 1) {
        data[d] = colour ? (0.299 * src[s]! + 0.587 * src[s + 1]! + 0.114 * src[s + 2]!) * k : src[s]! * k;
      } else {
        const r = src[s]!;
        const g = colour ? src[s + 1]! : r;
        const b = colour ? src[s + 2]! : r;
        data[d] = r * k;
        data[d + 1] = g * k;
        data[d + 2] = b * k;
        if (c === 4) data[d + 3] = hasAlpha ? src[s + ic - 1]! * k : exact ? 255 : 1;
      }
    }
  });
  return { data, shape: [height, width, c], scale: exact ? 1 / 255 : 1 };
}

/**
 * A dataset from decoded images (e.g. from `createImageBitmap` + canvas in a browser, or
 * `decodePng` in Node) and their labels; see `stackImages` for the channel rules.
 */
export function imageDataset(images: readonly DecodedImage[], labels: ArrayLike<number>, options: ImageDatasetOptions = {}): Dataset {
  const op = 'imageDataset';
  const o = parseOptions(op, imageDatasetOptionsSchema, options);
  const checked = checkLabels(op, labels, images.length, o.numClasses);
  const { data, shape, scale } = stackImages(op, images, o.channels);
  return storedDataset({
    name: o.name ?? 'images',
    data,
    shape,
    labels: checked.labels,
    numClasses: checked.numClasses,
    classNames: checkClassNames(op, o.classNames, checked.numClasses),
    scale,
  });
}
