import * as tf from '@tensorflow/tfjs-core';
import { ContrastiveError, createRng, InvalidArgumentError, matMul, type NetworkJSON, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { fromJSON } from './from-json';
import { softThreshold, symmetricRelu, symmetricReluLayer, type SymmetricReluNetwork } from './symmetric-relu';

let counter = 0;
const uid = (base: string) => `${base}${counter++}`;

/** A symmetric-ReLU net with hand-set weights W [width, inputDim] (via fromJSON). */
function withWeights(W: number[][], threshold: number, unitNormRows = false): SymmetricReluNetwork {
  const json: NetworkJSON = {
    type: 'symmetricRelu',
    config: { inputDim: W[0]!.length, width: W.length, threshold, unitNormRows, name: uid('hand') },
    weights: { W: { shape: [W.length, W[0]!.length], values: W.flat() } },
  };
  return fromJSON(json) as SymmetricReluNetwork;
}

/** The unfused reference relu(u − b) − relu(−u − b), differentiated by tfjs autograd. */
function reference(u: tf.Tensor2D, b: number): tf.Tensor2D {
  return tf.sub(tf.relu(tf.sub(u, b)), tf.relu(tf.sub(tf.neg(u), b)));
}

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

describeBackends('symmetricRelu', () => {
  it('forward equals the hand-computed closed form h_i = relu(<w_i,x> − b) − relu(−<w_i,x> − b)', () => {
    // W rows (1,0,0), (0.6,0.8,0); u = x·Wᵀ = [[1, 2.2], [−2, −0.8], [0.3, 0.1]];
    // b = 0.5: h = [[0.5, 1.7], [−1.5, −0.3], [0, 0]] (dead zone |u| ≤ b).
    const net = withWeights(
      [
        [1, 0, 0],
        [0.6, 0.8, 0],
      ],
      0.5,
    );
    const x = tf.tensor2d([
      [1, 2, 3],
      [-2, 0.5, 1],
      [0.3, -0.1, 0],
    ]);
    const h = net.apply(x);
    expect(h.shape).toEqual([3, 2]);
    expectClose(h, [0.5, 1.7, -1.5, -0.3, 0, 0], { atol: 1e-6, rtol: 1e-6 });
    tf.dispose([h, x]);
    net.dispose();
  });

  it('threshold 0 is the linear map x·Wᵀ', () => {
    const net = withWeights(
      [
        [1, -2],
        [0.5, 0.25],
      ],
      0,
    );
    const x = tf.tensor2d([
      [1, 2],
      [-3, 4],
    ]);
    const h = net.apply(x);
    // [1·1 − 2·2, 0.5 + 0.5] = [−3, 1]; [−3 − 8, −1.5 + 1] = [−11, −0.5]
    expectClose(h, [-3, 1, -11, -0.5], { atol: 1e-6, rtol: 0 });
    tf.dispose([h, x]);
    net.dispose();
  });

  it('softThreshold matches the unfused relu form and its autograd gradient, and finite differences away from the kinks', () => {
    const u = tf.tensor2d(randn(3, 6 * 5), [6, 5]);
    const c = tf.tensor2d(randn(4, 6 * 5), [6, 5]);
    const b = 0.45;
    // Finite differences are valid only where no entry is within eps of a kink |u| = b.
    const margin = Math.min(...Array.from(u.dataSync(), (v) => Math.abs(Math.abs(v) - b)));
    expect(margin).toBeGreaterThan(2e-3); // > eps: each probe moves one u by eps
    const fused = softThreshold(u, b);
    const ref = reference(u, b);
    expectClose(fused, ref, { atol: 1e-7, rtol: 0 });
    const loss = (f: (v: tf.Tensor2D) => tf.Tensor2D) => (v: tf.Tensor) => tf.sum(tf.mul(f(v as tf.Tensor2D), c)) as tf.Scalar;
    const gFused = tf.grad(loss((v) => softThreshold(v, b)))(u);
    const gRef = tf.grad(loss((v) => reference(v, b)))(u);
    // Closed form ∂h/∂u = 1[|u| > b] (docs/science/feature-decoupling.md §1.3).
    const uv = u.dataSync();
    const cv = c.dataSync();
    expectClose(
      gFused,
      Array.from(uv, (v, i) => (Math.abs(v) > b ? cv[i]! : 0)),
      { atol: 1e-7, rtol: 0 },
    );
    expectClose(gFused, gRef, { atol: 1e-7, rtol: 0 });
    expectGradMatchesFiniteDiff(
      loss((v) => softThreshold(v, b)),
      u,
      { eps: 1e-3 },
    );
    tf.dispose([u, c, fused, ref, gFused, gRef]);
  });

  it('gradients w.r.t. x and W match finite differences and the closed form (mask ⊙ c)ᵀ x', () => {
    const [B, d, m] = [5, 4, 3];
    const net = symmetricRelu({ inputDim: d, width: m, threshold: 0.2, seed: 7, name: uid('grad') });
    const x = tf.tensor2d(randn(8, B * d), [B, d]);
    const c = tf.tensor2d(randn(9, B * m), [B, m]);
    const u = tf.tidy(() => matMul(x, net.weight, false, true));
    const margin = Math.min(...Array.from(u.dataSync(), (v) => Math.abs(Math.abs(v) - 0.2)));
    expect(margin).toBeGreaterThan(1e-2);
    const lossX = (v: tf.Tensor) => tf.sum(tf.mul(net.apply(v as tf.Tensor2D), c)) as tf.Scalar;
    expectGradMatchesFiniteDiff(lossX, x, { eps: 1e-3 });
    // W as an explicit input: same function of W.
    const W0 = tf.clone(net.weight);
    const lossW = (w: tf.Tensor) => tf.sum(tf.mul(softThreshold(matMul(x, w as tf.Tensor2D, false, true), 0.2), c)) as tf.Scalar;
    expectGradMatchesFiniteDiff(lossW, W0, { eps: 1e-3 });
    // Through the variable: ∂L/∂W = (1[|u|>b] ⊙ c)ᵀ x.
    const { grads, value } = tf.variableGrads(() => lossX(x));
    const expected = tf.tidy(() => matMul(tf.mul(tf.cast(tf.greater(tf.abs(u), 0.2), 'float32'), c) as tf.Tensor2D, x, true, false));
    expectClose(grads[net.weight.name]!, expected, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([x, c, u, W0, value, expected, ...Object.values(grads)]);
    net.dispose();
  });

  it('symmetricReluLayer equals the unfused layer and its autograd gradients (x, W, both at once), and finite differences', async () => {
    const [B, d, m, b] = [6, 5, 4, 0.3];
    const x = tf.tensor2d(randn(21, B * d), [B, d]);
    const W = tf.tensor2d(randn(22, m * d), [m, d]);
    const c = tf.tensor2d(randn(23, B * m), [B, m]);
    const u = tf.matMul(x, W, false, true) as tf.Tensor2D;
    const margin = Math.min(...Array.from(u.dataSync(), (v) => Math.abs(Math.abs(v) - b)));
    expect(margin).toBeGreaterThan(1e-2); // finite differences (eps 1e-3) stay off the kinks
    const ref = (xv: tf.Tensor, wv: tf.Tensor) => reference(tf.matMul(xv as tf.Tensor2D, wv as tf.Tensor2D, false, true), b);
    const fused = (xv: tf.Tensor, wv: tf.Tensor) => symmetricReluLayer(xv as tf.Tensor2D, wv as tf.Tensor2D, b);
    const loss = (f: typeof ref) => (xv: tf.Tensor, wv: tf.Tensor) => tf.sum(tf.mul(f(xv, wv), c)) as tf.Scalar;
    for (const threshold of [0, b]) {
      expectClose(symmetricReluLayer(x, W, threshold), reference(u, threshold), { atol: 1e-6, rtol: 1e-6 });
    }
    // Both gradients at once, then each alone (the other input's node is pruned from the tape).
    const [gx, gw] = tf.grads(loss(fused))([x, W]);
    const [rx, rw] = tf.grads(loss(ref))([x, W]);
    expectClose(gx!, rx!, { atol: 1e-5, rtol: 1e-5 });
    expectClose(gw!, rw!, { atol: 1e-5, rtol: 1e-5 });
    expectClose(tf.grad((xv) => loss(fused)(xv, W))(x), rx!, { atol: 1e-5, rtol: 1e-5 });
    expectClose(tf.grad((wv) => loss(fused)(x, wv))(W), rw!, { atol: 1e-5, rtol: 1e-5 });
    expectGradMatchesFiniteDiff((xv) => loss(fused)(xv, W), x, { eps: 1e-3 });
    expectGradMatchesFiniteDiff((wv) => loss(fused)(x, wv), W, { eps: 1e-3 });
    // Stacked: x computed from a variable reaches W through the input node.
    const V = tf.variable(tf.tensor2d(randn(24, d * d), [d, d]));
    const stacked = () => tf.sum(tf.mul(symmetricReluLayer(tf.matMul(x, V) as tf.Tensor2D, W, b), c)) as tf.Scalar;
    const stackedRef = () => tf.sum(tf.mul(reference(tf.matMul(tf.matMul(x, V), W, false, true), b), c)) as tf.Scalar;
    const g1 = tf.variableGrads(stacked, [V]);
    const g2 = tf.variableGrads(stackedRef, [V]);
    expectClose(g1.grads[V.name]!, g2.grads[V.name]!, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([x, W, c, u, V, gx!, gw!, rx!, rw!, g1.value, g2.value, ...Object.values(g1.grads), ...Object.values(g2.grads)]);
    const [x3, w4] = [tf.ones([2, 3]), tf.ones([4, 5])];
    expect(() => symmetricReluLayer(x3 as tf.Tensor2D, w4 as tf.Tensor2D, b)).toThrow(ShapeMismatchError);
    expect(() => symmetricReluLayer(x3 as tf.Tensor2D, tf.ones([4, 3]) as tf.Tensor2D, -1)).toThrow(/threshold/);
    tf.dispose([x3, w4]);
    await expectNoLeak(() => {
      const [xs, ws] = [tf.ones([2, 3]), tf.ones([4, 3])];
      const out = tf.grads((xv: tf.Tensor, wv: tf.Tensor) => tf.sum(symmetricReluLayer(xv as tf.Tensor2D, wv as tf.Tensor2D, 0.5)))([
        xs,
        ws,
      ]);
      tf.dispose([xs, ws]);
      return out;
    });
  });

  it('same seed and name ⇒ identical weights; another seed ⇒ different; rows start at unit norm', () => {
    const a = symmetricRelu({ inputDim: 16, width: 8, seed: 3, name: 'same' });
    const aw = Array.from(a.weight.dataSync());
    a.dispose(); // frees the variable name 'same/W'
    const b = symmetricRelu({ inputDim: 16, width: 8, seed: 3, name: 'same' });
    const c = symmetricRelu({ inputDim: 16, width: 8, seed: 4, name: 'same' });
    expect(Array.from(b.weight.dataSync())).toEqual(aw);
    expect(Array.from(c.weight.dataSync())).not.toEqual(aw);
    const norms = tf.norm(b.weight, 'euclidean', 1);
    expectClose(norms, new Array(8).fill(1), { atol: 1e-6, rtol: 0 });
    tf.dispose(norms);
    b.dispose();
    c.dispose();
  });

  it("init 'normal' without unit-norm rows has entry std 1/sqrt(d1) (docs/science/feature-decoupling.md §1.3, our choice); 'orthogonal' gives W Wᵀ = I", () => {
    const n = symmetricRelu({ inputDim: 256, width: 128, unitNormRows: false, seed: 1, name: uid('normal') });
    const w = Array.from(n.weight.dataSync());
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    // 32768 draws: the sample std is within 2% of 1/16 with overwhelming probability.
    expect(Math.abs(std - 1 / 16) / (1 / 16)).toBeLessThan(0.02);
    n.dispose();
    const o = symmetricRelu({ inputDim: 12, width: 8, init: 'orthogonal', seed: 1, name: uid('orth') });
    const gram = tf.tidy(() => matMul(o.weight, o.weight, false, true));
    expectClose(gram, tf.tidy(() => tf.eye(8)).dataSync(), { atol: 1e-5, rtol: 0 });
    tf.dispose(gram);
    o.dispose();
  });

  it('onStep advances the threshold schedule; the current value is in toJSON().state', () => {
    const net = symmetricRelu({
      inputDim: 4,
      width: 2,
      threshold: { type: 'linear-warmup', final: 0.6, warmupFraction: 0.5 },
      seed: 0,
      name: uid('sched'),
    });
    expect(net.threshold).toBe(0);
    net.onStep(25, 100); // 0.6 · 25/50
    expect(net.threshold).toBeCloseTo(0.3, 15);
    expect(net.toJSON().state).toEqual({ threshold: net.threshold, step: 25, totalSteps: 100 });
    net.onStep(80, 100);
    expect(net.threshold).toBeCloseTo(0.6, 15);
    expect(() => net.onStep(-1, 100)).toThrow(InvalidArgumentError);
    net.dispose();
  });

  it('getState/setState carry the schedule state exactly (a checkpoint taken after the last step) and validate it', () => {
    const opts = { inputDim: 4, width: 2, threshold: { type: 'linear-warmup' as const, final: 0.6, warmupFraction: 0.5 }, seed: 0 };
    const a = symmetricRelu({ ...opts, name: uid('st') });
    const b = symmetricRelu({ ...opts, name: uid('st') });
    a.onStep(99, 100);
    expect(a.getState()).toEqual({ threshold: 0.6, step: 99, totalSteps: 100 });
    expect(b.threshold).toBe(0);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(b.threshold).toBe(0.6);
    expect(b.toJSON().state).toEqual(a.toJSON().state);
    expect(() => b.setState({ threshold: -1, step: 1, totalSteps: 2 })).toThrow(/setState.*state\.threshold/);
    expect(() => b.setState({ threshold: 0.1, step: 1, totalSteps: 2, extra: 1 })).toThrow(InvalidArgumentError);
    expect(() => b.setState(null)).toThrow(InvalidArgumentError);
    expect(b.threshold).toBe(0.6);
    a.dispose();
    b.dispose();
  });

  it('afterUpdate projects rows back to unit norm (only when unitNormRows)', () => {
    for (const unitNormRows of [true, false]) {
      const net = withWeights(
        [
          [3, 4],
          [0, -0.5],
        ],
        0.1,
        unitNormRows,
      );
      net.afterUpdate();
      // (3,4)/5 = (0.6, 0.8); (0, −0.5)/0.5 = (0, −1)
      expectClose(net.weight, unitNormRows ? [0.6, 0.8, 0, -1] : [3, 4, 0, -0.5], { atol: 1e-7, rtol: 0 });
      net.dispose();
    }
  });

  it('JSON round trip is exact: config, weights, schedule state and outputs (bitwise)', () => {
    const net = symmetricRelu({
      inputDim: 6,
      width: 5,
      threshold: { type: 'linear-warmup', final: 0.37, warmupFraction: 0.3, initial: 0.01 },
      seed: 'abc',
      name: uid('rt'),
    });
    net.onStep(7, 41);
    const json = JSON.parse(JSON.stringify(net.toJSON())) as NetworkJSON;
    const copy = fromJSON(json) as SymmetricReluNetwork;
    expect(copy.toJSON()).toEqual(net.toJSON());
    expect(copy.threshold).toBe(net.threshold);
    const x = tf.tensor2d(randn(5, 3 * 6), [3, 6]);
    const [h1, h2] = [net.apply(x), copy.apply(x)];
    expect(Array.from(h2.dataSync())).toEqual(Array.from(h1.dataSync()));
    net.onStep(20, 41);
    copy.onStep(20, 41);
    expect(copy.threshold).toBe(net.threshold);
    tf.dispose([x, h1, h2]);
    net.dispose();
    copy.dispose();
  });

  it('leaks no tensors: construction, apply, gradient, onStep, afterUpdate, toJSON', async () => {
    const x = tf.tensor2d(randn(2, 4 * 8), [4, 8]);
    await expectNoLeak(() => symmetricRelu({ inputDim: 8, width: 4, threshold: 0.1, seed: 0, name: uid('leak') }).dispose());
    const net = symmetricRelu({ inputDim: 8, width: 4, threshold: 0.1, seed: 0, name: uid('leak') });
    await expectNoLeak(() => net.apply(x));
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.apply(x))) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    });
    await expectNoLeak(() => {
      net.onStep(1, 10);
      net.afterUpdate();
      net.toJSON();
    });
    await expectNoLeak(() => fromJSON(net.toJSON()).dispose());
    net.dispose();
    x.dispose();
  });

  it('rejects bad options naming the net and the key, and bad inputs naming the net and the argument', () => {
    expect(() => symmetricRelu({ inputDim: 8, width: -4 })).toThrow(InvalidArgumentError);
    expect(() => symmetricRelu({ inputDim: 8, width: -4 })).toThrow(/symmetricRelu: invalid argument 'options\.width'.*got -4/);
    expect(() => symmetricRelu({ inputDim: Number.NaN, width: 4 })).toThrow(/options\.inputDim.*NaN/);
    expect(() => symmetricRelu({ inputDim: 8, width: 4, threshold: Number.NaN })).toThrow(/options\.threshold/);
    expect(() => symmetricRelu({ inputDim: 8, width: 4, threshold: { type: 'linear-warmup', final: -1, warmupFraction: 0.5 } })).toThrow(
      /options\.threshold\.final/,
    );
    expect(() => symmetricRelu({ inputDim: 8, width: 4, widht: 3 } as never)).toThrow(/options/);
    const net = symmetricRelu({ inputDim: 8, width: 4, name: uid('enc') });
    const bad = tf.zeros([3, 7]) as tf.Tensor2D;
    expect(() => net.apply(bad)).toThrow(ShapeMismatchError);
    expect(() => net.apply(bad)).toThrow(
      new RegExp(`symmetricRelu\\('${net.name}'\\)\\.apply: 'x' must have shape \\[batch, 8\\], got \\[3, 7\\]`),
    );
    expect(() => net.apply(tf.zeros([8]) as never)).toThrow(/'x' must be rank 2/);
    net.dispose();
    expect(() => net.apply(tf.zeros([3, 8]) as tf.Tensor2D)).toThrow(ContrastiveError);
    expect(() => net.apply(tf.zeros([3, 8]) as tf.Tensor2D)).toThrow(/disposed/);
    tf.dispose(bad);
  });
});

describeBackends('symmetricRelu.neuronWeights', () => {
  it('returns a copy of W whose rows are the neurons (the analysis capability)', () => {
    const net = symmetricRelu({ inputDim: 3, width: 2, name: 'sr-nw' });
    const before = tf.memory().numTensors;
    const w = net.neuronWeights();
    expect(w.shape).toEqual([2, 3]);
    expect(w).not.toBe(net.weight);
    expect(Array.from(w.dataSync())).toEqual(Array.from(net.weight.dataSync()));
    // Row i is the direction of neuron i: ⟨w_i, x⟩ is its pre-activation (threshold 0: h = u).
    const x = tf.tensor2d([[1, 0, 0]]);
    const h = net.apply(x);
    expect(Array.from(h.dataSync())).toEqual([w.dataSync()[0], w.dataSync()[3]]);
    tf.dispose([w, x, h]);
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });
});
