import * as tf from '@tensorflow/tfjs-core';
import { createRng, type HasPredictorMatrix, matMul, type Network, type NetworkJSON, parseOptions, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { checkAlive, checkInput, checkType, makeVariable, netLabel, readWeight, tensorToJSON } from './serialization';

const TYPE = 'linearPredictor';

/** The options of `linearPredictor(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const linearPredictorOptionsSchema = z.strictObject({
  /** d: dimension of the projections it maps (input = output). */
  dim: z.int().check(z.positive()),
  /** 'identity': W_p = I; 'normal': W_p ~ N(0, 1/d) entrywise. Default 'identity'. */
  init: z._default(z.enum(['identity', 'normal']), 'identity'),
  /** Add a bias (DirectPred's setting has none, docs/science/non-contrastive.md §3.3). Default false. */
  bias: z._default(z.boolean(), false),
  /** Seed of the initial weights ('normal' init). Default 0. */
  seed: z._default(seedSchema, 0),
  /** Network name. Default 'predictor'. */
  name: z._default(z.string().check(z.minLength(1)), 'predictor'),
});
/** Options of `linearPredictor` (the input of its schema: a field with a default may be omitted). */
export type LinearPredictorOptions = z.input<typeof linearPredictorOptionsSchema>;
type Resolved = z.output<typeof linearPredictorOptionsSchema>;

/** A trainable linear predictor p = W_p f (+ b). */
export interface LinearPredictorNetwork extends Network, HasPredictorMatrix {
  /** W_p [dim, dim]: p = W_p f, i.e. apply(x) = x W_pᵀ. */
  readonly weight: tf.Variable<tf.Rank.R2>;
  /** Bias [dim], or undefined when built without one. */
  readonly bias: tf.Variable<tf.Rank.R1> | undefined;
}

class LinearPredictor implements LinearPredictorNetwork {
  readonly name: string;
  readonly inputDim: number;
  readonly outputDim: number;
  readonly weight: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1> | undefined;
  private readonly label: string;
  private disposed = false;

  constructor(
    private readonly config: Resolved,
    w: Float32Array,
    b: Float32Array | undefined,
  ) {
    this.name = config.name;
    this.inputDim = config.dim;
    this.outputDim = config.dim;
    this.label = netLabel(TYPE, config.name);
    this.weight = makeVariable(config.name, 'Wp', w, [config.dim, config.dim]);
    this.bias = b ? makeVariable(config.name, 'b', b, [config.dim]) : undefined;
  }

  get variables(): tf.Variable[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  /**
   * @param x [batch, dim] rows f
   * @returns [batch, dim] rows W_p f (+ b)
   */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    checkAlive(this.label, 'apply', this.disposed);
    checkInput(this.label, x, this.inputDim);
    return tf.tidy(() => {
      const y = matMul(x, this.weight, false, true);
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }

  /** W_p row-major [dim, dim] as float64 (p = W_p f). */
  predictorMatrix(): Float64Array {
    checkAlive(this.label, 'predictorMatrix', this.disposed);
    return Float64Array.from(this.weight.dataSync());
  }

  toJSON(): NetworkJSON {
    checkAlive(this.label, 'toJSON', this.disposed);
    return {
      type: TYPE,
      config: structuredClone(this.config) as unknown as Record<string, unknown>,
      weights: { Wp: tensorToJSON(this.weight), ...(this.bias ? { b: tensorToJSON(this.bias) } : {}) },
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.variables);
  }
}

/**
 * A linear predictor W_p ∈ R^{d×d} trained by gradients (BYOL/SimSiam with a linear predictor;
 * the "linear predictor" baseline of DirectPred, docs/science/non-contrastive.md §3.3–3.4).
 */
export function linearPredictor(options: LinearPredictorOptions): LinearPredictorNetwork {
  const o = parseOptions(TYPE, linearPredictorOptionsSchema, options);
  const d = o.dim;
  let w: Float32Array;
  if (o.init === 'identity') {
    w = new Float32Array(d * d);
    for (let i = 0; i < d; i++) w[i * d + i] = 1;
  } else {
    w = createRng(o.seed)
      .fork(`${TYPE}/${o.name}`)
      .fillNormal(new Float32Array(d * d), 0, 1 / Math.sqrt(d));
  }
  return new LinearPredictor(o, w, o.bias ? new Float32Array(d) : undefined);
}

/** Rebuilds a linear predictor from `toJSON()` exactly. */
export function linearPredictorFromJSON(json: NetworkJSON): LinearPredictorNetwork {
  const op = `fromJSON(${TYPE})`;
  checkType(op, json, TYPE);
  const o = parseOptions(op, linearPredictorOptionsSchema, json.config, 'json.config');
  const w = readWeight(op, json, 'Wp', [o.dim, o.dim]);
  const b = o.bias ? readWeight(op, json, 'b', [o.dim]) : undefined;
  return new LinearPredictor(o, w, b);
}
