// The online kNN monitor as train()'s evaluate hook: it reports knn.top1 on held-out items and
// leaves the training numbers exactly as they are without it (eval-mode batch norm, own seed).
import * as tf from '@tensorflow/tfjs-core';
import { compose, horizontalFlip, randomResizedCrop } from '@contrastive/augment';
import { createRng, type Dataset } from '@contrastive/core';
import { convNet, mlp } from '@contrastive/nets';
import { describeBackends } from '@contrastive/test-utils';
import { contrastiveMethod, train, type TrainEvent } from '@contrastive/train';
import { expect, it } from 'vitest';
import { knnMonitor } from './knn-monitor';
import { weightedKnnSync } from './knn-weighted';

/** n 6×6 grey images of 3 classes: a bright square in a class-specific corner, plus noise. */
function squares(n: number, seed: number): Dataset {
  const rng = createRng(seed);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const x = new Float32Array(n * 36);
  for (let i = 0; i < n; i++) {
    const [r0, c0] = [
      [0, 0],
      [0, 3],
      [3, 0],
    ][y[i]!]!;
    for (let r = 0; r < 6; r++)
      for (let c = 0; c < 6; c++)
        x[i * 36 + r * 6 + c] = (r >= r0! && r < r0! + 3 && c >= c0! && c < c0! + 3 ? 0.8 : 0.2) + rng.normal(0, 0.05);
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

function setup() {
  const encoder = convNet({ inputShape: [6, 6, 1], channels: [4, 8], strides: [1, 2], seed: 1 });
  const method = contrastiveMethod({
    encoder,
    projector: mlp({ inputDim: 8, hidden: [8], outputDim: 4, seed: 2 }),
    loss: 'ntxent',
    temperature: 0.5,
  });
  const augment = compose(randomResizedCrop({ scale: [0.6, 1], seed: 3 }), horizontalFlip({ seed: 4 }));
  return { encoder, method, augment };
}

describeBackends('knnMonitor', () => {
  const trainSet = squares(48, 1);
  const testSet = squares(30, 2);

  // Trains a convNet twice (seconds per run, and every covered mutant would rerun it): left out under
  // StrykerJS only (CONTRASTIVE_MUTATION=1), which can only lower the measured mutation score.
  it.skipIf(process.env['CONTRASTIVE_MUTATION'] === '1')(
    'a run with the monitor ends with bit-identical weights, statistics and losses to one without; it reports knn.top1',
    async () => {
      const runOnce = async (monitor: boolean) => {
        const s = setup();
        const events: TrainEvent[] = [];
        for await (const e of train({
          data: trainSet,
          augment: s.augment,
          method: s.method,
          optimizer: { type: 'adam', lr: 0.01 },
          epochs: 2,
          batchSize: 16,
          seed: 5,
          ...(monitor ? { evalEvery: 2, evaluate: knnMonitor({ train: trainSet, test: testSet, k: 10, batchSize: 7 }) } : {}),
        })) {
          events.push(e);
        }
        const out = {
          weights: s.method.trainableVariables().map((v) => Array.from(v.dataSync())),
          state: s.encoder.toJSON().state,
          loss: events.filter((e) => e.type === 'step').map((e) => e.loss),
          evals: events.filter((e) => e.type === 'eval').map((e) => e.metrics),
        };
        s.method.dispose();
        return out;
      };
      const without = await runOnce(false);
      const withMonitor = await runOnce(true);
      expect(withMonitor.weights).toEqual(without.weights);
      expect(withMonitor.state).toEqual(without.state);
      expect(withMonitor.loss).toEqual(without.loss);
      expect(withMonitor.evals).toHaveLength(4); // steps 0, 2, 4, 6
      for (const m of withMonitor.evals) {
        expect(Object.keys(m).sort()).toEqual(['knn.top1', 'knn.top5']);
        expect(m['knn.top1']).toBeGreaterThanOrEqual(0);
        expect(m['knn.top1']).toBeLessThanOrEqual(1);
        expect(m['knn.top5']).toBe(1); // 3 classes
      }
    },
  );

  it('equals weightedKnn of the eval-mode embeddings of its subsets (all items when the subsets cover the data); tensor count flat', () => {
    const s = setup();
    const monitor = knnMonitor({ train: trainSet, test: testSet, k: 5 });
    const before = tf.memory().numTensors;
    const metrics = monitor({ method: s.method });
    expect(tf.memory().numTensors).toBe(before);
    expect(s.encoder.training).toBe(true); // restored
    s.encoder.setTraining(false);
    const ref = tf.tidy(() => {
      const a = trainSet.get(Array.from({ length: 48 }, (_, i) => i));
      const b = testSet.get(Array.from({ length: 30 }, (_, i) => i));
      return weightedKnnSync(s.method.embed(a.x as tf.Tensor2D), a.labels, s.method.embed(b.x as tf.Tensor2D), b.labels, { k: 5 }).top1;
    });
    expect(metrics['knn.top1']).toBe(ref);
    s.method.dispose();
  });

  it('errors: no dataset, a bad option, a context without a method', () => {
    expect(() => knnMonitor({ train: undefined as never, test: testSet })).toThrow(/knnMonitor.*train/);
    expect(() => knnMonitor({ train: trainSet, test: testSet, k: 0 })).toThrow(/knnMonitor.*k/);
    expect(() => knnMonitor({ train: trainSet, test: testSet })({} as never)).toThrow(/context\.method/);
  });
});
