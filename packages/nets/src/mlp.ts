import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  type HasNeuronWeights,
  InvalidArgumentError,
  matMul,
  type Network,
  type NetworkJSON,
  parseOptions,
  seedSchema,
} from '@contrastive/core';
import * as z from 'zod/mini';
import { checkAlive, checkInput, checkType, makeVariable, netLabel, readWeight, tensorToJSON } from './serialization';

const TYPE = 'mlp';
/** Batch-norm variance epsilon (PyTorch's BatchNorm1d default). */
export const BATCH_NORM_EPS = 1e-5;

/** The options of `mlp(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const mlpOptionsSchema = z.strictObject({
  /** Input dimension. */
  inputDim: z.int().check(z.positive()),
  /** Widths of the hidden layers, input side first; [] is a single linear layer. Default []. */
  hidden: z._default(z.array(z.int().check(z.positive())), []),
  /** Output dimension. */
  outputDim: z.int().check(z.positive()),
  /** Activation after every hidden layer (none after the last layer). Default 'relu'. */
  activation: z._default(z.enum(['relu', 'leakyRelu', 'linear']), 'relu'),
  /** Negative slope of 'leakyRelu' (PyTorch default 0.01; Zimmermann et al.'s mixing uses 0.2). */
  leakyReluAlpha: z._default(z.number().check(z.gte(0)), 0.01),
  /**
   * Batch norm (affine γ, β) after every hidden linear layer, before the activation, using the
   * statistics of the batch being transformed (SimSiam's Linear-BN-ReLU; docs/science/non-contrastive.md §3.1). Hidden
   * layers then have no bias (β replaces it). Default false.
   */
  batchNorm: z._default(z.boolean(), false),
  /** Non-affine batch norm on the output (SimSiam projector's BN(affine=False)). Default false. */
  outputBatchNorm: z._default(z.boolean(), false),
  /** Biases on the linear layers (hidden layers drop theirs under `batchNorm`). Default true. */
  bias: z._default(z.boolean(), true),
  /**
   * Initial weights: 'he' N(0, 2/fan_in) for layers followed by relu/leakyRelu and N(0, 1/fan_in)
   * otherwise (LeCun); 'lecun' N(0, 1/fan_in) everywhere. Biases start at 0, γ at 1, β at 0.
   * Default 'he'.
   */
  init: z._default(z.enum(['he', 'lecun']), 'he'),
  /** Seed of the initial weights (with `name`: nets of different names draw different weights). Default 0. */
  seed: z._default(seedSchema, 0),
  /** Name of the network (used in errors, variable names and the init stream). Default 'mlp'. */
  name: z._default(z.string().check(z.minLength(1)), TYPE),
});
/** Options of `mlp` (the input of its schema: a field with a default may be omitted). */
export type MlpOptions = z.input<typeof mlpOptionsSchema>;
type Resolved = z.output<typeof mlpOptionsSchema>;

interface Layer {
  W: tf.Variable<tf.Rank.R2>;
  b?: tf.Variable<tf.Rank.R1>;
  gamma?: tf.Variable<tf.Rank.R1>;
  beta?: tf.Variable<tf.Rank.R1>;
}

/** A multi-layer perceptron (also the projection and prediction heads). */
export interface MlpNetwork extends Network, HasNeuronWeights {
  /** Per linear layer, input side first: W [in, out] and, when present, b, γ, β [out]. */
  readonly layers: ReadonlyArray<Readonly<Layer>>;
}

/** Keys of layer l's weights in `toJSON().weights`, with their shapes. */
function layerSpecs(o: Resolved): Array<{ key: string; shape: number[]; kind: 'W' | 'b' | 'gamma' | 'beta'; layer: number }> {
  const dims = [o.inputDim, ...o.hidden, o.outputDim];
  const specs: Array<{ key: string; shape: number[]; kind: 'W' | 'b' | 'gamma' | 'beta'; layer: number }> = [];
  for (let l = 0; l < dims.length - 1; l++) {
    const [fanIn, out] = [dims[l]!, dims[l + 1]!];
    const isHidden = l < dims.length - 2;
    specs.push({ key: `layer${l}/W`, shape: [fanIn, out], kind: 'W', layer: l });
    if (o.bias && !(isHidden && o.batchNorm)) specs.push({ key: `layer${l}/b`, shape: [out], kind: 'b', layer: l });
    if (isHidden && o.batchNorm) {
      specs.push({ key: `layer${l}/gamma`, shape: [out], kind: 'gamma', layer: l });
      specs.push({ key: `layer${l}/beta`, shape: [out], kind: 'beta', layer: l });
    }
  }
  return specs;
}

function initialWeights(o: Resolved): Map<string, Float32Array> {
  const rng = createRng(o.seed).fork(`${TYPE}/${o.name}`);
  const nLayers = o.hidden.length + 1;
  const out = new Map<string, Float32Array>();
  for (const s of layerSpecs(o)) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (s.kind === 'W') {
      const rectified = s.layer < nLayers - 1 && o.activation !== 'linear' && o.init === 'he';
      out.set(s.key, rng.fillNormal(new Float32Array(size), 0, Math.sqrt((rectified ? 2 : 1) / s.shape[0]!)));
    } else {
      out.set(s.key, new Float32Array(size).fill(s.kind === 'gamma' ? 1 : 0));
    }
  }
  return out;
}

/** (h − mean_batch h)/sqrt(var_batch h + ε): per feature, biased variance as in training-mode BN. */
function batchNormalize(h: tf.Tensor2D): tf.Tensor2D {
  const { mean, variance } = tf.moments(h, 0, true);
  return tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, BATCH_NORM_EPS)));
}

class Mlp implements MlpNetwork {
  readonly name: string;
  readonly inputDim: number;
  readonly outputDim: number;
  readonly layers: Layer[];
  private readonly label: string;
  private disposed = false;

  constructor(
    private readonly config: Resolved,
    weights: Map<string, Float32Array>,
  ) {
    this.name = config.name;
    this.inputDim = config.inputDim;
    this.outputDim = config.outputDim;
    this.label = netLabel(TYPE, config.name);
    this.layers = Array.from({ length: config.hidden.length + 1 }, () => ({}) as Layer);
    for (const s of layerSpecs(config)) {
      (this.layers[s.layer] as unknown as Record<string, tf.Variable>)[s.kind] = makeVariable(
        config.name,
        s.key,
        weights.get(s.key)!,
        s.shape,
      );
    }
  }

  get variables(): tf.Variable[] {
    const all: Array<tf.Variable | undefined> = this.layers.flatMap((l) => [l.W, l.b, l.gamma, l.beta]);
    return all.filter((v): v is tf.Variable => v !== undefined);
  }

  /** The first layer's neurons as rows: W₀ᵀ [hidden[0] (or outputDim), inputDim] (W₀ is stored [in, out]). */
  neuronWeights(): tf.Tensor2D {
    checkAlive(this.label, 'neuronWeights', this.disposed);
    return tf.transpose(this.layers[0]!.W);
  }

  /**
   * @param x [batch, inputDim] (batch ≥ 2 with batch norm)
   * @returns [batch, outputDim]
   */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    checkAlive(this.label, 'apply', this.disposed);
    checkInput(this.label, x, this.inputDim);
    const o = this.config;
    if ((o.batchNorm && o.hidden.length > 0) || o.outputBatchNorm) {
      if (x.shape[0] < 2) {
        throw new InvalidArgumentError({
          op: `${this.label}.apply`,
          argument: 'x',
          expected: 'a batch of at least 2 rows (batch norm uses batch statistics)',
          actual: `[${x.shape.join(', ')}]`,
        });
      }
    }
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      this.layers.forEach((layer, l) => {
        h = matMul(h, layer.W);
        if (layer.b) h = tf.add(h, layer.b);
        if (l === this.layers.length - 1) return;
        if (layer.gamma && layer.beta) h = tf.add(tf.mul(batchNormalize(h), layer.gamma), layer.beta);
        if (o.activation === 'relu') h = tf.relu(h);
        else if (o.activation === 'leakyRelu') h = tf.leakyRelu(h, o.leakyReluAlpha);
      });
      return o.outputBatchNorm ? batchNormalize(h) : h;
    });
  }

  toJSON(): NetworkJSON {
    checkAlive(this.label, 'toJSON', this.disposed);
    const weights: NetworkJSON['weights'] = {};
    for (const s of layerSpecs(this.config)) {
      weights[s.key] = tensorToJSON((this.layers[s.layer] as unknown as Record<string, tf.Variable>)[s.kind]!);
    }
    return { type: TYPE, config: structuredClone(this.config) as unknown as Record<string, unknown>, weights };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.variables);
  }
}

/**
 * A multi-layer perceptron: Linear → [BN] → activation, repeated for each hidden width, then a
 * final Linear (and optionally a non-affine BN). y = xW + b with W [in, out].
 *
 * @example const enc = mlp({ inputDim: 10, hidden: [100, 100], outputDim: 10, activation: 'leakyRelu', seed: 0 })
 */
export function mlp(options: MlpOptions): MlpNetwork {
  const o = parseOptions(TYPE, mlpOptionsSchema, options);
  return new Mlp(o, initialWeights(o));
}

/** Rebuilds an MLP (or head) from `toJSON()` exactly. */
export function mlpFromJSON(json: NetworkJSON): MlpNetwork {
  const op = `fromJSON(${TYPE})`;
  checkType(op, json, TYPE);
  const o = parseOptions(op, mlpOptionsSchema, json.config, 'json.config');
  const weights = new Map(layerSpecs(o).map((s) => [s.key, readWeight(op, json, s.key, s.shape)]));
  return new Mlp(o, weights);
}
