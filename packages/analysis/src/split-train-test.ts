import { assertNumber, createRng, InvalidArgumentError, type RngState } from '@contrastive/core';
import { type Matrix, type MatrixInput, readMatricesSync } from './matrix';

/** A seeded split of row indices into a training and a test set. */
export interface TrainTestSplit {
  /** Row indices of the training set, ascending. */
  train: number[];
  /** Row indices of the test set, ascending. */
  test: number[];
}

/**
 * A seeded random split of n rows: round(n·testFraction) test rows (at least 1 and at most n − 1),
 * chosen by a `createRng(seed)` permutation. Same seed ⇒ same split.
 *
 * @param n            number of rows (≥ 2)
 * @param testFraction share of rows in the test set, in (0, 1)
 * @param seed         number, string or RngState
 */
export function splitTrainTest(n: number, testFraction: number, seed: number | string | RngState): TrainTestSplit {
  const op = 'splitTrainTest';
  assertNumber(op, 'n', n, { min: 2, integer: true });
  assertNumber(op, 'testFraction', testFraction, { min: 0, max: 1, exclusiveMin: true });
  if (testFraction >= 1)
    throw new InvalidArgumentError({ op, argument: 'testFraction', expected: 'a number in (0, 1)', actual: testFraction });
  const nTest = Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
  const perm = createRng(seed).permutation(n);
  const test = Array.from(perm.subarray(0, nTest)).sort((a, b) => a - b);
  const train = Array.from(perm.subarray(nTest)).sort((a, b) => a - b);
  return { train, test };
}

/**
 * Selected rows of a matrix as a new float64 `Matrix` (for use with a `splitTrainTest` split).
 * @param x       [n, cols]
 * @param indices row indices, each in [0, n)
 */
export function takeRows(x: MatrixInput, indices: ArrayLike<number>): Matrix {
  const op = 'takeRows';
  const [m] = readMatricesSync(op, [['x', x, [null, null]]] as const);
  const out = new Float64Array(indices.length * m.cols);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!(Number.isInteger(i) && i >= 0 && i < m.rows)) {
      throw new InvalidArgumentError({ op, argument: `indices[${k}]`, expected: `an integer row index in [0, ${m.rows})`, actual: i });
    }
    out.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols);
  }
  return { rows: indices.length, cols: m.cols, data: out };
}
