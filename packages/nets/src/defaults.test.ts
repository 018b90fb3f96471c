// Every documented default of the network factories, asserted against its source: the resolved
// config a network serialises (`toJSON().config`) is written out here by hand from the doc comments
// and the papers / reference code they cite, so changing a default in a schema fails a test. (Schema
// defaults are module-level constants, which StrykerJS skips as static mutants; this file is where
// they are checked.)
import { describe, expect, it } from 'vitest';
import {
  BATCH_NORM_EPS,
  BATCH_NORM_MOMENTUM,
  convNet,
  createBatchNorm,
  directPredictor,
  linearPredictor,
  mlp,
  predictionHead,
  projectionHead,
  resNet,
  symmetricRelu,
  thresholdAt,
  treeNetwork,
} from './index';

/** `toJSON().config` of a freshly built network (disposed right away). */
function config(net: { toJSON(): { config: Record<string, unknown> }; dispose(): void }): Record<string, unknown> {
  const c = net.toJSON().config;
  net.dispose();
  return c;
}

describe('network defaults', () => {
  it('batch norm: momentum 0.1 and ε = 1e-5 (PyTorch BatchNorm1d/2d defaults)', () => {
    expect(BATCH_NORM_MOMENTUM).toBe(0.1);
    expect(BATCH_NORM_EPS).toBe(1e-5);
    // A fresh layer: γ = 1, β = 0, running mean 0, running variance 1, nothing tracked (PyTorch).
    const bn = createBatchNorm({ numFeatures: 2, name: 'defaults/bn' });
    expect(Array.from(bn.gamma.dataSync())).toEqual([1, 1]);
    expect(Array.from(bn.beta.dataSync())).toEqual([0, 0]);
    expect(bn.getState()).toEqual({ runningMean: [0, 0], runningVar: [1, 1], numBatchesTracked: 0 });
    bn.dispose();
  });

  it("convNet: issue 12's encoder (conv3×3 32, 64 s2, 128 s2, BN), width 1, BN momentum 0.1, ε 1e-5", () => {
    expect(config(convNet({ inputShape: [8, 8, 1] }))).toEqual({
      inputShape: [8, 8, 1],
      channels: [32, 64, 128],
      strides: [1, 2, 2],
      kernelSize: 3,
      widthMultiplier: 1,
      batchNorm: true,
      momentum: 0.1,
      eps: 1e-5,
      seed: 0,
      name: 'convNet',
    });
  });

  it('resNet: ResNet-18 (2, 2, 2, 2 basic blocks of 64, 128, 256, 512; stem 64; He et al. 2016)', () => {
    expect(config(resNet({ inputShape: [4, 4, 3], widthMultiplier: 1 / 64 }))).toEqual({
      inputShape: [4, 4, 3],
      blocks: [2, 2, 2, 2],
      channels: [64, 128, 256, 512],
      stemChannels: 64,
      widthMultiplier: 1 / 64,
      momentum: 0.1,
      eps: 1e-5,
      seed: 0,
      name: 'resNet',
    });
    const c = config(resNet({ inputShape: [4, 4, 3], channels: [1, 1, 1, 1], stemChannels: 1 }));
    expect(c.widthMultiplier).toBe(1);
  });

  it('mlp: one linear layer, relu, leaky slope 0.01 (PyTorch LeakyReLU), no BN, biases, He init', () => {
    expect(config(mlp({ inputDim: 3, outputDim: 2 }))).toEqual({
      inputDim: 3,
      hidden: [],
      outputDim: 2,
      activation: 'relu',
      leakyReluAlpha: 0.01,
      batchNorm: false,
      outputBatchNorm: false,
      bias: true,
      init: 'he',
      seed: 0,
      name: 'mlp',
    });
  });

  it('projectionHead: 2 layers of width inputDim, Linear-BN-ReLU and a non-affine output BN (SimSiam builder.py)', () => {
    expect(config(projectionHead({ inputDim: 6 }))).toEqual({
      inputDim: 6,
      hidden: [6],
      outputDim: 6,
      activation: 'relu',
      leakyReluAlpha: 0.01,
      batchNorm: true,
      outputBatchNorm: true,
      bias: true,
      init: 'he',
      seed: 0,
      name: 'projector',
    });
    expect((config(projectionHead({ inputDim: 6, hiddenDim: 4, outputDim: 3, layers: 3 })) as { hidden: number[] }).hidden).toEqual([4, 4]);
  });

  it('predictionHead: bottleneck max(1, ⌊dim/4⌋) (SimSiam: 512 for 2048), Linear-BN-ReLU, no output BN', () => {
    expect(config(predictionHead({ dim: 2048 / 64 }))).toEqual({
      inputDim: 32,
      hidden: [8],
      outputDim: 32,
      activation: 'relu',
      leakyReluAlpha: 0.01,
      batchNorm: true,
      outputBatchNorm: false,
      bias: true,
      init: 'he',
      seed: 0,
      name: 'predictor',
    });
    // ⌊7/4⌋ = 1; dim 3 → max(1, 0) = 1.
    expect((config(predictionHead({ dim: 7 })) as { hidden: number[] }).hidden).toEqual([1]);
    expect((config(predictionHead({ dim: 3 })) as { hidden: number[] }).hidden).toEqual([1]);
  });

  it('linearPredictor: identity init, no bias (DirectPred setting)', () => {
    expect(config(linearPredictor({ dim: 3 }))).toEqual({ dim: 3, init: 'identity', bias: false, seed: 0, name: 'predictor' });
  });

  it('directPredictor: ρ = 0.3, ε = 0.01, freq 1, p ≥ 1e-4 (luckmatters dyn_lambda, dyn_eps, boost_scale)', () => {
    expect(config(directPredictor({ dim: 3 }))).toEqual({
      dim: 3,
      rho: 0.3,
      eps: 0.01,
      freq: 1,
      minEigenvalue: 1e-4,
      mode: 'eigen',
      name: 'predictor',
    });
  });

  it('treeNetwork: depth 5, 2 children, hid 10, normalised output with ε = 1e-4 (luckmatters ssl/hltm)', () => {
    expect(config(treeNetwork())).toEqual({
      depth: 5,
      children: 2,
      hid: 10,
      normalizeOutput: true,
      normEps: 1e-4,
      seed: 0,
      name: 'treeNetwork',
    });
  });

  it('symmetricRelu: threshold 0 (a linear network), unit-norm rows, N(0, I/d) init', () => {
    expect(config(symmetricRelu({ inputDim: 3, width: 2 }))).toEqual({
      inputDim: 3,
      width: 2,
      threshold: 0,
      unitNormRows: true,
      init: 'normal',
      seed: 0,
      name: 'symmetricRelu',
    });
  });

  it('linear warm-up starts from 0 (docs/science/feature-decoupling.md §1.3)', () => {
    expect(thresholdAt({ type: 'linear-warmup', final: 0.4, warmupFraction: 0.5 }, 0, 100)).toBe(0);
    expect(thresholdAt({ type: 'linear-warmup', final: 0.4, warmupFraction: 0.5 }, 25, 100)).toBeCloseTo(0.2, 15);
  });
});
