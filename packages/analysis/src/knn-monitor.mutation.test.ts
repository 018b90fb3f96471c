// knnMonitor's own logic on hand-made 2-D embeddings (identity `embed`), without training a model:
// the weighted vote of InstDisc (Wu et al. 2018 §3.4; the kNN monitor of SimCLR/MoCo codebases and
// lightly's knn_predict: weight exp(s/τ) per neighbour, summed per class, argmax) with k and τ passed
// through, the seeded memory-bank subsets, the chunked embedding, eval mode around `embed`, and the
// exact texts of its errors.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Dataset } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { embedItems, knnMonitor, subset } from './knn-monitor';

/** Unit vector at angle θ (radians) in the plane. */
const at = (theta: number) => [Math.cos(theta), Math.sin(theta)];

/** A Dataset of 2-D rows with labels that records every index list `get` is called with. */
function points(rows: number[][], labels: number[]): Dataset & { calls: number[][] } {
  const calls: number[][] = [];
  return {
    name: 'points',
    length: rows.length,
    shape: [2],
    numClasses: Math.max(...labels) + 1,
    calls,
    get: (idx) => {
      const i = Array.from(idx);
      calls.push(i);
      return {
        x: tf.tensor2d(
          i.map((j) => rows[j]!),
          [i.length, 2],
        ),
        labels: tf.tensor1d(
          i.map((j) => labels[j]!),
          'int32',
        ),
      };
    },
    dispose() {},
  };
}

/** A method whose embedding is its input (the memory bank holds the rows themselves). */
const identity = { embed: (x: tf.Tensor2D) => x };

describe('knnMonitor: the weighted vote exp(s/τ) with its k and τ', () => {
  // Query (1, 0) of label 1; memory bank: class 0 at cosine 1, class 1 twice at cosine 0.9.
  // Class scores (hand-computed): class 0 e^(1/τ) (if it votes), class 1 the sum of e^(0.9/τ) of its voters.
  const t = Math.acos(0.9);
  const train = points([at(0), at(t), at(-t)], [0, 1, 1]);
  const test = points([[1, 0]], [1]);

  it('τ = 1, k = 3: e^1 = 2.718 < 2e^0.9 = 4.919 → class 1 (top-1 = 1)', () => {
    const before = tf.memory().numTensors;
    expect(knnMonitor({ train, test, k: 3, temperature: 1 })({ method: identity })).toEqual({ 'knn.top1': 1, 'knn.top5': 1 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('τ = 0.2: e^5 = 148.4 < 2e^4.5 = 180.0 → class 1 with k = 3; with k = 2 only one class-1 point votes: e^5 > e^4.5 → class 0', () => {
    expect(knnMonitor({ train, test, k: 3, temperature: 0.2 })({ method: identity })['knn.top1']).toBe(1);
    expect(knnMonitor({ train, test, k: 2, temperature: 0.2 })({ method: identity })['knn.top1']).toBe(0);
    // k = 1 with τ = 1: only the nearest (class 0) votes.
    expect(knnMonitor({ train, test, k: 1, temperature: 1 })({ method: identity })['knn.top1']).toBe(0);
  });

  it('defaults k = 200 (capped at the 3 rows), τ = 0.07: e^(1/0.07) = 2.09 · 2e^(0.9/0.07) → class 0', () => {
    expect(knnMonitor({ train, test })({ method: identity })).toEqual({ 'knn.top1': 0, 'knn.top5': 1 });
  });

  it('top-1 averages over the test items: two queries, one right', () => {
    const two = points(
      [
        [1, 0],
        [1, 0],
      ],
      [1, 0],
    );
    expect(knnMonitor({ train, test: two, k: 3, temperature: 1 })({ method: identity })['knn.top1']).toBe(0.5);
  });
});

describe('knnMonitor: the memory bank and the test items are fixed seeded subsets', () => {
  const rows = Array.from({ length: 6 }, (_, i) => at(i));
  const labels = [0, 1, 2, 0, 1, 2];

  it('trainSize < length: that many distinct items in ascending order, drawn from the seed stream fork("train") (testSize from fork("test"))', () => {
    const train = points(rows, labels);
    const test = points(rows, labels);
    knnMonitor({ train, test, trainSize: 3, testSize: 4, seed: 7, batchSize: 100 })({ method: identity });
    // The documented streams: createRng(seed).fork(name).seed seeds a permutation whose first `size` items are kept.
    const pick = (name: string, size: number) =>
      Array.from(createRng(createRng(7).fork(name).seed).permutation(6).slice(0, size)).sort((p, q) => p - q);
    expect(train.calls).toEqual([pick('train', 3)]);
    expect(test.calls).toEqual([pick('test', 4)]);
    for (const [c, size] of [
      [train.calls[0]!, 3],
      [test.calls[0]!, 4],
    ] as const) {
      expect(c).toHaveLength(size);
      expect(new Set(c).size).toBe(size);
      expect(c).toEqual([...c].sort((p, q) => p - q));
    }
    // The same options draw the same subsets again (a fixed bank, not a fresh draw per evaluation).
    knnMonitor({ train, test, trainSize: 3, testSize: 4, seed: 7, batchSize: 100 })({ method: identity });
    expect(train.calls[1]).toEqual(train.calls[0]);
  });

  it('subset(n, size, seed): min(size, n) distinct indices, ascending; all of 0..n−1 when size ≥ n', () => {
    const s = Array.from(subset(10, 4, 3));
    expect(s).toHaveLength(4);
    expect(new Set(s).size).toBe(4);
    expect(s).toEqual([...s].sort((p, q) => p - q));
    for (const i of s) expect(i >= 0 && i < 10).toBe(true);
    expect(Array.from(subset(3, 10, 3))).toEqual([0, 1, 2]);
    expect(Array.from(subset(5, 5, 9))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('embedItems: chunks of batchSize, values and labels in index order', () => {
  const rows = [
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 8],
    [9, 10],
    [11, 12],
  ];
  const labels = [5, 4, 3, 2, 1, 0];

  it('6 items in chunks of 3: exactly two calls (no empty trailing chunk)', () => {
    const d = points(rows, labels);
    const r = embedItems(d, Int32Array.from([0, 2, 3, 4, 5, 1]), 3, (x) => x);
    expect(d.calls).toEqual([
      [0, 2, 3],
      [4, 5, 1],
    ]);
    expect(r.dim).toBe(2);
    expect(Array.from(r.values)).toEqual([1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 3, 4]);
    expect(Array.from(r.labels)).toEqual([5, 3, 2, 1, 0, 4]);
  });

  it('5 items in chunks of 2: calls of 2, 2, 1', () => {
    const d = points(rows, labels);
    const r = embedItems(d, Int32Array.from([5, 4, 3, 2, 1]), 2, (x) => tf.mul(x, 2));
    expect(d.calls).toEqual([[5, 4], [3, 2], [1]]);
    expect(Array.from(r.values)).toEqual([22, 24, 18, 20, 14, 16, 10, 12, 6, 8]);
    expect(Array.from(r.labels)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('knnMonitor: eval mode around embed', () => {
  /** A network with train/eval modes that logs its mode changes. */
  const modeNet = (training: boolean) => {
    const log: boolean[] = [];
    const net = {
      training,
      log,
      setTraining(mode: boolean) {
        log.push(mode);
        net.training = mode;
      },
    };
    return net;
  };

  it('networks in training mode are switched to eval for embedding and back after; others are left alone', () => {
    const train = points([at(0), at(1)], [0, 1]);
    const test = points([at(0.1)], [0]);
    const enc = modeNet(true);
    const frozen = modeNet(false);
    // A function object with the ModeNetwork members is not a network (only objects are).
    const fnLog: boolean[] = [];
    const fn = Object.assign(() => 0, { training: true, setTraining: (m: boolean) => fnLog.push(m) });
    const seen: boolean[][] = [];
    const method = {
      embed: (x: tf.Tensor2D) => {
        seen.push([enc.training, frozen.training]);
        return x;
      },
      // null, a number and an object without setTraining are not networks with modes either.
      networks: { enc, frozen, fn, none: null, n: 3, plain: { training: true } },
    };
    expect(knnMonitor({ train, test, k: 1 })({ method })).toEqual({ 'knn.top1': 1, 'knn.top5': 1 });
    expect(seen).toEqual([
      [false, false],
      [false, false],
    ]);
    expect(enc.log).toEqual([false, true]);
    expect(enc.training).toBe(true);
    expect(frozen.log).toEqual([]);
    expect(fnLog).toEqual([]);
  });

  it('a method without networks embeds as is', () => {
    const train = points([at(0), at(1)], [0, 1]);
    const test = points([at(0.9)], [1]);
    expect(knnMonitor({ train, test, k: 1 })({ method: identity })['knn.top1']).toBe(1);
  });
});

describe('knnMonitor: errors name the argument, expected and actual', () => {
  const good = points([at(0)], [0]);

  it('train/test must be non-empty Datasets (a single item is enough)', () => {
    expect(() => knnMonitor({ train: null as never, test: good })).toThrow(
      "knnMonitor: invalid argument 'train': expected a non-empty Dataset, got null",
    );
    expect(() => knnMonitor({ train: good, test: { length: 3 } as never })).toThrow(
      `knnMonitor: invalid argument 'test': expected a non-empty Dataset, got {"length":3}`,
    );
    const empty = { length: 0, get: () => good.get([0]) } as unknown as Dataset;
    expect(() => knnMonitor({ train: empty, test: good })).toThrow(
      `knnMonitor: invalid argument 'train': expected a non-empty Dataset, got {"length":0}`,
    );
    const half = { length: 1.5, get: () => good.get([0]) } as unknown as Dataset;
    expect(() => knnMonitor({ train: good, test: half })).toThrow(
      `knnMonitor: invalid argument 'test': expected a non-empty Dataset, got {"length":1.5}`,
    );
    expect(() => knnMonitor({ train: good, test: 5 as never })).toThrow(
      "knnMonitor: invalid argument 'test': expected a non-empty Dataset, got 5",
    );
    // One item each: the bank is that item, the query is classified by it.
    expect(knnMonitor({ train: good, test: good })({ method: identity })).toEqual({ 'knn.top1': 1, 'knn.top5': 1 });
  });

  it('the context needs a method with embed(x); a missing context is reported, not a TypeError', () => {
    const monitor = knnMonitor({ train: good, test: good });
    expect(() => monitor(undefined as never)).toThrow(
      "knnMonitor: invalid argument 'context.method': expected a method with embed(x), got undefined",
    );
    expect(() => monitor({ method: {} } as never)).toThrow(
      "knnMonitor: invalid argument 'context.method': expected a method with embed(x), got {}",
    );
  });
});
