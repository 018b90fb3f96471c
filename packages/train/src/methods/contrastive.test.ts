import * as tf from '@tensorflow/tfjs-core';
import { complementaryMask } from '@contrastive/augment';
import { InvalidArgumentError, registerKernel, type SymmetricReluInfoNCEKernel, unregisterKernel } from '@contrastive/core';
import { sparseCoding } from '@contrastive/data';
import { infoNCELoss } from '@contrastive/losses';
import { mlp, symmetricRelu, symmetricReluLayer } from '@contrastive/nets';
import { describeBackends } from '@contrastive/test-utils';
import { afterEach, expect, it } from 'vitest';
import { train } from '../train';
import { contrastiveMethod } from './contrastive';

/**
 * A fused kernel made of the very ops the tfjs path composes (the symmetric-ReLU layer, InfoNCE on
 * raw inner products), so 'native' and 'tfjs' must give identical numbers. It counts its calls.
 */
function referenceKernel(): SymmetricReluInfoNCEKernel & { calls: number } {
  const f = ((x1, x2, w, { threshold, temperature }) => {
    f.calls++;
    const h = (x: tf.Tensor2D) => symmetricReluLayer(x, w, threshold);
    return infoNCELoss(h(x1), h(x2), { temperature, normalize: false, symmetric: false, similarity: 'dot' });
  }) as SymmetricReluInfoNCEKernel & { calls: number };
  f.calls = 0;
  return f;
}

afterEach(() => void unregisterKernel('symmetricReluInfoNCE'));

/** 30 steps of the flagship setting (small), with the given kernels; returns W and the losses. */
async function flagshipRun(kernels: 'native' | 'tfjs') {
  const data = sparseCoding({ ambientDim: 32, latentDim: 8, sparsity: 0.1, noiseToSignal: 4, seed: 3 });
  const encoder = symmetricRelu({ inputDim: 32, width: 8, unitNormRows: true, threshold: 0.05, seed: 3, name: 'enc-compare' });
  const method = contrastiveMethod({ encoder, loss: 'infonce', temperature: 0.1, normalize: false, kernels });
  const losses: number[] = [];
  for await (const e of train({
    data,
    augment: complementaryMask({ keepProb: 0.5 }),
    method,
    optimizer: { type: 'sgd', lr: 0.05 },
    steps: 30,
    batchSize: 32,
    seed: 3,
    evalAtStart: false,
  })) {
    if (e.type === 'step') losses.push(e.loss);
  }
  const w = Array.from(encoder.weight.dataSync());
  const engine = method.engine;
  method.dispose();
  data.dispose();
  return { w, losses, engine };
}

describeBackends('contrastiveMethod kernels (core kernel registry)', () => {
  it("'native' trains with the registered fused kernel, to the same numbers as 'tfjs'", async () => {
    const before = tf.memory().numTensors;
    const kernel = referenceKernel();
    registerKernel('symmetricReluInfoNCE', kernel, { provider: 'test' });
    const fused = await flagshipRun('native');
    expect(kernel.calls).toBe(30);
    const composed = await flagshipRun('tfjs');
    expect(kernel.calls).toBe(30);
    expect(fused.engine).toBe('native');
    expect(composed.engine).toBe('tfjs');
    expect(fused.losses).toEqual(composed.losses);
    expect(fused.w).toEqual(composed.w);
    expect(fused.losses.at(-1)!).toBeLessThan(fused.losses[0]!);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'auto' picks the fused step only where it computes the same function, and only when one is registered", () => {
    const enc = () => symmetricRelu({ inputDim: 8, width: 4, seed: 0, name: `e${Math.random()}` });
    const unregistered = contrastiveMethod({ encoder: enc(), loss: 'infonce', normalize: false });
    expect(unregistered.engine).toBe('tfjs');
    unregistered.dispose();
    registerKernel('symmetricReluInfoNCE', referenceKernel());
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

  it("'native' says why it cannot be used, and what to call when no kernel is registered", () => {
    const encoder = symmetricRelu({ inputDim: 8, width: 4, seed: 0, name: 'why' });
    expect(() => contrastiveMethod({ encoder, loss: 'infonce', normalize: true, kernels: 'native' })).toThrow(InvalidArgumentError);
    expect(() => contrastiveMethod({ encoder, loss: 'infonce', normalize: true, kernels: 'native' })).toThrow(
      /kernels 'native' is not possible: normalize is true/,
    );
    expect(() => contrastiveMethod({ encoder, loss: 'infonce', normalize: false, kernels: 'native' })).toThrow(
      /no fused kernel is registered: install @contrastive\/native and call useNativeKernels\(\)/,
    );
    encoder.dispose();
  });
});
