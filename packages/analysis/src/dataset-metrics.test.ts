// datasetMetrics: the final probe and weighted kNN of a frozen encoder on a labelled dataset equal
// linearProbeSync / weightedKnnSync on the same embeddings computed by hand in eval mode, leave the
// encoder's mode and statistics alone, and leak no tensor.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Dataset } from '@contrastive/core';
import { convNet } from '@contrastive/nets';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { datasetMetrics } from './dataset-metrics';
import { weightedKnnSync } from './knn-weighted';
import { linearProbeSync } from './linear-probe';

/** n 6×6 grey images of 3 classes: a bright square in a class-specific corner, plus noise. */
function squares(n: number, seed: number): Dataset {
  const rng = createRng(seed);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const x = new Float32Array(n * 36);
  const corners = [
    [0, 0],
    [0, 3],
    [3, 0],
  ];
  for (let i = 0; i < n; i++) {
    const [r0, c0] = corners[y[i]!]!;
    for (let r = 0; r < 6; r++)
      for (let c = 0; c < 6; c++)
        x[i * 36 + r * 6 + c] = (r >= r0! && r < r0! + 3 && c >= c0! && c < c0! + 3 ? 0.8 : 0.2) + rng.normal(0, 0.1);
  }
  return {
    name: 'squares',
    length: n,
    shape: [6, 6, 1],
    numClasses: 3,
    get: (idx) =>
      tf.tidy(() => ({
        x: tf.gather(tf.tensor4d(x, [n, 6, 6, 1]), Int32Array.from(idx)),
        labels: tf.tensor1d(
          Int32Array.from(idx, (i) => y[i]!),
          'int32',
        ),
      })),
    dispose() {},
  };
}

describeBackends('datasetMetrics', () => {
  const trainSet = squares(60, 1);
  const testSet = squares(30, 2);

  it('equals the probe and weighted kNN (k = 200 and 20) of eval-mode embeddings, and restores the mode', () => {
    const encoder = convNet({ inputShape: [6, 6, 1], channels: [4, 8], strides: [1, 2], seed: 1 });
    const method = { embed: (x: tf.Tensor2D) => encoder.apply(x), networks: { encoder } };
    // Move the running statistics away from their initial values, so eval mode differs from training mode.
    tf.tidy(() => encoder.apply(trainSet.get([0, 1, 2, 3, 4, 5]).x));
    const before = tf.memory().numTensors;
    const m = datasetMetrics({ method }, { train: trainSet, test: testSet, batchSize: 7 });
    expect(tf.memory().numTensors).toBe(before);
    expect(encoder.training).toBe(true);

    encoder.setTraining(false);
    const embed = (ds: Dataset) =>
      tf.tidy(() => {
        const b = ds.get(Array.from({ length: ds.length }, (_, i) => i));
        return { x: encoder.apply(b.x).arraySync(), y: Array.from(b.labels.dataSync()) };
      });
    const a = embed(trainSet);
    const b = embed(testSet);
    encoder.setTraining(true);
    const probe = linearProbeSync(a.x, a.y, b.x, b.y);
    expect(m['linearProbe.testAccuracy']).toBeCloseTo(probe.testAccuracy, 10);
    expect(m['knn.top1']).toBeCloseTo(weightedKnnSync(a.x, a.y, b.x, b.y, { k: 200 }).top1, 10);
    expect(m['knn.top5']).toBe(1); // 3 classes: always among the top 5
    expect(m['knn20.top1']).toBeCloseTo(weightedKnnSync(a.x, a.y, b.x, b.y, { k: 20 }).top1, 10);
    // The squares are separable: the probe of random conv features is well above chance (1/3).
    expect(m['linearProbe.testAccuracy']).toBeGreaterThan(0.6);
    encoder.dispose();
  });

  it('caps the subsets at trainSize/testSize and names a bad dataset', () => {
    const encoder = convNet({ inputShape: [6, 6, 1], channels: [4], strides: [1], seed: 2 });
    const method = { embed: (x: tf.Tensor2D) => encoder.apply(x), networks: { encoder } };
    const m = datasetMetrics({ method }, { train: trainSet, test: testSet, trainSize: 12, testSize: 9 });
    expect(Math.round(m['knn.top1']! * 9)).toBeCloseTo(m['knn.top1']! * 9, 10); // a multiple of 1/9
    expect(() => datasetMetrics({ method }, { train: trainSet, test: undefined as unknown as Dataset })).toThrow(/datasetMetrics.*test/);
    encoder.dispose();
  });
});
