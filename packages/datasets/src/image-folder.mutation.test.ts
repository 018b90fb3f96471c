// imageFolderDataset's folder walk (image-folder.ts) on real folders in a temp dir: classes and
// files come out in code-point order whatever order the file system lists them in, and hidden
// entries, stray files at the class level and folders among the images are left out. The PNGs are
// assembled byte by byte (test-fixtures/png-files.ts); expected orders are written out by hand.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { imageFolderDataset } from './image-folder';
import { handPng } from './test-fixtures/png-files';

const tmp = mkdtempSync(join(tmpdir(), 'contrastive-folder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A 1×1 8-bit grey PNG holding the byte `v`. */
const grey = (v: number) => handPng(1, 1, 8, 0, [Uint8Array.from([v])]);

// Fourteen names in code-point order, the order of Python's `sorted`, which torchvision's
// ImageFolder uses (`sorted(entry.name for entry in os.scandir(dir) if entry.is_dir())`), checked
// with /usr/bin/python3: digits < upper case < '_' < lower case < 'é' (U+00E9) < '！' (U+FF01) <
// '😀' (U+1F600). '10' sorts before '9' (no natural-number order), and '😀' after '！' although its
// UTF-16 code units (D83D DE00) sort before FF01, as JavaScript's default sort would put them.
// Created in the reverse order, so neither the creation order nor a reversed listing is sorted.
const SORTED = ['10', '9', 'A', 'B', '_', 'a', 'b', 'c', 'x', 'y', 'z', 'é', '！', '😀'];

describe('imageFolderDataset: the folder walk', () => {
  it('classes and files in code-point order; hidden entries, stray files and folders named .png ignored', async () => {
    const root = join(tmp, 'walk');
    // Class k holds one image of value 10·k + 5, except class '_' which holds fourteen files; its
    // j-th file in sorted order holds 200 + j.
    for (const [k, cls] of [...SORTED.entries()].reverse()) {
      mkdirSync(join(root, cls), { recursive: true });
      if (cls !== '_') writeFileSync(join(root, cls, 'img.png'), grey(10 * k + 5));
    }
    for (const [j, name] of [...SORTED.entries()].reverse()) writeFileSync(join(root, '_', `${name}.png`), grey(200 + j));
    // Left out: a hidden class folder, a PNG at the class level, a hidden PNG and a folder named
    // like a PNG inside a class, a file that is not a PNG.
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, '.git', 'x.png'), grey(1));
    writeFileSync(join(root, 'stray.png'), grey(2));
    writeFileSync(join(root, 'a', '.hidden.png'), grey(3));
    mkdirSync(join(root, 'a', 'folder.png'));
    writeFileSync(join(root, 'a', 'notes.txt'), 'not an image');

    const before = tf.memory().numTensors;
    const ds = await imageFolderDataset(root);
    expect(ds.classNames).toEqual(SORTED);
    expect(ds.numClasses).toBe(14);
    const files = SORTED.flatMap((cls) =>
      cls === '_' ? SORTED.map((name) => join(root, '_', `${name}.png`)) : [join(root, cls, 'img.png')],
    );
    expect(ds.files).toEqual(files);
    expect(ds.length).toBe(27);
    const b = ds.get(Array.from({ length: 27 }, (_, i) => i));
    const values = Array.from(b.x.dataSync(), (v) => Math.round(v * 255));
    const expected = SORTED.flatMap((cls, k) => (cls === '_' ? SORTED.map((_, j) => 200 + j) : [10 * k + 5]));
    expect(values).toEqual(expected);
    expect(Array.from(b.labels.dataSync())).toEqual(SORTED.flatMap((cls, k) => (cls === '_' ? Array(14).fill(k) : [k])));
    tf.dispose(b);
    expect(tf.memory().numTensors).toBe(before);
  });
});
