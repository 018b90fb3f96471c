import * as tf from '@tensorflow/tfjs-core';
import {
  assertShape,
  type HasPredictorMatrix,
  InvalidArgumentError,
  matMul,
  type Network,
  type NetworkJSON,
  NonFiniteValueError,
  parseOptions,
  symmetricEigen,
} from '@contrastive/core';
import * as z from 'zod/mini';
import { checkAlive, checkInput, checkType, netLabel } from './serialization';

const TYPE = 'directPredictor';

/** The options of `directPredictor(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const directPredictorOptionsSchema = z.strictObject({
  /** d: dimension of the online projections f. */
  dim: z.int().check(z.positive()),
  /** ρ: EMA rate of the correlation, F̂ ← ρF̂ + (1 − ρ)F_batch (luckmatters `dyn_lambda`). Default 0.3. */
  rho: z._default(z.number().check(z.gte(0), z.lte(1)), 0.3),
  /** ε added to the normalised eigenvalues, p_j = sqrt(s_j / max s) + ε (`dyn_eps`). Default 0.01. */
  eps: z._default(z.number().check(z.gte(0)), 0.01),
  /** Recompute W_p on every `freq`-th `update` call (the first one included). Default 1. */
  freq: z._default(z.int().check(z.positive()), 1),
  /** Lower clamp of p_j (luckmatters: 1e-4). Default 1e-4. */
  minEigenvalue: z._default(z.number().check(z.gte(0)), 1e-4),
  /** How W_p is set from F̂: 'eigen' = U diag(p) Uᵀ (docs/science/non-contrastive.md §3.3; the only mode). Default 'eigen'. */
  mode: z._default(z.enum(['eigen']), 'eigen'),
  /** Network name. Default 'predictor'. */
  name: z._default(z.string().check(z.minLength(1)), 'predictor'),
});
/** Options of `directPredictor` (the input of its schema: a field with a default may be omitted). */
export type DirectPredictorOptions = z.input<typeof directPredictorOptionsSchema>;
type Resolved = z.output<typeof directPredictorOptionsSchema>;

/** DirectPred's non-trainable state: everything `setState` needs to continue exactly. */
export const directPredictorStateSchema = z.strictObject({
  /** F̂ row-major [dim·dim] (float64), null before the first update. */
  correlation: z.nullable(z.array(z.number())),
  /** W_p row-major [dim·dim] (float32 values). */
  predictor: z.array(z.number()),
  /** Eigenvalues s_j of F̂ (descending) and the p_j set from them at the last recomputation. */
  eigenvalues: z.nullable(z.array(z.number())),
  /** The predictor's eigenvalues p_j set from s_j, or null before the first recomputation. */
  p: z.nullable(z.array(z.number())),
  /** Number of `update` calls so far. */
  updates: z.int().check(z.gte(0)),
});
/** The checkpointed state of a DirectPred predictor: the running correlation F̂, W_p, the eigenvalues s_j and p_j, the update count. */
export type DirectPredictorState = z.output<typeof directPredictorStateSchema>;

/** The DirectPred predictor (see `directPredictor`). */
export interface DirectPredictor extends Network, HasPredictorMatrix {
  /** Number of `update` calls so far. */
  readonly updates: number;
  /**
   * Adds a batch of online projections to the running correlation F̂ and, on every `freq`-th
   * call, resets W_p = U diag(p) Uᵀ. Synchronous (reads [dim, dim] from the backend once).
   * @param z [batch, dim], e.g. both views' online projections concatenated (docs/science/non-contrastive.md §3.3 step 2)
   */
  update(z: tf.Tensor2D): void;
  /** Copy of F̂ (row-major [dim·dim], float64), or null before the first update. */
  correlation(): Float64Array | null;
  /** Copy of W_p (row-major [dim·dim]); the identity before the first update. */
  predictorMatrix(): Float64Array;
  /** Eigenvalues s_j of F̂ (descending) and the matching p_j of the last recomputation, or null. */
  spectrum(): {
    /** Eigenvalues s_j of the running correlation F̂, descending. */
    s: Float64Array;
    /** The predictor's eigenvalues p_j set from them. */
    p: Float64Array;
  } | null;
  /** Restores the state from `toJSON().state` (e.g. a checkpoint). */
  setState(state: unknown): void;
}

/**
 * DirectPred's eigenvalue map (docs/science/non-contrastive.md §3.3 step 5, luckmatters `boost_scale` with dyn_convert 2):
 * p_j = max(sqrt(max(s_j, 0) / max_k s_k) + ε, minEigenvalue). A collapsed F̂ (max s ≤ 0) gives p = ε.
 * @param s eigenvalues of F̂
 */
export function directPredEigenvalues(s: ArrayLike<number>, eps: number, minEigenvalue = 1e-4): Float64Array {
  let max = -Infinity;
  for (let j = 0; j < s.length; j++) max = Math.max(max, s[j]!);
  const p = new Float64Array(s.length);
  for (let j = 0; j < s.length; j++) {
    const normalized = max > 0 ? Math.max(s[j]!, 0) / max : 0;
    p[j] = Math.max(Math.sqrt(normalized) + eps, minEigenvalue);
  }
  return p;
}

class DirectPredictorImpl implements DirectPredictor {
  readonly name: string;
  readonly inputDim: number;
  readonly outputDim: number;
  readonly variables: tf.Variable[] = [];
  private readonly label: string;
  private F: Float64Array | null = null;
  private wp: tf.Tensor2D;
  private s: Float64Array | null = null;
  private p: Float64Array | null = null;
  private count = 0;
  private disposed = false;

  constructor(private readonly config: Resolved) {
    this.name = config.name;
    this.inputDim = config.dim;
    this.outputDim = config.dim;
    this.label = netLabel(TYPE, config.name);
    this.wp = tf.keep(tf.eye(config.dim) as tf.Tensor2D);
  }

  get updates(): number {
    return this.count;
  }

  /**
   * p = W_p f for each row f (W_p is symmetric, so x W_pᵀ = x W_p). W_p is a constant: no gradient.
   * @param x [batch, dim]
   * @returns [batch, dim]
   */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    checkAlive(this.label, 'apply', this.disposed);
    checkInput(this.label, x, this.inputDim);
    return tf.tidy(() => matMul(x, this.wp));
  }

  update(z: tf.Tensor2D): void {
    const op = `${this.label}.update`;
    checkAlive(this.label, 'update', this.disposed);
    assertShape(op, 'z', z, ['batch', this.config.dim]);
    const d = this.config.dim;
    const n = z.shape[0];
    // Uncentred second moment E[f fᵀ] over the batch (docs/science/non-contrastive.md §3.3 step 2).
    const batchF = tf.tidy(() => tf.div(matMul(z, z, true, false), n));
    const fb = batchF.dataSync();
    batchF.dispose();
    for (let i = 0; i < fb.length; i++) {
      if (!Number.isFinite(fb[i]!))
        throw new NonFiniteValueError({
          op,
          argument: 'z',
          message: "'z' gives a non-finite correlation (z contains NaN/Infinity or overflows)",
        });
    }
    const rho = this.config.rho;
    const F = this.F ?? Float64Array.from(fb); // first step: F̂ = F_batch
    if (this.F) for (let i = 0; i < F.length; i++) F[i] = rho * F[i]! + (1 - rho) * fb[i]!;
    this.F = F;
    this.count++;
    if ((this.count - 1) % this.config.freq !== 0) return;

    const { values, vectors } = symmetricEigen(F, d);
    const p = directPredEigenvalues(values, this.config.eps, this.config.minEigenvalue);
    // W_p = U diag(p) Uᵀ, built on the upper triangle and mirrored so it is exactly symmetric.
    const w = new Float32Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let k = i; k < d; k++) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc += vectors[i * d + j]! * p[j]! * vectors[k * d + j]!;
        w[i * d + k] = acc;
        w[k * d + i] = acc;
      }
    }
    this.setPredictor(w);
    this.s = values;
    this.p = p;
  }

  private setPredictor(w: Float32Array): void {
    const next = tf.tensor2d(w, [this.config.dim, this.config.dim]);
    this.wp.dispose();
    this.wp = tf.keep(next);
  }

  correlation(): Float64Array | null {
    return this.F ? Float64Array.from(this.F) : null;
  }

  predictorMatrix(): Float64Array {
    checkAlive(this.label, 'predictorMatrix', this.disposed);
    return Float64Array.from(this.wp.dataSync());
  }

  spectrum(): { s: Float64Array; p: Float64Array } | null {
    return this.s && this.p ? { s: Float64Array.from(this.s), p: Float64Array.from(this.p) } : null;
  }

  private getState(): DirectPredictorState {
    return {
      correlation: this.F ? Array.from(this.F) : null,
      predictor: Array.from(this.wp.dataSync()),
      eigenvalues: this.s ? Array.from(this.s) : null,
      p: this.p ? Array.from(this.p) : null,
      updates: this.count,
    };
  }

  setState(state: unknown): void {
    const op = `${this.label}.setState`;
    checkAlive(this.label, 'setState', this.disposed);
    const st = parseOptions(op, directPredictorStateSchema, state, 'state');
    const d = this.config.dim;
    const check = (key: string, arr: number[] | null, length: number) => {
      if (arr !== null && arr.length !== length) {
        throw new InvalidArgumentError({
          op,
          argument: `state.${key}`,
          expected: `${length} numbers (dim = ${d})`,
          actual: `${arr.length} numbers`,
        });
      }
    };
    check('correlation', st.correlation, d * d);
    check('predictor', st.predictor, d * d);
    check('eigenvalues', st.eigenvalues, d);
    check('p', st.p, d);
    this.F = st.correlation ? Float64Array.from(st.correlation) : null;
    this.s = st.eigenvalues ? Float64Array.from(st.eigenvalues) : null;
    this.p = st.p ? Float64Array.from(st.p) : null;
    this.count = st.updates;
    this.setPredictor(Float32Array.from(st.predictor));
  }

  toJSON(): NetworkJSON {
    checkAlive(this.label, 'toJSON', this.disposed);
    return {
      type: TYPE,
      config: structuredClone(this.config) as unknown as Record<string, unknown>,
      weights: {},
      state: this.getState() as unknown as Record<string, unknown>,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.wp.dispose();
  }
}

/**
 * DirectPred (Tian, Chen & Ganguli 2021; docs/science/non-contrastive.md §3.3): a linear predictor that is *set*, not
 * trained. `update(z)` keeps F̂ ← ρF̂ + (1 − ρ)E[zzᵀ] (F̂ = F_batch at the first call) and every
 * `freq` calls sets W_p = U diag(p) Uᵀ from F̂ = U diag(s) Uᵀ with
 * p_j = max(sqrt(max(s_j, 0)/max_k s_k) + ε, 1e-4) (so the top eigenvalue of W_p is 1 + ε).
 * Eigen-decomposition: core's Jacobi `symmetricEigen` in float64. `variables` is []. W_p = I
 * before the first update.
 */
export function directPredictor(options: DirectPredictorOptions): DirectPredictor {
  return new DirectPredictorImpl(parseOptions(TYPE, directPredictorOptionsSchema, options));
}

/** Rebuilds a DirectPred predictor (F̂, W_p, counters) from `toJSON()` exactly. */
export function directPredictorFromJSON(json: NetworkJSON): DirectPredictor {
  const op = `fromJSON(${TYPE})`;
  checkType(op, json, TYPE);
  const net = new DirectPredictorImpl(parseOptions(op, directPredictorOptionsSchema, json.config, 'json.config'));
  if (json.state !== undefined) net.setState(json.state);
  return net;
}
