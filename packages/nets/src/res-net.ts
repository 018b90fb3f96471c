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

const TYPE = 'resNet';

/** The options of `resNet(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const resNetOptionsSchema = z.strictObject({
  /** One input image [height, width, channels], e.g. [32, 32, 3]. */
  inputShape: inputShapeSchema,
  /** Basic blocks per stage. Default [2, 2, 2, 2] (ResNet-18). */
  blocks: z._default(z.array(z.int().check(z.positive())).check(z.minLength(1)), [2, 2, 2, 2]),
  /** Channels per stage before the multiplier; stage s > 0 halves the resolution. Default [64, 128, 256, 512]. */
  channels: z._default(z.array(z.int().check(z.positive())), [64, 128, 256, 512]),
  /** Channels of the 3×3 stem before the multiplier. Default 64. */
  stemChannels: z._default(z.int().check(z.positive()), 64),
  /** Multiplies every width: max(1, round(c·m)). Default 1. */
  widthMultiplier: z._default(z.number().check(z.positive()), 1),
  /** Batch-norm momentum. Default 0.1 (PyTorch). */
  momentum: z._default(z.number().check(z.gte(0), z.lte(1)), 0.1),
  /** Batch-norm ε. Default 1e-5 (PyTorch). */
  eps: z._default(z.number().check(z.positive()), 1e-5),
  /** Seed of the initial weights (with `name`). Default 0. */
  seed: z._default(seedSchema, 0),
  /** Name (errors, variable names, init stream). Default 'resNet'. */
  name: z._default(z.string().check(z.minLength(1)), TYPE),
});
/** Options of `resNet` (the input of its schema: a field with a default may be omitted). */
export type ResNetOptions = z.input<typeof resNetOptionsSchema>;
type Resolved = z.output<typeof resNetOptionsSchema>;

/** A ResNet for small images: a `Network` on images with train/eval mode (`setTraining`). */
export type ResNet = TrainableModeNetwork & {
  /** [height, width, channels] of one input image. */
  readonly inputShape: readonly [number, number, number];
};

interface Block {
  conv1: string;
  conv2: string;
  shortcut?: string;
}

function layout(o: Resolved): { specs: ConvSpec[]; blocks: Block[]; outputDim: number } {
  const stem = scaledWidth(o.stemChannels, o.widthMultiplier);
  const specs: ConvSpec[] = [{ key: 'stem', kernel: 3, inChannels: o.inputShape[2], outChannels: stem, stride: 1, batchNorm: true }];
  const blocks: Block[] = [];
  let inC = stem;
  o.blocks.forEach((n, stage) => {
    const c = scaledWidth(o.channels[stage]!, o.widthMultiplier);
    for (let i = 0; i < n; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const key = `layer${stage + 1}.${i}`;
      const block: Block = { conv1: `${key}/conv1`, conv2: `${key}/conv2` };
      specs.push({ key: block.conv1, kernel: 3, inChannels: inC, outChannels: c, stride, batchNorm: true });
      specs.push({ key: block.conv2, kernel: 3, inChannels: c, outChannels: c, stride: 1, batchNorm: true });
      if (stride !== 1 || inC !== c) {
        block.shortcut = `${key}/shortcut`;
        specs.push({ key: block.shortcut, kernel: 1, inChannels: inC, outChannels: c, stride, batchNorm: true });
      }
      blocks.push(block);
      inC = c;
    }
  });
  return { specs, blocks, outputDim: inC };
}

class ResNetImpl extends ConvNetworkBase<Resolved> implements ResNet {
  readonly outputDim: number;
  private readonly blocks: Block[];

  constructor(o: Resolved, weights: Map<string, Float32Array>) {
    const l = layout(o);
    super(TYPE, o, l.specs, weights);
    this.blocks = l.blocks;
    this.outputDim = l.outputDim;
  }

  protected forward(x: tf.Tensor4D): tf.Tensor2D {
    let h = this.unit('stem', x, true);
    for (const b of this.blocks) {
      const y = this.unit(b.conv2, this.unit(b.conv1, h, true), false);
      h = tf.relu(tf.add(y, b.shortcut ? this.unit(b.shortcut, h, false) : h)) as tf.Tensor4D;
    }
    return tf.mean(h, [1, 2]) as tf.Tensor2D;
  }
}

function resolve(op: string, value: unknown, argument = 'options'): Resolved {
  const o = parseOptions(op, resNetOptionsSchema, value, argument);
  if (o.channels.length !== o.blocks.length) {
    throw new InvalidArgumentError({
      op,
      argument: `${argument}.channels`,
      expected: `${o.blocks.length} widths (one per stage of blocks)`,
      actual: o.channels,
    });
  }
  return o;
}

/**
 * A ResNet-18-style encoder for small images (He et al. 2016, with the CIFAR variant used by
 * SimCLR/solo-learn): a 3×3 stride-1 stem conv-BN-ReLU and no max-pool, then stages of basic
 * blocks (conv3×3-BN-ReLU-conv3×3-BN plus the identity, or a 1×1 conv-BN shortcut when the
 * stride or width changes, then ReLU); stage s > 0 starts with stride 2. Global average pooling
 * gives [batch, channels_last·m] (512 at width 1). Convolutions have no bias; init as `convNet`.
 *
 * @example const enc = resNet({ inputShape: [32, 32, 3], widthMultiplier: 0.25 }); // → [batch, 128]
 */
export function resNet(options: ResNetOptions): ResNet {
  const o = resolve(TYPE, options);
  return new ResNetImpl(o, initialConvWeights(layout(o).specs, o.seed, `${TYPE}/${o.name}`));
}

/** Rebuilds a `resNet` from `toJSON()`: same weights, running statistics and mode. */
export function resNetFromJSON(json: NetworkJSON): ResNet {
  const op = `fromJSON(${TYPE})`;
  const o = resolve(op, json?.config, 'json.config');
  const net = new ResNetImpl(o, readConvWeights(op, json, TYPE, layout(o).specs));
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
