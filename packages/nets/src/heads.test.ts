import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, randomNormalTensor } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { predictionHead, projectionHead } from './heads';

describe('projectionHead / predictionHead', () => {
  it('projectionHead: SimSiam layout Linear(no bias)-BN-ReLU ×(layers−1), Linear, BN(affine=False) (docs/science/non-contrastive.md §3.1)', () => {
    const g = projectionHead({ inputDim: 8, hiddenDim: 16, outputDim: 4, layers: 3, seed: 0, name: 'proj-a' });
    expect(g.layers.map((l) => l.W.shape)).toEqual([
      [8, 16],
      [16, 16],
      [16, 4],
    ]);
    expect(g.layers.map((l) => [l.b !== undefined, l.gamma !== undefined])).toEqual([
      [false, true],
      [false, true],
      [true, false],
    ]);
    expect(g.toJSON().config).toMatchObject({ batchNorm: true, outputBatchNorm: true, activation: 'relu' });
    const x = randomNormalTensor<tf.Rank.R2>(createRng(0), [10, 8]) as tf.Tensor2D;
    const z = g.apply(x);
    const { mean } = tf.moments(z, 0);
    expect(Math.max(...Array.from(mean.dataSync(), Math.abs))).toBeLessThan(1e-5); // BN output: zero mean per column
    tf.dispose([x, z, mean]);
    g.dispose();
  });

  it('projectionHead defaults: 2 layers, widths = inputDim; batchNorm false is a plain 2-layer MLP', () => {
    const g = projectionHead({ inputDim: 6, batchNorm: false, name: 'proj-b' });
    expect(g.layers.map((l) => l.W.shape)).toEqual([
      [6, 6],
      [6, 6],
    ]);
    expect(g.variables.length).toBe(4);
    g.dispose();
  });

  it('predictionHead: bottleneck dim → dim/4 → dim with Linear(no bias)-BN-ReLU, no output BN', () => {
    const h = predictionHead({ dim: 16, seed: 1 });
    expect(h.name).toBe('predictor');
    expect(h.layers.map((l) => l.W.shape)).toEqual([
      [16, 4],
      [4, 16],
    ]);
    expect(h.toJSON().config).toMatchObject({ batchNorm: true, outputBatchNorm: false });
    h.dispose();
  });

  it('rejects bad options naming the head and the key', () => {
    expect(() => projectionHead({ inputDim: -1 })).toThrow(/projectionHead: invalid argument 'options\.inputDim'/);
    expect(() => predictionHead({ dim: 8, hiddenDim: 0 })).toThrow(InvalidArgumentError);
  });
});
