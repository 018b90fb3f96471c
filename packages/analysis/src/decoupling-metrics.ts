import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, createRng, type DataModel, hasDictionary, type Rng } from '@contrastive/core';
import { featureCrossViewCorrelationSync } from './cross-view-correlation';
import type { MetricRecord } from './metric-catalogue';

/** Inputs of `decouplingMetrics`. */
export interface DecouplingMetricsInput {
  /** The data model (needs a dictionary: `HasDictionary`). */
  data: DataModel;
  /** The augmentation whose two views are compared (without one there is nothing to measure). */
  augment: Augmentation | undefined;
  /** The learned representation of a batch [n, inputDim] → [n, dim] (caller-owned result), e.g. `method.embed`. */
  embed: (x: tf.Tensor2D) => tf.Tensor2D;
  /** Held-out samples to draw. */
  samples: number;
  /** Seed of the draws: stream `createRng(seed).fork('final-eval')` (the noise directions fork 'noise-dirs' from it). */
  seed: number | string;
  /** Random directions ⟂ span(M) (and span(H)) for `crossView.noise`. Default 16 (fewer when the space is smaller). */
  noiseDirections?: number;
}

/**
 * The decoupling suite (Wen & Li 2021, docs: feature decoupling): Pearson correlations across the
 * two views x⁺, x⁺⁺ of the augmentation, of the projections on the atoms (`crossView.atoms`), on
 * random directions orthogonal to the signal (`crossView.noise`), on the dense basis
 * (`crossView.dense`), and of the learned features (`featureCrossView.mean`). A good augmentation
 * keeps the atoms correlated and decorrelates noise and dense directions.
 *
 * Returns `{}` without a dictionary or an augmentation; `featureCrossView.mean` is left out when
 * every learned feature is constant in a view (collapse: no correlation is defined).
 */
export function decouplingMetrics(input: DecouplingMetricsInput): MetricRecord {
  const { data, augment, embed, samples, seed } = input;
  if (!hasDictionary(data) || !augment) return {};
  const { dictionary } = data;
  const denseBasis = data.denseBasis ?? undefined;
  const rng = createRng(seed).fork('final-eval');
  const keep: tf.Tensor[] = [];
  try {
    const batch = data.sample(samples, rng);
    const [a, b] = augment.apply(batch.x, rng) as [tf.Tensor2D, tf.Tensor2D];
    keep.push(...Object.values(batch), a, b);
    // The same Pearson correlations as crossViewCorrelation of the views along `dirs`, with the
    // [n, d1]×[d1, k] projections on the tfjs backend rather than in float64 JavaScript (~10 % of
    // a flagship job otherwise).
    const crossView = (dirs: tf.Tensor2D) => {
      const [pa, pb] = [tf.matMul(a, dirs), tf.matMul(b, dirs)];
      keep.push(pa, pb);
      return featureCrossViewCorrelationSync(pa, pb).mean ?? Number.NaN;
    };
    const out: MetricRecord = { 'crossView.atoms': crossView(dictionary) };
    const k = Math.min(input.noiseDirections ?? 16, data.inputDim - dictionary.shape[1] - (denseBasis?.shape[1] ?? 0));
    const noise = orthogonalDirections(dictionary, denseBasis, k, rng.fork('noise-dirs'));
    if (noise) {
      keep.push(noise);
      out['crossView.noise'] = crossView(noise);
    }
    if (denseBasis) out['crossView.dense'] = crossView(denseBasis);
    const [fa, fb] = [embed(a), embed(b)];
    keep.push(fa, fb);
    const fcv = featureCrossViewCorrelationSync(fa, fb);
    // Left out when every feature is constant in a view (a collapsed network): the correlation is
    // undefined there, and the empty mean's 0 would read as "perfectly decorrelated".
    if (fcv.skipped < fcv.perItem.length) out['featureCrossView.mean'] = fcv.mean;
    return out;
  } finally {
    tf.dispose(keep);
  }
}

/**
 * k orthonormal directions [d1, k] orthogonal to the columns of M (and H): Gaussian vectors made
 * orthogonal by two passes of Gram–Schmidt in float64. Undefined when k ≤ 0.
 */
function orthogonalDirections(m: tf.Tensor2D, h: tf.Tensor2D | undefined, k: number, rng: Rng): tf.Tensor2D | undefined {
  if (k <= 0) return undefined;
  const d1 = m.shape[0];
  const basis: Float64Array[] = [];
  for (const t of h ? [m, h] : [m]) {
    const data = t.dataSync();
    const cols = t.shape[1];
    for (let j = 0; j < cols; j++) {
      const c = new Float64Array(d1);
      for (let i = 0; i < d1; i++) c[i] = data[i * cols + j]!;
      basis.push(c);
    }
  }
  const out = new Float32Array(d1 * k);
  for (let j = 0; j < k; j++) {
    const v = rng.fillNormal(new Float64Array(d1));
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let dot = 0;
        for (let i = 0; i < d1; i++) dot += v[i]! * b[i]!;
        for (let i = 0; i < d1; i++) v[i] = v[i]! - dot * b[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < d1; i++) norm += v[i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < d1; i++) v[i] = v[i]! / norm;
    basis.push(v);
    for (let i = 0; i < d1; i++) out[i * k + j] = v[i]!;
  }
  return tf.tensor2d(out, [d1, k]);
}
