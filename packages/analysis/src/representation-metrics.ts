import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, createRng, type DataModel, drawViews, sampleLabels, sampleLatents } from '@contrastive/core';
import { alignmentSync, uniformitySync } from './alignment-uniformity';
import { effectiveRankSync } from './effective-rank';
import { knnAccuracySync } from './knn';
import { linearProbeSync } from './linear-probe';
import { mccSync } from './mcc';
import type { MetricRecord } from './metric-catalogue';
import { regressionR2Sync } from './r2';
import { splitTrainTest, takeRows } from './split-train-test';
import { stdOfNormalizedSync } from './std-of-normalized';

/** Inputs of `representationMetrics`. */
export interface RepresentationMetricsInput {
  /** The data model (its capabilities decide which metrics are produced). */
  data: DataModel;
  /**
   * How positive pairs are made: the augmentation, or undefined when the data model draws its own
   * pairs (`PairedDataModel`), as in training.
   */
  augment: Augmentation | undefined;
  /** The learned representation of a batch [n, inputDim] → [n, dim] (caller-owned result), e.g. `method.embed`. */
  embed: (x: tf.Tensor2D) => tf.Tensor2D;
  /** Held-out samples to draw (≥ 4: the probes split them in halves). */
  samples: number;
  /**
   * Seed: the samples come from `createRng(seed).fork('final-representation')`; the probes'
   * train/test split and the R² regression use `seed` itself.
   */
  seed: number;
  /** Uniformity is O(n²): it uses the first this many samples. Default 1024. */
  uniformitySamples?: number;
}

/**
 * The representation suite on held-out samples, for any method and data: collapse and geometry
 * (`stdOfNormalized` with its reference `stdOfNormalized.ideal` = 1/√dim, `effectiveRank`,
 * `alignment` of the positive pairs and `uniformity`, both on L2-normalised embeddings, Wang &
 * Isola 2020); with labels (`HasLabels`), a logistic-regression `linearProbe.testAccuracy` and a
 * k = 20 cosine `knn.accuracy` on a seeded half/half split; with recoverable latents
 * (`HasRecoverableLatents`), the held-out `r2.mean` of a linear map to them and the `mcc`
 * (Zimmermann et al. 2021).
 */
export function representationMetrics(input: RepresentationMetricsInput): MetricRecord {
  const { data, augment, embed, samples: n, seed } = input;
  const rng = createRng(seed).fork('final-representation');
  const out: MetricRecord = {};
  const keep: tf.Tensor[] = [];
  try {
    const { batch, views } = drawViews(data, augment, n, rng);
    keep.push(...Object.values(batch), ...views);
    const h = embed(batch.x);
    const [ha, hb] = [embed(views[0]!), embed(views[1]!)];
    keep.push(h, ha, hb);
    out['stdOfNormalized'] = stdOfNormalizedSync(h);
    out['stdOfNormalized.ideal'] = 1 / Math.sqrt(h.shape[1]);
    out['effectiveRank'] = effectiveRankSync(h);
    out['alignment'] = alignmentSync(ha, hb, { normalize: true });
    const u = input.uniformitySamples ?? 1024;
    const hu = h.shape[0] > u ? tf.slice(h, [0, 0], [u, -1]) : h;
    if (hu !== h) keep.push(hu);
    out['uniformity'] = uniformitySync(hu, { normalize: true });
    const labels = sampleLabels(data, batch);
    if (labels) {
      const split = splitTrainTest(n, 0.5, seed);
      const y = Array.from(labels.dataSync());
      const pick = (idx: ArrayLike<number>) => Array.from(idx, (i) => y[i]!);
      const [trX, teX] = [takeRows(h, split.train), takeRows(h, split.test)];
      out['linearProbe.testAccuracy'] = linearProbeSync(trX, pick(split.train), teX, pick(split.test)).testAccuracy;
      out['knn.accuracy'] = knnAccuracySync(trX, pick(split.train), teX, pick(split.test)).accuracy;
    }
    const z = sampleLatents(data, batch);
    if (z) {
      out['r2.mean'] = regressionR2Sync(h, z, { testFraction: 0.5, seed }).mean;
      out['mcc'] = mccSync(h, z).mcc;
    }
    return out;
  } finally {
    tf.dispose(keep);
  }
}
