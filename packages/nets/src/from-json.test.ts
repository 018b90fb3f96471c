import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, type Network, type NetworkJSON, ShapeMismatchError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { convNet } from './conv-net';
import { directPredictor } from './direct-predictor';
import { cloneNetwork, fromJSON, networkTypes, registerNetworkType } from './from-json';
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
    const sr = symmetricRelu({
      inputDim: 4,
      width: 3,
      threshold: { type: 'linear-warmup', final: 0.2, warmupFraction: 0.5 },
      name: 'fj-sr',
    });
    sr.onStep(3, 10);
    const nets: Network[] = [
      sr,
      mlp({ inputDim: 4, hidden: [3], outputDim: 2, batchNorm: true, name: 'fj-mlp' }),
      projectionHead({ inputDim: 4, name: 'fj-proj' }),
      predictionHead({ dim: 4, name: 'fj-pred' }),
      linearPredictor({ dim: 4, init: 'normal', name: 'fj-lin' }),
      dp,
      treeNetwork({ depth: 2, hid: 3, name: 'fj-tree' }),
      convNet({ inputShape: [5, 5, 2], channels: [3, 4], strides: [1, 2], seed: 7, name: 'fj-conv' }),
      resNet({ inputShape: [8, 8, 1], blocks: [1, 1], channels: [4, 8], stemChannels: 4, seed: 2, name: 'fj-res' }),
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
    expect(() => fromJSON({ type: 'resnet', config: {}, weights: {} })).toThrow(
      /fromJSON: invalid argument 'json\.type': expected one of 'symmetricRelu'/,
    );
    expect(() => fromJSON(null as never)).toThrow(InvalidArgumentError);
    const good = symmetricRelu({ inputDim: 3, width: 2, name: 'fj-bad' });
    const json = good.toJSON();
    good.dispose();
    expect(() => fromJSON({ ...json, config: { ...json.config, width: -1 } })).toThrow(
      /fromJSON\(symmetricRelu\): invalid argument 'json\.config\.width'/,
    );
    expect(() => fromJSON({ ...json, weights: { W: { shape: [3, 2], values: json.weights['W']!.values } } })).toThrow(ShapeMismatchError);
    expect(() => fromJSON({ ...json, weights: { W: { shape: [3, 2], values: [] } } })).toThrow(/json\.weights\.W/);
    expect(() => fromJSON({ ...json, weights: { W: { shape: [2, 3], values: [1, 2, 3] } } })).toThrow(/json\.weights\.W\.values/);
    expect(() => fromJSON({ ...json, weights: {} })).toThrow(/json\.weights\.W/);
    expect(() => fromJSON({ ...json, state: { threshold: -1 } })).toThrow(/json\.state\.threshold/);
    expect(() => cloneNetwork({} as Network)).toThrow(/cloneNetwork: invalid argument 'net'/);
  });
});

/** A user-defined network (not from this package): y = x Wᵀ, W [out, in]. */
function userLinear(name: string, values: Float32Array, inputDim: number, outputDim: number, withClone = false): Network {
  const w = tf.variable(tf.tensor2d(values, [outputDim, inputDim]), true, `${name}/W_${Math.random().toString(36).slice(2)}`);
  const net: Network = {
    name,
    inputDim,
    outputDim,
    variables: [w],
    apply: (x) => tf.matMul(x, w, false, true),
    toJSON: () => ({
      type: 'userLinear',
      config: { name, inputDim, outputDim },
      weights: { W: { shape: [outputDim, inputDim], values: Array.from(w.dataSync()) } },
    }),
    dispose: () => w.dispose(),
    ...(withClone ? { clone: (n?: string) => userLinear(n ?? name, Float32Array.from(w.dataSync()), inputDim, outputDim) } : {}),
  };
  return net;
}
const readUserLinear = (json: NetworkJSON) => {
  const c = json.config as { name: string; inputDim: number; outputDim: number };
  return userLinear(c.name, Float32Array.from(json.weights['W']!.values), c.inputDim, c.outputDim);
};

describe('registerNetworkType / cloneNetwork with user-defined networks', () => {
  it('an unregistered type: the error lists the registered types and how to register one', () => {
    const net = userLinear('u0', new Float32Array([1, 2, 3, 4]), 2, 2);
    expect(() => cloneNetwork(net)).toThrow(
      /cannot copy network 'u0' of type 'userLinear': give it a clone\(name\?\) method, or register a reader with registerNetworkType\(type, \(json\) => network\) from '@contrastive\/nets'\. Registered types: 'symmetricRelu', 'mlp'/,
    );
    expect(() => fromJSON(net.toJSON())).toThrow(
      /expected one of 'symmetricRelu', .* \(for another type, register a reader with registerNetworkType/,
    );
    net.dispose();
  });

  it('a registered type round-trips through fromJSON and cloneNetwork into an independent copy', () => {
    registerNetworkType('userLinear', readUserLinear);
    expect(networkTypes).toContain('userLinear');
    const net = userLinear('u1', new Float32Array([1, 2, 3, 4, 5, 6]), 3, 2);
    const copy = cloneNetwork(net, 'u1-target');
    expect(copy.name).toBe('u1-target');
    expect(Array.from(copy.variables[0]!.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(copy.variables[0]).not.toBe(net.variables[0]);
    net.variables[0]!.assign(tf.zeros([2, 3]));
    expect(Array.from(copy.variables[0]!.dataSync())).toEqual([1, 2, 3, 4, 5, 6]); // independent
    // Registering again replaces the reader; the package's own types are protected.
    registerNetworkType('userLinear', readUserLinear);
    expect(networkTypes.filter((t) => t === 'userLinear')).toHaveLength(1);
    expect(() => registerNetworkType('mlp', readUserLinear)).toThrow(
      /registerNetworkType: invalid argument 'type': expected a type other than the built-in/,
    );
    expect(() => registerNetworkType('', readUserLinear)).toThrow(/'type'/);
    expect(() => registerNetworkType('x', 3 as never)).toThrow(/'reader'/);
    net.dispose();
    copy.dispose();
  });

  it('prefers the network’s own clone()', () => {
    const net = userLinear('u2', new Float32Array([7, 8]), 2, 1, true);
    const json = net.toJSON();
    const copy = cloneNetwork({ ...net, toJSON: () => ({ ...json, type: 'neverRegistered' }) }, 'u2-copy');
    expect(copy.name).toBe('u2-copy');
    expect(Array.from(copy.variables[0]!.dataSync())).toEqual([7, 8]);
    net.dispose();
    copy.dispose();
  });
});
