import * as tf from '@tensorflow/tfjs-core';
import { complementaryMask } from '@contrastive/augment';
import { InvalidArgumentError } from '@contrastive/core';
import { sparseCoding } from '@contrastive/data';
import { mlp, symmetricRelu } from '@contrastive/nets';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { train } from '../train';
import { contrastiveMethod } from './contrastive';

/** 60 steps of the flagship setting (small), with the given kernels; returns W and the losses. */
async function flagshipRun(kernels: 'native' | 'tfjs') {
  const data = sparseCoding({ ambientDim: 64, latentDim: 8, sparsity: 0.1, noiseToSignal: 4, seed: 3 });
  const encoder = symmetricRelu({
    inputDim: 64,
    width: 16,
    unitNormRows: true,
    threshold: { type: 'linear-warmup', final: 1.34 * data.noiseStd, warmupFraction: 0.5 },
    seed: 3,
    name: 'enc-compare', // same name ⇒ same initial weights
  });
  const method = contrastiveMethod({ encoder, loss: 'infonce', temperature: 0.1, normalize: false, kernels });
  const losses: number[] = [];
  for await (const e of train({ data, augment: complementaryMask({ keepProb: 0.5 }), method, optimizer: { type: 'sgd', lr: 0.05 }, steps: 60, batchSize: 64, seed: 3, evalAtStart: false })) {
    if (e.type === 'step') losses.push(e.loss);
  }
  const w = encoder.weight.dataSync().slice();
  const engine = method.engine;
  method.dispose();
  data.dispose();
  return { w, losses, engine };
}

describeBackends('contrastiveMethod kernels', () => {
  it("'native' trains the same network as 'tfjs' (fused step vs composed ops, 60 SGD steps)", async () => {
    const before = tf.memory().numTensors;
    const native = await flagshipRun('native');
    const composed = await flagshipRun('tfjs');
    expect(native.engine).toBe('native');
    expect(composed.engine).toBe('tfjs');
    // Same data, masks and init; only float32 rounding differs, and it stays tiny over 60 steps.
    expectClose(native.losses, composed.losses, { atol: 1e-4, rtol: 1e-4 });
    expectClose(native.w, composed.w, { atol: 1e-4, rtol: 1e-3 });
    expect(native.losses.at(-1)!).toBeLessThan(native.losses[0]!);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'auto' picks the fused step only where it computes the same function", () => {
    const enc = () => symmetricRelu({ inputDim: 8, width: 4, seed: 0, name: `e${Math.random()}` });
    const cases: Array<[Parameters<typeof contrastiveMethod>[0], 'native' | 'tfjs']> = [
      [{ encoder: enc(), loss: 'infonce', normalize: false }, 'native'],
      [{ encoder: enc(), loss: 'infonce', normalize: true }, 'tfjs'],
      [{ encoder: enc(), loss: 'infonce', normalize: false, symmetric: true }, 'tfjs'],
      [{ encoder: enc(), loss: 'ntxent', normalize: false }, 'tfjs'],
      [{ encoder: enc(), projector: mlp({ inputDim: 4, outputDim: 2, seed: 0 }), loss: 'infonce', normalize: false }, 'tfjs'],
      [{ encoder: mlp({ inputDim: 8, outputDim: 4, seed: 0 }), loss: 'infonce', normalize: false }, 'tfjs'],
      [{ encoder: enc(), loss: 'infonce', normalize: false, kernels: 'tfjs' }, 'tfjs'],
    ];
    for (const [options, engine] of cases) {
      const m = contrastiveMethod(options);
      expect(m.engine, JSON.stringify({ ...options, encoder: undefined, projector: undefined })).toBe(engine);
      m.dispose();
    }
  });

  it("'native' says why it cannot be used", () => {
    const encoder = symmetricRelu({ inputDim: 8, width: 4, seed: 0, name: 'why' });
    expect(() => contrastiveMethod({ encoder, loss: 'infonce', normalize: true, kernels: 'native' })).toThrow(InvalidArgumentError);
    expect(() => contrastiveMethod({ encoder, loss: 'infonce', normalize: true, kernels: 'native' })).toThrow(/kernels 'native' is not possible: normalize is true/);
    encoder.dispose();
  });
});
