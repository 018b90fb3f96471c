#!/usr/bin/env node
// Writes our Fashion-MNIST split (@contrastive/datasets/node loadFashionMnist: the first 6 000
// images of each class file for training, the rest for test, 2 empty records of class 0 skipped)
// as .npy files, so the PyTorch reference (torch_ref.py) trains and probes on the identical arrays.
// Usage: node export-split.mjs [outDir = bench/results/real-data/split]. Writes x_train.npy
// (uint8 [60000, 28, 28]), y_train.npy (uint8 [60000]), x_test.npy, y_test.npy.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { loadFashionMnist } from '@contrastive/datasets/node';

const here = dirname(fileURLToPath(import.meta.url));

/** A .npy (format 1.0) of a C-order uint8 array. */
export function npyBytes(data, shape) {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(data, 10 + header.length);
  return out;
}

/** Every image of `ds` as bytes (round(255·x), exact for the 8-bit source) and its labels. */
export function datasetBytes(ds) {
  const [h, w, c] = ds.shape;
  const size = h * w * c;
  const pixels = new Uint8Array(ds.length * size);
  const labels = new Uint8Array(ds.length);
  const chunk = 5000;
  for (let start = 0; start < ds.length; start += chunk) {
    const idx = Array.from({ length: Math.min(chunk, ds.length - start) }, (_, i) => start + i);
    const { x, labels: y } = ds.get(idx);
    const v = x.dataSync();
    for (let i = 0; i < v.length; i++) pixels[start * size + i] = Math.round(v[i] * 255);
    labels.set(y.dataSync(), start);
    tf.dispose([x, y]);
  }
  return { pixels, labels };
}

export async function exportSplit(outDir) {
  await tf.setBackend('cpu');
  const { train, test, skipped } = await loadFashionMnist({ cacheDir: join(here, '..', 'results', 'real-data', 'cache') });
  mkdirSync(outDir, { recursive: true });
  for (const [name, ds] of [
    ['train', train],
    ['test', test],
  ]) {
    const { pixels, labels } = datasetBytes(ds);
    writeFileSync(join(outDir, `x_${name}.npy`), npyBytes(pixels, [ds.length, ds.shape[0], ds.shape[1]]));
    writeFileSync(join(outDir, `y_${name}.npy`), npyBytes(labels, [ds.length]));
  }
  return { train: train.length, test: test.length, skipped: skipped.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? join(here, '..', 'results', 'real-data', 'split');
  console.log(JSON.stringify({ outDir, ...(await exportSplit(outDir)) }));
}
