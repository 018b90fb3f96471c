// @contrastive/nets' convNet (conv → batch norm → ReLU blocks) on wasm with this package's conv and
// fused batch-norm kernels equals the same network on tfjs's own kernels (nets' customGrad conv
// gradients and composed batch norm, which nets' tests check against PyTorch): outputs, every
// gradient, the running statistics, and a few SimCLR training steps.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createRng } from '@contrastive/core';
import { convNet, FUSED_BATCH_NORM, mlp } from '@contrastive/nets';
import { expectClose, useBackend } from '@contrastive/test-utils';
import { contrastiveMethod } from '@contrastive/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_NORM_TRAIN } from './conv-kernels';
import { nativeInfo } from './load';
import { restoreWasmKernels, useNativeWasmKernels } from './wasm-kernels';

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(() => restoreWasmKernels());

describe.runIf(nativeInfo().available)('convNet on native conv + batch-norm kernels', () => {
  it('uses the kernel name nets looks for', () => {
    expect(BATCH_NORM_TRAIN).toBe(FUSED_BATCH_NORM);
  });

  it('gives the outputs, gradients and running statistics of tfjs kernels', () => {
    const images = tf.tensor4d(createRng('img').fillUniform(new Float32Array(6 * 12 * 12)), [6, 12, 12, 1]);
    const run = () => {
      const net = convNet({ inputShape: [12, 12, 1], channels: [4, 6, 8], seed: 3 });
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.apply(images))) as tf.Scalar, net.variables);
      const out = {
        loss: value.dataSync()[0]!,
        grads: net.variables.map((v) => grads[v.name]!.dataSync().slice()),
        stats: (
          net.toJSON().state as { batchNorm: Record<string, { runningMean: number[]; runningVar: number[]; numBatchesTracked: number }> }
        ).batchNorm,
      };
      tf.dispose([value, ...Object.values(grads)]);
      net.dispose();
      return out;
    };
    restoreWasmKernels();
    const ref = run();
    useNativeWasmKernels();
    const got = run();
    expect(got.loss).toBeCloseTo(ref.loss, 3);
    got.grads.forEach((g, i) => expectClose(g, ref.grads[i]!, { atol: 1e-4, rtol: 1e-3 }));
    for (const key of Object.keys(ref.stats)) {
      expectClose(got.stats[key]!.runningMean, ref.stats[key]!.runningMean, { atol: 1e-6, rtol: 1e-5 });
      expectClose(got.stats[key]!.runningVar, ref.stats[key]!.runningVar, { atol: 1e-6, rtol: 1e-5 });
      expect(got.stats[key]!.numBatchesTracked).toBe(1);
    }
    images.dispose();
  });

  it('trains SimCLR to the same losses (float32 rounding aside) with a flat tensor count', () => {
    const x = tf.tensor4d(createRng('data').fillUniform(new Float32Array(16 * 10 * 10)), [16, 10, 10, 1]);
    const views = [tf.mul(x, 0.9), tf.add(x, 0.05)] as tf.Tensor2D[];
    const losses = () => {
      const encoder = convNet({ inputShape: [10, 10, 1], channels: [4, 8], strides: [1, 2], seed: 1 });
      const projector = mlp({ inputDim: 8, hidden: [8], outputDim: 4, seed: 1 });
      const method = contrastiveMethod({ encoder, projector, loss: 'ntxent', temperature: 0.2 });
      const optimizer = tf.train.adam(1e-2);
      const out: number[] = [];
      const tensors: number[] = [];
      for (let step = 0; step < 6; step++) {
        const loss = optimizer.minimize(
          () => method.loss(views, { x: x as unknown as tf.Tensor2D }, []) as tf.Scalar,
          true,
          method.trainableVariables(),
        )!;
        out.push(loss.dataSync()[0]!);
        loss.dispose();
        tensors.push(tf.memory().numTensors);
      }
      optimizer.dispose();
      method.dispose();
      return { out, tensors };
    };
    restoreWasmKernels();
    const ref = losses();
    useNativeWasmKernels();
    const got = losses();
    expect(new Set(got.out).size).toBe(6); // it trains
    expectClose(got.out, ref.out, { atol: 1e-4, rtol: 1e-4 });
    expect(got.tensors.at(-1)).toBe(got.tensors[1]);
    tf.dispose([x, ...views]);
  });
});
