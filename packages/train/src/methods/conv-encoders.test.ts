// Every method accepts a convolutional encoder on image batches: a tiny convNet on 8×8 images
// from a Dataset, image augmentations making the views, a few steps of train() each.
import * as tf from '@tensorflow/tfjs-core';
import { compose, horizontalFlip, randomResizedCrop } from '@contrastive/augment';
import { convNet, mlp } from '@contrastive/nets';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import type { Method } from '../method';
import { toyDataset } from '../testing/toy-dataset';
import { train } from '../train';
import { contrastiveMethod } from './contrastive';
import { byolMethod, directPredMethod, simSiamMethod } from './non-contrastive';
import { barlowTwinsMethod, vicRegMethod } from './redundancy-reduction';
import { supervisedMethod } from './supervised';

const encoder = () => convNet({ inputShape: [8, 8, 1], channels: [4, 8], strides: [1, 2], seed: 1 });
const head = (name: string, out = 4) => mlp({ inputDim: 8, hidden: [8], outputDim: out, seed: 2, name });

const methods: Record<string, () => Method> = {
  simclr: () => contrastiveMethod({ encoder: encoder(), projector: head('proj'), loss: 'ntxent', temperature: 0.5 }),
  supcon: () => contrastiveMethod({ encoder: encoder(), projector: head('proj'), loss: 'supcon', temperature: 0.5 }),
  simsiam: () =>
    simSiamMethod({
      encoder: encoder(),
      projector: head('proj'),
      predictor: mlp({ inputDim: 4, hidden: [4], outputDim: 4, name: 'pred' }),
    }),
  byol: () =>
    byolMethod({ encoder: encoder(), projector: head('proj'), predictor: mlp({ inputDim: 4, hidden: [4], outputDim: 4, name: 'pred' }) }),
  directpred: () => directPredMethod({ encoder: encoder(), projector: head('proj') }),
  barlowtwins: () => barlowTwinsMethod({ encoder: encoder(), projector: head('proj') }),
  vicreg: () => vicRegMethod({ encoder: encoder(), projector: head('proj') }),
  supervised: () => supervisedMethod({ encoder: encoder(), numClasses: 4 }),
};

describeBackends('methods with a conv encoder on image batches', () => {
  for (const [name, make] of Object.entries(methods)) {
    it(`${name}: trains a few steps on [batch, 8, 8, 1] views; weights move, loss finite, tensor count flat`, async () => {
      const data = toyDataset(32, [8, 8, 1], 4, 3);
      const method = make();
      const augment = compose(randomResizedCrop({ scale: [0.5, 1], seed: 3 }), horizontalFlip({ seed: 4 }));
      const w0 = method.networks['encoder']!.variables.map((v) => Array.from(v.dataSync()));
      const run = async () => {
        const losses: number[] = [];
        for await (const e of train({ data, augment, method, optimizer: { type: 'adam', lr: 0.01 }, steps: 3, batchSize: 16, seed: 1 })) {
          if (e.type === 'step') losses.push(e.loss);
        }
        return losses;
      };
      await run();
      const before = tf.memory().numTensors;
      const losses = await run();
      expect(tf.memory().numTensors).toBe(before);
      expect(losses.every(Number.isFinite)).toBe(true);
      const w1 = method.networks['encoder']!.variables.map((v) => Array.from(v.dataSync()));
      expect(w1).not.toEqual(w0);
      const emb = tf.tidy(() => method.embed(data.get([0, 1, 2]).x as tf.Tensor2D).shape);
      expect(emb).toEqual([3, 8]);
      method.dispose();
      data.dispose();
    });
  }
});
