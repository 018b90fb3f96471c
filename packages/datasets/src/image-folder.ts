import { Buffer } from 'node:buffer';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Dataset, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { formatError } from './errors';
import { readBytes } from './files';
import { type DecodedImage, stackImages } from './images';
import { decodePng } from './png';
import { storedDataset } from './stored-dataset';

/** The options of `imageFolderDataset` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const imageFolderOptionsSchema = z.strictObject({
  /** Output channels: 1, 3, 4, or `'auto'` (1 when every image is grey, else 3). Default `'auto'`. */
  channels: z._default(z.union([z.literal(1), z.literal(3), z.literal(4), z.literal('auto')]), 'auto'),
  /** Name shown in errors and reports. Default: the folder path. */
  name: z.optional(z.string()),
});
/** Options of `imageFolderDataset` (the input of its schema: a field with a default may be omitted). */
export type ImageFolderOptions = z.input<typeof imageFolderOptionsSchema>;

/** An image-folder dataset, plus where each item came from. */
export type ImageFolderDataset = Dataset & {
  /** The class sub-folder names in code-point order; label i is `classNames[i]`. */
  readonly classNames: readonly string[];
  /** Path of every item's file [n], in item order. */
  readonly files: readonly string[];
};

/**
 * Code-point order, as Python's `sorted` in torchvision's ImageFolder: UTF-8 bytes compare in
 * code-point order, while `Array.prototype.sort` compares UTF-16 code units (which puts U+10000 and
 * above before U+E000..U+FFFF).
 */
const byCodePoint = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * Loads a folder of PNG images, one sub-folder per class (`root/<class>/<image>.png`, as
 * torchvision's ImageFolder): classes are the sub-folder names in code-point order, images in
 * each class in file-name order. Files not ending in `.png` and hidden entries are ignored. All
 * images must share one size; an unreadable or corrupt file, an odd size or an empty class
 * throws an error naming the file, and nothing is returned half-loaded.
 */
export async function imageFolderDataset(root: string, options: ImageFolderOptions = {}): Promise<ImageFolderDataset> {
  const op = 'imageFolderDataset';
  const o = parseOptions(op, imageFolderOptionsSchema, options);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    throw formatError(op, root, '', `cannot be read as a folder (${(error as { code?: string }).code ?? String(error)})`, error);
  }
  const classNames = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(byCodePoint);
  if (classNames.length === 0) throw formatError(op, root, '', 'has no class sub-folders (expected root/<class>/<image>.png)');
  const files: string[] = [];
  const labels: number[] = [];
  for (const [k, cls] of classNames.entries()) {
    const dir = join(root, cls);
    const names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.') && e.name.toLowerCase().endsWith('.png'))
      .map((e) => e.name)
      .sort(byCodePoint);
    if (names.length === 0) throw formatError(op, dir, '', `class '${cls}' has no .png images`);
    for (const name of names) {
      files.push(join(dir, name));
      labels.push(k);
    }
  }
  const images: DecodedImage[] = [];
  for (const file of files) images.push(decodePng(await readBytes(op, file), { source: file }));
  const { data, shape, scale } = stackImages(op, images, o.channels);
  const ds = storedDataset({
    name: o.name ?? root,
    data,
    shape,
    labels: Int32Array.from(labels),
    numClasses: classNames.length,
    classNames: Object.freeze(classNames),
    scale,
  });
  return Object.freeze({ ...ds, get: ds.get, dispose: ds.dispose, classNames: ds.classNames!, files: Object.freeze(files) });
}
