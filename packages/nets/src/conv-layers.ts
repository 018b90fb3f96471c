// Shared machinery of the convolutional encoders (convNet, resNet): conv + batch-norm units,
// train/eval mode, input checks, (de)serialisation with the running statistics. Internal.
import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  type HasTrainingMode,
  InvalidArgumentError,
  type Network,
  type NetworkJSON,
  parseOptions,
  ShapeMismatchError,
} from '@contrastive/core';
import * as z from 'zod/mini';
import { type BatchNorm, batchNormStateSchema, createBatchNorm } from './batch-norm';
import { checkAlive, checkType, makeVariable, netLabel, readWeight, tensorToJSON } from './serialization';

/** One convolution (kernel k×k, stride, symmetric zero padding ⌊k/2⌋ as PyTorch's `padding=k//2`), optionally followed by batch norm. */
export interface ConvSpec {
  key: string;
  kernel: number;
  inChannels: number;
  outChannels: number;
  stride: number;
  batchNorm: boolean;
}

interface ConvUnit {
  spec: ConvSpec;
  /** Filter [k, k, in, out] (tfjs layout; PyTorch's [out, in, k, k] transposed). */
  W: tf.Variable<tf.Rank.R4>;
  /** Bias [out], only without batch norm. */
  b?: tf.Variable<tf.Rank.R1>;
  bn?: BatchNorm;
}

/** Weight keys and shapes of a unit, in `variables` order. */
export function unitWeights(s: ConvSpec): Array<{ key: string; shape: number[] }> {
  const out = [{ key: `${s.key}/W`, shape: [s.kernel, s.kernel, s.inChannels, s.outChannels] }];
  if (s.batchNorm) out.push({ key: `${s.key}/bn/gamma`, shape: [s.outChannels] }, { key: `${s.key}/bn/beta`, shape: [s.outChannels] });
  else out.push({ key: `${s.key}/b`, shape: [s.outChannels] });
  return out;
}

/**
 * Weight gradient of a 2-D convolution (stride s, symmetric zero padding p) as one forward
 * convolution: with the batch moved to the channel axis, dW[kh, kw, ci, co] =
 * Σ_{b,i,j} x_pad[b, s·i + kh, s·j + kw, ci]·dy[b, i, j, co] is the valid correlation of
 * x_pad [ci, H+2p, W+2p, batch] with dy [outH, outW, batch, co] dilated by s. Used where the backend
 * has no `Conv2DBackpropFilter` kernel (tfjs-backend-wasm 4.22); ~100× faster there than im2col.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kernel: number, stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const cin = x.shape[3];
    const cout = dy.shape[3];
    const xt = tf.transpose(x, [3, 1, 2, 0]); // [ci, H, W, b]
    const filter = tf.transpose(dy, [1, 2, 0, 3]); // [outH, outW, b, co]
    const g = tf.conv2d(
      xt,
      filter,
      1,
      pad === 0
        ? 'valid'
        : [
            [0, 0],
            [pad, pad],
            [pad, pad],
            [0, 0],
          ],
      'NHWC',
      stride,
    ); // [ci, ≥k, ≥k, co]
    const trimmed = g.shape[1] === kernel && g.shape[2] === kernel ? g : tf.slice(g, [0, 0, 0, 0], [cin, kernel, kernel, cout]);
    return tf.transpose(trimmed, [1, 2, 0, 3]); // [k, k, ci, co]
  });
}

/**
 * Input gradient of a 2-D convolution (stride s, padding p) as one stride-1 convolution of dy
 * dilated by s (zeros inserted, by a pad of a reshaped view) with the 180°-rotated, in/out-swapped
 * filter: the same numbers as `Conv2DBackpropInput`, which is a slow loop on tfjs-backend-wasm.
 */
export function conv2dInputGrad(dy: tf.Tensor4D, W: tf.Tensor4D, inputShape: readonly number[], stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, oh, ow, cout] = dy.shape;
    const [, h, w] = inputShape as [number, number, number, number];
    const k = W.shape[0];
    let d: tf.Tensor4D = dy;
    if (stride > 1) {
      const spread = tf.pad(tf.reshape(dy, [b, oh, 1, ow, 1, cout]), [
        [0, 0],
        [0, 0],
        [0, stride - 1],
        [0, 0],
        [0, stride - 1],
        [0, 0],
      ]);
      d = tf.reshape(spread, [b, oh * stride, ow * stride, cout]);
    }
    // dx[i] = Σ_j dpad[i + j]·W[k−1−j]: left pad k−1−p, total length h + k − 1.
    const left = k - 1 - pad;
    const [rightH, rightW] = [h + k - 1 - left - d.shape[1], w + k - 1 - left - d.shape[2]];
    if (rightH < 0 || rightW < 0)
      d = tf.slice(d, [0, 0, 0, 0], [b, d.shape[1] + Math.min(rightH, 0), d.shape[2] + Math.min(rightW, 0), cout]);
    const padded = tf.pad(d, [
      [0, 0],
      [left, Math.max(rightH, 0)],
      [left, Math.max(rightW, 0)],
      [0, 0],
    ]);
    const flipped = tf.transpose(tf.reverse(W, [0, 1]), [0, 1, 3, 2]); // [k, k, co, ci]
    const dx = tf.conv2d(padded, flipped, 1, 'valid');
    return dx;
  });
}

/**
 * `tf.conv2d` with symmetric zero padding `pad` (PyTorch's `padding=pad`). On a backend without
 * a `Conv2DBackpropFilter` kernel (tfjs-backend-wasm) the gradients come from `tf.customGrad`:
 * dx by `conv2dInputGrad`, dW by `conv2dFilterGrad`, both plain forward convolutions.
 */
export function conv2dPadded(x: tf.Tensor4D, W: tf.Tensor4D, stride: number, pad: number): tf.Tensor4D {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined) return tf.conv2d(x, W, stride, pad);
  const kernel = W.shape[0];
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, wi, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xi, wi]);
    return {
      value: tf.conv2d(xi, wi, stride, pad),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [
          conv2dInputGrad(dy as tf.Tensor4D, ws, xs.shape, stride, pad),
          conv2dFilterGrad(xs, dy as tf.Tensor4D, kernel, stride, pad),
        ];
      },
    };
  });
  return f(x, W) as tf.Tensor4D;
}

/** He (Kaiming) normal init with fan_out = k·k·out, as torchvision's ResNet; γ = 1, β = b = 0. */
export function initialConvWeights(specs: readonly ConvSpec[], seed: number | string, stream: string): Map<string, Float32Array> {
  const rng = createRng(seed).fork(stream);
  const out = new Map<string, Float32Array>();
  for (const s of specs) {
    for (const w of unitWeights(s)) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (w.key.endsWith('/W'))
        out.set(w.key, rng.fillNormal(new Float32Array(size), 0, Math.sqrt(2 / (s.kernel * s.kernel * s.outChannels))));
      else out.set(w.key, new Float32Array(size).fill(w.key.endsWith('/gamma') ? 1 : 0));
    }
  }
  return out;
}

/** `toJSON().state` of a convolutional network. */
export const convStateSchema = z.strictObject({
  /** Train (batch statistics, running-stat updates) or eval (running statistics) mode. */
  training: z.boolean(),
  /** Running statistics per batch-norm unit key. */
  batchNorm: z.record(z.string(), batchNormStateSchema),
});
/** The non-trainable state of a conv network: its batch-norm running statistics. */
export type ConvState = z.output<typeof convStateSchema>;

/** A network with batch norm: `setTraining(false)` switches to the running statistics (PyTorch's `eval()`). */
export interface TrainableModeNetwork extends Network, HasTrainingMode {
  /** true (the default, as PyTorch modules): batch statistics, running statistics updated. */
  readonly training: boolean;
  /** Train (true) or eval (false) mode; returns the network. */
  setTraining(mode: boolean): this;
}

/** Is `net` a network with train/eval modes (batch norm)? */
export function hasTrainingMode(net: unknown): net is TrainableModeNetwork {
  return typeof net === 'object' && net !== null && typeof (net as TrainableModeNetwork).setTraining === 'function';
}

interface BaseConfig {
  name: string;
  inputShape: [number, number, number];
  momentum: number;
  eps: number;
}

/** Base of the convolutional encoders: subclasses give the units and `forward`. */
export abstract class ConvNetworkBase<C extends BaseConfig> implements TrainableModeNetwork {
  readonly name: string;
  readonly inputDim: number;
  readonly inputShape: readonly [number, number, number];
  abstract readonly outputDim: number;
  protected readonly units = new Map<string, ConvUnit>();
  protected readonly label: string;
  private mode = true;
  private disposed = false;

  constructor(
    private readonly type: string,
    protected readonly config: C,
    private readonly specs: readonly ConvSpec[],
    weights: Map<string, Float32Array>,
  ) {
    this.name = config.name;
    this.inputShape = config.inputShape;
    this.inputDim = config.inputShape[0] * config.inputShape[1] * config.inputShape[2];
    this.label = netLabel(type, config.name);
    for (const s of specs) {
      const unit: ConvUnit = {
        spec: s,
        W: makeVariable(config.name, `${s.key}/W`, weights.get(`${s.key}/W`)!, [s.kernel, s.kernel, s.inChannels, s.outChannels]),
      };
      if (s.batchNorm) {
        unit.bn = createBatchNorm({
          numFeatures: s.outChannels,
          name: `${config.name}/${s.key}/bn`,
          momentum: config.momentum,
          eps: config.eps,
          gamma: weights.get(`${s.key}/bn/gamma`),
          beta: weights.get(`${s.key}/bn/beta`),
          label: this.label,
        });
      } else {
        unit.b = makeVariable(config.name, `${s.key}/b`, weights.get(`${s.key}/b`)!, [s.outChannels]);
      }
      this.units.set(s.key, unit);
    }
  }

  get training(): boolean {
    return this.mode;
  }

  setTraining(mode: boolean): this {
    if (typeof mode !== 'boolean')
      throw new InvalidArgumentError({ op: `${this.label}.setTraining`, argument: 'mode', expected: 'a boolean', actual: mode });
    this.mode = mode;
    return this;
  }

  get variables(): tf.Variable[] {
    return this.specs.flatMap((s) => {
      const u = this.units.get(s.key)!;
      return u.bn ? [u.W, u.bn.gamma, u.bn.beta] : [u.W, u.b!];
    });
  }

  /** conv → (+b) → (BN) of unit `key`, with relu when asked. */
  protected unit(key: string, x: tf.Tensor4D, relu: boolean): tf.Tensor4D {
    const u = this.units.get(key)!;
    let h: tf.Tensor4D = conv2dPadded(x, u.W, u.spec.stride, (u.spec.kernel - 1) / 2);
    if (u.b) h = tf.add(h, u.b);
    if (u.bn) return u.bn.apply(h, this.mode, relu) as tf.Tensor4D; // the ReLU fused when the backend can
    return relu ? tf.relu(h) : h;
  }

  protected abstract forward(x: tf.Tensor4D): tf.Tensor2D;

  /**
   * @param x images [batch, h, w, c] = [batch, ...inputShape], or their flattening [batch, h·w·c]
   * @returns [batch, outputDim]
   */
  apply(x: tf.Tensor): tf.Tensor2D {
    checkAlive(this.label, 'apply', this.disposed);
    const op = `${this.label}.apply`;
    const [h, w, c] = this.inputShape;
    if (!(x instanceof tf.Tensor) || x.isDisposed) {
      throw new InvalidArgumentError({ op, argument: 'x', expected: `a live tf.Tensor [batch, ${h}, ${w}, ${c}]`, actual: x });
    }
    const images = x.rank === 4 && x.shape[1] === h && x.shape[2] === w && x.shape[3] === c;
    const flat = x.rank === 2 && x.shape[1] === this.inputDim;
    if (!images && !flat) {
      throw new ShapeMismatchError({
        op,
        argument: 'x',
        expected: `[batch, ${h}, ${w}, ${c}]`,
        actual: x.shape,
        message: `'x' must be images [batch, ${h}, ${w}, ${c}] (or flattened [batch, ${this.inputDim}]), got rank ${x.rank} [${x.shape.join(', ')}]`,
      });
    }
    return tf.tidy(() => this.forward(flat ? tf.reshape(x, [x.shape[0]!, h, w, c]) : (x as tf.Tensor4D)));
  }

  getState(): ConvState {
    const batchNorm: ConvState['batchNorm'] = {};
    for (const [key, u] of this.units) if (u.bn) batchNorm[key] = u.bn.getState();
    return { training: this.mode, batchNorm };
  }

  /** Restores the mode and running statistics from `toJSON().state` (exact). */
  setState(state: unknown): void {
    const op = `${this.label}.setState`;
    const st = parseOptions(op, convStateSchema, state, 'state');
    for (const [key, u] of this.units) {
      if (!u.bn) continue;
      const s = st.batchNorm[key];
      if (!s)
        throw new InvalidArgumentError({
          op,
          argument: `state.batchNorm.${key}`,
          expected: 'the running statistics of this batch-norm unit',
          actual: s,
        });
      u.bn.setState(s, op, `state.batchNorm.${key}`);
    }
    this.mode = st.training;
  }

  toJSON(): NetworkJSON {
    checkAlive(this.label, 'toJSON', this.disposed);
    const weights: NetworkJSON['weights'] = {};
    for (const s of this.specs) {
      const u = this.units.get(s.key)!;
      weights[`${s.key}/W`] = tensorToJSON(u.W);
      if (u.bn) {
        weights[`${s.key}/bn/gamma`] = tensorToJSON(u.bn.gamma);
        weights[`${s.key}/bn/beta`] = tensorToJSON(u.bn.beta);
      } else weights[`${s.key}/b`] = tensorToJSON(u.b!);
    }
    return {
      type: this.type,
      config: structuredClone(this.config) as unknown as Record<string, unknown>,
      weights,
      state: this.getState() as unknown as Record<string, unknown>,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const u of this.units.values()) {
      u.W.dispose();
      u.b?.dispose();
      u.bn?.dispose();
    }
  }
}

/** Reads the weights of `specs` from a serialised network (shapes checked). */
export function readConvWeights(op: string, json: NetworkJSON, type: string, specs: readonly ConvSpec[]): Map<string, Float32Array> {
  checkType(op, json, type);
  return new Map(specs.flatMap((s) => unitWeights(s).map((w) => [w.key, readWeight(op, json, w.key, w.shape)] as const)));
}

/** [h, w, c] with c ∈ {1, 3}… any positive channels; h, w ≥ 1. */
export const inputShapeSchema = z.tuple([z.int().check(z.positive()), z.int().check(z.positive()), z.int().check(z.positive())]);

/** Scales a width by the multiplier: max(1, round(c·m)). */
export function scaledWidth(c: number, multiplier: number): number {
  return Math.max(1, Math.round(c * multiplier));
}
