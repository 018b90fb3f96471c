import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, type NetworkJSON, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { fromJSON } from './from-json';
import { BATCH_NORM_EPS, mlp, type MlpNetwork } from './mlp';

let counter = 0;
const uid = (base: string) => `${base}${counter++}`;

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

/** An MLP with hand-set weights (via fromJSON). `weights` maps `layer<l>/<W|b|gamma|beta>` to [shape, values]. */
function withWeights(config: Record<string, unknown>, weights: Record<string, [number[], number[]]>): MlpNetwork {
  const json: NetworkJSON = {
    type: 'mlp',
    config: { name: uid('hand'), ...config },
    weights: Object.fromEntries(Object.entries(weights).map(([k, [shape, values]]) => [k, { shape, values }])),
  };
  return fromJSON(json) as MlpNetwork;
}

describeBackends('mlp', () => {
  it('forward equals the hand-computed closed form relu(xW0 + b0)W1 + b1', () => {
    // W0 = [[1, −1], [2, 0.5]], b0 = [0, 1], W1 = [[1], [−2]], b1 = [0.5]
    // x = (1, 1): z0 = (3, −0.5) + (0, 1) = (3, 0.5) → relu → 3 − 1 + 0.5 = 2.5
    // x = (−1, 0.5): z0 = (0, 1.25) + (0, 1) = (0, 2.25) → 0 − 4.5 + 0.5 = −4
    // x = (0, −1): z0 = (−2, −0.5) + (0, 1) = (−2, 0.5) → relu (0, 0.5) → −1 + 0.5 = −0.5
    const net = withWeights(
      { inputDim: 2, hidden: [2], outputDim: 1, activation: 'relu' },
      {
        'layer0/W': [
          [2, 2],
          [1, -1, 2, 0.5],
        ],
        'layer0/b': [[2], [0, 1]],
        'layer1/W': [
          [2, 1],
          [1, -2],
        ],
        'layer1/b': [[1], [0.5]],
      },
    );
    const x = tf.tensor2d([
      [1, 1],
      [-1, 0.5],
      [0, -1],
    ]);
    const y = net.apply(x);
    expect(y.shape).toEqual([3, 1]);
    expectClose(y, [2.5, -4, -0.5], { atol: 1e-6, rtol: 0 });
    tf.dispose([x, y]);
    net.dispose();
  });

  it("leakyRelu uses slope α below 0; 'linear' is a product of affine maps", () => {
    const weights: Record<string, [number[], number[]]> = {
      'layer0/W': [[1, 1], [1]],
      'layer0/b': [[1], [0]],
      'layer1/W': [[1, 1], [2]],
      'layer1/b': [[1], [0]],
    };
    const leaky = withWeights({ inputDim: 1, hidden: [1], outputDim: 1, activation: 'leakyRelu', leakyReluAlpha: 0.2 }, weights);
    const linear = withWeights({ inputDim: 1, hidden: [1], outputDim: 1, activation: 'linear' }, weights);
    const x = tf.tensor2d([[-3], [2]]);
    const [a, b] = [leaky.apply(x), linear.apply(x)];
    expectClose(a, [2 * 0.2 * -3, 4], { atol: 1e-6, rtol: 0 }); // 2·leaky(−3) = −1.2, 2·2 = 4
    expectClose(b, [-6, 4], { atol: 1e-6, rtol: 0 });
    tf.dispose([x, a, b]);
    leaky.dispose();
    linear.dispose();
  });

  it('batch norm uses batch statistics: (h − mean)/sqrt(var + 1e-5)·γ + β, biased variance (PyTorch BatchNorm1d, training mode)', () => {
    // One hidden unit, W0 = [1], γ = 2, β = 0.5, identity output layer. Batch h = (1, 3):
    // mean 2, var 1 ⇒ ±1/sqrt(1 + 1e-5)·2 + 0.5. relu keeps 2.5−, zeroes −1.5+.
    const net = withWeights(
      { inputDim: 1, hidden: [1], outputDim: 1, activation: 'relu', batchNorm: true, bias: false },
      { 'layer0/W': [[1, 1], [1]], 'layer0/gamma': [[1], [2]], 'layer0/beta': [[1], [0.5]], 'layer1/W': [[1, 1], [1]] },
    );
    const x = tf.tensor2d([[1], [3]]);
    const y = net.apply(x);
    const s = 1 / Math.sqrt(1 + BATCH_NORM_EPS);
    expectClose(y, [Math.max(0, -2 * s + 0.5), 2 * s + 0.5], { atol: 1e-6, rtol: 0 });
    tf.dispose([x, y]);
    expect(() => net.apply(tf.zeros([1, 1]) as tf.Tensor2D)).toThrow(/at least 2 rows/);
    net.dispose();
  });

  it('outputBatchNorm gives each output column mean 0 and variance var/(var + 1e-5)', () => {
    const net = mlp({ inputDim: 5, hidden: [7], outputDim: 3, outputBatchNorm: true, seed: 2, name: uid('obn') });
    const x = tf.tensor2d(randn(3, 16 * 5), [16, 5]);
    const y = net.apply(x);
    const { mean, variance } = tf.moments(y, 0);
    expectClose(mean, [0, 0, 0], { atol: 1e-5, rtol: 0 });
    expectClose(variance, [1, 1, 1], { atol: 1e-3, rtol: 0 });
    tf.dispose([x, y, mean, variance]);
    net.dispose();
  });

  it('gradients w.r.t. the input (with batch norm and leakyRelu) match finite differences', () => {
    const net = mlp({
      inputDim: 3,
      hidden: [4, 4],
      outputDim: 2,
      activation: 'leakyRelu',
      leakyReluAlpha: 0.2,
      batchNorm: true,
      seed: 5,
      name: uid('g'),
    });
    const x = tf.tensor2d(randn(6, 5 * 3), [5, 3]);
    const c = tf.tensor2d(randn(7, 5 * 2), [5, 2]);
    expectGradMatchesFiniteDiff((v) => tf.sum(tf.mul(net.apply(v as tf.Tensor2D), c)) as tf.Scalar, x, {
      eps: 1e-3,
      atol: 5e-3,
      rtol: 3e-2,
    });
    // Every variable receives a gradient.
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x), c)) as tf.Scalar);
    expect(Object.keys(grads).sort()).toEqual(net.variables.map((v) => v.name).sort());
    tf.dispose([x, c, value, ...Object.values(grads)]);
    net.dispose();
  });

  it("seeded 'he' init: same seed ⇒ same weights; std sqrt(2/fan_in) before relu and sqrt(1/fan_in) for the last layer (He et al. 2015)", () => {
    const a = mlp({ inputDim: 200, hidden: [100], outputDim: 50, seed: 11, name: 'mlpSeed' });
    const a0 = Array.from(a.layers[0]!.W.dataSync());
    a.dispose();
    const b = mlp({ inputDim: 200, hidden: [100], outputDim: 50, seed: 11, name: 'mlpSeed' });
    expect(Array.from(b.layers[0]!.W.dataSync())).toEqual(a0);
    const std = (t: tf.Tensor) => Math.sqrt(Array.from(t.dataSync()).reduce((s, v) => s + v * v, 0) / t.size);
    // 20000 and 5000 draws: sample std within 3% of the target.
    expect(Math.abs(std(b.layers[0]!.W) / Math.sqrt(2 / 200) - 1)).toBeLessThan(0.03);
    expect(Math.abs(std(b.layers[1]!.W) / Math.sqrt(1 / 100) - 1)).toBeLessThan(0.03);
    expect(Array.from(b.layers[0]!.b!.dataSync()).every((v) => v === 0)).toBe(true);
    b.dispose();
  });

  it('JSON round trip is exact (with and without batch norm), outputs bitwise equal', () => {
    for (const batchNorm of [false, true]) {
      const net = mlp({ inputDim: 4, hidden: [6, 5], outputDim: 3, batchNorm, outputBatchNorm: batchNorm, seed: 'x', name: uid('rt') });
      const copy = fromJSON(JSON.parse(JSON.stringify(net.toJSON())) as NetworkJSON) as MlpNetwork;
      expect(copy.toJSON()).toEqual(net.toJSON());
      expect(copy.variables.length).toBe(batchNorm ? 3 + 3 + 2 : 6); // W,γ,β per hidden layer + W,b
      const x = tf.tensor2d(randn(1, 4 * 4), [4, 4]);
      const [y1, y2] = [net.apply(x), copy.apply(x)];
      expect(Array.from(y2.dataSync())).toEqual(Array.from(y1.dataSync()));
      tf.dispose([x, y1, y2]);
      net.dispose();
      copy.dispose();
    }
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(randn(2, 4 * 3), [4, 3]);
    const net = mlp({ inputDim: 3, hidden: [5], outputDim: 2, batchNorm: true, seed: 0, name: uid('leak') });
    await expectNoLeak(() => net.apply(x));
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(net.apply(x)) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    });
    await expectNoLeak(() => mlp({ inputDim: 3, hidden: [5], outputDim: 2, seed: 0, name: uid('leak') }).dispose());
    await expectNoLeak(() => fromJSON(net.toJSON()).dispose());
    net.dispose();
    x.dispose();
  });

  it('rejects bad options and inputs naming the net and the argument', () => {
    expect(() => mlp({ inputDim: 3, hidden: [4, 0], outputDim: 2 })).toThrow(/mlp: invalid argument 'options\.hidden\.1'/);
    expect(() => mlp({ inputDim: 3, outputDim: Number.NaN })).toThrow(/options\.outputDim.*NaN/);
    expect(() => mlp({ inputDim: 3, outputDim: 2, activation: 'gelu' as never })).toThrow(InvalidArgumentError);
    const net = mlp({ inputDim: 3, outputDim: 2, name: uid('m') });
    const bad = tf.zeros([2, 4]) as tf.Tensor2D;
    expect(() => net.apply(bad)).toThrow(ShapeMismatchError);
    expect(() => net.apply(bad)).toThrow(new RegExp(`mlp\\('${net.name}'\\)\\.apply: 'x'`));
    tf.dispose(bad);
    net.dispose();
  });
});

describeBackends('mlp.neuronWeights', () => {
  it('returns the first layer W₀ᵀ [hidden, inputDim]: row i is hidden unit i', () => {
    const net = mlp({ inputDim: 3, hidden: [4], outputDim: 2, bias: false, activation: 'linear', name: 'mlp-nw' });
    const before = tf.memory().numTensors;
    const w = net.neuronWeights();
    expect(w.shape).toEqual([4, 3]);
    const ref = tf.transpose(net.layers[0]!.W);
    expectClose(w, ref);
    tf.dispose([w, ref]);
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });
});
