import * as tf from '@tensorflow/tfjs-core';
import { createRng, randomNormalTensor } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { BATCH_NORM_MOMENTUM, createBatchNorm } from './batch-norm';

/** Float64 per-channel mean and biased/unbiased variance of x [..., c] (reference for BN). */
function channelStats(values: ArrayLike<number>, c: number) {
  const n = values.length / c;
  const mean = new Float64Array(c);
  const ss = new Float64Array(c);
  for (let i = 0; i < values.length; i++) mean[i % c] = mean[i % c]! + values[i]! / n;
  for (let i = 0; i < values.length; i++) ss[i % c] = ss[i % c]! + (values[i]! - mean[i % c]!) ** 2;
  return { n, mean, biased: ss.map((s) => s / n), unbiased: ss.map((s) => s / (n - 1)) };
}

describeBackends('createBatchNorm', () => {
  it('train mode normalises each channel of NHWC images to mean 0, variance 1 (γ = 1, β = 0)', () => {
    const bn = createBatchNorm({ numFeatures: 3, name: 'bn2d' });
    const x = tf.tidy(() => tf.add(tf.mul(randomNormalTensor(createRng('x'), [4, 5, 6, 3]), [2, 0.5, 3]), [1, -2, 0.3]));
    const y = bn.apply(x, true);
    const s = channelStats(y.dataSync(), 3);
    for (let ch = 0; ch < 3; ch++) {
      expect(Math.abs(s.mean[ch]!)).toBeLessThan(1e-5);
      // Biased variance of the output is var/(var + ε) ≈ 1.
      expect(Math.abs(s.biased[ch]! - 1)).toBeLessThan(1e-4);
    }
    tf.dispose([x, y]);
    bn.dispose();
  });

  it("running statistics follow PyTorch's update: (1 − m)·running + m·batch, unbiased variance", () => {
    const bn = createBatchNorm({ numFeatures: 2, name: 'bn1d' });
    let mean = [0, 0];
    let variance = [1, 1];
    for (let step = 0; step < 3; step++) {
      const x = randomNormalTensor<tf.Rank.R2>(createRng(step), [7, 2], 1 + step, 2);
      const s = channelStats(x.dataSync(), 2);
      mean = mean.map((m, ch) => (1 - BATCH_NORM_MOMENTUM) * m + BATCH_NORM_MOMENTUM * s.mean[ch]!);
      variance = variance.map((v, ch) => (1 - BATCH_NORM_MOMENTUM) * v + BATCH_NORM_MOMENTUM * s.unbiased[ch]!);
      tf.dispose([x, bn.apply(x, true)]);
    }
    const st = bn.getState();
    expectClose(st.runningMean, mean, { atol: 1e-6, rtol: 1e-5 });
    expectClose(st.runningVar, variance, { atol: 1e-6, rtol: 1e-5 });
    expect(st.numBatchesTracked).toBe(3);
    bn.dispose();
  });

  it('train-mode gradients (closed form) equal autodiff of the textbook formula for x, γ and β', () => {
    const gamma = Float32Array.from([1.5, 0.7, -0.4]);
    const beta = Float32Array.from([0.2, -0.1, 0.5]);
    const bn = createBatchNorm({ numFeatures: 3, name: 'bnGrad', gamma, beta });
    const x = randomNormalTensor<tf.Rank.R4>(createRng('gx'), [3, 4, 5, 3]);
    const w = randomNormalTensor<tf.Rank.R4>(createRng('gw'), [3, 4, 5, 3]);
    const loss = (y: tf.Tensor) => tf.sum(tf.mul(tf.square(y), w)) as tf.Scalar;
    const ours = tf.variableGrads(() => loss(bn.apply(x, true)), [bn.gamma, bn.beta]);
    const oursX = tf.grad((xi: tf.Tensor) => loss(bn.apply(xi, true)))(x);
    // Reference: autodiff through tf.moments of (x − μ)/√(σ² + ε)·γ + β.
    const textbook = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(xi, [0, 1, 2]);
      return tf.add(tf.mul(tf.div(tf.sub(xi, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
    };
    const [g0, b0] = [tf.tensor1d(gamma), tf.tensor1d(beta)];
    const [rx, rg, rb] = tf.grads((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => loss(textbook(xi, g, b)))([x, g0, b0]);
    expectClose(oursX, rx!, { atol: 1e-4, rtol: 1e-4 });
    expectClose(ours.grads[bn.gamma.name]!, rg!, { atol: 1e-4, rtol: 1e-4 });
    expectClose(ours.grads[bn.beta.name]!, rb!, { atol: 1e-4, rtol: 1e-4 });
    tf.dispose([x, w, g0, b0, oursX, ours.value, ...Object.values(ours.grads), rx!, rg!, rb!]);
    bn.dispose();
  });

  it('eval mode uses the running statistics with γ, β and does not update them; setState restores exactly', async () => {
    const gamma = Float32Array.from([2, 0.5]);
    const beta = Float32Array.from([0.1, -1]);
    const bn = createBatchNorm({ numFeatures: 2, name: 'bnEval', gamma, beta });
    bn.setState({ runningMean: [0.5, -1], runningVar: [4, 0.25], numBatchesTracked: 9 });
    const x = tf.tensor2d([1, 2, 3, -4], [2, 2]);
    const y = bn.apply(x, false);
    const ref = [1, 2, 3, -4].map((v, i) => {
      const ch = i % 2;
      return (gamma[ch]! * (v - [0.5, -1][ch]!)) / Math.sqrt([4, 0.25][ch]! + 1e-5) + beta[ch]!;
    });
    expectClose(y, ref, { atol: 1e-6, rtol: 1e-6 });
    expect(bn.getState()).toEqual({ runningMean: [0.5, -1], runningVar: [4, 0.25], numBatchesTracked: 9 });
    await expectNoLeak(() => bn.apply(x, false));
    await expectNoLeak(() => bn.apply(x, true));
    tf.dispose([x, y]);
    bn.dispose();
  });
});

describe('createBatchNorm errors', () => {
  it('rejects a wrong channel count, a single value per channel in training, bad state', () => {
    const bn = createBatchNorm({ numFeatures: 3, name: 'bnErr', label: "convNet('enc')" });
    const x = tf.zeros([2, 4]);
    expect(() => bn.apply(x, true)).toThrow(/convNet\('enc'\)\.apply.*\[\.\.\., 3\]/);
    const one = tf.zeros([1, 3]);
    expect(() => bn.apply(one, true)).toThrow(/more than one value per channel/);
    expect(() => bn.setState({ runningMean: [0], runningVar: [1, 1, 1], numBatchesTracked: 0 })).toThrow(/runningMean/);
    tf.dispose([x, one]);
    bn.dispose();
  });

  it('creating and disposing a layer leaves no tensor behind (its running statistics start from freed fills)', () => {
    const before = tf.memory().numTensors;
    const bn = createBatchNorm({ numFeatures: 5, name: 'leak' });
    expect(tf.memory().numTensors).toBe(before + 4); // γ, β, running mean, running variance
    bn.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
