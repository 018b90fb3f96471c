import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from '@contrastive/core';
import * as z from 'zod/mini';
import { makeVariable, uniqueVariableName } from './serialization';

/**
 * A backend may provide a fused training-mode batch norm under these kernel names (e.g.
 * `@contrastive/native` on wasm): inputs `{ x [..., C], gamma, beta }`, attrs `{ eps, relu }` →
 * `[y, xhat, mean, biased variance, invStd]` (y after the ReLU when `relu`), and its gradient
 * `{ dy, xhat, gamma, invStd, y? }` (y: the output, whose mask y > 0 a ReLU applies) →
 * `[dx, dgamma, dbeta]`. Used when both are registered for the active backend.
 */
export const FUSED_BATCH_NORM = 'ContrastiveBatchNormTrain';
/** Kernel name of the fused training-mode batch-norm gradient (registered with `FUSED_BATCH_NORM`). */
export const FUSED_BATCH_NORM_GRAD = 'ContrastiveBatchNormTrainGrad';

/** PyTorch's BatchNorm momentum: running ← (1 − m)·running + m·batch statistic. */
export const BATCH_NORM_MOMENTUM = 0.1;

/** Running statistics of one batch-norm layer, as saved in `toJSON().state` (exact float32 values). */
export const batchNormStateSchema = z.strictObject({
  /** Running mean per feature/channel (starts at 0). */
  runningMean: z.array(z.number()),
  /** Running unbiased variance per feature/channel (starts at 1). */
  runningVar: z.array(z.number()),
  /** Number of training-mode batches seen (PyTorch's `num_batches_tracked`). */
  numBatchesTracked: z.int().check(z.gte(0)),
});
/** Running statistics of a batch-norm layer, as checkpointed. */
export type BatchNormState = z.output<typeof batchNormStateSchema>;

/**
 * A batch-norm layer over the last axis: `BatchNorm1d` for [batch, features] and `BatchNorm2d`
 * for NHWC images [batch, h, w, channels], with PyTorch's semantics.
 *
 * - training: y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch mean μ_B and the biased variance σ²_B
 *   over every axis but the last, and the running statistics are updated in place:
 *   mean ← (1 − m)·mean + m·μ_B, var ← (1 − m)·var + m·σ²_B·n/(n − 1) (unbiased; n values per channel).
 * - eval: y = γ·(x − mean)/√(var + ε) + β with the running statistics.
 */
export interface BatchNorm {
  /** Channels normalised (the last axis). */
  readonly numFeatures: number;
  /** Scale γ [numFeatures] (trainable). */
  readonly gamma: tf.Variable<tf.Rank.R1>;
  /** Shift β [numFeatures] (trainable). */
  readonly beta: tf.Variable<tf.Rank.R1>;
  /** Running mean [numFeatures] (not trainable: not in a network's `variables`). */
  readonly runningMean: tf.Variable<tf.Rank.R1>;
  /** Running unbiased variance [numFeatures] (not trainable). */
  readonly runningVar: tf.Variable<tf.Rank.R1>;
  /** Training batches seen (PyTorch's `num_batches_tracked`). */
  readonly numBatchesTracked: number;
  /**
   * x [..., numFeatures] → same shape; updates the running statistics when `training`. `relu`
   * (default false) applies a ReLU after it, fused into the backend's kernel when it has one.
   */
  apply(x: tf.Tensor, training: boolean, relu?: boolean): tf.Tensor;
  /** The running statistics, for checkpoints. */
  getState(): BatchNormState;
  /** Restores running statistics (checked against `numFeatures`; errors name `op` and `argument`). */
  setState(state: BatchNormState, op?: string, argument?: string): void;
  /** Frees the layer's variables. */
  dispose(): void;
}

/** How to build a batch-norm layer (`createBatchNorm`). */
export interface BatchNormConfig {
  /** Channels (last axis). */
  numFeatures: number;
  /** Variable-name prefix, e.g. `encoder/bn0`. */
  name: string;
  /** Default 0.1 (PyTorch). */
  momentum?: number;
  /** Default 1e-5 (PyTorch). */
  eps?: number;
  /** Initial γ, β (default 1, 0). */
  gamma?: Float32Array;
  /** Initial shift β (default zeros). */
  beta?: Float32Array;
  /** Label used in errors, e.g. `convNet('encoder')`. */
  label?: string;
}

/** Creates a batch-norm layer (see `BatchNorm`); γ, β are trainable variables `<name>/gamma`, `<name>/beta`. */
export function createBatchNorm(config: BatchNormConfig): BatchNorm {
  const { numFeatures: c, name } = config;
  const momentum = config.momentum ?? BATCH_NORM_MOMENTUM;
  const eps = config.eps ?? 1e-5;
  const label = config.label ?? 'batchNorm';
  const gamma = makeVariable<tf.Rank.R1>(name, 'gamma', config.gamma ?? new Float32Array(c).fill(1), [c]);
  const beta = makeVariable<tf.Rank.R1>(name, 'beta', config.beta ?? new Float32Array(c), [c]);
  // tidy frees the filled initial value (the variable keeps its own copy).
  const stat = (key: string, fill: number) =>
    tf.tidy(() => tf.variable(tf.fill([c], fill), false, uniqueVariableName(`${name}/${key}`)) as tf.Variable<tf.Rank.R1>);
  const runningMean = stat('runningMean', 0);
  const runningVar = stat('runningVar', 1);
  let tracked = 0;

  /** Running statistics ← (1 − m)·running + m·batch (variance made unbiased with n/(n − 1)). */
  const updateRunning = (mean: tf.Tensor, variance: tf.Tensor, n: number) => {
    tf.tidy(() => {
      runningMean.assign(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(mean, momentum)) as tf.Tensor1D);
      runningVar.assign(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(variance, (momentum * n) / (n - 1))) as tf.Tensor1D);
    });
    tracked++;
  };

  /** Training mode through the backend's fused kernel (same function as the composed ops below, float32 rounding aside). */
  const fusedTrain = (x: tf.Tensor, n: number, relu: boolean): tf.Tensor => {
    const normalise = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [xi, g, bt, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      const outs = tf.engine().runKernel(FUSED_BATCH_NORM, { x: xi, gamma: g, beta: bt }, { eps, relu }) as tf.Tensor[];
      const [y, xhat, mean, variance, invStd] = outs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      updateRunning(mean, variance, n);
      tf.dispose([mean, variance]);
      save(relu ? [xhat, invStd, g, y] : [xhat, invStd, g]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xh, is, gs, out] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor | undefined];
          const inputs = { dy, xhat: xh, gamma: gs, invStd: is, ...(out ? { y: out } : {}) };
          return tf.engine().runKernel(FUSED_BATCH_NORM_GRAD, inputs) as tf.Tensor[];
        },
      };
    });
    return normalise(x, gamma, beta);
  };

  const bn: BatchNorm = {
    numFeatures: c,
    gamma,
    beta,
    runningMean,
    runningVar,
    get numBatchesTracked() {
      return tracked;
    },
    apply(x: tf.Tensor, training: boolean, relu = false): tf.Tensor {
      if (x.shape[x.rank - 1] !== c) {
        throw new ShapeMismatchError({ op: `${label}.apply`, argument: `${name} input`, expected: `[..., ${c}]`, actual: x.shape });
      }
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      if (!training) {
        return tf.tidy(() => {
          const y = tf.add(tf.mul(tf.div(tf.sub(x, runningMean), tf.sqrt(tf.add(runningVar, eps))), gamma), beta);
          return relu ? tf.relu(y) : y;
        });
      }
      const n = x.size / c;
      if (n < 2) {
        throw new InvalidArgumentError({
          op: `${label}.apply`,
          argument: 'x',
          expected:
            'more than one value per channel in training mode (batch norm uses batch statistics; use setTraining(false) for single images)',
          actual: `shape [${x.shape.join(', ')}]`,
        });
      }
      if (
        tf.getKernel(FUSED_BATCH_NORM, tf.getBackend()) &&
        tf.getKernel(FUSED_BATCH_NORM_GRAD, tf.getBackend()) &&
        x.dtype === 'float32'
      ) {
        return fusedTrain(x, n, relu);
      }
      return tf.tidy(() => {
        const { mean, variance } = tf.moments(x, axes);
        updateRunning(mean, variance, n);
        // The closed-form batch-norm gradient (Ioffe & Szegedy 2015, §3) in ~7 passes over x, where
        // autodiff through moments takes ~3× more (the dominant cost of a conv step on wasm):
        // dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy (sums over all but channels).
        const normalise = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
          const [xi, g, bt, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
          const invStd = tf.rsqrt(tf.add(variance, eps));
          const xhat = tf.mul(tf.sub(xi, mean), invStd);
          save([xhat, invStd, g]);
          return {
            value: tf.add(tf.mul(xhat, g), bt),
            gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
              const [xh, is, gs] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
              const dBeta = tf.sum(dy, axes);
              const dGamma = tf.sum(tf.mul(dy, xh), axes);
              const centred = tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(xh, tf.div(dGamma, n)));
              return [tf.mul(centred, tf.mul(gs, is)), dGamma, dBeta];
            },
          };
        });
        const y = normalise(x, gamma, beta);
        return relu ? tf.relu(y) : y;
      });
    },
    getState(): BatchNormState {
      return { runningMean: Array.from(runningMean.dataSync()), runningVar: Array.from(runningVar.dataSync()), numBatchesTracked: tracked };
    },
    setState(state: BatchNormState, op = `${label}.setState`, argument = 'state'): void {
      for (const key of ['runningMean', 'runningVar'] as const) {
        const values = state[key];
        if (values.length !== c || values.some((v) => !Number.isFinite(v))) {
          throw new InvalidArgumentError({
            op,
            argument: `${argument}.${key}`,
            expected: `${c} finite numbers`,
            actual: `${values.length} values`,
          });
        }
      }
      const [m, v] = [tf.tensor1d(state.runningMean), tf.tensor1d(state.runningVar)];
      runningMean.assign(m);
      runningVar.assign(v);
      tf.dispose([m, v]);
      tracked = state.numBatchesTracked;
    },
    dispose(): void {
      tf.dispose([gamma, beta, runningMean, runningVar]);
    },
  };
  return bn;
}
