import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '@contrastive/core';

/** Mean of every pixel of a split and the byte sum of chosen items, read through `get`. */
export function stats(ds: Dataset, items: number[]): { mean: number; sums: number[]; labels: number[]; pixel: number[] } {
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
