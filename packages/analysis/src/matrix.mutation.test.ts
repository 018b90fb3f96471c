// The shared input readers of every analysis function (matrix.ts): each bad input gets an error that
// names the op, the argument, what was expected and what came, written out here by hand; every
// accepted form (tensor, rows, { rows, cols, data }, typed arrays) reads the same float64 values.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, NonFiniteValueError, ShapeMismatchError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { effectiveRankSync } from './effective-rank';
import { knnAccuracy, knnAccuracySync } from './knn';
import {
  gram,
  multiply,
  normalizeRows,
  readLabels,
  readMatrices,
  readMatricesSync,
  rowNorms,
  shapeOf,
  transpose,
  vectorLength,
} from './matrix';

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error thrown');
}

describe('matrix inputs: exact errors', () => {
  it('tensors: disposed, or not rank 2', () => {
    const t = tf.tensor2d([1, 2], [1, 2]);
    t.dispose();
    const e = errorOf(() => shapeOf('op', 'z', t));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toBe("op: 'z' has already been disposed");
    const v = tf.tensor1d([1, 2, 3]);
    const r = errorOf(() => shapeOf('op', 'z', v));
    expect(r).toBeInstanceOf(ShapeMismatchError);
    expect(r.message).toBe("op: 'z' must be a rank-2 tensor, got rank 1 [3]");
    expect((r as ShapeMismatchError).expected).toBe('[rows, cols]');
    v.dispose();
    const ok = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    expect(shapeOf('op', 'z', ok)).toEqual([3, 2]);
    ok.dispose();
  });

  it('arrays of rows: a row that is not an array, ragged rows; [] is 0 × 0', () => {
    const e = errorOf(() => shapeOf('op', 'x', [[1, 2], 5]));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toBe("op: invalid argument 'x[1]': expected an array of numbers (a row), got 5");
    expect(errorOf(() => shapeOf('op', 'x', [null])).message).toBe(
      "op: invalid argument 'x[0]': expected an array of numbers (a row), got null",
    );
    expect(errorOf(() => shapeOf('op', 'x', [{ length: 'two' }])).message).toBe(
      'op: invalid argument \'x[0]\': expected an array of numbers (a row), got {"length":"two"}',
    );
    const r = errorOf(() => shapeOf('op', 'x', [[1, 2], [3, 4], [5]]));
    expect(r).toBeInstanceOf(ShapeMismatchError);
    expect(r.message).toBe("op: 'x' rows must all have the same length: row 0 has 2, row 2 has 1");
    expect(shapeOf('op', 'x', [])).toEqual([0, 0]);
    expect(shapeOf('op', 'x', [Float32Array.from([1, 2, 3])])).toEqual([1, 3]);
  });

  it('{ rows, cols, data }: bad sizes, data of the wrong length; anything else is refused', () => {
    expect(errorOf(() => shapeOf('op', 'm', { rows: 1.5, cols: 2, data: [1, 2] })).message).toBe(
      'op: invalid argument \'m.rows/cols\': expected non-negative integers, got {"rows":1.5,"cols":2}',
    );
    expect(errorOf(() => shapeOf('op', 'm', { rows: 1, cols: -2, data: [] })).message).toBe(
      'op: invalid argument \'m.rows/cols\': expected non-negative integers, got {"rows":1,"cols":-2}',
    );
    expect(errorOf(() => shapeOf('op', 'm', { rows: -1, cols: 2, data: [] })).message).toMatch(/'m\.rows\/cols'/);
    expect(errorOf(() => shapeOf('op', 'm', { rows: 2, cols: 0.5, data: [] })).message).toMatch(/'m\.rows\/cols'/);
    const d = errorOf(() => shapeOf('op', 'm', { rows: 2, cols: 3, data: [1, 2, 3] }));
    expect(d).toBeInstanceOf(ShapeMismatchError);
    expect(d.message).toBe("op: 'm.data' must have rows·cols = 2·3 = 6 entries, got 3");
    expect(errorOf(() => shapeOf('op', 'm', { rows: 1, cols: 1, data: null })).message).toBe(
      "op: 'm.data' must have rows·cols = 1·1 = 1 entries, got undefined",
    );
    expect(errorOf(() => shapeOf('op', 'm', { rows: 1, cols: 1, data: 'a' })).message).toMatch(/'m\.data' must have/);
    expect(shapeOf('op', 'm', { rows: 2, cols: 1, data: Float64Array.from([1, 2]) })).toEqual([2, 1]);
    for (const bad of ['abc', 3, null, { rows: 1, cols: 1 }]) {
      const e = errorOf(() => shapeOf('op', 'm', bad));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect(e.message).toMatch(
        /^op: invalid argument 'm': expected a rank-2 tf\.Tensor, \{ rows, cols, data \} or an array of rows, got /,
      );
    }
  });

  it('non-finite values name the argument and the flat index, for rows, { data } and tensors', async () => {
    const rows = errorOf(() =>
      effectiveRankSync([
        [1, 2],
        [3, Number.NaN],
      ]),
    );
    expect(rows).toBeInstanceOf(NonFiniteValueError);
    expect(rows.message).toBe("effectiveRank: 'z' contains NaN at flat index 3; all values must be finite");
    expect(errorOf(() => effectiveRankSync({ rows: 1, cols: 3, data: [0, Number.POSITIVE_INFINITY, 1] })).message).toBe(
      "effectiveRank: 'z' contains Infinity at flat index 1; all values must be finite",
    );
    const t = tf.tensor2d([1, Number.NEGATIVE_INFINITY, 0, 0], [2, 2]);
    expect(errorOf(() => effectiveRankSync(t)).message).toBe(
      "effectiveRank: 'z' contains -Infinity at flat index 1; all values must be finite",
    );
    await expect(readMatrices('op', [['t', t, [null, null]]] as const)).rejects.toThrow("op: 't' contains -Infinity at flat index 1");
    t.dispose();
  });

  it('vectors and labels: rank, length against the rows, non-negative integers', async () => {
    const m = tf.tensor2d([0, 1], [1, 2]);
    expect(errorOf(() => vectorLength('op', 'y', m)).message).toBe("op: 'y' must be a rank-1 tensor, got rank 2 [1, 2]");
    m.dispose();
    const d = tf.tensor1d([0, 1]);
    d.dispose();
    expect(errorOf(() => vectorLength('op', 'y', d)).message).toBe("op: 'y' has already been disposed");
    expect(errorOf(() => vectorLength('op', 'y', 3)).message).toBe(
      "op: invalid argument 'y': expected a rank-1 tf.Tensor or an array of numbers, got 3",
    );
    expect(errorOf(() => vectorLength('op', 'y', null)).message).toBe(
      "op: invalid argument 'y': expected a rank-1 tf.Tensor or an array of numbers, got null",
    );
    expect(vectorLength('op', 'y', Int32Array.from([1, 2, 3]))).toBe(3);
    expect(errorOf(() => knnAccuracySync([[1], [2]], [0], [[1]], [0])).message).toBe(
      "knnAccuracy: 'trainY' has 1 labels but 'trainX' has 2 rows",
    );
    for (const [bad, shown] of [
      [-1, '-1'],
      [0.5, '0.5'],
      [Number.NaN, 'NaN'],
    ] as const) {
      expect(errorOf(() => knnAccuracySync([[1]], [0], [[1]], [bad])).message).toBe(
        `knnAccuracy: invalid argument 'testY[0]': expected a non-negative integer class label, got ${shown}`,
      );
    }
    const y = tf.tensor1d([1, 0], 'int32');
    expect(Array.from(await readLabels('op', 'y', y, 2, 'x'))).toEqual([1, 0]);
    await expect(readLabels('op', 'y', y, 3, 'x')).rejects.toThrow("op: 'y' has 2 labels but 'x' has 3 rows");
    await expect(knnAccuracy([[1], [2]], y, [[1]], [0], { k: 1 })).resolves.toMatchObject({ predictions: [1] });
    y.dispose();
  });

  it('every form reads the same values; named dimensions must agree across arguments', () => {
    const rows = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const t = tf.tensor2d(rows);
    const forms = [rows, { rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6] }, t, [Float32Array.from([1, 2, 3]), [4, 5, 6]]];
    for (const f of forms) {
      const [a] = readMatricesSync('op', [['a', f, ['n', 'd']]] as const);
      expect(a.rows).toBe(2);
      expect(a.cols).toBe(3);
      expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(a.data).toBeInstanceOf(Float64Array);
    }
    t.dispose();
    expect(
      errorOf(() =>
        readMatricesSync('op', [
          ['a', rows, ['n', 'd']],
          ['b', [[1, 2]], ['m', 'd']],
        ] as const),
      ).message,
    ).toMatch(/'b' has d = 2 .* but 'a' has d = 3/);
    expect(errorOf(() => readMatricesSync('op', [['a', [], ['n', 'd']]] as const)).message).toBe(
      "op: 'a' is empty: dimension 0 of [0, 0] is 0",
    );
  });
});

describe('matrix helpers by hand', () => {
  const a = { rows: 2, cols: 3, data: Float64Array.from([1, 2, 0, 0, -1, 3]) };

  it('transpose, multiply, gram, row norms, normalised rows', () => {
    const at = transpose(a);
    expect([at.rows, at.cols]).toEqual([3, 2]);
    expect(Array.from(at.data)).toEqual([1, 0, 2, -1, 0, 3]);
    // A Aᵀ = [[5, −2], [−2, 10]].
    const p = multiply(a, at);
    expect([p.rows, p.cols]).toEqual([2, 2]);
    expect(Array.from(p.data)).toEqual([5, -2, -2, 10]);
    // AᵀA = [[1, 2, 0], [2, 5, −3], [0, −3, 9]].
    expect(Array.from(gram(a))).toEqual([1, 2, 0, 2, 5, -3, 0, -3, 9]);
    expect(Array.from(rowNorms(a))).toEqual([Math.sqrt(5), Math.sqrt(10)]);
    const n = normalizeRows({ rows: 2, cols: 2, data: Float64Array.from([3, 4, 0, 0]) });
    [0.6, 0.8, 0, 0].forEach((v, i) => expect(n.data[i]).toBeCloseTo(v, 15)); // the zero row stays 0, not NaN
    expect(n.data[3]).toBe(0);
  });
});
