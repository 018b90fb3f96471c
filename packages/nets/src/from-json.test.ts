import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, type Network, type NetworkJSON, ShapeMismatchError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { convNet } from './conv-net';
import { directPredictor } from './direct-predictor';
import { cloneNetwork, fromJSON, networkTypes } from './from-json';
import { predictionHead, projectionHead } from './heads';
import { linearPredictor } from './linear-predictor';
import { mlp } from './mlp';
import { resNet } from './res-net';
import { symmetricRelu } from './symmetric-relu';
import { treeNetwork } from './tree-network';

describe('fromJSON', () => {
  it('rebuilds every network type bit-exactly after JSON.stringify/parse, state included', () => {
    const dp = directPredictor({ dim: 4, name: 'fj-dp' });
    const z = tf.tensor2d(createRng(0).fillNormal(new Float32Array(24)), [6, 4]);
    dp.update(z);
    const sr = symmetricRelu({ inputDim: 4, width: 3, threshold: { type: 'linear-warmup', final: 0.2, warmupFraction: 0.5 }, name: 'fj-sr' });
    sr.onStep(3, 10);
    const nets: Network[] = [
      sr,
      mlp({ inputDim: 4, hidden: [3], outputDim: 2, batchNorm: true, name: 'fj-mlp' }),
      projectionHead({ inputDim: 4, name: 'fj-proj' }),
      predictionHead({ dim: 4, name: 'fj-pred' }),
      linearPredictor({ dim: 4, init: 'normal', name: 'fj-lin' }),
      dp,
      treeNetwork({ depth: 2, hid: 3, name: 'fj-tree' }),
      convNet({ inputShape: [4, 4, 1], channels: [2], strides: [1], name: 'fj-conv' }),
      resNet({ inputShape: [4, 4, 1], blocks: [1], channels: [2], stemChannels: 2, name: 'fj-res' }),
    ];
    expect(new Set(nets.map((n) => n.toJSON().type))).toEqual(new Set(networkTypes));
    for (const net of nets) {
      const text = JSON.stringify(net.toJSON());
      const copy = fromJSON(JSON.parse(text) as NetworkJSON);
      expect(JSON.stringify(copy.toJSON())).toBe(text);
      expect([copy.name, copy.inputDim, copy.outputDim]).toEqual([net.name, net.inputDim, net.outputDim]);
      copy.dispose();
    }
    nets.forEach((n) => n.dispose());
    z.dispose();
  });

  it('rejects unknown types, bad configs and bad weights, naming the field', () => {
    expect(() => fromJSON({ type: 'resnet', config: {}, weights: {} })).toThrow(/fromJSON: invalid argument 'json\.type': expected one of 'symmetricRelu'/);
    expect(() => fromJSON(null as never)).toThrow(InvalidArgumentError);
    const good = symmetricRelu({ inputDim: 3, width: 2, name: 'fj-bad' });
    const json = good.toJSON();
    good.dispose();
    expect(() => fromJSON({ ...json, config: { ...json.config, width: -1 } })).toThrow(/fromJSON\(symmetricRelu\): invalid argument 'json\.config\.width'/);
    expect(() => fromJSON({ ...json, weights: { W: { shape: [3, 2], values: json.weights['W']!.values } } })).toThrow(ShapeMismatchError);
    expect(() => fromJSON({ ...json, weights: { W: { shape: [3, 2], values: [] } } })).toThrow(/json\.weights\.W/);
    expect(() => fromJSON({ ...json, weights: { W: { shape: [2, 3], values: [1, 2, 3] } } })).toThrow(/json\.weights\.W\.values/);
    expect(() => fromJSON({ ...json, weights: {} })).toThrow(/json\.weights\.W/);
    expect(() => fromJSON({ ...json, state: { threshold: -1 } })).toThrow(/json\.state\.threshold/);
    expect(() => cloneNetwork({} as Network)).toThrow(/cloneNetwork: invalid argument 'net'/);
  });
});
