import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  type DataModel,
  type HasDictionary,
  type HasLabels,
  parseOptions,
  type Rng,
  type Sample,
  seedSchema,
} from '@contrastive/core';
import * as z from 'zod/mini';
import { buildDictionary, keptTensor2d, transposeToFloat32 } from './dictionary';
import { checkAlive, checkBatchSize, invalidOption } from './model-utils';

const TWO_POW_32 = 4294967296;

/** The options of `labeledSparseCoding(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const labeledSparseCodingOptionsSchema = z.strictObject({
  /** d1: dimension of an observation x. Default 256. */
  ambientDim: z._default(z.int().check(z.positive()), 256),
  /** d: number of atoms; they are split into `numClasses` contiguous groups of ⌊d/C⌋ or ⌈d/C⌉. Default 32. */
  latentDim: z._default(z.int().check(z.positive()), 32),
  /** C: number of classes (2 ≤ C ≤ d). Default 4. */
  numClasses: z._default(z.int().check(z.gte(2)), 4),
  /** P(z_j ≠ 0) for the atoms of the sample's own class group (each nonzero is ±1, equally likely). Default 0.3. */
  sparsity: z._default(z.number().check(z.gte(0), z.lte(1)), 0.3),
  /** P(z_j ≠ 0) for atoms of the other groups (≤ sparsity): clutter shared by every class. Default 0.02. */
  offClassSparsity: z._default(z.number().check(z.gte(0), z.lte(1)), 0.02),
  /** r = E‖ξ‖² / E‖Mz‖² (expectation over the uniform class prior): σ² = r·E‖Mz‖²/d1. Default 4. */
  noiseToSignal: z._default(z.number().check(z.gte(0)), 4),
  /** Seed of the dictionary and of the model's own sampling stream. Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `labeledSparseCoding` (the input of its schema: a field with a default may be omitted). */
export type LabeledSparseCodingOptions = z.input<typeof labeledSparseCodingOptionsSchema>;
/** The options of `labeledSparseCoding` with every default filled in (the augmentation's or model's `options`). */
export type LabeledSparseCodingResolvedOptions = z.output<typeof labeledSparseCodingOptionsSchema>;

export interface LabeledSparseCodingSample extends Sample {
  /** Observations [batch, d1]: x = z Mᵀ + noise. */
  x: tf.Tensor2D;
  /** Sparse codes z ∈ {−1, 0, +1} [batch, d]. */
  z: tf.Tensor2D;
  /** Isotropic noise ξ [batch, d1]. */
  noise: tf.Tensor2D;
  /** Class of each sample [batch], int32 in [0, C). */
  labels: tf.Tensor1D;
}

export interface LabeledSparseCodingModel extends DataModel<LabeledSparseCodingSample>, HasDictionary, HasLabels {
  /** Always `labeledSparseCoding`. */
  readonly name: 'labeledSparseCoding';
  readonly labelKey: 'labels';
  /** Resolved options (defaults applied). */
  readonly options: LabeledSparseCodingResolvedOptions;
  readonly inputDim: number;
  /** Number of atoms d. */
  readonly latentDim: number;
  /** Number of classes. */
  readonly numClasses: number;
  /** σ, std of each noise coordinate. */
  readonly noiseStd: number;
  /** E‖Mz‖² averaged over classes. */
  readonly signalEnergy: number;
  /** M [d1, d]. Owned by the model: freed by `dispose()`. */
  readonly dictionary: tf.Tensor2D;
  /** Always null (no structured dense part); present so generic code can test it. */
  readonly denseBasis: null;
  /** Class group of each atom [d] (a fresh copy): atom j belongs to class ⌊j·C/d⌋. */
  atomClasses(): Int32Array;
  /** A fresh float64 copy of M, row-major [d1, d]. */
  dictionaryValues(): Float64Array;
  /**
   * Draws `batchSize` samples: per sample, its label (`rng.int(C)`, i.i.d. uniform, so batches
   * are not exactly balanced) then its code row; then the noise (`fillNormal`, B·d1).
   */
  sample(batchSize: number, rng?: Rng): LabeledSparseCodingSample;
}

/**
 * Labeled sparse coding, for supervised contrastive learning (SupCon, Khosla et al. 2020): the
 * atoms are split into C groups and a sample of class c activates the atoms of group c with
 * probability `sparsity` and every other atom with probability `offClassSparsity`. The label is
 * therefore a property of *groups* of atoms that no augmentation exposes (masking keeps single
 * atoms): SupCon can pull same-class samples together while SimCLR only sees instances.
 * Dictionary and noise are as in `sparseCoding` (same seed ⇒ same M as `sparseCoding`).
 */
export function labeledSparseCoding(options: LabeledSparseCodingOptions = {}): LabeledSparseCodingModel {
  const op = 'labeledSparseCoding';
  const o = parseOptions(op, labeledSparseCodingOptionsSchema, options);
  const { ambientDim: d1, latentDim: d, numClasses: C } = o;
  if (d > d1) invalidOption(op, 'latentDim', `≤ ambientDim (${d1})`, d);
  if (C > d) invalidOption(op, 'numClasses', `≤ latentDim (${d}) so every class has an atom`, C);
  if (o.offClassSparsity > o.sparsity) invalidOption(op, 'offClassSparsity', `≤ sparsity (${o.sparsity})`, o.offClassSparsity);

  const groups = new Int32Array(d);
  for (let j = 0; j < d; j++) groups[j] = Math.floor((j * C) / d);
  // Σ_c g_c = d, so the class-averaged expected number of active atoms is (d/C)·p + (d − d/C)·p_off.
  const signalEnergy = (d / C) * o.sparsity + (d - d / C) * o.offClassSparsity;
  const noiseStd = Math.sqrt((o.noiseToSignal * signalEnergy) / d1);
  const { m } = buildDictionary(o.seed, d1, d, 0);
  const mT = keptTensor2d(transposeToFloat32(m, d1, d), [d, d1]);
  const dictionary = keptTensor2d(m, [d1, d]);
  const own = createRng(o.seed).fork('samples');
  const inHalf = (o.sparsity / 2) * TWO_POW_32;
  const inFull = o.sparsity * TWO_POW_32;
  const offHalf = (o.offClassSparsity / 2) * TWO_POW_32;
  const offFull = o.offClassSparsity * TWO_POW_32;
  let disposed = false;

  return {
    name: 'labeledSparseCoding',
    options: o,
    inputDim: d1,
    latentDim: d,
    numClasses: C,
    labelKey: 'labels',
    noiseStd,
    signalEnergy,
    dictionary,
    denseBasis: null,
    atomClasses: () => groups.slice(),
    dictionaryValues: () => m.slice(),
    sample(batchSize, rng) {
      checkAlive(`${op}.sample`, disposed);
      checkBatchSize(`${op}.sample`, batchSize);
      const r = rng ?? own;
      const zv = new Float32Array(batchSize * d);
      const labels = new Int32Array(batchSize);
      for (let b = 0; b < batchSize; b++) {
        const c = r.int(C);
        labels[b] = c;
        for (let j = 0; j < d; j++) {
          const u = r.nextUint32();
          const inGroup = groups[j] === c;
          zv[b * d + j] = u < (inGroup ? inHalf : offHalf) ? -1 : u < (inGroup ? inFull : offFull) ? 1 : 0;
        }
      }
      const noiseV = r.fillNormal(new Float32Array(batchSize * d1), 0, noiseStd);
      return tf.tidy(() => {
        const z = tf.tensor2d(zv, [batchSize, d]);
        const noise = tf.tensor2d(noiseV, [batchSize, d1]);
        return { x: tf.add(tf.matMul(z, mT), noise), z, noise, labels: tf.tensor1d(labels, 'int32') };
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose([mT, dictionary]);
    },
  };
}
