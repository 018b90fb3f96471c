// The batch sampler's edges: the shuffle order is the epoch's seeded permutation (createRng(seed)
// .fork(epoch), the documented stream), class-balanced batches are laid out class after class, the
// labels are read from the dataset in chunks, and every refusal names its argument and values.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Dataset, InvalidArgumentError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { createBatchSampler, datasetLabels } from './batch-sampler';

const info = (n: number, classes = 1) => ({ name: 'items', length: n, numClasses: classes });
function errorOf(f: () => unknown): InvalidArgumentError {
  try {
    f();
  } catch (e) {
    expect(InvalidArgumentError.isInstance(e)).toBe(true);
    return e as InvalidArgumentError;
  }
  throw new Error('no error');
}

/** A dataset whose labels are `labels`; counts the get() calls and their sizes. */
function labelled(labels: number[], classes: number) {
  const sizes: number[] = [];
  const ds: Dataset = {
    name: 'lab',
    length: labels.length,
    shape: [1],
    numClasses: classes,
    get(idx) {
      sizes.push(idx.length);
      return {
        x: tf.zeros([idx.length, 1]),
        labels: tf.tensor1d(
          Array.from(idx, (i) => labels[i]!),
          'int32',
        ),
      };
    },
    dispose() {},
  };
  return { ds, sizes };
}

describe('createBatchSampler (mutation)', () => {
  it("shuffle: epoch e's batches are consecutive slices of createRng(seed).fork(e).permutation(n)", () => {
    const s = createBatchSampler(info(10), 3, { type: 'shuffle' }, 42);
    expect(s.type).toBe('shuffle');
    expect(s.stepsPerEpoch).toBe(3);
    for (let e = 0; e < 2; e++) {
      const p = Array.from(createRng(42).fork(e).permutation(10));
      for (let b = 0; b < 3; b++) expect(Array.from(s.next())).toEqual(p.slice(3 * b, 3 * b + 3));
    }
    // dropLast false: the last batch is the remainder of the permutation.
    const kept = createBatchSampler(info(11), 3, { type: 'shuffle', dropLast: false }, 5);
    const p = Array.from(createRng(5).fork(0).permutation(11));
    expect([0, 1, 2, 3].map(() => Array.from(kept.next()))).toEqual([p.slice(0, 3), p.slice(3, 6), p.slice(6, 9), p.slice(9, 11)]);
    expect(kept.getState()).toEqual({ epoch: 1, position: 0, seed: 5 });
    // Batch size n with dropLast: one batch per epoch.
    expect(createBatchSampler(info(4), 4, undefined, 0).stepsPerEpoch).toBe(1);
  });

  it("setState to another seed draws that seed's permutation (the cached epoch order is dropped)", () => {
    const s = createBatchSampler(info(8), 4, undefined, 1);
    s.next();
    s.setState({ epoch: 0, position: 1, seed: 2 });
    expect(Array.from(s.next())).toEqual(Array.from(createRng(2).fork(0).permutation(8)).slice(4, 8));
    s.setState({ epoch: 0, position: 0, seed: 2 });
    expect(Array.from(s.next())).toEqual(Array.from(createRng(2).fork(0).permutation(8)).slice(0, 4));
    expect(s.getState()).toEqual({ epoch: 0, position: 1, seed: 2 });
  });

  it('setState refuses a state outside { epoch ≥ 0, position in 0..steps−1, finite seed }', () => {
    const s = createBatchSampler(info(8), 4, undefined, 1);
    for (const bad of [
      { epoch: -1, position: 0, seed: 1 },
      { epoch: 0.5, position: 0, seed: 1 },
      { epoch: 0, position: -1, seed: 1 },
      { epoch: 0, position: 1.5, seed: 1 },
      { epoch: 0, position: 2, seed: 1 },
      { epoch: 0, position: 0, seed: Number.NaN },
      undefined,
    ]) {
      const e = errorOf(() => s.setState(bad as never));
      expect(e.message).toMatch(
        /^createBatchSampler\.setState: invalid argument 'state': expected \{ epoch ≥ 0, position in 0\.\.1, seed \}, got /,
      );
    }
    s.setState({ epoch: 3, position: 1, seed: 1 });
    expect(s.getState()).toEqual({ epoch: 3, position: 1, seed: 1 });
  });

  it('batchSize must be a positive integer; a batch larger than the dataset without dropLast is one partial batch', () => {
    for (const b of [0, -2, 2.5]) {
      const e = errorOf(() => createBatchSampler(info(8), b, undefined, 0));
      expect(e.message).toBe(`createBatchSampler: invalid argument 'batchSize': expected a positive integer, got ${b}`);
    }
    const e = errorOf(() => createBatchSampler(info(5), 8, undefined, 0));
    expect(e.argument).toBe('batchSize');
    expect(e.expected).toBe("at most the dataset's 5 items with dropLast (else no batch is ever full)");
    expect(e.message).toBe(
      "createBatchSampler: batch size 8 is larger than dataset 'items' (5 items) and sampler.dropLast is true: no full batch exists; lower batchSize or set dropLast: false",
    );
    const one = createBatchSampler(info(5), 8, { type: 'shuffle', dropLast: false }, 0);
    expect(one.stepsPerEpoch).toBe(1);
    expect(Array.from(one.next()).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(errorOf(() => createBatchSampler(info(9), 4, { type: 'shuffle', dropLast: false }, 0)).message).toBe(
      "createBatchSampler: dataset 'items' has 9 items, so batches of 4 leave a last batch of 1 item; set dropLast: true or change batchSize",
    );
    // A last batch of 2 is fine.
    expect(createBatchSampler(info(10), 4, { type: 'shuffle', dropLast: false }, 0).stepsPerEpoch).toBe(3);
  });

  it('classBalanced: batch b holds items b·m … (b+1)·m − 1 of each class permutation, class after class', () => {
    const labels = Int32Array.from([1, 0, 1, 0, 1, 0, 1, 0, 0]); // class 0: 1,3,5,7,8; class 1: 0,2,4,6
    const s = createBatchSampler(info(9, 2), 4, { type: 'classBalanced', perClass: 2 }, 9, labels);
    expect(s.type).toBe('classBalanced');
    expect(s.stepsPerEpoch).toBe(2);
    const rng = createRng(9).fork(0);
    const byClass = [
      [1, 3, 5, 7, 8],
      [0, 2, 4, 6],
    ];
    const perms = byClass.map((items) => Array.from(rng.permutation(items.length), (i) => items[i]!));
    expect(Array.from(s.next())).toEqual([...perms[0]!.slice(0, 2), ...perms[1]!.slice(0, 2)]);
    expect(Array.from(s.next())).toEqual([...perms[0]!.slice(2, 4), ...perms[1]!.slice(2, 4)]);
    expect(s.getState()).toEqual({ epoch: 1, position: 0, seed: 9 });
  });

  it('classBalanced reads the labels from the dataset (in chunks) when none are given, and names bad ones', () => {
    const labels = Array.from({ length: 7 }, (_, i) => i % 2);
    const { ds, sizes } = labelled(labels, 2);
    const before = tf.memory().numTensors;
    expect(Array.from(datasetLabels(ds, 3))).toEqual(labels);
    expect(sizes).toEqual([3, 3, 1]);
    expect(tf.memory().numTensors).toBe(before);
    sizes.length = 0;
    expect(createBatchSampler(ds, 2, { type: 'classBalanced', perClass: 1 }, 0).stepsPerEpoch).toBe(3);
    expect(sizes).toEqual([7]); // default chunk 1024
    const noGet = errorOf(() => createBatchSampler(info(7, 2), 2, { type: 'classBalanced', perClass: 1 }, 0));
    expect(noGet.message).toBe('createBatchSampler: invalid argument \'labels\': expected 7 labels, got "none"');
    const short = errorOf(() => createBatchSampler(info(7, 2), 2, { type: 'classBalanced', perClass: 1 }, 0, Int32Array.from([0, 1])));
    expect(short.message).toBe('createBatchSampler: invalid argument \'labels\': expected 7 labels, got "2 labels"');
    const negative = errorOf(() =>
      createBatchSampler(info(3, 2), 2, { type: 'classBalanced', perClass: 1 }, 0, Int32Array.from([0, -1, 1])),
    );
    expect(negative.message).toBe("createBatchSampler: invalid argument 'labels[1]': expected a class in 0..1, got -1");
    const high = errorOf(() => createBatchSampler(info(3, 2), 2, { type: 'classBalanced', perClass: 1 }, 0, Int32Array.from([0, 1, 2])));
    expect(high.argument).toBe('labels[2]');
    const small = errorOf(() =>
      createBatchSampler(info(4, 2), 4, { type: 'classBalanced', perClass: 2 }, 0, Int32Array.from([0, 0, 1, 0])),
    );
    expect(small.message).toBe("createBatchSampler: class 1 of dataset 'items' has 1 items, fewer than perClass = 2");
    const perClass = errorOf(() =>
      createBatchSampler(info(4, 2), 4, { type: 'classBalanced', perClass: 2 }, 0, Int32Array.from([0, 0, 1, 0])),
    );
    expect([perClass.argument, perClass.expected, perClass.actual]).toEqual([
      'sampler.perClass',
      'at most the size of the smallest class',
      2,
    ]);
    const mismatch = errorOf(() =>
      createBatchSampler(info(4, 2), 3, { type: 'classBalanced', perClass: 1 }, 0, Int32Array.from([0, 1, 0, 1])),
    );
    expect(mismatch.message).toBe(
      "createBatchSampler: invalid argument 'batchSize': expected perClass · numClasses = 1 · 2 = 2 (a class-balanced batch holds every class), got 3",
    );
    // Exactly perClass items in the smallest class is enough (one batch per epoch).
    expect(createBatchSampler(info(4, 2), 4, { type: 'classBalanced', perClass: 2 }, 0, Int32Array.from([0, 1, 1, 0])).stepsPerEpoch).toBe(
      1,
    );
  });
});
