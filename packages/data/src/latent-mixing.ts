import * as tf from '@tensorflow/tfjs-core';
import {
  assertShape,
  createRng,
  type HasRecoverableLatents,
  InvalidArgumentError,
  type PairedDataModel,
  parseOptions,
  type Rng,
  type Sample,
  seedSchema,
} from '@contrastive/core';
import * as z from 'zod/mini';
import { keptTensor2d, transposeToFloat32 } from './dictionary';
import { buildInvertibleMlp } from './invertible-mlp';
import { checkAlive, checkBatchSize, invalidOption } from './model-utils';

/** The options of `latentMixing(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const latentMixingOptionsSchema = z.strictObject({
  /**
   * n: dimension of the latents z and of the observations x = g(z). Default 10 (main_mlp.py).
   * Construction costs ~(conditionPool + layers·draws) Jacobi solves of n×n, fine up to n ≈ 30.
   */
  dim: z._default(z.int().check(z.positive()), 10),
  /** Lower edge of the latent box [boxMin, boxMax]^n. Default 0. */
  boxMin: z._default(z.number(), 0),
  /** Upper edge of the latent box. Default 1. */
  boxMax: z._default(z.number(), 1),
  /**
   * Marginal p(z): 'uniform' on the box (main_mlp.py default, `--m-p 0`), or 'normal' around the
   * box centre with std `marginalScale`, truncated to the box by rejection.
   */
  marginal: z._default(z.enum(['uniform', 'normal']), 'uniform'),
  /** Std of the 'normal' marginal (ignored for 'uniform'). Default 1. */
  marginalScale: z._default(z.number().check(z.positive()), 1),
  /**
   * Positive-pair conditional p(z̃ | z): 'normal' N(z, s²I) (`--c-p 2`, default) or 'laplace'
   * with scale s (`--c-p 1`), truncated to the box by per-coordinate rejection as in cl-ica.
   */
  conditional: z._default(z.enum(['normal', 'laplace']), 'normal'),
  /** s, the conditional's std (normal) or scale (laplace). Default 0.05 (`--c-param`). */
  conditionalScale: z._default(z.number().check(z.positive()), 0.05),
  /** Layers of the mixing MLP g (square, no bias, leaky ReLU between layers). Default 3. */
  mixingLayers: z._default(z.int().check(z.gte(1)), 3),
  /** Negative slope of the leaky ReLUs of g. Default 0.2 (cl-ica). */
  negativeSlope: z._default(z.number().check(z.positive(), z.lte(1)), 0.2),
  /**
   * Random matrices in the pool that sets the condition-number threshold. cl-ica uses 25000; 1000
   * keeps construction fast in JS (each candidate costs one n×n Jacobi eigen-solve).
   * Default 1000.
   */
  conditionPool: z._default(z.int().check(z.positive()), 1000),
  /**
   * Quantile of the pool's condition numbers used as the acceptance threshold. 0 = the pool
   * minimum (main_mlp.py: `cond_thresh_ratio=0.0`); each layer then takes ~pool draws.
   * Default 0.
   */
  conditionQuantile: z._default(z.number().check(z.gte(0), z.lte(1)), 0),
  /** Seed of the mixing weights and of the model's own sampling stream. Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `latentMixing` (the input of its schema: a field with a default may be omitted). */
export type LatentMixingOptions = z.input<typeof latentMixingOptionsSchema>;
/** The options of `latentMixing` with every default filled in (the augmentation's or model's `options`). */
export type LatentMixingResolvedOptions = z.output<typeof latentMixingOptionsSchema>;

export interface LatentMixingSample extends Sample {
  /** Observations x = g(z) [batch, n]. */
  x: tf.Tensor2D;
  /** Latents [batch, n]. */
  z: tf.Tensor2D;
}

export interface LatentMixingPair extends LatentMixingSample {
  /** g(z̃) [batch, n]. */
  xPositive: tf.Tensor2D;
  /** z̃ ~ p(· | z) [batch, n]. */
  zPositive: tf.Tensor2D;
}

export interface LatentMixingModel extends PairedDataModel<LatentMixingSample, LatentMixingPair>, HasRecoverableLatents {
  /** Always `latentMixing`. */
  readonly name: 'latentMixing';
  /** 'z': the latents an ideal encoder recovers (scored by R² and MCC). */
  readonly latentKey: 'z';
  /** Resolved options (defaults applied). */
  readonly options: LatentMixingResolvedOptions;
  /** n. */
  readonly inputDim: number;
  /** Dimension of the latents z. */
  readonly latentDim: number;
  /** σ_max/σ_min of each mixing layer. */
  readonly conditionNumbers: readonly number[];
  /** Acceptance threshold the layers satisfy. */
  readonly conditionThreshold: number;
  /** Fresh float64 copies of the layer weights, row-major [n, n] (out × in: h ↦ W h). */
  mixingWeights(): Float64Array[];
  /** g: z [batch, n] ↦ x [batch, n]. Caller owns the result. */
  mix(z: tf.Tensor2D): tf.Tensor2D;
  /** g⁻¹: x [batch, n] ↦ z [batch, n] (exact up to float32 rounding). Caller owns the result. */
  invert(x: tf.Tensor2D): tf.Tensor2D;
  /** Draws z from the marginal (B·n draws, row-major) and returns { x: g(z), z }. */
  sample(batchSize: number, rng?: Rng): LatentMixingSample;
  /** Draws z from the marginal, then z̃ ~ p(· | z) per coordinate; returns both and their images. */
  samplePair(batchSize: number, rng?: Rng): LatentMixingPair;
}

/**
 * The toy generative process of Zimmermann et al. 2021 (docs/science/latent-recovery.md §5.2; cl-ica `main_mlp.py`):
 * latents in a box with a uniform marginal, positive pairs from a (truncated) normal or Laplace
 * conditional, and observations x = g(z) through a frozen invertible MLP
 * g = W_L ∘ lrelu ∘ … ∘ lrelu ∘ W_1 whose layers are U(−1, 1) matrices with unit columns and a
 * bounded condition number. `invert` applies g⁻¹, the ideal encoder (R² = 1).
 */
export function latentMixing(options: LatentMixingOptions = {}): LatentMixingModel {
  const op = 'latentMixing';
  const o = parseOptions(op, latentMixingOptionsSchema, options);
  const { dim: n, boxMin: lo, boxMax: hi, negativeSlope: alpha } = o;
  if (!(lo < hi)) invalidOption(op, 'boxMax', `> boxMin (${lo})`, hi);
  const mlp = buildInvertibleMlp(createRng(o.seed).fork('mixing'), n, o.mixingLayers, o.conditionPool, o.conditionQuantile);
  // Row-vector form: h ↦ h Wᵀ and h ↦ h W⁻ᵀ; the transposes are stored so matMul needs no flags.
  const forward = mlp.weights.map((w) => keptTensor2d(transposeToFloat32(w, n, n), [n, n]));
  const backward = mlp.inverses.map((w) => keptTensor2d(transposeToFloat32(w, n, n), [n, n]));
  const own = createRng(o.seed).fork('samples');
  let disposed = false;

  const checkInput = (fn: string, name: string, t: tf.Tensor2D) => {
    checkAlive(fn, disposed);
    assertShape(fn, name, t, [null, n]);
    if (t.dtype !== 'float32') throw new InvalidArgumentError({ op: fn, argument: name, expected: 'a float32 tensor', actual: t.dtype });
  };
  const applyMix = (z: tf.Tensor2D) =>
    tf.tidy(() => {
      let h = z;
      forward.forEach((w, l) => {
        h = tf.matMul(h, w);
        if (l < forward.length - 1) h = tf.leakyRelu(h, alpha);
      });
      return h;
    });

  const marginal = (r: Rng, count: number): Float32Array => {
    if (o.marginal === 'uniform') return r.fillUniform(new Float32Array(count), lo, hi);
    const out = new Float32Array(count);
    const centre = (lo + hi) / 2;
    for (let i = 0; i < count; i++) out[i] = truncated(() => r.normal(centre, o.marginalScale), lo, hi);
    return out;
  };
  const conditional = (r: Rng, zv: Float32Array): Float32Array => {
    const s = o.conditionalScale;
    const draw = o.conditional === 'normal' ? () => r.normal(0, s) : () => laplace(r, s);
    const out = new Float32Array(zv.length);
    for (let i = 0; i < zv.length; i++) out[i] = truncated(() => zv[i]! + draw(), lo, hi);
    return out;
  };

  return {
    name: 'latentMixing',
    options: o,
    inputDim: n,
    latentDim: n,
    latentKey: 'z',
    conditionNumbers: mlp.conditionNumbers,
    conditionThreshold: mlp.conditionThreshold,
    mixingWeights: () => mlp.weights.map((w) => w.slice()),
    mix(z) {
      checkInput(`${op}.mix`, 'z', z);
      return applyMix(z);
    },
    invert(x) {
      checkInput(`${op}.invert`, 'x', x);
      return tf.tidy(() => {
        let h = x;
        for (let l = backward.length - 1; l >= 0; l--) {
          h = tf.matMul(h, backward[l]!);
          // Leaky ReLU with slope α is inverted by a leaky ReLU with slope 1/α.
          if (l > 0) h = tf.leakyRelu(h, 1 / alpha);
        }
        return h;
      });
    },
    sample(batchSize, rng) {
      checkAlive(`${op}.sample`, disposed);
      checkBatchSize(`${op}.sample`, batchSize);
      const zv = marginal(rng ?? own, batchSize * n);
      return tf.tidy(() => {
        const z = tf.tensor2d(zv, [batchSize, n]);
        return { x: applyMix(z), z };
      });
    },
    samplePair(batchSize, rng) {
      checkAlive(`${op}.samplePair`, disposed);
      checkBatchSize(`${op}.samplePair`, batchSize);
      const r = rng ?? own;
      const zv = marginal(r, batchSize * n);
      const zp = conditional(r, zv);
      return tf.tidy(() => {
        const z = tf.tensor2d(zv, [batchSize, n]);
        const zPositive = tf.tensor2d(zp, [batchSize, n]);
        return { x: applyMix(z), z, xPositive: applyMix(zPositive), zPositive };
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose([...forward, ...backward]);
    },
  };
}

/**
 * Redraws until the value lies in [lo, hi] (cl-ica `truncated_rejection_resampling`, per
 * coordinate). For the conditional the centre lies in the box and the noise is symmetric, so each
 * draw is accepted with probability ≥ ½.
 */
function truncated(draw: () => number, lo: number, hi: number): number {
  for (;;) {
    const v = draw();
    // Rounding to float32 must not push a value out of the box.
    const f = Math.fround(v);
    if (f >= lo && f <= hi) return f;
  }
}

/** Laplace(0, b) by inversion of the CDF. */
function laplace(r: Rng, b: number): number {
  const u = r.uniform(-0.5, 0.5);
  return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}
