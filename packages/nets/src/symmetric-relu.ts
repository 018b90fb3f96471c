import * as tf from '@tensorflow/tfjs-core';
import {
  assertNumber,
  assertShapes,
  createRng,
  type HasNeuronWeights,
  type Network,
  type NetworkJSON,
  parseOptions,
  seedSchema,
} from '@contrastive/core';
import * as z from 'zod/mini';
import { checkAlive, checkInput, checkType, makeVariable, netLabel, orthonormalRows, readWeight, tensorToJSON } from './serialization';
import { evaluate, initialThreshold, thresholdSchema } from './threshold-schedule';

const TYPE = 'symmetricRelu';

/** The options of `symmetricRelu(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const symmetricReluOptionsSchema = z.strictObject({
  /** d1: dimension of an observation x. */
  inputDim: z.int().check(z.positive()),
  /** m: number of neurons h_i (docs/science/feature-decoupling.md §1.3, our choice: 2d, e.g. 64). */
  width: z.int().check(z.positive()),
  /**
   * Threshold b ≥ 0 shared by all neurons: a number, or a schedule (`linear-warmup`, `constant`)
   * advanced by `onStep`. Absolute units of ⟨w_i, x⟩. Default 0 (a linear network).
   */
  threshold: z._default(thresholdSchema, 0),
  /** Keep every row w_i at unit norm: at initialisation and in `afterUpdate` (projected SGD). Default true. */
  unitNormRows: z._default(z.boolean(), true),
  /**
   * 'normal': w_i ~ N(0, I/d1) (docs/science/feature-decoupling.md §1.3, our choice); 'orthogonal': Gaussian rows orthonormalised
   * (in blocks of d1 rows when width > d1). Default 'normal'.
   */
  init: z._default(z.enum(['normal', 'orthogonal']), 'normal'),
  /** Seed of the initial weights (with `name`: nets of different names draw different weights). Default 0. */
  seed: z._default(seedSchema, 0),
  /** Name of the network (used in errors, variable names and the init stream). Default 'symmetricRelu'. */
  name: z._default(z.string().check(z.minLength(1)), TYPE),
});
/** Options of `symmetricRelu` (the input of its schema: a field with a default may be omitted). */
export type SymmetricReluOptions = z.input<typeof symmetricReluOptionsSchema>;
type Resolved = z.output<typeof symmetricReluOptionsSchema>;

const stateSchema = z.strictObject({
  /** The current threshold b. */
  threshold: z.number().check(z.gte(0)),
  /** Arguments of the last `onStep` call (null before the first). */
  step: z._default(z.nullable(z.int().check(z.gte(0))), null),
  totalSteps: z._default(z.nullable(z.int().check(z.gte(1))), null),
});
type State = z.output<typeof stateSchema>;

/** The symmetric-ReLU network of Wen & Li 2021 (see `symmetricRelu`). */
export interface SymmetricReluNetwork extends Network, HasNeuronWeights {
  /** m: number of neurons (= outputDim). */
  readonly width: number;
  /** Current threshold b (advanced by `onStep` when a schedule was given). */
  readonly threshold: number;
  /** W [width, inputDim]: row i is w_i. Trainable. */
  readonly weight: tf.Variable<tf.Rank.R2>;
  /** Whether `afterUpdate` rescales every row of W to unit norm (the `unitNormRows` option). */
  readonly unitNormRows: boolean;
  onStep(step: number, totalSteps: number): void;
  afterUpdate(): void;
  /** The threshold schedule's state `{ threshold, step, totalSteps }` (what `toJSON().state` holds), for checkpoints. */
  getState(): Record<string, unknown>;
  /** Restores `getState()` exactly (validated), e.g. when a run resumes from a checkpoint after its last step. */
  setState(state: unknown): void;
}

/**
 * The soft-threshold activation h(u) = relu(u − b) − relu(−u − b) = u − clip(u, −b, b), elementwise,
 * with the closed-form gradient ∂h/∂u = 1[|u| > b] (docs/science/feature-decoupling.md §1.3). A `customGrad` keeps
 * autograd from building relu/neg/sub chains in the hot path; the mask is read off the output
 * (h ≠ 0 ⇔ |u| > b), which needs no broadcast comparison (slow on wasm).
 *
 * @param u [batch, width] pre-activations ⟨w_i, x⟩
 * @param threshold b ≥ 0; b = 0 returns `u` itself (the identity)
 * @returns [batch, width]
 */
export function softThreshold(u: tf.Tensor2D, threshold: number): tf.Tensor2D {
  assertNumber('softThreshold', 'threshold', threshold, { min: 0 });
  if (threshold === 0) return tf.clone(u);
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const h = tf.sub(x, tf.clipByValue(x, -threshold, threshold));
    save([h]);
    return {
      value: h,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.step(tf.abs(saved[0]!)))],
    };
  });
  return f(u) as tf.Tensor2D;
}

/**
 * One symmetric-ReLU layer h = softThreshold(x Wᵀ, b), fused forward and backward.
 *
 * Why two tape nodes: the gradient of a `customGrad` is computed eagerly for every input, but in
 * training x is data and ∂L/∂x (a product as large as the forward one) is thrown away. So the
 * weight gradient lives in one node (input W, x held as a constant) and the input gradient in a
 * second node (input x, forward value zeros) that tfjs prunes from the tape whenever x does not
 * depend on what is differentiated. Both use ∂h/∂u = 1[h ≠ 0] (= 1[|u| > b]) and plain products
 * with explicit transposes (matMul flags are slow on wasm).
 *
 * @param x [batch, inputDim]
 * @param weight W [width, inputDim]
 * @param threshold b ≥ 0
 * @returns [batch, width]
 */
export function symmetricReluLayer(x: tf.Tensor2D, weight: tf.Tensor2D, threshold: number): tf.Tensor2D {
  assertShapes('symmetricReluLayer', [
    ['x', x, ['batch', 'inputDim']],
    ['weight', weight, ['width', 'inputDim']],
  ]);
  assertNumber('symmetricReluLayer', 'threshold', threshold, { min: 0 });
  const b = threshold;
  /** dy ⊙ 1[h ≠ 0]: the soft-threshold's derivative read off its output (Step, not Sign: 20× faster on wasm). */
  const gate = (dy: tf.Tensor, h: tf.Tensor) => (b === 0 ? dy : tf.mul(dy, tf.step(tf.abs(h))));
  return tf.tidy(() => {
    const weightNode = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [w, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
      const u = tf.matMul(x, tf.transpose(w));
      const h = b === 0 ? u : tf.sub(u, tf.clipByValue(u, -b, b));
      save([x, h]);
      return {
        value: h,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, hs] = saved as [tf.Tensor2D, tf.Tensor2D];
          // ∂L/∂W = (dy ⊙ 1[h≠0])ᵀ x
          return [tf.matMul(tf.transpose(gate(dy, hs) as tf.Tensor2D), xs)];
        },
      };
    });
    const hW = weightNode(weight) as tf.Tensor2D;
    const inputNode = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
      save([weight, hW]);
      return {
        value: tf.zerosLike(hW),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [ws, hs] = saved as [tf.Tensor2D, tf.Tensor2D];
          // ∂L/∂x = (dy ⊙ 1[h≠0]) W
          return [tf.matMul(gate(dy, hs) as tf.Tensor2D, ws)];
        },
      };
    });
    return tf.add(hW, inputNode(x) as tf.Tensor2D);
  });
}

class SymmetricRelu implements SymmetricReluNetwork {
  readonly name: string;
  readonly inputDim: number;
  readonly outputDim: number;
  readonly width: number;
  readonly weight: tf.Variable<tf.Rank.R2>;
  private readonly label: string;
  private state: State;
  private disposed = false;

  constructor(
    private readonly config: Resolved,
    w: Float32Array,
    state: State | undefined,
  ) {
    this.name = config.name;
    this.inputDim = config.inputDim;
    this.width = config.width;
    this.outputDim = config.width;
    this.label = netLabel(TYPE, config.name);
    this.weight = makeVariable(config.name, 'W', w, [config.width, config.inputDim]);
    this.state = state ?? { threshold: initialThreshold(config.threshold), step: null, totalSteps: null };
  }

  get variables(): tf.Variable[] {
    return [this.weight];
  }

  get threshold(): number {
    return this.state.threshold;
  }

  get unitNormRows(): boolean {
    return this.config.unitNormRows;
  }

  /** A copy of W [width, inputDim]: row i is neuron w_i. */
  neuronWeights(): tf.Tensor2D {
    checkAlive(this.label, 'neuronWeights', this.disposed);
    return tf.clone(this.weight);
  }

  /**
   * h(x) = relu(xWᵀ − b) − relu(−xWᵀ − b): one matMul and the soft-threshold.
   * @param x [batch, inputDim]
   * @returns [batch, width]
   */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    checkAlive(this.label, 'apply', this.disposed);
    checkInput(this.label, x, this.inputDim);
    return symmetricReluLayer(x, this.weight, this.state.threshold);
  }

  onStep(step: number, totalSteps: number): void {
    checkAlive(this.label, 'onStep', this.disposed);
    assertNumber(`${this.label}.onStep`, 'step', step, { min: 0, integer: true });
    assertNumber(`${this.label}.onStep`, 'totalSteps', totalSteps, { min: 1, integer: true });
    this.state = { threshold: evaluate(this.config.threshold, step, totalSteps), step, totalSteps };
  }

  getState(): Record<string, unknown> {
    checkAlive(this.label, 'getState', this.disposed);
    return { ...this.state };
  }

  setState(state: unknown): void {
    checkAlive(this.label, 'setState', this.disposed);
    this.state = parseOptions(`${this.label}.setState`, stateSchema, state, 'state');
  }

  /** Projects each row w_i back to the unit sphere (when `unitNormRows`). */
  afterUpdate(): void {
    checkAlive(this.label, 'afterUpdate', this.disposed);
    if (!this.config.unitNormRows) return;
    // sqrt(Σ w²) with Square rather than tf.norm, whose Pow kernel is ~30× slower on wasm.
    const normalized = tf.tidy(() => tf.div(this.weight, tf.maximum(tf.sqrt(tf.sum(tf.square(this.weight), 1, true)), 1e-12)));
    this.weight.assign(normalized as tf.Tensor2D);
    normalized.dispose();
  }

  toJSON(): NetworkJSON {
    checkAlive(this.label, 'toJSON', this.disposed);
    return {
      type: TYPE,
      config: structuredClone(this.config) as unknown as Record<string, unknown>,
      weights: { W: tensorToJSON(this.weight) },
      state: this.getState(),
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.weight.dispose();
  }
}

/** Whether `net` is a symmetric-ReLU network (built by `symmetricRelu` or its `fromJSON`). */
export function isSymmetricReluNetwork(net: unknown): net is SymmetricReluNetwork {
  return net instanceof SymmetricRelu;
}

function initialWeights(o: Resolved): Float32Array {
  const { width: m, inputDim: d } = o;
  const rng = createRng(o.seed).fork(`${TYPE}/${o.name}`);
  let w: Float64Array = rng.fillNormal(new Float64Array(m * d), 0, 1 / Math.sqrt(d));
  if (o.init === 'orthogonal') w = orthonormalRows(w, m, d);
  else if (o.unitNormRows) {
    for (let i = 0; i < m; i++) {
      let n = 0;
      for (let j = 0; j < d; j++) n += w[i * d + j]! ** 2;
      n = Math.sqrt(n) || 1;
      for (let j = 0; j < d; j++) w[i * d + j] = w[i * d + j]! / n;
    }
  }
  return Float32Array.from(w);
}

/**
 * The one-hidden-layer symmetric-ReLU network of Wen & Li 2021 (docs/science/feature-decoupling.md §1.3):
 *   f(x) = (h_1(x), …, h_m(x)),   h_i(x) = relu(⟨w_i, x⟩ − b) − relu(−⟨w_i, x⟩ − b)
 * with a shared threshold b (fixed or scheduled by `onStep`) and optional unit-norm rows
 * (re-projected in `afterUpdate`).
 *
 * @example const net = symmetricRelu({ inputDim: 256, width: 64, threshold: { type: 'linear-warmup', final: 0.3, warmupFraction: 0.5 }, seed: 0 })
 */
export function symmetricRelu(options: SymmetricReluOptions): SymmetricReluNetwork {
  const o = parseOptions(TYPE, symmetricReluOptionsSchema, options);
  return new SymmetricRelu(o, initialWeights(o), undefined);
}

/** Rebuilds a symmetric-ReLU network from `toJSON()` exactly (weights, threshold state). */
export function symmetricReluFromJSON(json: NetworkJSON): SymmetricReluNetwork {
  const op = `fromJSON(${TYPE})`;
  checkType(op, json, TYPE);
  const o = parseOptions(op, symmetricReluOptionsSchema, json.config, 'json.config');
  const w = readWeight(op, json, 'W', [o.width, o.inputDim]);
  const state = json.state === undefined ? undefined : parseOptions(op, stateSchema, json.state, 'json.state');
  return new SymmetricRelu(o, w, state);
}
