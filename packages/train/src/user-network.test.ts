// Every method works with a user-defined encoder: BYOL and DirectPred copy the online network
// into an EMA target with `cloneNetwork`, which a network supports through `clone()` or a reader
// registered with `registerNetworkType` (issue 11, item 7).
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Network, type NetworkJSON, randomNormalTensor } from '@contrastive/core';
import { mlp, registerNetworkType } from '@contrastive/nets';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { byolMethod, directPredMethod } from './methods/non-contrastive';
import { toyData, toyNoise } from './testing/toy';
import { train, type TrainEvent } from './train';

let uid = 0;
/** A user-defined encoder y = tanh(x W), W [in, out]: not a network of @contrastive/nets. */
function tanhEncoder(name: string, w0: Float32Array, inputDim: number, outputDim: number, withClone: boolean, type = 'userTanh'): Network {
  const w = tf.variable(tf.tensor2d(w0, [inputDim, outputDim]), true, `${name}/W#${uid++}`);
  return {
    name,
    inputDim,
    outputDim,
    variables: [w],
    apply: (x) => tf.tidy(() => tf.tanh(tf.matMul(x, w)) as tf.Tensor2D),
    toJSON: (): NetworkJSON => ({
      type,
      config: { name, inputDim, outputDim },
      weights: { W: { shape: [inputDim, outputDim], values: Array.from(w.dataSync()) } },
    }),
    ...(withClone ? { clone: (n?: string) => tanhEncoder(n ?? name, Float32Array.from(w.dataSync()), inputDim, outputDim, true) } : {}),
    dispose: () => w.dispose(),
  };
}
const initial = (seed: number) => Float32Array.from(randomNormalTensor(createRng(seed), [6, 4], 0, 0.4).dataSync());

async function run(options: Parameters<typeof train>[0]): Promise<Extract<TrainEvent, { type: 'end' }>> {
  let end: TrainEvent | undefined;
  for await (const e of train(options)) end = e;
  return end as Extract<TrainEvent, { type: 'end' }>;
}

describeBackends('user-defined networks in BYOL and DirectPred', () => {
  it('an unregistered network without clone() is refused with the way to fix it', () => {
    const encoder = tanhEncoder('plain', initial(0), 6, 4, false, 'neverRegistered');
    const predictor = mlp({ inputDim: 4, hidden: [8], outputDim: 4, name: `pred${uid++}` });
    expect(() => byolMethod({ encoder, predictor })).toThrow(
      /cloneNetwork: cannot copy network 'plain' of type 'neverRegistered': give it a clone\(name\?\) method, or register a reader with registerNetworkType\(type, \(json\) => network\).*Registered types: 'symmetricRelu'/,
    );
    encoder.dispose();
    predictor.dispose();
  });

  for (const how of ['registerNetworkType', 'clone()'] as const) {
    it(`BYOL trains a user-defined encoder whose target is an EMA copy (${how})`, async () => {
      if (how === 'registerNetworkType') {
        registerNetworkType('userTanh', (json) => {
          const c = json.config as { name: string; inputDim: number; outputDim: number };
          return tanhEncoder(c.name, Float32Array.from(json.weights['W']!.values), c.inputDim, c.outputDim, false);
        });
      }
      const encoder = tanhEncoder('enc', initial(1), 6, 4, how === 'clone()');
      const predictor = mlp({ inputDim: 4, hidden: [8], outputDim: 4, name: `pred${uid++}` });
      const momentum = 0.9;
      const m = byolMethod({ encoder, predictor, momentum });
      const target = m.networks['targetEncoder']!;
      expect(target.name).toBe('enc-target');
      expect(target.variables[0]).not.toBe(encoder.variables[0]);
      const theta0 = Float32Array.from(encoder.variables[0]!.dataSync());
      expect(Array.from(target.variables[0]!.dataSync())).toEqual(Array.from(theta0));

      // One step: the online weights move, the target becomes m·θ₀ + (1 − m)·θ₁ (BYOL's EMA).
      await run({
        data: toyData(6),
        augment: toyNoise(0.1),
        method: m,
        optimizer: { type: 'sgd', lr: 0.1 },
        steps: 1,
        batchSize: 16,
        seed: 1,
        evalAtStart: false,
      });
      const theta1 = encoder.variables[0]!.dataSync();
      expect(Array.from(theta1)).not.toEqual(Array.from(theta0));
      const t = target.variables[0]!.dataSync();
      for (let i = 0; i < t.length; i++) expect(t[i]).toBeCloseTo(momentum * theta0[i]! + (1 - momentum) * theta1[i]!, 6);

      // A few more steps: the loss stays finite and nothing leaks per step.
      const end = await run({
        data: toyData(6),
        augment: toyNoise(0.1),
        method: m,
        optimizer: { type: 'sgd', lr: 0.1 },
        steps: 5,
        batchSize: 16,
        seed: 2,
        evalAtStart: false,
      });
      expect(end.history.loss.every(Number.isFinite)).toBe(true);
      m.dispose();
    });
  }

  it('DirectPred trains a user-defined encoder (clone())', async () => {
    const encoder = tanhEncoder('dp-enc', initial(3), 6, 4, true);
    const m = directPredMethod({ encoder });
    const end = await run({
      data: toyData(6),
      augment: toyNoise(0.1),
      method: m,
      optimizer: { type: 'sgd', lr: 0.05 },
      steps: 4,
      batchSize: 16,
      seed: 1,
      evalAtStart: false,
    });
    expect(end.history.loss).toHaveLength(4);
    expect(end.history.loss.every(Number.isFinite)).toBe(true);
    m.dispose();
  });
});
