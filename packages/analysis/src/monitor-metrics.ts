import * as tf from '@tensorflow/tfjs-core';
import {
  type DataModel,
  hasHiddenUnits,
  hasLatentTree,
  hasPredictorMatrix,
  type Network,
  type Sample,
  sampleLabels,
  sampleLatents,
} from '@contrastive/core';
import { commutatorNormSync } from './commutator-norm';
import { hltmBestCorrelationSync } from './hltm-best-correlation';
import { knnAccuracySync } from './knn';
import { mccSync } from './mcc';
import type { MetricRecord } from './metric-catalogue';
import { regressionR2Sync } from './r2';
import { sparseCodingMetrics } from './sparse-coding-metrics';
import { takeRows } from './split-train-test';
import { stdOfNormalizedSync } from './std-of-normalized';

/** Inputs of `monitorMetrics`. */
export interface MonitorMetricsInput {
  /**
   * The networks by role, as a method holds them: `encoder` (sparse coding, HLTM units),
   * `projector` (collapse of the projection; the predictor's input), `predictor` (commutator).
   */
  networks: Readonly<Record<string, Network>>;
  /** The learned representation of a batch [n, inputDim] → [n, dim] (caller-owned result), e.g. `method.embed`. */
  embed: (x: tf.Tensor2D) => tf.Tensor2D;
  /** The data model (its capabilities decide which metrics are produced). */
  data: DataModel;
  /** A fixed evaluation batch (the same at every evaluation, so curves compare like with like). */
  batch: Sample;
}

/** The predictor's input f: the projector output if there is one, else the encoder output [n, dim]. */
function predictorInput(networks: MonitorMetricsInput['networks'], x: tf.Tensor2D): tf.Tensor2D {
  const { encoder, projector } = networks;
  return tf.tidy(() => {
    const h = encoder!.apply(x);
    return projector ? projector.apply(h) : h;
  });
}

/**
 * Cheap metrics tracked during training on a fixed batch: the sparse-coding suite,
 * `stdOfNormalized` (and `stdOfNormalized.projection` with a projector), `knn.accuracy` (first
 * half of the batch votes for the second) with labels, `hltmBestCorrelation.mean` on a latent
 * tree (each internal node against its own units with a `HasHiddenUnits` network, else against
 * every output), `r2.mean` and `mcc` with recoverable latents, and with a linear predictor
 * (`HasPredictorMatrix`) the normalised commutator ‖[F, W_p]‖ of W_p and F = E[f fᵀ] of its
 * input (Tian et al. 2021: it falls as W_p aligns with the eigenbasis of F).
 */
export function monitorMetrics(input: MonitorMetricsInput): MetricRecord {
  const { networks, embed, data, batch } = input;
  const { encoder, projector, predictor } = networks;
  const out: MetricRecord = encoder ? sparseCodingMetrics(encoder, data) : {};
  const keep: tf.Tensor[] = [];
  try {
    const h = embed(batch.x);
    keep.push(h);
    out['stdOfNormalized'] = stdOfNormalizedSync(h);
    const labels = sampleLabels(data, batch);
    if (labels) {
      const n = h.shape[0];
      const half = Math.floor(n / 2);
      const y = Array.from(labels.dataSync());
      const idx = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
      out['knn.accuracy'] = knnAccuracySync(takeRows(h, idx(0, half)), y.slice(0, half), takeRows(h, idx(half, n)), y.slice(half)).accuracy;
    }
    const latents = batch['latents'];
    if (hasLatentTree(data) && latents?.rank === 2) {
      out['hltmBestCorrelation.mean'] = tf.tidy(() => {
        const internal = tf.slice(latents, [0, 0], [-1, data.leafOffset]) as tf.Tensor2D;
        if (encoder && hasHiddenUnits(encoder)) {
          const units = encoder.hiddenUnits(batch.x);
          return hltmBestCorrelationSync(units, internal, { unitsPerNode: units.shape[1] / data.leafOffset }).mean;
        }
        return hltmBestCorrelationSync(h, internal).mean;
      });
    }
    if (encoder && projector) {
      const projection = predictorInput(networks, batch.x);
      keep.push(projection);
      out['stdOfNormalized.projection'] = stdOfNormalizedSync(projection);
    }
    const z = sampleLatents(data, batch);
    if (z) {
      out['r2.mean'] = regressionR2Sync(h, z, { testFraction: 0.5, seed: 0 }).mean;
      out['mcc'] = mccSync(h, z).mcc;
    }
    if (encoder && predictor && hasPredictorMatrix(predictor)) {
      const f = predictorInput(networks, batch.x);
      keep.push(f);
      out['commutatorNorm'] = commutatorNormSync(
        secondMoment(f),
        { rows: predictor.outputDim, cols: predictor.outputDim, data: predictor.predictorMatrix() },
        { normalize: true },
      );
    }
    return out;
  } finally {
    tf.dispose(keep);
  }
}

/** F = (1/n) Σ_r f_r f_rᵀ [d, d] in float64 (the uncentred correlation DirectPred tracks). */
function secondMoment(f: tf.Tensor2D): { rows: number; cols: number; data: Float64Array } {
  const fv = f.dataSync();
  const [n, d] = f.shape;
  const F = new Float64Array(d * d);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) F[i * d + j] = F[i * d + j]! + (fv[r * d + i]! * fv[r * d + j]!) / n;
  return { rows: d, cols: d, data: F };
}
