// Initialisers checked statistically against their documented distributions with fixed seeds (so
// they cannot flake), and edge cases of the forward passes against closed forms:
// - mlp: He normal N(0, 2/fan_in) before a rectifier (He et al. 2015, Eq. 10), LeCun N(0, 1/fan_in)
//   otherwise (LeCun et al. 1998; PyTorch's kaiming_normal_ with nonlinearity 'linear');
// - treeNetwork: PyTorch nn.Linear's default U(−1/√fan_in, 1/√fan_in) for W and b;
// - linearPredictor 'normal': N(0, 1/d) entrywise;
// - symmetricRelu: rows on the unit sphere, the zero-row guard of afterUpdate.
// Tolerances: the sample std of n normals has relative standard error 1/√(2n); 4 standard errors.
import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { linearPredictor, linearPredictorFromJSON } from './linear-predictor';
import { BATCH_NORM_EPS, mlp, mlpFromJSON } from './mlp';
import { symmetricRelu } from './symmetric-relu';
import { thresholdAt } from './threshold-schedule';
import { treeNetwork, treeNetworkFromJSON } from './tree-network';

let counter = 0;
const uid = (base: string) => `${base}-initmut${counter++}`;

/** Root mean square of the entries (the std of a zero-mean draw). */
const rms = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, e) => s + e * e, 0) / v.length);
/** |sample std / target − 1| within 4 standard errors of the sample std of n normals. */
function expectStd(v: ArrayLike<number>, target: number) {
  expect(Math.abs(rms(v) / target - 1)).toBeLessThan(4 / Math.sqrt(2 * v.length));
}

describe('mlp initialisation', () => {
  it("'he': √(2/fan_in) before relu and leakyRelu, √(1/fan_in) before 'linear' and for the last layer", () => {
    for (const activation of ['relu', 'leakyRelu'] as const) {
      const net = mlp({ inputDim: 64, hidden: [48, 32], outputDim: 40, activation, seed: 2, name: uid('he') });
      expectStd(net.layers[0]!.W.dataSync(), Math.sqrt(2 / 64));
      expectStd(net.layers[1]!.W.dataSync(), Math.sqrt(2 / 48));
      expectStd(net.layers[2]!.W.dataSync(), Math.sqrt(1 / 32));
      net.dispose();
    }
    const lin = mlp({ inputDim: 64, hidden: [48], outputDim: 40, activation: 'linear', seed: 2, name: uid('lin') });
    expectStd(lin.layers[0]!.W.dataSync(), Math.sqrt(1 / 64));
    expectStd(lin.layers[1]!.W.dataSync(), Math.sqrt(1 / 48));
    lin.dispose();
  });

  it("'lecun': √(1/fan_in) everywhere, also before relu", () => {
    const net = mlp({ inputDim: 64, hidden: [48], outputDim: 40, init: 'lecun', seed: 3, name: uid('lecun') });
    expectStd(net.layers[0]!.W.dataSync(), Math.sqrt(1 / 64));
    expectStd(net.layers[1]!.W.dataSync(), Math.sqrt(1 / 48));
    net.dispose();
  });

  it('biases 0, γ = 1, β = 0; no hidden bias under batch norm; no bias at all with bias: false', () => {
    const bn = mlp({ inputDim: 3, hidden: [4, 5], outputDim: 2, batchNorm: true, name: uid('bn') });
    expect(bn.layers.map((l) => Object.keys(l).sort())).toEqual([
      ['W', 'beta', 'gamma'],
      ['W', 'beta', 'gamma'],
      ['W', 'b'],
    ]);
    expect(Array.from(bn.layers[0]!.gamma!.dataSync())).toEqual([1, 1, 1, 1]);
    expect(Array.from(bn.layers[1]!.beta!.dataSync())).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(bn.layers[2]!.b!.dataSync())).toEqual([0, 0]);
    expect(bn.variables.map((v) => v.shape)).toEqual([[3, 4], [4], [4], [4, 5], [5], [5], [5, 2], [2]]);
    bn.dispose();
    const nb = mlp({ inputDim: 3, hidden: [4], outputDim: 2, bias: false, name: uid('nb') });
    expect(nb.layers.map((l) => Object.keys(l))).toEqual([['W'], ['W']]);
    expect(Object.keys(nb.toJSON().weights)).toEqual(['layer0/W', 'layer1/W']);
    const copy = mlpFromJSON(nb.toJSON());
    expect(copy.variables.length).toBe(2);
    nb.dispose();
    copy.dispose();
  });
});

describeBackends('mlp forward edge cases', () => {
  it('batch norm ε matters for a small-variance feature: (h − μ)/√(σ² + 1e-5), biased σ²', () => {
    // One hidden unit, W0 = [1], identity output: batch h = (−0.002, 0.002) has σ² = 4e-6.
    const net = mlpFromJSON({
      type: 'mlp',
      config: { inputDim: 1, hidden: [1], outputDim: 1, activation: 'linear', batchNorm: true, bias: false, name: uid('eps') },
      weights: {
        'layer0/W': { shape: [1, 1], values: [1] },
        'layer0/gamma': { shape: [1], values: [1] },
        'layer0/beta': { shape: [1], values: [0] },
        'layer1/W': { shape: [1, 1], values: [1] },
      },
    });
    const x = tf.tensor2d([[-0.002], [0.002]]);
    const y = net.apply(x);
    const v = 0.002 / Math.sqrt(4e-6 + BATCH_NORM_EPS);
    expectClose(y, [-v, v], { atol: 1e-5, rtol: 1e-4 });
    // outputBatchNorm (non-affine) on top: the same normalisation of the output column.
    const out = mlpFromJSON({
      type: 'mlp',
      config: { inputDim: 1, outputDim: 1, outputBatchNorm: true, bias: false, name: uid('obn') },
      weights: { 'layer0/W': { shape: [1, 1], values: [1] } },
    });
    const yo = out.apply(x);
    expectClose(yo, [-v, v], { atol: 1e-5, rtol: 1e-4 });
    tf.dispose([x, y, yo]);
    net.dispose();
    out.dispose();
  });

  it('no activation after the last layer (negative outputs kept), for every activation', () => {
    for (const activation of ['relu', 'leakyRelu'] as const) {
      const net = mlpFromJSON({
        type: 'mlp',
        config: { inputDim: 1, hidden: [1], outputDim: 1, activation, leakyReluAlpha: 0.5, name: uid('last') },
        weights: {
          'layer0/W': { shape: [1, 1], values: [1] },
          'layer0/b': { shape: [1], values: [0] },
          'layer1/W': { shape: [1, 1], values: [-2] },
          'layer1/b': { shape: [1], values: [0.5] },
        },
      });
      const x = tf.tensor2d([[3], [-4]]);
      const y = net.apply(x);
      // −2·act(3) + 0.5 = −5.5; −2·act(−4) + 0.5 = 0.5 (relu) or −2·(−2) + 0.5 = 4.5 (leaky, α = 0.5).
      expectClose(y, [-5.5, activation === 'relu' ? 0.5 : 4.5], { atol: 1e-6, rtol: 0 });
      tf.dispose([x, y]);
      net.dispose();
    }
  });
});

describe('treeNetwork initialisation (PyTorch nn.Linear default)', () => {
  it('W and b ~ U(±1/√fan_in): fan_in = children at the leaves, children·hid above; variance bound²/3', () => {
    const net = treeNetwork({ depth: 3, children: 3, hid: 20, seed: 4, name: uid('t') });
    const w = net.toJSON().weights;
    for (const [level, fanIn, nodes] of [
      [0, 60, 1],
      [1, 60, 3],
      [2, 3, 9],
    ] as const) {
      const bound = 1 / Math.sqrt(fanIn);
      const W = w[`level${level}/W`]!;
      const b = w[`level${level}/b`]!;
      expect(W.shape).toEqual([nodes, fanIn, 20]);
      expect(b.shape).toEqual([nodes, 20]);
      for (const v of [W.values, b.values]) {
        expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
        // Uniform on [−a, a]: std a/√3; the sample std's relative standard error is √(0.8/n)/2 ≈ 0.45/√n.
        expect(Math.abs(rms(v) / (bound / Math.sqrt(3)) - 1)).toBeLessThan(4 / Math.sqrt(v.length));
        expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.8 * bound);
      }
    }
    expect(net.numInternalNodes).toBe(13);
    expect([net.inputDim, net.outputDim]).toEqual([27, 20]);
    net.dispose();
  });

  it('normEps enters the output as h/(‖h‖ + ε); with ε = 0 rows have unit norm', () => {
    const json = treeNetwork({ depth: 1, children: 2, hid: 2, seed: 1, name: uid('e') }).toJSON();
    const eps1 = treeNetworkFromJSON({ ...json, config: { ...json.config, normEps: 1, name: uid('e1') } });
    const raw = treeNetworkFromJSON({ ...json, config: { ...json.config, normalizeOutput: false, name: uid('raw') } });
    const x = tf.tensor2d([
      [1, -2],
      [0.5, 3],
    ]);
    const h = Array.from(raw.apply(x).dataSync());
    const y = eps1.apply(x);
    const norms = [Math.hypot(h[0]!, h[1]!), Math.hypot(h[2]!, h[3]!)];
    expectClose(
      y,
      h.map((v, i) => v / (norms[Math.floor(i / 2)]! + 1)),
      { atol: 1e-6, rtol: 1e-5 },
    );
    tf.dispose([x, y]);
    [eps1, raw].forEach((n) => n.dispose());
  });
});

describe('linearPredictor initialisation', () => {
  it("'normal': entries N(0, 1/d) (std 1/√d), seeded by (seed, name); 'identity': I", () => {
    const p = linearPredictor({ dim: 64, init: 'normal', seed: 5, name: uid('lp') });
    const w = p.weight.dataSync();
    expectStd(w, 1 / 8);
    expect(Math.abs(Array.from(w).reduce((s, v) => s + v, 0) / w.length)).toBeLessThan(4 / 8 / 64);
    const q = linearPredictor({ dim: 64, init: 'normal', seed: 5, name: p.name });
    expect(q.weight.dataSync()).toEqual(w);
    const id = linearPredictor({ dim: 3, name: uid('id') });
    expect(Array.from(id.weight.dataSync())).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(id.bias).toBeUndefined();
    expect(id.variables.length).toBe(1);
    [p, q, id].forEach((n) => n.dispose());
  });

  it('with bias: variables [W_p, b], b starts at 0 and is read back by fromJSON', () => {
    const p = linearPredictor({ dim: 2, bias: true, name: uid('b') });
    expect(p.variables.map((v) => v.shape)).toEqual([[2, 2], [2]]);
    expect(Array.from(p.bias!.dataSync())).toEqual([0, 0]);
    const json = p.toJSON();
    expect(Object.keys(json.weights)).toEqual(['Wp', 'b']);
    const copy = linearPredictorFromJSON({ ...json, weights: { ...json.weights, b: { shape: [2], values: [0.5, -1] } } });
    const x = tf.tensor2d([[1, 2]]);
    const y = copy.apply(x);
    expect(Array.from(y.dataSync())).toEqual([1.5, 1]);
    expect(() => linearPredictorFromJSON({ ...json, weights: { Wp: json.weights['Wp']! } })).toThrow(/json\.weights\.b/);
    tf.dispose([x, y]);
    p.dispose();
    copy.dispose();
  });
});

describeBackends('symmetricRelu edges', () => {
  it('rows start on the unit sphere; afterUpdate leaves a zero row at zero (the 1e-12 floor), not NaN', () => {
    const net = symmetricRelu({ inputDim: 5, width: 4, seed: 2, name: uid('s') });
    const w = net.weight.dataSync();
    for (let i = 0; i < 4; i++) expect(Math.hypot(...Array.from(w.slice(i * 5, i * 5 + 5)))).toBeCloseTo(1, 6);
    const zero = tf.tensor2d([0, 0, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0, 0, 1e-7, 0, 0, 0, 0], [4, 5]);
    net.weight.assign(zero);
    net.afterUpdate();
    expectClose(net.weight, [0, 0, 0, 0, 0, 0.6, 0, 0, 0, 0.8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0], { atol: 1e-6, rtol: 0 });
    zero.dispose();
    net.dispose();
  });

  it('a warm-up with warmupFraction 0 starts at final; a constant schedule at its value', () => {
    const a = symmetricRelu({
      inputDim: 2,
      width: 2,
      threshold: { type: 'linear-warmup', final: 0.4, warmupFraction: 0, initial: 0.1 },
      name: uid('w0'),
    });
    expect(a.threshold).toBe(0.4);
    const b = symmetricRelu({
      inputDim: 2,
      width: 2,
      threshold: { type: 'linear-warmup', final: 0.4, warmupFraction: 0.5, initial: 0.1 },
      name: uid('w1'),
    });
    expect(b.threshold).toBe(0.1);
    const c = symmetricRelu({ inputDim: 2, width: 2, threshold: { type: 'constant', value: 0.3 }, name: uid('c') });
    expect(c.threshold).toBe(0.3);
    c.onStep(7, 10);
    expect(c.threshold).toBe(0.3);
    [a, b, c].forEach((n) => n.dispose());
    // thresholdAt at the end of the warm-up and past it: min(1, t/(f·T)).
    const s = { type: 'linear-warmup' as const, final: 0.8, warmupFraction: 0.25, initial: 0.4 };
    expect(thresholdAt(s, 10, 40)).toBe(0.8);
    expect(thresholdAt(s, 39, 40)).toBe(0.8);
    expect(thresholdAt(s, 5, 40)).toBeCloseTo(0.6, 15);
    expect(thresholdAt({ ...s, warmupFraction: 0 }, 3, 40)).toBe(0.8);
  });
});
