// The convolutional encoders (conv-layers.ts, conv-net.ts, res-net.ts) against a float64 direct
// convolution written here (PyTorch's nn.Conv2d with padding = k//2: out[b, i, j, o] =
// Σ x_pad[b, s·i + di, s·j + dj, c]·W[di, dj, c, o] + bias[o]); He-normal init with fan_out
// (torchvision ResNet: kaiming_normal_(mode='fan_out', nonlinearity='relu'), std √(2/(k²·out)))
// checked statistically with fixed seeds; and every error message written out by hand.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type NetworkJSON, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, messageOf, useBackend } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { conv2dFilterGrad, conv2dInputGrad, type ConvNetworkBase, hasTrainingMode, initialConvWeights, scaledWidth } from './conv-layers';
import { convNet, convNetFromJSON } from './conv-net';
import { mlp } from './mlp';
import { resNet, resNetFromJSON } from './res-net';

let counter = 0;
const uid = (base: string) => `${base}-convmut${counter++}`;

/** Float64 NHWC convolution, zero padding p on every side, stride s; W [k, k, cin, cout]. */
function conv(x: number[], dims: number[], W: number[], k: number, cout: number, s: number, bias?: number[]) {
  const [b, h, w, cin] = dims as [number, number, number, number];
  const p = (k - 1) / 2;
  const oh = Math.floor((h + 2 * p - k) / s) + 1;
  const ow = Math.floor((w + 2 * p - k) / s) + 1;
  const out = new Array<number>(b * oh * ow * cout).fill(0);
  for (let n = 0; n < b; n++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < cout; o++) {
          let acc = bias ? bias[o]! : 0;
          for (let di = 0; di < k; di++)
            for (let dj = 0; dj < k; dj++) {
              const [r, c] = [s * i + di - p, s * j + dj - p];
              if (r < 0 || r >= h || c < 0 || c >= w) continue;
              for (let ci = 0; ci < cin; ci++) acc += x[((n * h + r) * w + c) * cin + ci]! * W[((di * k + dj) * cin + ci) * cout + o]!;
            }
          out[((n * oh + i) * ow + j) * cout + o] = acc;
        }
  return { out, shape: [b, oh, ow, cout] };
}

/** Global average pooling of [b, h, w, c] → [b, c]. */
function gap(x: number[], dims: number[]) {
  const [b, h, w, c] = dims as [number, number, number, number];
  const out = new Array<number>(b * c).fill(0);
  x.forEach((v, i) => {
    const n = Math.floor(i / (h * w * c));
    out[n * c + (i % c)]! += v / (h * w);
  });
  return out;
}

/** The conv networks' getState/setState (public on the class, not on the `ConvNet` type). */
type Stateful = ConvNetworkBase<never> & ReturnType<typeof convNet>;

const relu = (v: number[]) => v.map((e) => Math.max(e, 0));
const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(seed * 7.31 + i * 1.7) * 0.9);

describeBackends('convNet without batch norm against a float64 convolution', () => {
  it('conv k×k (stride s, padding ⌊k/2⌋) + bias → ReLU per block, then global average pooling', () => {
    // Blocks: 2→3 channels (k 3, stride 2), 3→2 (k 3, stride 1); input [2, 5, 4, 2].
    const shape = [2, 5, 4, 2];
    const x = values(2 * 5 * 4 * 2, 1);
    const W0 = values(3 * 3 * 2 * 3, 2);
    const b0 = [0.3, -0.2, 0.1];
    const W1 = values(3 * 3 * 3 * 2, 3);
    const b1 = [-0.05, 0.4];
    const json: NetworkJSON = {
      type: 'convNet',
      config: { inputShape: [5, 4, 2], channels: [3, 2], strides: [2, 1], batchNorm: false, name: uid('nobn') },
      weights: {
        'conv0/W': { shape: [3, 3, 2, 3], values: W0 },
        'conv0/b': { shape: [3], values: b0 },
        'conv1/W': { shape: [3, 3, 3, 2], values: W1 },
        'conv1/b': { shape: [2], values: b1 },
      },
    };
    const net = convNetFromJSON(json);
    expect(net.variables.map((v) => v.shape)).toEqual([[3, 3, 2, 3], [3], [3, 3, 3, 2], [2]]);
    const h0 = conv(x, shape, W0, 3, 3, 2, b0);
    const h1 = conv(relu(h0.out), h0.shape, W1, 3, 2, 1, b1);
    const expected = gap(relu(h1.out), h1.shape);
    const xt = tf.tensor4d(x, shape as [number, number, number, number]);
    const y = net.apply(xt);
    expect(y.shape).toEqual([2, 2]);
    expectClose(y, expected, { atol: 1e-5, rtol: 1e-5 });
    // Same numbers in eval mode (no batch norm: the mode changes nothing) and for flattened input.
    const flat = tf.reshape(xt, [2, 40]);
    const yf = net.setTraining(false).apply(flat);
    expectClose(yf, expected, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([xt, y, flat, yf]);
    net.dispose();
  });

  it('kernel 1 and 5 pad 0 and 2 (PyTorch padding = k//2)', () => {
    for (const k of [1, 5]) {
      const shape = [1, 5, 5, 1];
      const x = values(25, k);
      const W = values(k * k, 10 + k);
      const net = convNetFromJSON({
        type: 'convNet',
        config: { inputShape: [5, 5, 1], channels: [1], strides: [1], kernelSize: k, batchNorm: false, name: uid(`k${k}`) },
        weights: { 'conv0/W': { shape: [k, k, 1, 1], values: W }, 'conv0/b': { shape: [1], values: [0.1] } },
      });
      const h = conv(x, shape, W, k, 1, 1, [0.1]);
      const xt = tf.tensor4d(x, [1, 5, 5, 1]);
      const y = net.apply(xt);
      expectClose(y, gap(relu(h.out), h.shape), { atol: 1e-5, rtol: 1e-5 });
      tf.dispose([xt, y]);
      net.dispose();
    }
  });
});

describe('initial weights (He normal, fan_out; γ = 1, β = b = 0)', () => {
  it('conv filters have mean 0 and std √(2/(k²·out)), each unit drawn independently', () => {
    const specs = [
      { key: 'a', kernel: 3, inChannels: 8, outChannels: 16, stride: 1, batchNorm: true },
      { key: 'b', kernel: 1, inChannels: 16, outChannels: 64, stride: 2, batchNorm: false },
    ];
    const w = initialConvWeights(specs, 5, 'test');
    expect([...w.keys()]).toEqual(['a/W', 'a/bn/gamma', 'a/bn/beta', 'b/W', 'b/b']);
    for (const [key, std, n] of [
      ['a/W', Math.sqrt(2 / (9 * 16)), 9 * 8 * 16],
      ['b/W', Math.sqrt(2 / 64), 16 * 64],
    ] as const) {
      const v = w.get(key)!;
      expect(v.length).toBe(n);
      const mean = v.reduce((s, e) => s + e, 0) / n;
      const sd = Math.sqrt(v.reduce((s, e) => s + (e - mean) ** 2, 0) / (n - 1));
      // Sample std of n normals: relative standard error 1/√(2n) ≤ 3.2 %; 4 standard errors.
      expect(Math.abs(sd / std - 1)).toBeLessThan(4 / Math.sqrt(2 * n));
      expect(Math.abs(mean)).toBeLessThan((4 * std) / Math.sqrt(n));
    }
    expect(Array.from(w.get('a/bn/gamma')!)).toEqual(new Array(16).fill(1));
    expect(Array.from(w.get('a/bn/beta')!)).toEqual(new Array(16).fill(0));
    expect(Array.from(w.get('b/b')!)).toEqual(new Array(64).fill(0));
    // Seeded: same seed and stream ⇒ same numbers; another stream ⇒ others.
    expect(initialConvWeights(specs, 5, 'test').get('a/W')).toEqual(w.get('a/W'));
    expect(initialConvWeights(specs, 5, 'other').get('a/W')).not.toEqual(w.get('a/W'));
  });

  it('convNet and resNet draw from the stream `<type>/<name>` of their seed', () => {
    const a = convNet({ inputShape: [4, 4, 1], channels: [2], strides: [1], seed: 3, name: uid('c') });
    const ref = initialConvWeights(
      [{ key: 'conv0', kernel: 3, inChannels: 1, outChannels: 2, stride: 1, batchNorm: true }],
      3,
      `convNet/${a.name}`,
    );
    expect(a.variables[0]!.dataSync()).toEqual(ref.get('conv0/W'));
    const r = resNet({ inputShape: [4, 4, 1], blocks: [1], channels: [2], stemChannels: 2, seed: 4, name: uid('r') });
    const refR = initialConvWeights(
      [{ key: 'stem', kernel: 3, inChannels: 1, outChannels: 2, stride: 1, batchNorm: true }],
      4,
      `resNet/${r.name}`,
    );
    expect(r.variables[0]!.dataSync()).toEqual(refR.get('stem/W'));
    a.dispose();
    r.dispose();
  });

  it('scaledWidth = max(1, round(c·m))', () => {
    expect(scaledWidth(32, 0.5)).toBe(16);
    expect(scaledWidth(3, 0.5)).toBe(2); // round(1.5) = 2
    expect(scaledWidth(5, 0.3)).toBe(2); // round(1.5) = 2
    expect(scaledWidth(32, 0.01)).toBe(1); // round(0.32) = 0 → 1
    const net = convNet({ inputShape: [4, 4, 1], channels: [32, 5], strides: [1, 1], widthMultiplier: 0.3, name: uid('w') });
    expect(net.channels).toEqual([10, 2]);
    expect(net.outputDim).toBe(2);
    net.dispose();
  });
});

describe('resNet layout', () => {
  it('stage s > 0 starts with stride 2 and a 1×1 shortcut; a width change alone also gets one; otherwise identity', () => {
    const net = resNet({ inputShape: [8, 8, 1], blocks: [2, 2], channels: [2, 3], stemChannels: 3, name: uid('lay') });
    const keys = Object.keys(net.toJSON().weights);
    expect(keys.filter((k) => k.endsWith('/W'))).toEqual([
      'stem/W',
      'layer1.0/conv1/W',
      'layer1.0/conv2/W',
      'layer1.0/shortcut/W', // 3 → 2 channels at stride 1
      'layer1.1/conv1/W',
      'layer1.1/conv2/W',
      'layer2.0/conv1/W',
      'layer2.0/conv2/W',
      'layer2.0/shortcut/W', // stride 2
      'layer2.1/conv1/W',
      'layer2.1/conv2/W',
    ]);
    expect(net.toJSON().weights['layer1.0/shortcut/W']!.shape).toEqual([1, 1, 3, 2]);
    expect(net.outputDim).toBe(3);
    net.dispose();
  });

  it('eval forward with fresh statistics equals the float64 basic-block formula (identity and stride-2 shortcut)', () => {
    // Fresh running statistics (0, 1), γ = 1, β = 0: each BN is a division by √(1 + ε).
    const net = resNet({ inputShape: [4, 4, 1], blocks: [1, 1], channels: [2, 3], stemChannels: 2, seed: 9, name: uid('ev') });
    net.setTraining(false);
    const w = net.toJSON().weights;
    const s = 1 / Math.sqrt(1 + 1e-5);
    const bn = (v: number[]) => v.map((e) => e * s);
    const x = values(2 * 16, 4);
    const get = (k: string) => w[`${k}/W`]!.values;
    const stem = conv(x, [2, 4, 4, 1], get('stem'), 3, 2, 1);
    const h0 = relu(bn(stem.out));
    // layer1.0: identity shortcut.
    const a1 = conv(h0, stem.shape, get('layer1.0/conv1'), 3, 2, 1);
    const a2 = conv(relu(bn(a1.out)), a1.shape, get('layer1.0/conv2'), 3, 2, 1);
    const h1 = relu(bn(a2.out).map((v, i) => v + h0[i]!));
    // layer2.0: stride 2, 1×1 stride-2 shortcut.
    const b1 = conv(h1, a2.shape, get('layer2.0/conv1'), 3, 3, 2);
    const b2 = conv(relu(bn(b1.out)), b1.shape, get('layer2.0/conv2'), 3, 3, 1);
    const sc = conv(h1, a2.shape, get('layer2.0/shortcut'), 1, 3, 2);
    const h2 = relu(bn(b2.out).map((v, i) => v + bn(sc.out)[i]!));
    const xt = tf.tensor4d(x, [2, 4, 4, 1]);
    const y = net.apply(xt);
    expectClose(y, gap(h2, b2.shape), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([xt, y]);
    net.dispose();
  });
});

describe('conv network errors and state', () => {
  it('apply: a non-tensor, a disposed tensor, and every wrong dimension, with the exact message', () => {
    const name = uid('enc');
    const net = convNet({ inputShape: [6, 5, 2], channels: [2], strides: [1], name });
    const label = `convNet('${name}')`;
    expect(messageOf(() => net.apply([1, 2] as never))).toBe(
      `${label}.apply: invalid argument 'x': expected a live tf.Tensor [batch, 6, 5, 2], got [1,2]`,
    );
    const dead = tf.zeros([2, 6, 5, 2]);
    dead.dispose();
    expect(() => net.apply(dead)).toThrow(InvalidArgumentError);
    expect(messageOf(() => net.apply(dead))).toMatch(
      /'x': expected a live tf\.Tensor \[batch, 6, 5, 2\], got float32 tensor of shape \[2, 6, 5, 2\]$/,
    );
    for (const shape of [[2, 5, 5, 2], [2, 6, 4, 2], [2, 6, 5, 1], [2, 6, 5], [2, 6, 5, 2, 1], [2, 61], [60]]) {
      const x = tf.zeros(shape);
      expect(() => net.apply(x)).toThrow(ShapeMismatchError);
      expect(messageOf(() => net.apply(x))).toBe(
        `${label}.apply: 'x' must be images [batch, 6, 5, 2] (or flattened [batch, 60]), got rank ${shape.length} [${shape.join(', ')}]`,
      );
      x.dispose();
    }
    // The accepted forms.
    const ok = [tf.zeros([2, 6, 5, 2]), tf.zeros([2, 60])];
    for (const x of ok) tf.dispose(net.apply(x));
    tf.dispose(ok);
    net.dispose();
    net.dispose(); // twice is fine
    expect(messageOf(() => net.apply(tf.zeros([2, 60])))).toBe(`${label}.apply: the network has been disposed`);
    expect(messageOf(() => net.toJSON())).toBe(`${label}.toJSON: the network has been disposed`);
  });

  it('setTraining takes a boolean and returns the network; hasTrainingMode recognises conv nets only', () => {
    const name = uid('mode');
    const net = convNet({ inputShape: [4, 4, 1], channels: [2], strides: [1], name });
    expect(net.training).toBe(true);
    expect(net.setTraining(false)).toBe(net);
    expect(net.training).toBe(false);
    expect(net.toJSON().state).toMatchObject({ training: false });
    expect(messageOf(() => net.setTraining('yes' as never))).toBe(
      `convNet('${name}').setTraining: invalid argument 'mode': expected a boolean, got "yes"`,
    );
    expect(net.training).toBe(false);
    expect(hasTrainingMode(net)).toBe(true);
    const m = mlp({ inputDim: 2, outputDim: 2, name: uid('m') });
    for (const v of [m, null, undefined, 3, {}, { setTraining: true }]) expect(hasTrainingMode(v)).toBe(false);
    expect(hasTrainingMode({ setTraining: () => 0 })).toBe(true);
    m.dispose();
    net.dispose();
  });

  it('setState restores the mode and statistics; names a missing unit and a bad statistic', () => {
    const name = uid('st');
    const net = convNet({ inputShape: [4, 4, 1], channels: [2, 3], strides: [1, 1], name }) as unknown as Stateful;
    const label = `convNet('${name}')`;
    const stats = (c: number, v: number) => ({
      runningMean: new Array(c).fill(v),
      runningVar: new Array(c).fill(v + 1),
      numBatchesTracked: 5,
    });
    net.setState({ training: false, batchNorm: { conv0: stats(2, 0.5), conv1: stats(3, 0.25) } });
    expect(net.training).toBe(false);
    expect(net.getState()).toEqual({ training: false, batchNorm: { conv0: stats(2, 0.5), conv1: stats(3, 0.25) } });
    expect(messageOf(() => net.setState({ training: true, batchNorm: { conv0: stats(2, 0) } }))).toBe(
      `${label}.setState: invalid argument 'state.batchNorm.conv1': expected the running statistics of this batch-norm unit, got undefined`,
    );
    expect(messageOf(() => net.setState({ training: true, batchNorm: { conv0: stats(2, 0), conv1: stats(2, 0) } }))).toBe(
      `${label}.setState: invalid argument 'state.batchNorm.conv1.runningMean': expected 3 finite numbers, got "2 values"`,
    );
    expect(() => net.setState({ training: 1, batchNorm: {} })).toThrow(/state\.training/);
    // A failed setState leaves the mode alone.
    expect(net.training).toBe(false);
    net.dispose();
    // Without batch norm there is nothing to restore but the mode.
    const plain = convNet({
      inputShape: [4, 4, 1],
      channels: [2],
      strides: [1],
      batchNorm: false,
      name: uid('plain'),
    }) as unknown as Stateful;
    expect(plain.getState()).toEqual({ training: true, batchNorm: {} });
    plain.setState({ training: false, batchNorm: {} });
    expect(plain.training).toBe(false);
    plain.dispose();
  });

  it('fromJSON with a bad state throws and frees what it built; options errors name the argument', () => {
    const net = convNet({ inputShape: [4, 4, 1], channels: [2], strides: [1], name: uid('fj') });
    const json = net.toJSON();
    net.dispose();
    const before = tf.memory().numTensors;
    expect(() => convNetFromJSON({ ...json, state: { training: false, batchNorm: {} } })).toThrow(/state\.batchNorm\.conv0/);
    expect(tf.memory().numTensors).toBe(before);
    expect(messageOf(() => convNetFromJSON({ ...json, type: 'resNet' }))).toBe(
      'fromJSON(convNet): invalid argument \'json.type\': expected "convNet", got "resNet"',
    );
    expect(messageOf(() => convNetFromJSON({ ...json, config: { ...json.config, strides: [1, 2] } }))).toBe(
      "fromJSON(convNet): invalid argument 'json.config.strides': expected 1 strides (one per entry of channels), got [1,2]",
    );
    expect(messageOf(() => convNet({ inputShape: [4, 4, 1], channels: [2, 2], strides: [1] }))).toBe(
      "convNet: invalid argument 'options.strides': expected 2 strides (one per entry of channels), got [1]",
    );
    // Without a state: training mode, fresh statistics.
    const { state: _, ...noState } = json;
    const fresh = convNetFromJSON(noState as NetworkJSON) as unknown as Stateful;
    expect(fresh.getState()).toEqual({
      training: true,
      batchNorm: { conv0: { runningMean: [0, 0], runningVar: [1, 1], numBatchesTracked: 0 } },
    });
    fresh.dispose();

    const r = resNet({ inputShape: [4, 4, 1], blocks: [1], channels: [2], stemChannels: 2, name: uid('rj') });
    const rj = r.toJSON();
    r.dispose();
    const beforeR = tf.memory().numTensors;
    expect(() => resNetFromJSON({ ...rj, state: { training: false, batchNorm: {} } })).toThrow(/state\.batchNorm\.stem/);
    expect(tf.memory().numTensors).toBe(beforeR);
    expect(messageOf(() => resNetFromJSON({ ...rj, config: { ...rj.config, channels: [2, 4] } }))).toBe(
      "fromJSON(resNet): invalid argument 'json.config.channels': expected 1 widths (one per stage of blocks), got [2,4]",
    );
    expect(messageOf(() => resNet({ inputShape: [4, 4, 1], blocks: [1, 1], channels: [2] }))).toBe(
      "resNet: invalid argument 'options.channels': expected 2 widths (one per stage of blocks), got [2]",
    );
    const restored = resNetFromJSON(rj) as unknown as Stateful;
    expect(restored.getState()).toEqual(rj.state);
    const { state: __, ...rNoState } = rj;
    const rFresh = resNetFromJSON(rNoState as NetworkJSON);
    expect(rFresh.training).toBe(true);
    restored.dispose();
    rFresh.dispose();
  });
});

describe('conv2dInputGrad when the dilated gradient overhangs the input (k = 1, stride 2, odd sizes)', () => {
  it("trims the rows or the columns only, as tfjs-cpu's Conv2DBackpropInput / Conv2DBackpropFilter", async () => {
    await useBackend('cpu');
    // h = 5, k = 1, s = 2: 3 output rows dilate to 6 > 5 (right pad −1); w = 6 fits exactly.
    for (const [h, w] of [
      [5, 6],
      [6, 5],
      [5, 5],
    ] as const) {
      const x = tf.tensor4d(values(2 * h * w * 2, h + w), [2, h, w, 2]);
      const W = tf.tensor4d(values(2 * 3, 7), [1, 1, 2, 3]);
      const y = tf.conv2d(x, W, 2, 0);
      const dy = tf.tensor4d(values(y.size, 9), y.shape as [number, number, number, number]);
      const [rx, rw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, 2, 0), dy)),
      )([x, W]);
      const gx = conv2dInputGrad(dy, W, x.shape, 2, 0);
      const gw = conv2dFilterGrad(x, dy, 1, 2, 0);
      expect(gx.shape).toEqual(x.shape);
      expectClose(gx, rx!, { atol: 1e-5, rtol: 1e-5 });
      expectClose(gw, rw!, { atol: 1e-5, rtol: 1e-5 });
      tf.dispose([x, W, y, dy, rx!, rw!, gx, gw]);
    }
  });
});
