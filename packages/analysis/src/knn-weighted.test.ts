import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { weightedKnn, weightedKnnOptionsSchema, weightedKnnSync } from './knn-weighted';

describe('weightedKnn: hand-computed cases', () => {
  // Training points on the unit circle at angles 0, 36.87°, 90°, 180° (cos = 1, 0.8, 0, −1 to the query [1, 0]).
  const trainX = [
    [1, 0],
    [0.8, 0.6],
    [0, 1],
    [-1, 0],
  ];
  const trainY = [0, 1, 1, 0];

  it('weights votes by exp(s/τ): τ = 1 and τ = 0.07 disagree with each other as computed by hand', () => {
    // k = 3 neighbours of [2, 0] (normalised [1, 0]): similarities 1 (class 0), 0.8 and 0 (class 1).
    // τ = 1:    class 0: e^1 = 2.718;      class 1: e^0.8 + e^0 = 3.226   → class 1 (as a majority vote).
    // τ = 0.07: class 0: e^14.29 = 1.6e6;  class 1: e^11.43 + 1 = 9.2e4   → class 0.
    expect(weightedKnnSync(trainX, trainY, [[2, 0]], [1], { k: 3, temperature: 1 })).toEqual({ top1: 1, top5: 1, k: 3, predictions: [1] });
    expect(weightedKnnSync(trainX, trainY, [[2, 0]], [1], { k: 3, temperature: 0.07 })).toEqual({
      top1: 0,
      top5: 1,
      k: 3,
      predictions: [0],
    });
    // k = 1: only the nearest votes; k capped at the training size.
    expect(weightedKnnSync(trainX, trainY, [[0.7, 0.7]], [1], { k: 1 }).predictions).toEqual([1]);
    expect(weightedKnnSync(trainX, trainY, [[0.7, 0.7]], [1], { k: 50 }).k).toBe(4);
  });

  it('ties: equal similarity goes to the lower training index, equal scores to the lower label', () => {
    // Two identical training points of different classes, both at similarity 1 to the query.
    const x = [
      [1, 0],
      [1, 0],
    ];
    expect(weightedKnnSync(x, [1, 0], [[1, 0]], [0], { k: 1 }).predictions).toEqual([1]); // lower index (0) has class 1
    expect(weightedKnnSync(x, [1, 0], [[1, 0]], [0], { k: 2 }).predictions).toEqual([0]); // equal scores → lower label
  });

  it("defaults are InstDisc's: k = 200, τ = 0.07", () => {
    expect(weightedKnnOptionsSchema.parse({})).toEqual({ k: 200, temperature: 0.07 });
  });

  it('errors name the argument', () => {
    expect(() => weightedKnnSync([[1, 0]], [0, 1], [[1, 0]], [0])).toThrow(/trainY/);
    expect(() => weightedKnnSync([[1, 0]], [0], [[1, 0, 0]], [0])).toThrow(/testX/);
    expect(() => weightedKnnSync([[1, 0]], [0.5], [[1, 0]], [0])).toThrow(/trainY\[0\]/);
    expect(() => weightedKnnSync([[1, 0]], [0], [[1, 0]], [0], { temperature: 0 })).toThrow(/temperature/);
  });
});

/** Float64 reference written from the formula (InstDisc §3.4, lightly `knn_predict`), independently of the implementation. */
function reference(trainX: number[][], trainY: number[], testX: number[][], testY: number[], k: number, tau: number) {
  const norm = (v: number[]) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const a = trainX.map(norm);
  const classes = Math.max(...trainY, ...testY) + 1;
  let top1 = 0;
  const predictions = testX.map((q, t) => {
    const qn = norm(q);
    const sims = a.map((r, i) => ({ s: r.reduce((acc, x, j) => acc + x * qn[j]!, 0), i }));
    sims.sort((p, r) => r.s - p.s || p.i - r.i);
    const score = new Array<number>(classes).fill(0);
    for (const { s, i } of sims.slice(0, k)) score[trainY[i]!]! += Math.exp(s / tau);
    const best = score.indexOf(Math.max(...score));
    if (best === testY[t]) top1++;
    return best;
  });
  return { top1: top1 / testX.length, predictions };
}

describeBackends('weightedKnn against references', () => {
  const rng = createRng(11);
  const centres = Array.from({ length: 5 }, () => Array.from({ length: 8 }, () => rng.normal()));
  const make = (n: number) => {
    const y = Array.from({ length: n }, (_, i) => i % 5);
    return { x: y.map((c) => centres[c]!.map((m) => m + 1.2 * rng.normal())), y };
  };
  const tr = make(300);
  const te = make(120);

  it('matches the float64 reference for k = 20 and k = 200 (tensor inputs, async)', async () => {
    for (const k of [20, 200]) {
      const ref = reference(tr.x, tr.y, te.x, te.y, k, 0.07);
      const [a, b] = [tf.tensor2d(tr.x), tf.tensor2d(te.x)];
      const ours = await weightedKnn(a, tr.y, b, te.y, { k });
      tf.dispose([a, b]);
      expect(ours.predictions).toEqual(ref.predictions);
      expect(ours.top1).toBe(ref.top1);
      expect(ours.top1).toBeGreaterThan(0.5);
      expect(ours.top5).toBe(1); // 5 classes
    }
  });

  it("matches lightly's knn_predict written in tfjs ops (topk, exp(s/τ), one-hot scores)", () => {
    const preds = tf.tidy(() => {
      const bank = tf.div(tf.tensor2d(tr.x), tf.norm(tf.tensor2d(tr.x), 2, 1, true));
      const q = tf.div(tf.tensor2d(te.x), tf.norm(tf.tensor2d(te.x), 2, 1, true));
      const { values, indices } = tf.topk(tf.matMul(q, bank, false, true), 20);
      const labels = tf.gather(tf.tensor1d(tr.y, 'int32'), indices);
      const scores = tf.sum(tf.mul(tf.oneHot(labels, 5), tf.expandDims(tf.exp(tf.div(values, 0.07)), 2)), 1);
      return Array.from(tf.argMax(scores, 1).dataSync());
    });
    expect(weightedKnnSync(tr.x, tr.y, te.x, te.y, { k: 20 }).predictions).toEqual(preds);
  });
});
