// The in-memory datasets (array-dataset.ts, stored-dataset.ts, labels.ts): what each input type is
// stored as and read back as, the defaults (names, scales), views and disposal, and every
// validation with its whole message (argument, expected, actual), all written out by hand.
import * as tf from '@tensorflow/tfjs-core';
import { ContrastiveError, InvalidArgumentError, ShapeMismatchError } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { arrayDataset, subsetDataset, tensorDataset } from './array-dataset';
import { parseCsv } from './csv';
import { checkLabels } from './labels';
import { checkIndices, storedDataset } from './stored-dataset';

const read = (ds: { get(i: ArrayLike<number>): { x: tf.Tensor; labels: tf.Tensor } }, idx: number[]) => {
  const b = ds.get(idx);
  const out = {
    x: Array.from(b.x.dataSync()),
    shape: b.x.shape,
    dtype: b.x.dtype,
    labels: Array.from(b.labels.dataSync()),
    ldtype: b.labels.dtype,
  };
  tf.dispose([b.x, b.labels]);
  return out;
};
const f32 = (v: number[]) => Array.from(Float32Array.from(v));

describe('checkLabels', () => {
  it('returns int32 labels and C = 1 + the largest (1 when there are none), or the given C', () => {
    expect(checkLabels('op', [2, 0, 2], 3, undefined)).toEqual({ labels: Int32Array.from([2, 0, 2]), numClasses: 3 });
    expect(checkLabels('op', [], 0, undefined)).toEqual({ labels: new Int32Array(0), numClasses: 1 });
    expect(checkLabels('op', [0, 3], 2, 4)).toEqual({ labels: Int32Array.from([0, 3]), numClasses: 4 });
    expect(checkLabels('op', [2147483647], 1, undefined).labels[0]).toBe(2147483647);
  });

  it('names the label, what was expected and what was found', () => {
    const msg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return [(e as Error).message, (e as InvalidArgumentError).argument, (e as InvalidArgumentError).actual];
      }
      return 'no error';
    };
    expect(msg(() => checkLabels('op', [0, 1], 3, undefined, 'y'))).toEqual([
      "op: 'y' must hold one label per item: expected 3, got 2",
      'y',
      2,
    ]);
    for (const [v, shown] of [
      [-1, '-1'],
      [0.5, '0.5'],
      [Number.NaN, 'NaN'],
      [2147483648, '2147483648'],
    ] as const) {
      expect(msg(() => checkLabels('op', [0, v], 2, undefined))).toEqual([
        `op: 'labels[1]' must be a non-negative integer class, got ${shown}`,
        'labels[1]',
        v,
      ]);
    }
    // The first item holding the largest label is named; a label equal to C is outside.
    expect(msg(() => checkLabels('op', [0, 4, 2, 4], 4, 4))).toEqual([
      "op: 'labels[1]' is 4, outside 0..3 (numClasses = 4)",
      'labels[1]',
      4,
    ]);
    expect(msg(() => checkLabels('op', [0], 1, 0))).toEqual([
      "op: invalid argument 'numClasses': expected a positive integer, got 0",
      'numClasses',
      0,
    ]);
    expect(msg(() => checkLabels('op', [0], 1, 1.5))).toEqual([
      "op: invalid argument 'numClasses': expected a positive integer, got 1.5",
      'numClasses',
      1.5,
    ]);
  });
});

describe('checkIndices and storedDataset', () => {
  it('accepts any array-like of integers in 0..length − 1', () => {
    expect(checkIndices('op', Float64Array.from([2, 0]), 3)).toEqual(Int32Array.from([2, 0]));
    expect(checkIndices('op', { length: 1, 0: 1 } as ArrayLike<number>, 2)).toEqual(Int32Array.from([1]));
    expect(checkIndices('op', [], 0)).toEqual(new Int32Array(0));
  });

  it('refuses non-arrays and out-of-range indices with the index, the range and the length', () => {
    for (const bad of [null, 3, '01', {}]) {
      expect(() => checkIndices('op', bad as never, 3)).toThrow(/^op: invalid argument 'indices': expected an array of item indices, got /);
    }
    for (const [v, shown] of [
      [-1, '-1'],
      [3, '3'],
      [1.5, '1.5'],
    ] as const) {
      expect(() => checkIndices('op', [0, v], 3)).toThrow(
        `op: 'indices[1]' must be an integer in 0..2 (the dataset has 3 items), got ${shown}`,
      );
    }
  });

  it('copies rows into float32 [n, ...shape], scaling only when the scale is not 1; dispose stops get', () => {
    const data = Uint16Array.from([1, 2, 3, 4, 5, 6]);
    const plain = storedDataset({ name: 's', data, shape: [1, 3], labels: Int32Array.from([5, 6]), numClasses: 7, scale: 1 });
    expect(read(plain, [1, 0])).toEqual({ x: [4, 5, 6, 1, 2, 3], shape: [2, 1, 3], dtype: 'float32', labels: [6, 5], ldtype: 'int32' });
    expect('classNames' in plain).toBe(false);
    expect(Object.isFrozen(plain) && Object.isFrozen(plain.shape)).toBe(true);
    const scaled = storedDataset({
      name: 't',
      data,
      shape: [3],
      labels: Int32Array.from([0, 1]),
      numClasses: 2,
      scale: 0.5,
      classNames: ['a', 'b'],
    });
    expect(read(scaled, [1]).x).toEqual([2, 2.5, 3]);
    expect(scaled.classNames).toEqual(['a', 'b']);
    scaled.dispose();
    expect(() => scaled.get([0])).toThrow(ContrastiveError);
    expect(() => scaled.get([0])).toThrow("t.get: dataset 't' has been disposed");
    expect(() => plain.get([2])).toThrow("s.get: 'indices[0]' must be an integer in 0..1 (the dataset has 2 items), got 2");
  });
});

describe('arrayDataset', () => {
  it('typed arrays: bytes stay bytes (scale 1/255), 16-bit stays 16-bit (scale 1), others become float32', () => {
    const bytes = new Uint8Array([9, 51, 255, 9]).subarray(1, 3); // an offset view: only its own bytes are copied
    expect(read(arrayDataset(bytes, [0, 1], { shape: [1] }), [0, 1]).x).toEqual(f32([0.2, 1]));
    expect(read(arrayDataset(Uint8ClampedArray.from([102]), [0], { shape: [1] }), [0]).x).toEqual(f32([0.4]));
    expect(read(arrayDataset(Uint16Array.from([300, 65535]), [0], { shape: [2] }), [0]).x).toEqual([300, 65535]);
    for (const x of [
      Int8Array.from([-3, 4]),
      Int16Array.from([-3, 4]),
      Int32Array.from([-3, 4]),
      Uint32Array.from([3, 4]),
      Float64Array.from([-3, 4]),
    ]) {
      expect(read(arrayDataset(x, [0], { shape: [2] }), [0]).x).toEqual([x[0], 4]);
    }
    // An explicit scale replaces the default.
    expect(read(arrayDataset(Uint8Array.from([10]), [0], { shape: [1], scale: 1 }), [0]).x).toEqual([10]);
    expect(read(arrayDataset(Float64Array.from([3]), [0], { shape: [1], scale: 2 }), [0]).x).toEqual([6]);
    // Non-finite values are found wherever they are (the first one is named).
    expect(() => arrayDataset(Float64Array.from([1, 2, Number.NaN, Infinity]), [0, 1], { shape: [2] })).toThrow(
      "arrayDataset: 'x' contains NaN at flat index 2; all values must be finite",
    );
    expect(() => arrayDataset(Float64Array.from([-Infinity, 1]), [0], { shape: [2] })).toThrow("'x' contains -Infinity at flat index 0");
  });

  it('nested arrays: the shape comes from the nesting; a flat number array takes options.shape', () => {
    const ds = arrayDataset(
      [
        [[1], [2]],
        [[3], [4]],
      ],
      [1, 0],
    );
    expect([ds.name, ds.length, ds.shape, ds.numClasses, ds.classNames]).toEqual(['array', 2, [2, 1], 2, undefined]);
    expect(read(ds, [0]).x).toEqual([1, 2]);
    expect(arrayDataset([[1, 2]], [0], { shape: [2], name: 'n' }).name).toBe('n');
    const flat = arrayDataset([1, 2, 3, 4, 5, 6], [0, 1], { shape: [3] });
    expect([flat.length, flat.shape]).toEqual([2, [3]]);
    expect(read(flat, [1]).x).toEqual([4, 5, 6]);
  });

  it('refuses malformed nested arrays and other inputs, naming the element', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return [(e as Error).constructor.name, (e as Error).message];
      }
      return 'no error';
    };
    expect(err(() => arrayDataset([[0, 1], 5] as never, [0, 1]))).toEqual([
      'ShapeMismatchError',
      "arrayDataset: 'x' is ragged: x[1] has a number, expected length 2 like x[0]",
    ]);
    expect(
      err(() =>
        arrayDataset(
          [
            [[0], [1]],
            [[0], [1, 2]],
          ],
          [0, 1],
        ),
      ),
    ).toEqual(['ShapeMismatchError', "arrayDataset: 'x' is ragged: x[1][1] has length 2, expected length 1 like x[0][0]"]);
    expect(err(() => arrayDataset([[0, '1']] as never, [0]))).toEqual([
      'InvalidArgumentError',
      `arrayDataset: invalid argument 'x[0][1]': expected a number, got "1"`,
    ]);
    expect(err(() => arrayDataset([[0, 1]], [0], { shape: [1, 2] }))).toEqual([
      'ShapeMismatchError',
      "arrayDataset: 'options.shape' must have shape [2] (the shape of x[0]), got [1, 2]",
    ]);
    expect(err(() => arrayDataset([1, 2], [0, 1]))).toEqual([
      'InvalidArgumentError',
      "arrayDataset: a flat 'x' needs options.shape (one item's shape, e.g. [28, 28, 1] or [d])",
    ]);
    expect(err(() => arrayDataset(Float32Array.from([1]), [0]))).toEqual([
      'InvalidArgumentError',
      "arrayDataset: a typed-array 'x' needs options.shape (one item's shape, e.g. [28, 28, 1] or [d])",
    ]);
    expect(err(() => arrayDataset('12' as never, [0]))).toEqual([
      'InvalidArgumentError',
      `arrayDataset: invalid argument 'x': expected nested number arrays or a typed array, got "12"`,
    ]);
    expect(err(() => arrayDataset(new Float32Array(6), [0, 1], { shape: [2, 2] }))).toEqual([
      'ShapeMismatchError',
      "arrayDataset: 'x' holds 6 values, not a whole number of items of shape [2, 2] (4 values each)",
    ]);
  });
});

describeBackends('tensorDataset', () => {
  it('int32 tensors are read as float32; scale; its own copy; names; dispose frees the copy once', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(
      [
        [1, 2],
        [3, 4],
      ],
      [2, 2],
      'int32',
    );
    const ds = tensorDataset(x, [1, 0], { scale: 0.5, classNames: ['a', 'b'] });
    x.dispose(); // the dataset keeps its own copy
    expect([ds.name, ds.length, ds.shape, ds.numClasses, ds.classNames]).toEqual(['tensor', 2, [2], 2, ['a', 'b']]);
    expect(read(ds, [1, 0])).toEqual({ x: [1.5, 2, 0.5, 1], shape: [2, 2], dtype: 'float32', labels: [0, 1], ldtype: 'int32' });
    ds.dispose();
    ds.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => ds.get([0])).toThrow("tensor.get: dataset 'tensor' has been disposed");
    const y = tf.tensor2d([[5, 6]]);
    const labels = tf.tensor1d([3], 'int32');
    const named = tensorDataset(y, labels, { name: 'm', numClasses: 5 });
    expect([named.name, named.numClasses, 'classNames' in named]).toEqual(['m', 5, false]);
    expect(read(named, [0]).x).toEqual([5, 6]); // scale 1 by default
    expect(() => named.get([1])).toThrow("m.get: 'indices[0]' must be an integer in 0..0 (the dataset has 1 items), got 1");
    named.dispose();
    tf.dispose([y, labels]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses what it cannot hold, naming the argument', () => {
    const before = tf.memory().numTensors;
    const gone = tf.tensor2d([[1]]);
    gone.dispose();
    const b = tf.tensor2d([[1, 0]], [1, 2], 'bool');
    const x = tf.tensor2d([[1, 2]]);
    const l2 = tf.tensor2d([[0]], [1, 1], 'int32');
    const cases: [() => unknown, ErrorConstructor | typeof InvalidArgumentError | typeof ShapeMismatchError, RegExp][] = [
      [
        () => tensorDataset([[1]] as never, [0]),
        InvalidArgumentError,
        /^tensorDataset: invalid argument 'x': expected a live tf\.Tensor \[n, \.\.\.shape\], got \[\[1\]\]$/,
      ],
      [() => tensorDataset(gone, [0]), InvalidArgumentError, /^tensorDataset: invalid argument 'x': expected a live tf\.Tensor/],
      [
        () => tensorDataset(b, [0]),
        InvalidArgumentError,
        /^tensorDataset: invalid argument 'x': expected a float32 or int32 tensor, got bool tensor of shape \[1, 2\]$/,
      ],
      [() => tensorDataset(x, l2), ShapeMismatchError, /^tensorDataset: .*'labels'.*\[n\]/],
      [
        () => tensorDataset(x, [0], { classNames: ['a', 'b'] }),
        InvalidArgumentError,
        /^tensorDataset: 'classNames' must name each of the 1 classes, got 2 names$/,
      ],
    ];
    for (const [f, type, message] of cases) {
      expect(f).toThrow(type);
      expect(f).toThrow(message);
    }
    tf.dispose([b, x, l2]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('subsetDataset', () => {
  it("default name '<parent>[subset]'; disposing the subset leaves the parent usable", () => {
    const parent = arrayDataset([[0], [1], [2]], [0, 1, 2], { name: 'p' });
    const sub = subsetDataset(parent, Int32Array.from([2, 0]));
    expect([sub.name, 'classNames' in sub]).toEqual(['p[subset]', false]);
    const named = subsetDataset(parent, [1], 'one');
    expect(named.name).toBe('one');
    expect(read(named, [0]).x).toEqual([1]);
    sub.dispose();
    expect(() => sub.get([0])).toThrow("p[subset].get: dataset 'p[subset]' has been disposed");
    expect(read(parent, [2]).x).toEqual([2]);
    expect(() => named.get([1])).toThrow("one.get: 'indices[0]' must be an integer in 0..0 (the dataset has 1 items), got 1");
  });
});

/** The error's class name, and its `argument`, `expected` and `actual` fields (thrown by `f`). */
const fields = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    const err = e as InvalidArgumentError;
    return [err.constructor.name, err.argument, err.expected, err.actual];
  }
  return 'no error';
};

describe('error fields: argument, expected and actual, written out by hand', () => {
  it('arrayDataset: ragged x, a shape that disagrees with x, a missing shape, a partial item', () => {
    expect(fields(() => arrayDataset([[0, 1], 5] as never, [0, 1]))).toEqual(['ShapeMismatchError', 'x', '[2, 2]', [2, 2]]);
    expect(fields(() => arrayDataset([[[0, 1, 2]]], [0], { shape: [1, 2] }))).toEqual([
      'ShapeMismatchError',
      'options.shape',
      '[1, 3] (the shape of x[0])',
      [1, 2],
    ]);
    expect(fields(() => arrayDataset([1, 2], [0, 1]))).toEqual([
      'InvalidArgumentError',
      'options.shape',
      "one item's shape for a flat x",
      undefined,
    ]);
    expect(fields(() => arrayDataset(Float32Array.from([1]), [0]))).toEqual([
      'InvalidArgumentError',
      'options.shape',
      "one item's shape for a flat x",
      undefined,
    ]);
    expect(fields(() => arrayDataset(new Float32Array(6), [0, 1], { shape: [2, 2] }))).toEqual([
      'ShapeMismatchError',
      'x',
      'a multiple of 4 values (items of shape [2, 2])',
      [6],
    ]);
  });

  it('checkLabels, checkClassNames and checkIndices', () => {
    expect(fields(() => checkLabels('op', [0, 1], 3, undefined))).toEqual(['InvalidArgumentError', 'labels', '3 labels (one per item)', 2]);
    expect(fields(() => checkLabels('op', [0, -2], 2, undefined))).toEqual([
      'InvalidArgumentError',
      'labels[1]',
      'a non-negative integer class',
      -2,
    ]);
    expect(fields(() => checkLabels('op', [7, 0], 2, 5))).toEqual(['InvalidArgumentError', 'labels[0]', 'a class in 0..4', 7]);
    expect(fields(() => arrayDataset([[0]], [0], { classNames: ['a', 'b'] }))).toEqual([
      'InvalidArgumentError',
      'classNames',
      '1 names (one per class)',
      2,
    ]);
    expect(fields(() => checkIndices('op', [0, 1, 4], 3))).toEqual(['InvalidArgumentError', 'indices[2]', 'an integer in 0..2', 4]);
  });

  it('numClasses = 1 is allowed (every label 0)', () => {
    expect(checkLabels('op', [0, 0], 2, 1)).toEqual({ labels: Int32Array.from([0, 0]), numClasses: 1 });
    expect(arrayDataset([[3]], [0], { numClasses: 1 }).numClasses).toBe(1);
  });

  it("a malformed file's error: the source as argument, 'well-formed input' expected, the place as actual", () => {
    expect(fields(() => parseCsv('1,0\n1,x\n', { source: 'e.csv' }))).toEqual([
      'InvalidArgumentError',
      'e.csv',
      'well-formed input',
      'line 2 column 2',
    ]);
  });
});

describeBackends('tensorDataset: scale and dispose', () => {
  it('scale 1 reads the rows without a multiply; another scale multiplies once', async () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([[2, 4]]);
    const kernels = async (ds: ReturnType<typeof tensorDataset>) => {
      let batch: { x: tf.Tensor; labels: tf.Tensor } | undefined;
      const info = await tf.profile(() => {
        batch = ds.get([0]);
        return [batch.x, batch.labels];
      });
      const values = Array.from(batch!.x.dataSync());
      tf.dispose([batch!.x, batch!.labels]);
      return { multiplies: info.kernelNames.filter((k) => k === 'Multiply').length, values };
    };
    const plain = tensorDataset(x, [0]);
    const half = tensorDataset(x, [0], { scale: 0.5 });
    expect(await kernels(plain)).toEqual({ multiplies: 0, values: [2, 4] });
    expect(await kernels(half)).toEqual({ multiplies: 1, values: [1, 2] });
    x.dispose();
    plain.dispose();
    half.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('dispose() releases its copy of x exactly once, however often it is called', () => {
    const x = tf.tensor2d([[1]]);
    const ds = tensorDataset(x, [0]);
    const spy = vi.spyOn(tf.Tensor.prototype, 'dispose');
    try {
      ds.dispose();
      ds.dispose();
      ds.dispose();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
      x.dispose();
    }
  });
});
