// The native sparse-coding sampler against @contrastive/data's tfjs path: the same draws, the same
// bits, the same stream position afterwards; and no native draw where tf.matMul rounds otherwise.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, getKernel, registerKernel, unregisterKernel } from '@contrastive/core';
import { sparseCoding } from '@contrastive/data';
import { describeBackends } from '@contrastive/test-utils';
import { afterEach, expect, it } from 'vitest';
import { disableNativeKernels, useNativeKernels } from './use-native-kernels';

afterEach(() => disableNativeKernels());

const values = (s: Record<string, tf.Tensor>) =>
  Object.fromEntries(['x', 'z', 'noise', 'dense'].map((k) => [k, Array.from(s[k]!.dataSync())]));

describeBackends('sparseCodingSample (registry slot)', (backend) => {
  it.each([
    [0, 256, 'no dense part, flagship batch'],
    [16, 256, 'a dense part (k = 16)'],
    [3, 5, 'a batch so small that ζ is drawn by the JavaScript polar loop (< 64 values)'],
  ])('dense rank %i, batch %i (%s): the same tensors and stream position as the tfjs path', (k, B) => {
    useNativeKernels();
    const data = sparseCoding({ ambientDim: 64, latentDim: 8, denseRank: k, denseScale: 0.5, seed: 7 });
    const kernel = getKernel('sparseCodingSample')!;
    let calls = 0;
    let used = 0;
    registerKernel('sparseCodingSample', (rng, o) => {
      calls++;
      const out = kernel(rng, o);
      if (out) used++;
      return out;
    });
    const before = tf.memory().numTensors;
    const r1 = createRng(11);
    const r2 = createRng(11);
    for (let step = 0; step < 3; step++) {
      const fused = data.sample(B, r1);
      unregisterKernel('sparseCodingSample');
      const plain = data.sample(B, r2);
      registerKernel('sparseCodingSample', kernel);
      expect(values(fused)).toEqual(values(plain));
      expect(r1.getState()).toEqual(r2.getState());
      tf.dispose([fused, plain] as never);
    }
    expect(calls).toBe(1); // re-registered without the counter after the first step
    // Native only where tf.matMul is the native GEMM (wasm after useNativeWasmKernels).
    expect(used).toBe(backend === 'wasm' ? 1 : 0);
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });
});

it('draws nothing and returns undefined for an Rng without drawWith', () => {
  useNativeKernels();
  const kernel = getKernel('sparseCodingSample')!;
  const data = sparseCoding({ ambientDim: 16, latentDim: 4, seed: 1 });
  const { nextUint32, getState } = createRng(0);
  expect(kernel({ nextUint32, getState } as never, {} as never)).toBeUndefined();
  data.dispose();
});
