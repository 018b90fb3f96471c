import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, type NetworkJSON, randomUniformTensor, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak, useBackend } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { conv2dFilterGrad, conv2dInputGrad, conv2dPadded } from './conv-layers';
import { convNet, convNetFromJSON } from './conv-net';
import reference from './fixtures/conv-net-reference.json';
import { cloneNetwork, fromJSON } from './from-json';
import { resNetFromJSON } from './res-net';

// Expected values: PyTorch 2.13 (nn.Conv2d(padding=1, bias=False), nn.BatchNorm2d, ReLU, GAP) with
// the same weights, from fixtures/conv-net-reference.py.
type Fixture = {
  inputShape: number[];
  batch: number;
  inputs: number[][];
  weights: Record<string, { shape: number[]; values: number[] }>;
  train1: number[];
  train2: number[];
  stateAfter: Record<string, number[]>;
  eval: number[];
};

/** PyTorch parameters → our NetworkJSON weights: conv [out, in, k, k] → [k, k, in, out]; weight/bias → gamma/beta. */
export function torchWeights(w: Fixture['weights']): NetworkJSON['weights'] {
  const out: NetworkJSON['weights'] = {};
  for (const [key, { shape, values }] of Object.entries(w)) {
    if (key.endsWith('/W')) {
      const t = tf.tidy(() => tf.transpose(tf.tensor4d(values, shape as [number, number, number, number]), [2, 3, 1, 0]));
      out[key] = { shape: t.shape, values: Array.from(t.dataSync()) };
      t.dispose();
    } else out[key.replace(/weight$/, 'gamma').replace(/bias$/, 'beta')] = { shape, values };
  }
  return out;
}

export function checkAgainstTorch(
  fx: Fixture,
  net: { apply(x: tf.Tensor): tf.Tensor2D; setTraining(m: boolean): unknown; toJSON(): NetworkJSON },
): number {
  const [h, w, c] = fx.inputShape as [number, number, number];
  const x = fx.inputs.map((v) => tf.tensor4d(v, [fx.batch, h, w, c]));
  let maxErr = 0;
  const cmp = (got: tf.Tensor, expected: number[]) => {
    const g = got.dataSync();
    expected.forEach((e, i) => (maxErr = Math.max(maxErr, Math.abs(g[i]! - e))));
    expectClose(got, expected, { atol: 1e-5, rtol: 1e-4 });
    got.dispose();
  };
  cmp(net.apply(x[0]!), fx.train1);
  cmp(net.apply(x[1]!), fx.train2);
  // Running statistics after two training batches, PyTorch's update (momentum 0.1, unbiased variance).
  const state = net.toJSON().state as {
    batchNorm: Record<string, { runningMean: number[]; runningVar: number[]; numBatchesTracked: number }>;
  };
  for (const [key, values] of Object.entries(fx.stateAfter)) {
    const [unit, leaf] = [key.slice(0, key.lastIndexOf('/bn/')), key.slice(key.lastIndexOf('/') + 1)];
    const s = state.batchNorm[unit]!;
    if (leaf === 'running_mean') expectClose(s.runningMean, values, { atol: 1e-6, rtol: 1e-5 });
    else if (leaf === 'running_var') expectClose(s.runningVar, values, { atol: 1e-6, rtol: 1e-5 });
    else expect(s.numBatchesTracked).toBe(values[0]);
  }
  net.setTraining(false);
  cmp(net.apply(x[2]!), fx.eval);
  tf.dispose(x);
  return maxErr;
}

const fixtures = reference as unknown as Record<'convNet' | 'convNetRgb' | 'resNet', Fixture>;

describeBackends('convNet', () => {
  it('matches PyTorch: train-mode forward, running statistics, eval-mode forward (1 and 3 channels, odd sizes)', () => {
    for (const key of ['convNet', 'convNetRgb'] as const) {
      const fx = fixtures[key];
      const net = convNetFromJSON({
        type: 'convNet',
        config: { inputShape: fx.inputShape, widthMultiplier: 0.125, name: `torch-${key}` },
        weights: torchWeights(fx.weights),
      });
      expect(net.training).toBe(true);
      const err = checkAgainstTorch(fx, net);
      console.info(`PyTorch max abs error ${key} [${tf.getBackend()}]: ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-5);
      net.dispose();
    }
  });

  it('the tiny ResNet matches PyTorch too (basic blocks, 1×1 stride-2 shortcut)', () => {
    const fx = fixtures.resNet;
    const net = resNetFromJSON({
      type: 'resNet',
      config: { inputShape: fx.inputShape, blocks: [1, 1], channels: [4, 8], stemChannels: 4, name: 'torch-resnet' },
      weights: torchWeights(fx.weights),
    });
    const err = checkAgainstTorch(fx, net);
    console.info(`PyTorch max abs error resNet [${tf.getBackend()}]: ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-5);
    net.dispose();
  });

  it('output shapes: the recipe encoder gives [batch, 128], the width multiplier scales it; flat input accepted', () => {
    const net = convNet({ inputShape: [28, 28, 1], seed: 1 });
    expect(net.channels).toEqual([32, 64, 128]);
    expect([net.inputDim, net.outputDim]).toEqual([784, 128]);
    const x = randomUniformTensor<tf.Rank.R4>(createRng('x'), [3, 28, 28, 1]);
    const y = net.apply(x);
    expect(y.shape).toEqual([3, 128]);
    const flat = net.setTraining(false).apply(tf.reshape(x, [3, 784]));
    const img = net.apply(x);
    expect(flat.dataSync()).toEqual(img.dataSync());
    const half = convNet({ inputShape: [28, 28, 1], widthMultiplier: 0.5 });
    expect(half.outputDim).toBe(64);
    tf.dispose([x, y, flat, img]);
    net.dispose();
    half.dispose();
  });

  it('gradient of a tiny CNN (train mode, batch statistics) matches finite differences', () => {
    // A draw with no pre-activation within the FD step of a ReLU kink (a kink crossing makes FD
    // average two slopes; other seeds show it at eps 1e-3 and not at 3e-4).
    const net = convNet({ inputShape: [5, 5, 2], channels: [3, 4], strides: [1, 2], seed: 7 });
    const x = randomUniformTensor<tf.Rank.R4>(createRng('g7'), [3, 5, 5, 2]);
    const proj = tf.tensor2d(createRng('p').fillNormal(new Float32Array(4)), [4, 1]);
    // Input gradient through conv, BN (batch statistics) and ReLU.
    expectGradMatchesFiniteDiff((xi) => tf.sum(tf.matMul(net.apply(xi), proj)), x, { eps: 1e-3, atol: 3e-3, rtol: 3e-2 });
    // Weight gradient of the first filter.
    const W = net.variables[0]!;
    const f = (w: tf.Tensor) => {
      const saved = tf.clone(W);
      W.assign(w as tf.Tensor4D);
      const out = tf.sum(tf.matMul(net.apply(x), proj)) as tf.Scalar;
      W.assign(saved);
      saved.dispose();
      return out;
    };
    const analytic = tf.tidy(() =>
      tf.variableGrads(() => tf.sum(tf.matMul(net.apply(x), proj)) as tf.Scalar, [W]).grads[W.name]!.dataSync(),
    );
    const w0 = tf.clone(W);
    const numeric = Array.from({ length: 12 }, (_, i) => {
      const base = w0.dataSync();
      const at = (d: number) => {
        const v = Float32Array.from(base);
        v[i] = v[i]! + d;
        return tf.tidy(() => f(tf.tensor(v, W.shape)).dataSync()[0]!);
      };
      return (at(1e-3) - at(-1e-3)) / 2e-3;
    });
    expectClose(Array.from(analytic).slice(0, 12), numeric, { atol: 3e-3, rtol: 3e-2 });
    tf.dispose([x, proj, w0]);
    net.dispose();
  });

  it('toJSON/fromJSON (through JSON text) gives identical outputs in eval mode and keeps the running statistics', () => {
    const net = convNet({ inputShape: [8, 8, 3], channels: [4, 6], strides: [2, 1], seed: 3, name: 'enc' });
    const x = randomUniformTensor<tf.Rank.R4>(createRng('rt'), [4, 8, 8, 3]);
    tf.dispose([net.apply(x), net.apply(x)]); // two training steps move the running statistics
    net.setTraining(false);
    const json = JSON.parse(JSON.stringify(net.toJSON())) as NetworkJSON;
    const copy = fromJSON(json) as ReturnType<typeof convNet>;
    expect(copy.training).toBe(false);
    expect(copy.toJSON().state).toEqual(net.toJSON().state);
    const [a, b] = [net.apply(x), copy.apply(x)];
    expect(b.dataSync()).toEqual(a.dataSync());
    const clone = cloneNetwork(net, 'target');
    const c = clone.apply(x);
    expect(c.dataSync()).toEqual(a.dataSync());
    tf.dispose([x, a, b, c]);
    [net, copy, clone].forEach((n) => n.dispose());
  });

  it('eval mode uses the running statistics (it does not move them); tensor count flat in both modes', async () => {
    const net = convNet({ inputShape: [6, 6, 1], channels: [3], strides: [1], seed: 4 });
    const x = randomUniformTensor<tf.Rank.R4>(createRng('ev'), [4, 6, 6, 1]);
    net.setTraining(false);
    const before = net.toJSON().state;
    // Fresh running stats (mean 0, var 1): eval BN is y = γ·x/√(1 + ε) + β, so output = GAP(relu(conv(x)/√(1+ε))).
    const y = net.apply(x);
    const W = net.variables[0]!;
    const expected = tf.tidy(() => tf.mean(tf.relu(tf.div(tf.conv2d(x, W as tf.Tensor4D, 1, 1), Math.sqrt(1 + 1e-5))), [1, 2]));
    expectClose(y, expected, { atol: 1e-6, rtol: 1e-5 });
    expect(net.toJSON().state).toEqual(before);
    await expectNoLeak(() => net.apply(x));
    net.setTraining(true);
    await expectNoLeak(() => net.apply(x));
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(net.apply(x)) as tf.Scalar);
      return [value, ...Object.values(grads)];
    });
    tf.dispose([x, y, expected]);
    net.dispose();
  });
});

describe('convNet errors', () => {
  it('names the network and the expected shape', () => {
    const net = convNet({ inputShape: [28, 28, 1], name: 'encoder' });
    const bad = [tf.zeros([2, 28, 28, 3]), tf.zeros([2, 28, 28]), tf.zeros([2, 100])];
    for (const x of bad) {
      expect(() => net.apply(x)).toThrow(ShapeMismatchError);
      expect(() => net.apply(x)).toThrow(/convNet\('encoder'\)\.apply.*\[batch, 28, 28, 1\] \(or flattened \[batch, 784\]\)/);
    }
    const one = tf.zeros([1, 1, 1, 1]);
    const tiny = convNet({ inputShape: [1, 1, 1], channels: [2], strides: [1] });
    expect(() => tiny.apply(one)).toThrow(/more than one value per channel/);
    tf.dispose([...bad, one]);
    net.dispose();
    tiny.dispose();
    expect(() => convNet({ inputShape: [28, 28, 1], strides: [1, 2] })).toThrow(/options\.strides/);
    expect(() => convNet({ inputShape: [28, 28] } as never)).toThrow(InvalidArgumentError);
    expect(() => net.apply(tf.zeros([1, 28, 28, 1]))).toThrow(/disposed/);
    expect(() => fromJSON({ type: 'convNet', config: { inputShape: [4, 4, 1], channels: [2], strides: [1] }, weights: {} })).toThrow(
      /json\.weights\.conv0\/W/,
    );
  });
});

describe('conv2dFilterGrad / conv2dInputGrad (the convolution gradients used on wasm)', () => {
  const cases = [
    [3, 1, 5, 6],
    [3, 2, 7, 5],
    [1, 2, 6, 6],
    [3, 2, 8, 8],
    [5, 2, 9, 7],
  ] as const;
  it("equal tfjs-cpu's Conv2DBackpropFilter / Conv2DBackpropInput for strides 1 and 2, kernels 1, 3, 5, odd sizes", async () => {
    await useBackend('cpu');
    for (const [k, s, h, w] of cases) {
      const p = (k - 1) / 2;
      const x = randomUniformTensor<tf.Rank.R4>(createRng(`fx${k}${s}${h}`), [2, h, w, 3]);
      const W = randomUniformTensor<tf.Rank.R4>(createRng(`fw${k}${s}`), [k, k, 3, 4], -1, 1);
      const y = tf.conv2d(x, W, s, p);
      const dy = randomUniformTensor<tf.Rank.R4>(createRng(`fdy${k}${s}`), y.shape, -1, 1);
      // Reference: autograd of tf.conv2d on cpu (its backprop kernels) for the loss Σ y·dy.
      const [rx, rw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, s, p), dy)),
      )([x, W]);
      const gw = conv2dFilterGrad(x, dy, k, s, p);
      const gx = conv2dInputGrad(dy, W, x.shape, s, p);
      expectClose(gw, rw!, { atol: 1e-5, rtol: 1e-5 });
      expectClose(gx, rx!, { atol: 1e-5, rtol: 1e-5 });
      // The wasm backend takes the customGrad path of conv2dPadded: same gradients.
      const [rxv, rwv] = [rx!.dataSync().slice(), rw!.dataSync().slice()];
      const [xv, wv, dyv] = [x.dataSync().slice(), W.dataSync().slice(), dy.dataSync().slice()];
      tf.dispose([x, W, y, dy, rx!, rw!, gw, gx]);
      await useBackend('wasm');
      const [xw, ww, dyw] = [tf.tensor4d(xv, [2, h, w, 3]), tf.tensor4d(wv, [k, k, 3, 4]), tf.tensor(dyv, [2, ...y.shape.slice(1)])];
      const [wx, wwg] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) =>
        tf.sum(tf.mul(conv2dPadded(xi as tf.Tensor4D, wi as tf.Tensor4D, s, p), dyw)),
      )([xw, ww]);
      expectClose(wx!, rxv, { atol: 1e-5, rtol: 1e-5 });
      expectClose(wwg!, rwv, { atol: 1e-5, rtol: 1e-5 });
      tf.dispose([xw, ww, dyw, wx!, wwg!]);
      await useBackend('cpu');
    }
  });
});
