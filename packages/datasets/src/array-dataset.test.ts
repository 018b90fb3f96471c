import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { arrayDataset, subsetDataset, tensorDataset } from './array-dataset';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('arrayDataset', () => {
  it('vectors [n, d] from nested arrays: get returns exactly the requested rows, in order, repeats allowed', () => {
    const x = [
      [0, 1, 2],
      [10, 11, 12],
      [20, 21, 22],
      [30, 31, 32],
    ];
    const ds = arrayDataset(x, [2, 0, 1, 2], { name: 'toy' });
    expect([ds.name, ds.length, ds.shape, ds.numClasses, ds.classNames]).toEqual(['toy', 4, [3], 3, undefined]);
    const b = ds.get([3, 0, 3]);
    expect(b.x.shape).toEqual([3, 3]);
    expect(b.x.dtype).toBe('float32');
    expect(b.labels.dtype).toBe('int32');
    expect(values(b.x)).toEqual([30, 31, 32, 0, 1, 2, 30, 31, 32]);
    expect(values(b.labels)).toEqual([2, 2, 2]);
    tf.dispose(b);
    const empty = ds.get([]);
    expect(empty.x.shape).toEqual([0, 3]);
    tf.dispose(empty);
  });

  it('uint8 images [n, h, w, c] from a flat typed array are read back in [0, 1] (p / 255)', () => {
    const pixels = Uint8Array.from({ length: 3 * 2 * 2 * 1 }, (_, i) => i * 20); // 0..220
    const ds = arrayDataset(pixels, [0, 1, 1], { shape: [2, 2, 1], classNames: ['a', 'b'] });
    expect(ds.shape).toEqual([2, 2, 1]);
    expect(ds.classNames).toEqual(['a', 'b']);
    const b = ds.get([2]);
    expect(b.x.shape).toEqual([1, 2, 2, 1]);
    const got = values(b.x);
    [160, 180, 200, 220].forEach((p, i) => expect(got[i]).toBeCloseTo(p / 255, 7));
    tf.dispose(b);
    // A float array is taken as is; `scale` overrides the default.
    const f = arrayDataset(Float64Array.from([1, 2, 3, 4]), [0, 0], { shape: [2], scale: 0.5 });
    const fb = f.get([1]);
    expect(values(fb.x)).toEqual([1.5, 2]);
    tf.dispose(fb);
  });

  it('copies its input: later edits of the caller’s array do not change the dataset', () => {
    const x = new Float32Array([1, 2, 3, 4]);
    const ds = arrayDataset(x, [0, 1], { shape: [2] });
    x[0] = 99;
    const b = ds.get([0]);
    expect(values(b.x)).toEqual([1, 2]);
    tf.dispose(b);
  });

  it('validates labels, shapes, values and indices with messages naming what is wrong', () => {
    const x = [
      [0, 1],
      [2, 3],
    ];
    expect(() => arrayDataset(x, [0])).toThrow(/'labels' must hold one label per item: expected 2, got 1/);
    expect(() => arrayDataset(x, [0, 1.5])).toThrow(/'labels\[1\]' must be a non-negative integer class, got 1\.5/);
    expect(() => arrayDataset(x, [0, -1])).toThrow(/'labels\[1\]'/);
    expect(arrayDataset(x, [0, 3], { numClasses: 4 }).numClasses).toBe(4);
    expect(() => arrayDataset(x, [0, 3], { numClasses: 2 })).toThrow(/'labels\[1\]' is 3, outside 0\.\.1 \(numClasses = 2\)/);
    expect(() => arrayDataset(x, [0, 1], { classNames: ['a'] })).toThrow(/'classNames' must name each of the 2 classes, got 1/);
    expect(() => arrayDataset([[0, 1], [2]], [0, 1])).toThrow(/'x' is ragged: x\[1\] has length 1, expected length 2/);
    expect(() => arrayDataset([[0, Number.NaN]], [0])).toThrow(/'x\[0\]\[1\]' contains NaN/);
    expect(() => arrayDataset(new Float32Array(5), [0, 1], { shape: [2] })).toThrow(
      /'x' holds 5 values, not a whole number of items of shape \[2\]/,
    );
    expect(() => arrayDataset(new Float32Array(4), [0, 1])).toThrow(/needs options\.shape/);
    expect(() => arrayDataset(Float32Array.from([0, Infinity]), [0], { shape: [2] })).toThrow(/'x' contains Infinity at flat index 1/);
    expect(() => arrayDataset(x, [0, 1], { shape: [3] })).toThrow(/options\.shape/);
    expect(() => arrayDataset(x, [0, 1], { scale: -1 } as never)).toThrow(/arrayDataset: invalid argument 'options\.scale'/);
    expect(() => arrayDataset(x, [0, 1], { colour: true } as never)).toThrow(
      /arrayDataset: invalid argument 'options.colour': unknown key/,
    );
    const ds = arrayDataset(x, [0, 1]);
    expect(() => ds.get([2])).toThrow(/'indices\[0\]' must be an integer in 0\.\.1 \(the dataset has 2 items\), got 2/);
    expect(() => ds.get([0, 0.5])).toThrow(/'indices\[1\]'/);
    ds.dispose();
    expect(() => ds.get([0])).toThrow(/dataset 'array' has been disposed/);
  });
});

describeBackends('tensorDataset', () => {
  it('gathers rows of an image tensor; keeps its own reference; no tensor leaks', async () => {
    const x = tf.tensor4d(
      Array.from({ length: 5 * 2 * 2 * 3 }, (_, i) => i),
      [5, 2, 2, 3],
    );
    const y = tf.tensor1d([4, 3, 2, 1, 0], 'int32');
    const ds = tensorDataset(x, y, { scale: 0.5 });
    tf.dispose([x, y]); // the dataset holds its own reference to x (and a copy of the labels)
    expect([ds.length, ds.shape, ds.numClasses]).toEqual([5, [2, 2, 3], 5]);
    const b = ds.get([4, 1]);
    expect(b.x.shape).toEqual([2, 2, 2, 3]);
    expect(values(b.x)).toEqual([
      ...Array.from({ length: 12 }, (_, i) => (48 + i) / 2),
      ...Array.from({ length: 12 }, (_, i) => (12 + i) / 2),
    ]);
    expect(values(b.labels)).toEqual([0, 3]);
    tf.dispose(b);
    await expectNoLeak(() => ds.get([0, 2, 2]));
    const before = tf.memory().numTensors;
    ds.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
    expect(() => ds.get([0])).toThrow(/disposed/);
  });

  it('rejects bad tensors and labels', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([
      [1, 2],
      [3, Number.NaN],
    ]);
    expect(() => tensorDataset(x, [0, 1])).toThrow(/tensorDataset: 'x' contains a non-finite value/);
    expect(() => tensorDataset(tf.tensor1d([1, 2]), [0, 1])).toThrow(/'x' must have shape \[n, \.\.\.shape\]/);
    const y = tf.tensor2d([[1, 2]]);
    expect(() => tensorDataset(y, [0, 1])).toThrow(/expected 1, got 2/);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before + 1); // only the rank-1 tensor made inside expect
  });
});

describe('subsetDataset', () => {
  it('is a view of the chosen items, in the chosen order', () => {
    const ds = arrayDataset([[0], [1], [2], [3], [4]], [0, 1, 0, 1, 0], { classNames: ['even', 'odd'] });
    const sub = subsetDataset(ds, [4, 1, 3]);
    expect([sub.length, sub.shape, sub.numClasses, sub.classNames]).toEqual([3, [1], 2, ['even', 'odd']]);
    const b = sub.get([2, 0]);
    expect(values(b.x)).toEqual([3, 4]);
    expect(values(b.labels)).toEqual([1, 0]);
    tf.dispose(b);
    expect(() => sub.get([3])).toThrow(/0\.\.2/);
    expect(() => subsetDataset(ds, [5])).toThrow(/subsetDataset: 'indices\[0\]'/);
  });
});
