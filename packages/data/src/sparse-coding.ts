import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  type DataModel,
  filledTensor,
  getKernel,
  type HasDictionary,
  parseOptions,
  type Rng,
  type Sample,
  seedSchema,
} from '@contrastive/core';
import * as z from 'zod/mini';
import { buildDictionary, keptTensor2d, transposeToFloat32 } from './dictionary';
import { checkAlive, checkBatchSize, invalidOption } from './model-utils';

const TWO_POW_32 = 4294967296;

/** The options of `sparseCoding(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const sparseCodingOptionsSchema = z.strictObject({
  /** d1: dimension of an observation x. Default 256 (docs/science/feature-decoupling.md §1.1 proposal). */
  ambientDim: z._default(z.int().check(z.positive()), 256),
  /** d: number of dictionary atoms (latent dimension); d + denseRank ≤ d1. Default 32. */
  latentDim: z._default(z.int().check(z.positive()), 32),
  /**
   * p = P(z_j ≠ 0); a nonzero z_j is ±1 with equal probability (P(±1) = p/2). Default 0.1
   * (docs/science/feature-decoupling.md §1.1; the literal Θ(log log d / d) is `Math.log(Math.log(d)) / d`).
   */
  sparsity: z._default(z.number().check(z.gte(0), z.lte(1)), 0.1),
  /**
   * r = E‖ξ‖² / E‖Mz‖², the isotropic-noise to signal energy ratio: σ² = r·p·d/d1 per coordinate.
   * Default 4 (the docs/science/feature-decoupling.md §1.7 regression row).
   */
  noiseToSignal: z._default(z.number().check(z.gte(0)), 4),
  /** k: rank of the structured dense part Hζ (0 = none); H ⟂ span(M). Default 0. */
  denseRank: z._default(z.int().check(z.gte(0)), 0),
  /**
   * Standard deviation of each coordinate of ζ ~ N(0, s²I_k), so E‖Hζ‖² = k·s² and a dense
   * direction H_i carries variance s² (an atom carries p). Default 1: dense features dominate.
   */
  denseScale: z._default(z.number().check(z.gte(0)), 1),
  /** Seed of the ground truth (M, H) and of the model's own sampling stream. Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `sparseCoding` (the input of its schema: a field with a default may be omitted). */
export type SparseCodingOptions = z.input<typeof sparseCodingOptionsSchema>;
/** The options of `sparseCoding` with every default filled in (the augmentation's or model's `options`). */
export type SparseCodingResolvedOptions = z.output<typeof sparseCodingOptionsSchema>;

/** One batch of sparse-coding data with its ground truth; x = z Mᵀ + noise + dense. */
export interface SparseCodingSample extends Sample {
  /** Observations [batch, d1]. */
  x: tf.Tensor2D;
  /** Sparse codes z ∈ {−1, 0, +1} [batch, d]. */
  z: tf.Tensor2D;
  /** Isotropic noise ξ [batch, d1]. */
  noise: tf.Tensor2D;
  /** Structured dense part Hζ [batch, d1] (zeros when denseRank = 0). */
  dense: tf.Tensor2D;
}

/** The sparse-coding data model of Wen & Li 2021 (docs/science/feature-decoupling.md §1.1), with its ground truth. */
export interface SparseCodingModel extends DataModel<SparseCodingSample>, HasDictionary {
  /** Always `sparseCoding`. */
  readonly name: 'sparseCoding';
  /** Resolved options (defaults applied). */
  readonly options: SparseCodingResolvedOptions;
  /** d1. */
  readonly inputDim: number;
  /** d. */
  readonly latentDim: number;
  /** k. */
  readonly denseRank: number;
  /** σ, the std of each noise coordinate: σ² = r·p·d/d1. Thresholds are set in units of σ. */
  readonly noiseStd: number;
  /** s, the std of each ζ coordinate (0 when denseRank = 0). */
  readonly denseStd: number;
  /** E‖Mz‖² = p·d. */
  readonly signalEnergy: number;
  /** M [d1, d], orthonormal columns. Owned by the model: freed by `dispose()`, do not dispose it. */
  readonly dictionary: tf.Tensor2D;
  /** H [d1, k], orthonormal columns ⟂ M, or `null` when denseRank = 0. Owned by the model. */
  readonly denseBasis: tf.Tensor2D | null;
  /** A fresh float64 copy of M, row-major [d1, d]. */
  dictionaryValues(): Float64Array;
  /** A fresh float64 copy of H, row-major [d1, k]. */
  denseBasisValues(): Float64Array;
  /**
   * Draws `batchSize` samples. Stream use (so a checkpointed rng reproduces it): z (one uint32 per
   * entry, row-major), then ξ (`fillNormal`, B·d1), then ζ (`fillNormal`, B·k) if k > 0.
   * The caller owns the returned tensors.
   */
  sample(batchSize: number, rng?: Rng): SparseCodingSample;
}

/**
 * Sparse coding with dense noise (Wen & Li 2021; docs/science/feature-decoupling.md §1.1):
 * x = M z + ξ + H ζ, M ∈ R^{d1×d} column-orthonormal, z_j ∈ {−1,0,+1} i.i.d. with P(±1) = p/2,
 * ξ ~ N(0, σ²I) with σ² = r·p·d/d1, and an optional structured dense part Hζ (H ⟂ M,
 * ζ ~ N(0, s²I_k)) that coordinate masking cannot decouple (the analogue of colour).
 *
 * @example
 * const data = sparseCoding({ ambientDim: 512, latentDim: 64, sparsity: 0.1, noiseToSignal: 4, seed: 0 });
 * const { x, z } = data.sample(256); // x [256, 512], z [256, 64]
 */
export function sparseCoding(options: SparseCodingOptions = {}): SparseCodingModel {
  const op = 'sparseCoding';
  const o = parseOptions(op, sparseCodingOptionsSchema, options);
  const { ambientDim: d1, latentDim: d, denseRank: k, sparsity: p } = o;
  if (d > d1) invalidOption(op, 'latentDim', `≤ ambientDim (${d1})`, d);
  if (d + k > d1) invalidOption(op, 'denseRank', `≤ ambientDim − latentDim (${d1 - d})`, k);

  const { m, h } = buildDictionary(o.seed, d1, d, k);
  const noiseStd = Math.sqrt((o.noiseToSignal * p * d) / d1);
  const denseStd = k > 0 ? o.denseScale : 0;
  // Stored transposed ([d, d1], [k, d1]) so sampling is a plain matMul (transposed flags are slow on wasm).
  const mT = keptTensor2d(transposeToFloat32(m, d1, d), [d, d1]);
  const hT = k > 0 ? keptTensor2d(transposeToFloat32(h, d1, k), [k, d1]) : null;
  const dictionary = keptTensor2d(m, [d1, d]);
  const denseBasis = k > 0 ? keptTensor2d(h, [d1, k]) : null;
  const own = createRng(o.seed).fork('samples');
  const half = (p / 2) * TWO_POW_32;
  const full = p * TWO_POW_32;
  let disposed = false;

  return {
    name: 'sparseCoding',
    options: o,
    inputDim: d1,
    latentDim: d,
    denseRank: k,
    noiseStd,
    denseStd,
    signalEnergy: p * d,
    dictionary,
    denseBasis,
    dictionaryValues: () => m.slice(),
    denseBasisValues: () => h.slice(),
    sample(batchSize, rng) {
      checkAlive(`${op}.sample`, disposed);
      checkBatchSize(`${op}.sample`, batchSize);
      const r = rng ?? own;
      // The registry's native sampler when one is registered and can match this backend's rounding
      // (the same draws and bits, in one call); else the tfjs path below.
      const fused = getKernel('sparseCodingSample')?.(r, {
        batch: batchSize,
        latentDim: d,
        ambientDim: d1,
        denseRank: k,
        half,
        full,
        noiseStd,
        denseStd,
        dictionaryT: mT,
        denseBasisT: hT,
      });
      if (fused) return fused;
      // Drawn in the order z, ξ, ζ, each straight into its tensor (filledTensor: in place in the
      // wasm heap, no JavaScript array to collect); the same values as filling arrays first.
      return tf.tidy(() => {
        const z = filledTensor<tf.Rank.R2>([batchSize, d], (zv) => {
          for (let i = 0; i < zv.length; i++) {
            const u = r.nextUint32();
            zv[i] = u < half ? -1 : u < full ? 1 : 0;
          }
        });
        const noise = filledTensor<tf.Rank.R2>([batchSize, d1], (out) => r.fillNormal(out, 0, noiseStd));
        const zeta = k > 0 ? filledTensor<tf.Rank.R2>([batchSize, k], (out) => r.fillNormal(out, 0, denseStd)) : null;
        const dense: tf.Tensor2D = zeta && hT ? tf.matMul(zeta, hT) : filledTensor<tf.Rank.R2>([batchSize, d1], (out) => out.fill(0));
        const signalPlusNoise: tf.Tensor2D = tf.add(tf.matMul(z, mT), noise);
        const x: tf.Tensor2D = zeta ? tf.add(signalPlusNoise, dense) : signalPlusNoise;
        return { x, z, noise, dense };
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose([mT, dictionary, ...(hT ? [hT] : []), ...(denseBasis ? [denseBasis] : [])]);
    },
  };
}
