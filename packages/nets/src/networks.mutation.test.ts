// Remaining gaps the first StrykerJS run of @contrastive/nets showed: DirectPred's recomputation
// schedule at freq 3 and its state edges, the init streams (`<type>/<name>`, so two networks of one
// seed but different names differ), the symmetric-ReLU init (Gaussian rows N(0, I/d) normalised,
// docs/science/feature-decoupling.md §1.3, reproduced here from core's documented rng stream),
// orthogonal init in blocks, variable names, shape messages, and option checks.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type NetworkJSON, type Network } from '@contrastive/core';
import { describeBackends, expectClose, messageOf } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { createBatchNorm } from './batch-norm';
import { convNet, convNetFromJSON } from './conv-net';
import { directPredictor, directPredictorFromJSON } from './direct-predictor';
import { ema } from './ema';
import { cloneNetwork } from './from-json';
import { linearPredictor, linearPredictorFromJSON } from './linear-predictor';
import { mlp, mlpFromJSON } from './mlp';
import { resNetFromJSON } from './res-net';
import { readWeight } from './serialization';
import { isSymmetricReluNetwork, symmetricRelu, symmetricReluFromJSON, symmetricReluLayer } from './symmetric-relu';
import { thresholdAt } from './threshold-schedule';
import { treeNetwork, treeNetworkFromJSON } from './tree-network';

let counter = 0;
const uid = (base: string) => `${base}-netmut${counter++}`;

describe('directPredictor schedule and state edges', () => {
  it('freq = 3 recomputes W_p on updates 1, 4, 7 (the first call included)', () => {
    const net = directPredictor({ dim: 2, freq: 3, eps: 0 });
    // Batches with diagonal second moments: W_p = diag(sqrt(s/max s)) after a recomputation.
    const zs = [
      [2, 0, 0, 1],
      [1, 0, 0, 2],
    ].map((v) => tf.tensor2d(v, [2, 2]));
    net.update(zs[0]!); // F = diag(2, 0.5) → W_p = diag(1, 0.5)
    expectClose(net.predictorMatrix(), [1, 0, 0, 0.5], { atol: 1e-6, rtol: 0 });
    net.update(zs[1]!);
    net.update(zs[1]!);
    expectClose(net.predictorMatrix(), [1, 0, 0, 0.5], { atol: 1e-6, rtol: 0 });
    net.update(zs[1]!); // 4th: F̂ has moved towards diag(0.5, 2): recomputed
    const F = net.correlation()!;
    const max = Math.max(F[0]!, F[3]!);
    expectClose(net.predictorMatrix(), [Math.sqrt(F[0]! / max), 0, 0, Math.sqrt(F[3]! / max)], { atol: 1e-6, rtol: 0 });
    expect(net.updates).toBe(4);
    tf.dispose(zs);
    net.dispose();
  });

  it('spectrum is null unless both s and p are known; fromJSON without state starts at W_p = I', () => {
    const net = directPredictor({ dim: 2, name: uid('dps') });
    net.setState({ correlation: [1, 0, 0, 1], predictor: [1, 0, 0, 1], eigenvalues: [1, 1], p: null, updates: 1 });
    expect(net.spectrum()).toBeNull();
    net.setState({ correlation: [1, 0, 0, 1], predictor: [1, 0, 0, 1], eigenvalues: null, p: [1, 1], updates: 1 });
    expect(net.spectrum()).toBeNull();
    const { state: _, ...json } = net.toJSON();
    const fresh = directPredictorFromJSON(json as NetworkJSON);
    expect(fresh.predictorMatrix()).toEqual(Float64Array.from([1, 0, 0, 1]));
    expect(fresh.updates).toBe(0);
    expect(messageOf(() => directPredictorFromJSON({ ...json, config: { dim: 0 } } as NetworkJSON))).toMatch(
      /^fromJSON\(directPredictor\): invalid argument 'json\.config\.dim'/,
    );
    net.dispose();
    fresh.dispose();
  });
});

describe('init streams: `<type>/<name>` of the seed', () => {
  it('two networks with the same seed and different names draw different weights; the same name the same', () => {
    const build: Array<(name: string) => Network> = [
      (name) => mlp({ inputDim: 3, outputDim: 2, seed: 1, name }),
      (name) => symmetricRelu({ inputDim: 3, width: 2, seed: 1, name }),
      (name) => linearPredictor({ dim: 2, init: 'normal', seed: 1, name }),
      (name) => treeNetwork({ depth: 1, hid: 2, seed: 1, name }),
      (name) => convNet({ inputShape: [3, 3, 1], channels: [2], strides: [1], seed: 1, name }),
    ];
    for (const f of build) {
      const [a, b, c] = [f('alpha'), f('beta'), f('alpha')];
      const w = (n: Network) => Array.from(n.variables[0]!.dataSync());
      expect(w(a)).not.toEqual(w(b));
      expect(w(c)).toEqual(w(a));
      [a, b, c].forEach((n) => n.dispose());
    }
  });

  it("symmetricRelu 'normal': rows of the stream's N(0, 1/d) draw divided by their norms (not orthogonalised)", () => {
    const name = uid('srn');
    const [m, d] = [3, 4];
    const net = symmetricRelu({ inputDim: d, width: m, seed: 6, name });
    const raw = createRng(6)
      .fork(`symmetricRelu/${name}`)
      .fillNormal(new Float64Array(m * d), 0, 1 / Math.sqrt(d));
    const expected: number[] = [];
    for (let i = 0; i < m; i++) {
      const row = Array.from(raw.slice(i * d, i * d + d));
      const n = Math.hypot(...row);
      expected.push(...row.map((v) => v / n));
    }
    expectClose(net.weight, expected, { atol: 1e-7, rtol: 1e-6 });
    // Without unit-norm rows: the draw itself.
    const plain = symmetricRelu({ inputDim: d, width: m, seed: 6, name, unitNormRows: false });
    expectClose(plain.weight, Array.from(raw), { atol: 1e-7, rtol: 1e-6 });
    net.dispose();
    plain.dispose();
  });

  it("symmetricRelu 'orthogonal' with width > inputDim: orthonormal blocks of inputDim rows, the last block shorter", () => {
    const net = symmetricRelu({ inputDim: 4, width: 6, init: 'orthogonal', seed: 2, name: uid('orth') });
    const w = Array.from(net.weight.dataSync());
    const row = (i: number) => w.slice(i * 4, i * 4 + 4);
    const dot = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * b[k]!, 0);
    for (const block of [
      [0, 1, 2, 3],
      [4, 5],
    ]) {
      for (const i of block) for (const j of block) expect(dot(row(i), row(j))).toBeCloseTo(i === j ? 1 : 0, 5);
    }
    expect(isSymmetricReluNetwork(net)).toBe(true);
    const other = mlp({ inputDim: 1, outputDim: 1, name: uid('m') });
    expect(isSymmetricReluNetwork(other)).toBe(false);
    other.dispose();
    expect(isSymmetricReluNetwork(null)).toBe(false);
    expect(net.variables).toEqual([net.weight]);
    net.dispose();
  });
});

describe('variable names `<net>/<key>`', () => {
  it('every network names its variables after the weight keys', () => {
    const name = uid('vn');
    const cases: Array<[Network, string[]]> = [
      [
        mlp({ inputDim: 2, hidden: [2], outputDim: 1, batchNorm: true, name }),
        ['layer0/W', 'layer0/gamma', 'layer0/beta', 'layer1/W', 'layer1/b'],
      ],
      [symmetricRelu({ inputDim: 2, width: 2, name }), ['W']],
      [linearPredictor({ dim: 2, bias: true, name }), ['Wp', 'b']],
      [treeNetwork({ depth: 2, hid: 2, name }), ['level0/W', 'level1/W', 'level0/b', 'level1/b']],
      [convNet({ inputShape: [3, 3, 1], channels: [2], strides: [1], name }), ['conv0/W', 'conv0/bn/gamma', 'conv0/bn/beta']],
    ];
    for (const [net, keys] of cases) {
      expect(net.variables.map((v) => v.name.replace(/_\d+$/, ''))).toEqual(keys.map((k) => `${name}/${k}`));
      net.dispose();
    }
    const bn = createBatchNorm({ numFeatures: 1, name: `${name}/bn` });
    expect([bn.gamma, bn.beta, bn.runningMean, bn.runningVar].map((v) => v.name)).toEqual(
      ['gamma', 'beta', 'runningMean', 'runningVar'].map((k) => `${name}/bn/${k}`),
    );
    const before = tf.memory().numTensors;
    bn.setState({ runningMean: [1], runningVar: [2], numBatchesTracked: 1 });
    expect(tf.memory().numTensors).toBe(before);
    bn.dispose();
  });
});

describeBackends('shape messages and option checks', () => {
  it('symmetricReluLayer names x, weight and their dimensions', () => {
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    const w = tf.zeros([4, 5]) as tf.Tensor2D;
    expect(messageOf(() => symmetricReluLayer(x, w, 0))).toBe(
      "symmetricReluLayer: 'weight' has inputDim = 5 (shape [4, 5]) but 'x' has inputDim = 3",
    );
    const x3 = tf.zeros([2, 3, 1]) as unknown as tf.Tensor2D;
    expect(messageOf(() => symmetricReluLayer(x3, w, 0))).toMatch(/^symmetricReluLayer: 'x' must be rank 2 .*batch.*inputDim/);
    const w1 = tf.zeros([3]) as unknown as tf.Tensor2D;
    expect(messageOf(() => symmetricReluLayer(x, w1, 0))).toMatch(/^symmetricReluLayer: 'weight' must be rank 2 .*width.*inputDim/);
    expect(messageOf(() => symmetricReluLayer(x, tf.zeros([4, 3]) as tf.Tensor2D, -1))).toMatch(
      /^symmetricReluLayer: invalid argument 'threshold'/,
    );
    tf.dispose([x, w, x3, w1]);
  });

  it('thresholdAt and onStep need integer steps; convNet an odd kernel; fromJSON(undefined) names json.config', () => {
    expect(messageOf(() => thresholdAt(0.1, 1.5, 10))).toMatch(/^thresholdAt: invalid argument 'step'/);
    expect(messageOf(() => thresholdAt(0.1, 1, 2.5))).toMatch(/^thresholdAt: invalid argument 'totalSteps'/);
    const name = uid('os');
    const net = symmetricRelu({ inputDim: 2, width: 2, name });
    expect(messageOf(() => net.onStep(1, 2.5))).toMatch(
      new RegExp(`^symmetricRelu\\('${name}'\\)\\.onStep: invalid argument 'totalSteps'`),
    );
    net.dispose();
    expect(messageOf(() => convNet({ inputShape: [4, 4, 1], kernelSize: 4 }))).toMatch(/options\.kernelSize.*expected an odd kernel size/);
    for (const [type, read] of [
      ['convNet', convNetFromJSON],
      ['resNet', resNetFromJSON],
    ] as const) {
      expect(messageOf(() => read(undefined as never))).toMatch(new RegExp(`^fromJSON\\(${type}\\): invalid argument 'json\\.config'`));
    }
    for (const [type, read] of [
      ['mlp', mlpFromJSON],
      ['symmetricRelu', symmetricReluFromJSON],
      ['linearPredictor', linearPredictorFromJSON],
      ['treeNetwork', treeNetworkFromJSON],
    ] as const) {
      expect(messageOf(() => read({ type, config: { name: '' }, weights: {} } as NetworkJSON))).toMatch(
        new RegExp(`^fromJSON\\(${type}\\): invalid argument 'json\\.config\\.`),
      );
    }
  });

  it('readWeight compares every dimension; ema every dimension; m = 1 leaves the target even against NaN', () => {
    const json = { type: 't', config: {}, weights: { W: { shape: [2, 4], values: [1, 2, 3, 4, 5, 6, 7, 8] } } } as NetworkJSON;
    expect(messageOf(() => readWeight('op', json, 'W', [2, 3]))).toBe("op: 'json.weights.W' must have shape [2, 3], got [2, 4]");
    const fake = (name: string, shape: number[], value = 0) =>
      ({ name, variables: [tf.variable(tf.fill(shape, value), true, uid(name))] }) as unknown as Network;
    const t = fake('t', [2, 3]);
    const o = fake('o', [2, 4]);
    expect(messageOf(() => ema(t, o, 0.5))).toMatch(/^ema: variable 0 of online 'o' has shape \[2, 4\]/);
    const nan = fake('n', [2, 3], Number.NaN);
    ema(t, nan, 1);
    expect(Array.from(t.variables[0]!.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    // cloneNetwork of a network whose toJSON() gives nothing: a clear error, not a TypeError.
    expect(messageOf(() => cloneNetwork({ name: 'u', toJSON: () => undefined } as unknown as Network))).toMatch(
      /^cloneNetwork: cannot copy network 'u' of type 'undefined'/,
    );
    for (const n of [t, o, nan]) tf.dispose(n.variables);
  });

  it('treeNetwork with 3 children runs every level (the ReLU input of level l − 1 only for l > 0)', () => {
    const net = treeNetwork({ depth: 2, children: 3, hid: 2, normalizeOutput: false, seed: 3, name: uid('t3') });
    const w = net.toJSON().weights;
    const x = Array.from({ length: 9 }, (_, i) => Math.cos(i + 1));
    // Level 1: node μ ∈ {0, 1, 2} maps leaves 3μ … 3μ + 2 → hid 2; level 0 maps the 6 ReLU units → 2.
    const W1 = w['level1/W']!.values;
    const b1 = w['level1/b']!.values;
    const h1: number[] = [];
    for (let mu = 0; mu < 3; mu++)
      for (let k = 0; k < 2; k++) {
        let acc = b1[mu * 2 + k]!;
        for (let j = 0; j < 3; j++) acc += x[3 * mu + j]! * W1[(mu * 3 + j) * 2 + k]!;
        h1.push(Math.max(acc, 0));
      }
    const W0 = w['level0/W']!.values;
    const b0 = w['level0/b']!.values;
    const root = [0, 1].map((k) => h1.reduce((s, v, j) => s + v * W0[j * 2 + k]!, b0[k]!));
    const xt = tf.tensor2d(x, [1, 9]);
    const y = net.apply(xt);
    expectClose(y, root, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([xt, y]);
    net.dispose();
  });
});

describe('exact first correlation and error fields', () => {
  it('the first update sets F̂ = F_batch exactly (no ρ-blend with itself: 0.3·3 + 0.7·3 ≠ 3 in float64)', () => {
    const net = directPredictor({ dim: 2, rho: 0.3 });
    // z rows (3, 1), (0, 1), (0, 1): E[zzᵀ] = [[3, 1], [1, 1]], exact in float32.
    const z = tf.tensor2d([3, 1, 0, 1, 0, 1], [3, 2]);
    net.update(z);
    expect(Array.from(net.correlation()!)).toEqual([3, 1, 1, 1]);
    z.dispose();
    net.dispose();
  });

  it('errors carry argument and expected fields, also where the message is custom', () => {
    const catchError = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as { argument?: string; expected?: string; message: string };
      }
      throw new Error('no error');
    };
    // readWeight: a shorter shape whose dimensions agree as far as they go is still wrong.
    const json = { type: 't', config: {}, weights: { W: { shape: [2], values: [1, 2, 3, 4, 5, 6] } } } as NetworkJSON;
    expect(catchError(() => readWeight('op', json, 'W', [2, 3])).message).toBe("op: 'json.weights.W' must have shape [2, 3], got [2]");
    const fake = (name: string, ...shapes: number[][]) =>
      ({ name, variables: shapes.map((s) => tf.variable(tf.zeros(s), true, uid(name))) }) as unknown as Network;
    const [t, o] = [fake('t', [2], [3]), fake('o', [2], [4])];
    const e = catchError(() => ema(t, o, 0.5));
    expect([e.argument, e.expected]).toEqual(['online.variables[1]', '[3]']);
    const net = convNet({ inputShape: [4, 4, 1], channels: [2], strides: [1], batchNorm: false, name: uid('cf') });
    const x = tf.zeros([2, 3]);
    const ce = catchError(() => net.apply(x));
    expect([ce.argument, ce.expected]).toEqual(['x', '[batch, 4, 4, 1]']);
    expect(Object.keys(net.toJSON().weights)).toEqual(['conv0/W', 'conv0/b']);
    const dp = directPredictor({ dim: 1 });
    const nan = tf.tensor2d([[Number.NaN]]);
    expect(catchError(() => dp.update(nan)).argument).toBe('z');
    tf.dispose([x, nan, ...t.variables, ...o.variables]);
    net.dispose();
    dp.dispose();
  });
});
