import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from './errors';
import type { Rng } from './rng';

/**
 * A drop-in kernel for `Rng.fillNormal`: the same xoshiro128** words and the same polar method,
 * bit for bit (so installing one changes no number anywhere, only the speed). `state` holds the
 * four state words and is advanced in place. `@contrastive/native` provides one.
 */
export type FillNormalKernel = (state: Uint32Array, out: Float32Array | Float64Array, mean: number, std: number) => void;

/** A drop-in kernel for `Rng.fillBernoulli`, bit for bit like `FillNormalKernel`. */
export type FillBernoulliKernel = (state: Uint32Array, out: Float32Array | Float64Array, p: number) => void;

/**
 * Row-major float32 GEMM on plain arrays: C = alpha·op(A)·op(B) + beta·C (BLAS `sgemm`).
 * op(A) is [M, K] (A stored [K, M] when `transA`), op(B) is [K, N] (B stored [N, K] when `transB`).
 */
export type SgemmKernel = (
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  B: Float32Array,
  beta: number,
  C: Float32Array,
) => void;

/**
 * The fused feature-decoupling step of Wen & Li 2021 as a tfjs op: the scalar
 * `infoNCELoss(softThreshold(x1 Wᵀ, b), softThreshold(x2 Wᵀ, b), { temperature: τ, normalize: false })`
 * whose gradient with respect to `weight` is computed in closed form by the kernel.
 *
 * @param x1 [batch, inputDim] view 1 (a constant of the op)
 * @param x2 [batch, inputDim] view 2 (a constant of the op)
 * @param weight W [width, inputDim]
 * @returns scalar loss
 */
export type SymmetricReluInfoNCEKernel = (
  x1: tf.Tensor2D,
  x2: tf.Tensor2D,
  weight: tf.Tensor2D,
  options: { threshold: number; temperature: number },
) => tf.Scalar;

/**
 * One whole plain-SGD training step of that fused loss: the loss at W, then W ← W − lr·∂ℓ/∂W and,
 * with `unitNormRows`, every row of W divided by max(‖w_i‖, 1e-12), rounded exactly as the ops of
 * the tape path on the current backend (`symmetricReluInfoNCE` under `tf.variableGrads`, the plain
 * SGD update `tf.sub(W, tf.mul(g, lr))`, then the network's row renormalisation), so a run gives the
 * same numbers with or without it. The new W goes into a fresh tensor assigned to `weight` (a
 * tensor still holding the old W keeps it). Returns the loss as the tape path's float32 scalar holds
 * it; `weight` is left unchanged when that loss is not finite. Returns undefined, touching nothing,
 * when it cannot reproduce the current backend's rounding (the caller then takes the tape path).
 */
export type SymmetricReluInfoNCEStepKernel = (
  x1: tf.Tensor2D,
  x2: tf.Tensor2D,
  weight: tf.Variable<tf.Rank.R2>,
  options: {
    /** Threshold b ≥ 0 of the symmetric ReLU. */
    threshold: number;
    /** InfoNCE temperature τ > 0. */
    temperature: number;
    /** The SGD step size lr > 0 of this step. */
    learningRate: number;
    /** Rescale every row of W to unit norm after the update (the network's `afterUpdate`). */
    unitNormRows: boolean;
  },
) => number | undefined;

/**
 * What `@contrastive/losses`' SupCon hands a `supCon` kernel: the objective on the view-major
 * contrast matrix (row v·batch + i is view v of sample i), anchors = its first anchorCount·batch rows.
 */
export interface SupConKernelOptions {
  /** Samples per view N. */
  batch: number;
  /** Views per sample V (the contrast matrix has V·N rows, view-major). */
  views: number;
  /** `views` (contrastMode 'all') or 1 ('one'). */
  anchorCount: number;
  /** Positive weights [batch·batch] row-major (`mask[i·batch + j]` weights j as a positive of i), or null. */
  mask: Float32Array | null;
  /** Labels [batch] (positives: equal labels), used when `mask` is null; with neither, SimCLR. */
  labels: Float64Array | null;
  /** Softmax temperature τ. */
  temperature: number;
  /** τ/τ_base. */
  scale: number;
  /** L_out (Eq. 2) or L_in (Eq. 3) of Khosla et al. 2020. */
  variant: 'out' | 'in';
}

/**
 * SupCon (Khosla et al. 2020, HobbitLong/SupContrast with PR #142) as a tfjs op on the contrast
 * matrix, with its gradient w.r.t. `contrast`: the same function as `@contrastive/losses`'
 * composed path, float32 rounding aside.
 *
 * @param contrast [views·batch, dim]
 * @returns scalar loss
 */
export type SupConKernel = (contrast: tf.Tensor2D, options: SupConKernelOptions) => tf.Scalar;

/** What the `sparseCodingSample` kernel draws (`sparseCoding`'s `sample`, docs/science/feature-decoupling.md §1.1). */
export interface SparseCodingSampleOptions {
  /** B, samples to draw. */
  batch: number;
  /** d, atoms. */
  latentDim: number;
  /** d1, observation dimension. */
  ambientDim: number;
  /** k, dense directions (0 = none). */
  denseRank: number;
  /** z_j = −1 when the draw u < half (= p/2 · 2³²). */
  half: number;
  /** z_j = +1 when half ≤ u < full (= p · 2³²), else 0. */
  full: number;
  /** σ of the noise ξ. */
  noiseStd: number;
  /** s of ζ. */
  denseStd: number;
  /** Mᵀ [d, d1]. */
  dictionaryT: tf.Tensor2D;
  /** Hᵀ [k, d1], or null when k = 0. */
  denseBasisT: tf.Tensor2D | null;
}

/**
 * One batch of the sparse-coding model in one call, bit-identical to `sparseCoding`'s tfjs path on
 * the current backend: z (one uint32 draw of `rng` per entry), ξ = fillNormal(B·d1, σ), ζ =
 * fillNormal(B·k, s), dense = ζ Hᵀ (zeros when k = 0), x = (z Mᵀ + ξ) + dense. Returns the four
 * tensors (the caller owns them), or undefined, without drawing, when it cannot reproduce this
 * backend's `tf.matMul` (the caller then takes the tfjs path).
 */
export type SparseCodingSampleKernel = (
  rng: Rng,
  options: SparseCodingSampleOptions,
) =>
  | {
      /** Observations x [B, d1]. */
      x: tf.Tensor2D;
      /** Codes z [B, d]. */
      z: tf.Tensor2D;
      /** Noise ξ [B, d1]. */
      noise: tf.Tensor2D;
      /** Dense part Hζ [B, d1] (zeros when k = 0). */
      dense: tf.Tensor2D;
    }
  | undefined;

/** Every kernel slot of the registry and its signature. A kernel computes the same numbers as the code it replaces. */
export interface KernelSignatures {
  /** `Rng.fillNormal` (≥ 64 values), bit-exact. */
  fillNormal: FillNormalKernel;
  /** `Rng.fillBernoulli` (≥ 64 values), bit-exact. */
  fillBernoulli: FillBernoulliKernel;
  /** A float32 GEMM on plain arrays. */
  sgemm: SgemmKernel;
  /** The fused symmetric-ReLU + InfoNCE step `contrastiveMethod` uses in the Wen & Li setting. */
  symmetricReluInfoNCE: SymmetricReluInfoNCEKernel;
  /** That step with its plain SGD update and row renormalisation, in one call (`contrastiveMethod`'s `fusedSgdStep`). */
  symmetricReluInfoNCEStep: SymmetricReluInfoNCEStepKernel;
  /** `sparseCoding`'s whole `sample` in one call (the data model uses it when registered). */
  sparseCodingSample: SparseCodingSampleKernel;
  /** SupCon / NT-Xent forward and backward (`supConLoss`, `ntXentLoss` use it when registered). */
  supCon: SupConKernel;
}

/** Name of a kernel slot of the registry (`registerKernel`, `getKernel`). */
export type KernelName = keyof KernelSignatures;

const KERNEL_NAMES: readonly KernelName[] = [
  'fillNormal',
  'fillBernoulli',
  'sgemm',
  'symmetricReluInfoNCE',
  'symmetricReluInfoNCEStep',
  'sparseCodingSample',
  'supCon',
];

/** A registered kernel and who provided it (for messages, e.g. '@contrastive/native (avx512)'). */
interface Entry {
  kernel: unknown;
  provider: string;
}

/**
 * One registry per JavaScript realm (thread), shared by every copy of this module: an app bundle
 * that inlines @contrastive/core and a plugin loaded from node_modules (e.g. by `selectBackend`'s
 * dynamic import) must see the same kernels, as tfjs keeps one engine on the global object.
 * A plain object, not a Map: `Rng.fillNormal` reads its slot on every call.
 */
const registry: { [K in KernelName]?: Entry } = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('@contrastive/core/kernel-registry')
] ??= {}) as {
  [K in KernelName]?: Entry;
};

function checkName(op: string, name: unknown): asserts name is KernelName {
  if (!KERNEL_NAMES.includes(name as KernelName)) {
    throw new InvalidArgumentError({ op, argument: 'name', expected: `one of ${KERNEL_NAMES.join(', ')}`, actual: name });
  }
}

/**
 * Installs `kernel` in the slot `name` for this thread (module instance), replacing what was
 * there. Returns the previous kernel. Plugins such as `@contrastive/native`'s `useNativeKernels()`
 * call this; libraries look kernels up with `getKernel` and fall back to tfjs/JavaScript without one.
 *
 * @example registerKernel('fillNormal', myFillNormal, { provider: 'my-plugin' })
 */
export function registerKernel<K extends KernelName>(
  name: K,
  kernel: KernelSignatures[K],
  options: { provider?: string } = {},
): KernelSignatures[K] | undefined {
  checkName('registerKernel', name);
  if (typeof kernel !== 'function') {
    throw new InvalidArgumentError({ op: 'registerKernel', argument: 'kernel', expected: 'a function', actual: kernel });
  }
  const previous = registry[name]?.kernel as KernelSignatures[K] | undefined;
  registry[name] = { kernel, provider: options.provider ?? 'user' };
  return previous;
}

/** The kernel registered under `name`, or `undefined` (then use the tfjs/JavaScript path). */
export function getKernel<K extends KernelName>(name: K): KernelSignatures[K] | undefined {
  return registry[name]?.kernel as KernelSignatures[K] | undefined;
}

/** Removes the kernel of slot `name`. Returns it (or `undefined` when the slot was empty). */
export function unregisterKernel<K extends KernelName>(name: K): KernelSignatures[K] | undefined {
  checkName('unregisterKernel', name);
  const previous = registry[name]?.kernel as KernelSignatures[K] | undefined;
  delete registry[name];
  return previous;
}

/** The occupied slots and their providers, e.g. `{ sgemm: '@contrastive/native (avx512)' }`. */
export function registeredKernels(): Partial<Record<KernelName, string>> {
  const out: Partial<Record<KernelName, string>> = {};
  for (const name of KERNEL_NAMES) if (registry[name]) out[name] = registry[name].provider;
  return out;
}
