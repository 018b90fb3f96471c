import * as tf from '@tensorflow/tfjs-core';
import { compose, horizontalFlip, randomApply, randomResizedCrop, colorJitter } from '@contrastive/augment';
import { convNet, mlp } from '@contrastive/nets';
import { useBackend } from '@contrastive/test-utils';
import { contrastiveMethod, train } from '@contrastive/train';
import { it } from 'vitest';
import { loadFashionMnist } from '../../datasets/src/node';
import { subsetDataset } from '../../datasets/src/index';
import { knnMonitor } from './knn-monitor';

it('measure: SimCLR small CNN on 2000 Fashion-MNIST images', async () => {
  await useBackend((process.env.MEASURE_BACKEND as 'wasm' | 'cpu') ?? 'wasm');
  const fm = await loadFashionMnist();
  const pick = (n: number, per: number, total: number) => Array.from({ length: n * 10 }, (_, i) => Math.floor(i / n) * per + (i % n));
  const trainSet = subsetDataset(fm.train, pick(200, 6000, 60000));
  const testSet = subsetDataset(fm.test, pick(100, 1000, 10000));
  const encoder = convNet({ inputShape: [28, 28, 1], widthMultiplier: 0.5, seed: 0 });
  const projector = mlp({ inputDim: 64, hidden: [128], outputDim: 64, seed: 1 });
  const method = contrastiveMethod({ encoder, projector, loss: 'ntxent', temperature: 0.2 });
  const augment = compose(
    randomResizedCrop({ scale: [0.3, 1], seed: 1 }),
    horizontalFlip({ seed: 2 }),
    randomApply(0.8, colorJitter({ brightness: 0.4, contrast: 0.4, seed: 3 }), { seed: 4 }),
  );
  const epochs = Number(process.env.MEASURE_EPOCHS ?? 3);
  const monitor = knnMonitor({ train: trainSet, test: testSet, trainSize: 2000, testSize: 1000 });
  const t0 = performance.now();
  let last = t0;
  for await (const e of train({ data: trainSet, augment, method, optimizer: { type: 'adam', lr: 1e-3 }, epochs, batchSize: 128, seed: 0,
    schedule: { type: 'cosine', warmupEpochs: 0 }, evalEvery: 15, evaluate: (c) => {
      const m = monitor(c); const now = performance.now();
      console.log(`step ${c.step}: knn.top1 ${m['knn.top1']} top5 ${m['knn.top5']} (${((now - last) / 1000).toFixed(1)} s since last)`); last = now; return m; } })) {
    if (e.type === 'step' && e.step % 5 === 0) console.log(`step ${e.step} loss ${e.loss.toFixed(4)} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  console.log('total s', ((performance.now() - t0) / 1000).toFixed(1), 'tensors', tf.memory().numTensors);
}, 3_600_000);
