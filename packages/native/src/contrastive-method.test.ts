// The hook-up end to end: useNativeKernels() registers the fused step in core's kernel registry and
// @contrastive/train's contrastiveMethod (which does not depend on this package) picks it up.
import * as tf from '@tensorflow/tfjs-core';
import { complementaryMask } from '@contrastive/augment';
import { getKernel, registerKernel, unregisterKernel } from '@contrastive/core';
import { sparseCoding } from '@contrastive/data';
import { symmetricRelu } from '@contrastive/nets';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { contrastiveMethod, train } from '@contrastive/train';
import { afterEach, expect, it } from 'vitest';
import { disableNativeKernels, useNativeKernels } from './use-native-kernels';

afterEach(() => disableNativeKernels());

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
  for await (const e of train({
    data,
    augment: complementaryMask({ keepProb: 0.5 }),
    method,
    optimizer: { type: 'sgd', lr: 0.05 },
    steps: 60,
    batchSize: 64,
    seed: 3,
    evalAtStart: false,
  })) {
    if (e.type === 'step') losses.push(e.loss);
  }
  const w = encoder.weight.dataSync().slice();
  const engine = method.engine;
  method.dispose();
  data.dispose();
  return { w, losses, engine };
}

describeBackends('useNativeKernels + contrastiveMethod', () => {
  it("registers the fused step, and 'native' trains the same network as 'tfjs' (fused step vs composed ops, 60 SGD steps)", async () => {
    const before = tf.memory().numTensors;
    const info = useNativeKernels();
    expect(info.available, info.reason).toBe(true);
    expect(info.kernels).toEqual([
      'fillNormal',
      'fillBernoulli',
      'sgemm',
      'symmetricReluInfoNCE',
      'symmetricReluInfoNCEStep',
      'sparseCodingSample',
      'supCon',
    ]);
    expect(getKernel('symmetricReluInfoNCE')).toBeDefined();
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

  it("train's fused SGD step (one native call, no tape) trains the same network bit for bit as the fused loss under the tape", async () => {
    const before = tf.memory().numTensors;
    useNativeKernels();
    const step = getKernel('symmetricReluInfoNCEStep')!;
    let calls = 0;
    registerKernel('symmetricReluInfoNCEStep', (...args) => (calls++, step(...args)));
    const fused = await flagshipRun('native');
    expect(calls).toBe(60);
    unregisterKernel('symmetricReluInfoNCEStep'); // the method is built without it: loss + tape + optimizer
    const tape = await flagshipRun('native');
    expect(fused.losses).toEqual(tape.losses);
    expect(Array.from(fused.w)).toEqual(Array.from(tape.w));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'auto' uses the fused step only after useNativeKernels(), and disableNativeKernels() takes it away", () => {
    const make = () =>
      contrastiveMethod({
        encoder: symmetricRelu({ inputDim: 8, width: 4, seed: 0, name: `e${Math.random()}` }),
        loss: 'infonce',
        normalize: false,
      });
    const engines: string[] = [];
    for (const step of [() => {}, useNativeKernels, disableNativeKernels]) {
      step();
      const m = make();
      engines.push(m.engine ?? 'tfjs');
      m.dispose();
    }
    expect(engines).toEqual(['tfjs', 'native', 'tfjs']);
  });

  it('the registered sgemm equals a float64 reference product', () => {
    useNativeKernels();
    const sgemm = getKernel('sgemm')!;
    const [M, N, K] = [5, 7, 33];
    const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i));
    const c = new Float32Array(M * N);
    sgemm(false, true, M, N, K, 2, a, b, 0, c); // b read as stored [N, K]
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[i * K + k]! * b[j * K + k]!;
        expect(c[i * N + j]).toBeCloseTo(2 * s, 4);
      }
    }
  });
});
