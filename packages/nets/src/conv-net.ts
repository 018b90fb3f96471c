import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type NetworkJSON, parseOptions, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import {
  ConvNetworkBase,
  type ConvSpec,
  initialConvWeights,
  inputShapeSchema,
  readConvWeights,
  scaledWidth,
  type TrainableModeNetwork,
} from './conv-layers';

const TYPE = 'convNet';

/** The options of `convNet(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const convNetOptionsSchema = z.strictObject({
  /** One input image [height, width, channels], e.g. [28, 28, 1]. */
  inputShape: inputShapeSchema,
  /** Output channels of each conv block (before the width multiplier). Default [32, 64, 128] (issue 12's recipe). */
  channels: z._default(z.array(z.int().check(z.positive())).check(z.minLength(1)), [32, 64, 128]),
  /** Stride of each block (same length as `channels`). Default [1, 2, 2]. */
  strides: z._default(z.array(z.int().check(z.positive())), [1, 2, 2]),
  /** Odd kernel side; padding ⌊k/2⌋ on every side (PyTorch `padding=k//2`). Default 3. */
  kernelSize: z._default(
    z.int().check(
      z.positive(),
      z.refine((k) => k % 2 === 1, { message: 'expected an odd kernel size' }),
    ),
    3,
  ),
  /** Multiplies every width: channels = max(1, round(c·m)). Default 1 (½ for issue 12's small size). */
  widthMultiplier: z._default(z.number().check(z.positive()), 1),
  /** Batch norm after each convolution (which then has no bias). Default true. */
  batchNorm: z._default(z.boolean(), true),
  /** Batch-norm momentum. Default 0.1 (PyTorch). */
  momentum: z._default(z.number().check(z.gte(0), z.lte(1)), 0.1),
  /** Batch-norm ε. Default 1e-5 (PyTorch). */
  eps: z._default(z.number().check(z.positive()), 1e-5),
  /** Seed of the initial weights (with `name`). Default 0. */
  seed: z._default(seedSchema, 0),
  /** Name (errors, variable names, init stream). Default 'convNet'. */
  name: z._default(z.string().check(z.minLength(1)), TYPE),
});
/** Options of `convNet` (the input of its schema: a field with a default may be omitted). */
export type ConvNetOptions = z.input<typeof convNetOptionsSchema>;
type Resolved = z.output<typeof convNetOptionsSchema>;

/** A small CNN: a `Network` on images with train/eval mode (`setTraining`). */
export interface ConvNet extends TrainableModeNetwork {
  readonly inputShape: readonly [number, number, number];
  /** Output channels of each block (after the width multiplier). */
  readonly channels: readonly number[];
}

function specs(o: Resolved): ConvSpec[] {
  let inC = o.inputShape[2];
  return o.channels.map((c, l) => {
    const out = scaledWidth(c, o.widthMultiplier);
    const s: ConvSpec = {
      key: `conv${l}`,
      kernel: o.kernelSize,
      inChannels: inC,
      outChannels: out,
      stride: o.strides[l]!,
      batchNorm: o.batchNorm,
    };
    inC = out;
    return s;
  });
}

class ConvNetImpl extends ConvNetworkBase<Resolved> implements ConvNet {
  readonly outputDim: number;
  readonly channels: number[];
  private readonly keys: string[];

  constructor(o: Resolved, weights: Map<string, Float32Array>) {
    const sp = specs(o);
    super(TYPE, o, sp, weights);
    this.channels = sp.map((s) => s.outChannels);
    this.outputDim = this.channels[this.channels.length - 1]!;
    this.keys = sp.map((s) => s.key);
  }

  protected forward(x: tf.Tensor4D): tf.Tensor2D {
    let h = x;
    for (const key of this.keys) h = this.unit(key, h, true);
    return tf.mean(h, [1, 2]) as tf.Tensor2D; // global average pooling
  }
}

function resolve(op: string, value: unknown, argument = 'options'): Resolved {
  const o = parseOptions(op, convNetOptionsSchema, value, argument);
  if (o.strides.length !== o.channels.length) {
    throw new InvalidArgumentError({
      op,
      argument: `${argument}.strides`,
      expected: `${o.channels.length} strides (one per entry of channels)`,
      actual: o.strides,
    });
  }
  return o;
}

/**
 * A small configurable CNN for images: blocks conv k×k (stride s, padding ⌊k/2⌋, no bias) → BN →
 * ReLU, then global average pooling, so x [batch, h, w, c] → [batch, last channels]. The default
 * is issue 12's reference encoder: conv3×3 1→32, 32→64 stride 2, 64→128 stride 2, each with BN and
 * ReLU, GAP → 128. Convolutions start He-normal (fan_out), BN at γ = 1, β = 0, running mean 0 and
 * variance 1. Starts in training mode (batch statistics), like a PyTorch module.
 *
 * @example
 * const encoder = convNet({ inputShape: [28, 28, 1], widthMultiplier: 0.5, seed: 0 });
 * const z = encoder.apply(images); // [batch, 64]
 * encoder.setTraining(false); // running statistics, e.g. for a linear probe
 */
export function convNet(options: ConvNetOptions): ConvNet {
  const o = resolve(TYPE, options);
  return new ConvNetImpl(o, initialConvWeights(specs(o), o.seed, `${TYPE}/${o.name}`));
}

/** Rebuilds a `convNet` from `toJSON()`: same weights, running statistics and mode. */
export function convNetFromJSON(json: NetworkJSON): ConvNet {
  const op = `fromJSON(${TYPE})`;
  const o = resolve(op, json?.config, 'json.config');
  const net = new ConvNetImpl(o, readConvWeights(op, json, TYPE, specs(o)));
  if (json.state !== undefined) {
    try {
      net.setState(json.state);
    } catch (e) {
      net.dispose();
      throw e;
    }
  }
  return net;
}
