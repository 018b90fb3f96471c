// Batch norm against the formula of Ioffe & Szegedy 2015 (Alg. 1) and PyTorch's BatchNorm
// conventions (torch.nn.BatchNorm1d docs: momentum m, running ← (1 − m)·running + m·batch with the
// unbiased batch variance, eval with the running statistics), written out here in float64; the
// fused-kernel slot (FUSED_BATCH_NORM) exercised with a float64 reference kernel registered on cpu;
// and every error message written out by hand.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, messageOf, useBackend } from '@contrastive/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBatchNorm, FUSED_BATCH_NORM, FUSED_BATCH_NORM_GRAD } from './batch-norm';

let counter = 0;
const uid = (base: string) => `${base}-bnmut${counter++}`;

/** Float64 per-channel mean and biased variance of x [..., c] (Ioffe & Szegedy Alg. 1: μ_B, σ²_B). */
function moments(values: ArrayLike<number>, c: number) {
  const n = values.length / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let i = 0; i < values.length; i++) mean[i % c]! += values[i]! / n;
  for (let i = 0; i < values.length; i++) variance[i % c]! += (values[i]! - mean[i % c]!) ** 2 / n;
  return { n, mean, variance };
}

/** y = γ·(x − μ)/√(σ² + ε) + β per channel (optionally ReLU), in float64. */
function normalise(
  values: ArrayLike<number>,
  c: number,
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  eps: number,
  gamma: number[],
  beta: number[],
  relu = false,
) {
  return Array.from(values, (v, i) => {
    const ch = i % c;
    const y = (gamma[ch]! * (v - mean[ch]!)) / Math.sqrt(variance[ch]! + eps) + beta[ch]!;
    return relu ? Math.max(y, 0) : y;
  });
}

describeBackends('createBatchNorm against the formula (float64)', () => {
  const X = [1, 2, 3, 5, -1, 0, 4, 7, 2.5, -3, 0.5, 1.5]; // [4, 3]: 4 values per channel

  it('training: batch mean and biased variance, custom ε; running statistics with a custom momentum and n/(n − 1)', () => {
    const gamma = [1.5, -0.5, 2];
    const beta = [0.25, 1, -2];
    const eps = 0.3;
    const momentum = 0.25;
    const bn = createBatchNorm({
      numFeatures: 3,
      name: uid('bn'),
      momentum,
      eps,
      gamma: Float32Array.from(gamma),
      beta: Float32Array.from(beta),
    });
    const x = tf.tensor2d(X, [4, 3]);
    const s = moments(X, 3);
    const y = bn.apply(x, true);
    expectClose(y, normalise(X, 3, s.mean, s.variance, eps, gamma, beta), { atol: 1e-5, rtol: 1e-5 });
    // PyTorch: running_mean = (1 − m)·0 + m·μ, running_var = (1 − m)·1 + m·σ²·n/(n − 1).
    const st = bn.getState();
    expectClose(
      st.runningMean,
      Array.from(s.mean, (m) => momentum * m),
      { atol: 1e-6, rtol: 1e-6 },
    );
    expectClose(
      st.runningVar,
      Array.from(s.variance, (v) => 1 - momentum + (momentum * v * 4) / 3),
      { atol: 1e-6, rtol: 1e-6 },
    );
    expect(st.numBatchesTracked).toBe(1);
    // relu: the same numbers clipped at 0 (and a second batch counted).
    const yr = bn.apply(x, true, true);
    expectClose(yr, normalise(X, 3, s.mean, s.variance, eps, gamma, beta, true), { atol: 1e-5, rtol: 1e-5 });
    expect(bn.numBatchesTracked).toBe(2);
    tf.dispose([x, y, yr]);
    bn.dispose();
  });

  it('the smallest training batch, two values per channel, is accepted: running variance uses n/(n − 1) = 2', () => {
    const bn = createBatchNorm({ numFeatures: 1, name: uid('bn2') });
    const x = tf.tensor2d([1, 4], [2, 1]);
    const y = bn.apply(x, true);
    // μ = 2.5, σ² = 2.25: y = ±1.5/√(2.25 + 1e-5)
    expectClose(y, [-1.5 / Math.sqrt(2.25 + 1e-5), 1.5 / Math.sqrt(2.25 + 1e-5)], { atol: 1e-6, rtol: 1e-6 });
    expectClose(bn.getState().runningMean, [0.25], { atol: 1e-7, rtol: 1e-6 });
    expectClose(bn.getState().runningVar, [0.9 + 0.1 * 4.5], { atol: 1e-6, rtol: 1e-6 });
    tf.dispose([x, y]);
    bn.dispose();
  });

  it('eval: running statistics with a custom ε, optional ReLU; nothing updated', () => {
    const eps = 0.5;
    const bn = createBatchNorm({ numFeatures: 3, name: uid('bnEval'), eps, gamma: Float32Array.from([2, 1, -1]) });
    bn.setState({ runningMean: [1, -1, 0.5], runningVar: [0.5, 2, 1.5], numBatchesTracked: 4 });
    const x = tf.tensor2d(X, [4, 3]);
    const y = bn.apply(x, false);
    expectClose(y, normalise(X, 3, [1, -1, 0.5], [0.5, 2, 1.5], eps, [2, 1, -1], [0, 0, 0]), { atol: 1e-5, rtol: 1e-5 });
    const yr = bn.apply(x, false, true);
    expectClose(yr, normalise(X, 3, [1, -1, 0.5], [0.5, 2, 1.5], eps, [2, 1, -1], [0, 0, 0], true), { atol: 1e-5, rtol: 1e-5 });
    expect(bn.getState()).toEqual({ runningMean: [1, -1, 0.5], runningVar: [0.5, 2, 1.5], numBatchesTracked: 4 });
    // A single row is fine in eval mode.
    const one = tf.tensor2d([1, 1, 1], [1, 3]);
    const y1 = bn.apply(one, false);
    expectClose(y1, normalise([1, 1, 1], 3, [1, -1, 0.5], [0.5, 2, 1.5], eps, [2, 1, -1], [0, 0, 0]), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([x, y, yr, one, y1]);
    bn.dispose();
  });

  it('γ and β gradients are Σ dy·x̂ and Σ dy; dx = γ/σ·(dy − mean dy − x̂·mean(dy·x̂)) (Ioffe & Szegedy §3), in float64', () => {
    const gamma = [1.5, -0.5, 2];
    const bn = createBatchNorm({ numFeatures: 3, name: uid('bnGrad'), eps: 0.1, gamma: Float32Array.from(gamma) });
    const x = tf.tensor2d(X, [4, 3]);
    const w = [0.5, -1, 2, 1, 0.25, -0.5, 3, -2, 1, 0, 1.5, 0.75];
    const wt = tf.tensor2d(w, [4, 3]);
    const f = () => tf.sum(tf.mul(bn.apply(x, true), wt)) as tf.Scalar; // dy = w
    const g = tf.variableGrads(f, [bn.gamma, bn.beta]);
    const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(bn.apply(xi, true), wt)) as tf.Scalar)(x);
    const s = moments(X, 3);
    const xhat = X.map((v, i) => (v - s.mean[i % 3]!) / Math.sqrt(s.variance[i % 3]! + 0.1));
    const dGamma = [0, 0, 0];
    const dBeta = [0, 0, 0];
    X.forEach((_, i) => {
      dGamma[i % 3]! += w[i]! * xhat[i]!;
      dBeta[i % 3]! += w[i]!;
    });
    const ref = X.map((_, i) => {
      const ch = i % 3;
      return (gamma[ch]! / Math.sqrt(s.variance[ch]! + 0.1)) * (w[i]! - dBeta[ch]! / 4 - (xhat[i]! * dGamma[ch]!) / 4);
    });
    expectClose(g.grads[bn.gamma.name]!, dGamma, { atol: 1e-5, rtol: 1e-5 });
    expectClose(g.grads[bn.beta.name]!, dBeta, { atol: 1e-5, rtol: 1e-5 });
    expectClose(dx, ref, { atol: 1e-5, rtol: 1e-4 });
    tf.dispose([x, wt, dx, g.value, ...Object.values(g.grads)]);
    bn.dispose();
  });
});

describeBackends('createBatchNorm errors', () => {
  it('names the layer, the input and the expected channels', () => {
    const name = uid('enc/bn0');
    const bn = createBatchNorm({ numFeatures: 3, name, label: "convNet('enc')" });
    const x = tf.zeros([2, 4]);
    expect(() => bn.apply(x, false)).toThrow(ShapeMismatchError);
    expect(messageOf(() => bn.apply(x, true))).toBe(`convNet('enc').apply: '${name} input' must have shape [..., 3], got [2, 4]`);
    const one = tf.zeros([1, 1, 1, 3]);
    expect(() => bn.apply(one, true)).toThrow(InvalidArgumentError);
    expect(messageOf(() => bn.apply(one, true))).toBe(
      "convNet('enc').apply: invalid argument 'x': expected more than one value per channel in training mode " +
        '(batch norm uses batch statistics; use setTraining(false) for single images), got "shape [1, 1, 1, 3]"',
    );
    expect(bn.numBatchesTracked).toBe(0);
    tf.dispose([x, one]);
    bn.dispose();
    // Default label.
    const plain = createBatchNorm({ numFeatures: 2, name: uid('plain') });
    const y = tf.zeros([2, 3]);
    expect(messageOf(() => plain.apply(y, true))).toMatch(/^batchNorm\.apply: /);
    y.dispose();
    plain.dispose();
  });

  it('setState checks both statistics for length and finiteness, naming op and argument', () => {
    const bn = createBatchNorm({ numFeatures: 3, name: uid('st') });
    const good = [0, 0, 0];
    expect(messageOf(() => bn.setState({ runningMean: [0], runningVar: good, numBatchesTracked: 0 }))).toBe(
      'batchNorm.setState: invalid argument \'state.runningMean\': expected 3 finite numbers, got "1 values"',
    );
    expect(messageOf(() => bn.setState({ runningMean: good, runningVar: [1, 1, 1, 1], numBatchesTracked: 0 }))).toBe(
      'batchNorm.setState: invalid argument \'state.runningVar\': expected 3 finite numbers, got "4 values"',
    );
    expect(
      messageOf(() => bn.setState({ runningMean: good, runningVar: [1, Number.NaN, 1], numBatchesTracked: 0 }, 'net.setState', 'state.bn')),
    ).toBe('net.setState: invalid argument \'state.bn.runningVar\': expected 3 finite numbers, got "3 values"');
    expect(() => bn.setState({ runningMean: [0, Number.POSITIVE_INFINITY, 0], runningVar: [1, 1, 1], numBatchesTracked: 0 })).toThrow(
      /'state\.runningMean'/,
    );
    // Nothing was half-restored.
    expect(bn.getState()).toEqual({ runningMean: [0, 0, 0], runningVar: [1, 1, 1], numBatchesTracked: 0 });
    bn.dispose();
  });
});

describe('fused batch-norm kernel slot (FUSED_BATCH_NORM, e.g. @contrastive/native)', () => {
  type Info = { dataId: object; shape: number[]; dtype: string };
  type Backend = { readSync(id: object): Float32Array; makeTensorInfo(shape: number[], dtype: string, values: Float32Array): Info };
  const calls = { forward: 0, grad: 0, gradWithY: 0 };
  const registered: string[] = [];
  // The reference kernels read tensors with the cpu backend's readSync.
  beforeAll(() => useBackend('cpu'));

  const register = (name: string, fn: (inputs: Record<string, Info>, attrs: Record<string, unknown>, backend: Backend) => Info[]) => {
    tf.registerKernel({
      kernelName: name,
      backendName: 'cpu',
      kernelFunc: (({ inputs, attrs, backend }: { inputs: Record<string, Info>; attrs: Record<string, unknown>; backend: Backend }) =>
        fn(inputs, attrs, backend)) as unknown as tf.KernelFunc,
    });
    registered.push(name);
  };

  /** A float64 reference implementation of the documented kernel contract. */
  const registerReference = () => {
    register(FUSED_BATCH_NORM, ({ x, gamma, beta }, { eps, relu }, backend) => {
      calls.forward++;
      const xs = backend.readSync(x!.dataId);
      const c = x!.shape[x!.shape.length - 1]!;
      const [g, b] = [backend.readSync(gamma!.dataId), backend.readSync(beta!.dataId)];
      const s = moments(xs, c);
      const invStd = Float32Array.from(s.variance, (v) => 1 / Math.sqrt(v + (eps as number)));
      const xhat = Float32Array.from(xs, (v, i) => (v - s.mean[i % c]!) * invStd[i % c]!);
      const y = Float32Array.from(xhat, (v, i) => {
        const out = v * g[i % c]! + b[i % c]!;
        return relu ? Math.max(out, 0) : out;
      });
      return [
        backend.makeTensorInfo(x!.shape, 'float32', y),
        backend.makeTensorInfo(x!.shape, 'float32', xhat),
        backend.makeTensorInfo([c], 'float32', Float32Array.from(s.mean)),
        backend.makeTensorInfo([c], 'float32', Float32Array.from(s.variance)),
        backend.makeTensorInfo([c], 'float32', invStd),
      ];
    });
    register(FUSED_BATCH_NORM_GRAD, ({ dy, xhat, gamma, invStd, y }, _attrs, backend) => {
      calls.grad++;
      if (y) calls.gradWithY++;
      const c = dy!.shape[dy!.shape.length - 1]!;
      const xh = backend.readSync(xhat!.dataId);
      const g = backend.readSync(gamma!.dataId);
      const is = backend.readSync(invStd!.dataId);
      const ys = y ? backend.readSync(y.dataId) : undefined;
      const d = Float64Array.from(backend.readSync(dy!.dataId), (v, i) => (ys && !(ys[i]! > 0) ? 0 : v));
      const n = d.length / c;
      const dBeta = new Float64Array(c);
      const dGamma = new Float64Array(c);
      d.forEach((v, i) => {
        dBeta[i % c]! += v;
        dGamma[i % c]! += v * xh[i]!;
      });
      const dx = Float32Array.from(d, (v, i) => g[i % c]! * is[i % c]! * (v - dBeta[i % c]! / n - (xh[i]! * dGamma[i % c]!) / n));
      return [
        backend.makeTensorInfo(dy!.shape, 'float32', dx),
        backend.makeTensorInfo([c], 'float32', Float32Array.from(dGamma)),
        backend.makeTensorInfo([c], 'float32', Float32Array.from(dBeta)),
      ];
    });
  };

  afterEach(() => {
    for (const name of registered.splice(0)) tf.unregisterKernel(name, 'cpu');
    calls.forward = calls.grad = calls.gradWithY = 0;
  });

  /** Forward, gradients (x, γ, β) and the running statistics after one training step. */
  function step(relu: boolean, x: tf.Tensor) {
    const gamma = Float32Array.from([1.5, -0.5, 2]);
    const beta = Float32Array.from([0.5, 0.25, -1]);
    const bn = createBatchNorm({ numFeatures: 3, name: uid('fused'), momentum: 0.3, eps: 0.05, gamma, beta });
    const w = tf.tensor(
      Array.from({ length: x.size }, (_, i) => Math.sin(i + 1)),
      x.shape,
    );
    const y = bn.apply(x, true, relu);
    const yv = Array.from(y.dataSync());
    const f = (xi: tf.Tensor) => tf.sum(tf.mul(bn.apply(xi, true, relu), w)) as tf.Scalar;
    const dx = tf.grad(f)(x);
    const g = tf.variableGrads(() => f(x), [bn.gamma, bn.beta]);
    const out = {
      y: yv,
      dx: Array.from(dx.dataSync()),
      dGamma: Array.from(g.grads[bn.gamma.name]!.dataSync()),
      dBeta: Array.from(g.grads[bn.beta.name]!.dataSync()),
      state: bn.getState(),
    };
    tf.dispose([w, y, dx, g.value, ...Object.values(g.grads)]);
    bn.dispose();
    return out;
  }

  it('routes training through both kernels when registered (float32 input) and gives the composed numbers', () => {
    const x = tf.tensor3d([1, 2, 3, 5, -1, 0, 4, 7, 2.5, -3, 0.5, 1.5, 0.2, 0.1, -0.7, 2, 2, -2], [3, 2, 3]);
    for (const relu of [false, true]) {
      const composed = step(relu, x);
      expect(calls.forward).toBe(0);
      registerReference();
      const before = tf.memory().numTensors;
      const fused = step(relu, x);
      expect(tf.memory().numTensors).toBe(before);
      // 3 training applies (forward, dx, dγ/dβ), 2 backward passes; y handed to the gradient iff relu.
      expect(calls).toEqual({ forward: 3, grad: 2, gradWithY: relu ? 2 : 0 });
      expectClose(fused.y, composed.y, { atol: 1e-5, rtol: 1e-5 });
      expectClose(fused.dx, composed.dx, { atol: 1e-5, rtol: 1e-4 });
      expectClose(fused.dGamma, composed.dGamma, { atol: 1e-5, rtol: 1e-5 });
      expectClose(fused.dBeta, composed.dBeta, { atol: 1e-5, rtol: 1e-5 });
      // Running statistics updated once per training apply, from the kernel's mean and biased variance.
      expect(fused.state.numBatchesTracked).toBe(3);
      expectClose(fused.state.runningMean, composed.state.runningMean, { atol: 1e-6, rtol: 1e-5 });
      expectClose(fused.state.runningVar, composed.state.runningVar, { atol: 1e-6, rtol: 1e-5 });
      for (const name of registered.splice(0)) tf.unregisterKernel(name, 'cpu');
      calls.forward = calls.grad = calls.gradWithY = 0;
    }
    x.dispose();
  });

  it('needs both kernels and a float32 input; eval mode never uses them', () => {
    register(FUSED_BATCH_NORM, () => {
      calls.forward++;
      throw new Error('the forward kernel alone must not be used');
    });
    const bn = createBatchNorm({ numFeatures: 2, name: uid('half') });
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    tf.dispose(bn.apply(x, true));
    tf.unregisterKernel(FUSED_BATCH_NORM, 'cpu');
    registered.length = 0;
    register(FUSED_BATCH_NORM_GRAD, () => {
      calls.grad++;
      throw new Error('the gradient kernel alone must not be used');
    });
    tf.dispose(bn.apply(x, true));
    tf.unregisterKernel(FUSED_BATCH_NORM_GRAD, 'cpu');
    registered.length = 0;
    registerReference();
    const xi = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    const yi = bn.apply(xi, true);
    expect(calls.forward).toBe(0);
    expectClose(
      yi,
      [-1, -1, 1, 1].map((v) => v / Math.sqrt(1 + 1e-5)),
      { atol: 1e-5, rtol: 1e-5 },
    );
    tf.dispose([bn.apply(x, false), bn.apply(x, false, true)]);
    expect(calls).toEqual({ forward: 0, grad: 0, gradWithY: 0 });
    tf.dispose(bn.apply(x, true));
    expect(calls.forward).toBe(1);
    tf.dispose([x, xi, yi]);
    bn.dispose();
  });
});
