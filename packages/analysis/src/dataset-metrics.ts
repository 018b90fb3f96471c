import type * as tf from '@tensorflow/tfjs-core';
import { createRng, type Dataset, InvalidArgumentError, parseOptions, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { embedItems, type KnnMonitorContext, subset } from './knn-monitor';
import { weightedKnnSync } from './knn-weighted';
import { linearProbeSync } from './linear-probe';
import type { MetricRecord } from './metric-catalogue';

/** The numeric options of `datasetMetrics` as a strict zod schema: a misspelt key is an error naming it. */
export const datasetMetricsOptionsSchema = z.strictObject({
  /** Training items embedded for the probe and the kNN memory bank (a fixed seeded subset; capped at the split). Default 10 000. */
  trainSize: z._default(z.int().check(z.positive()), 10_000),
  /** Test items classified (a fixed seeded subset; capped at the split). Default 10 000. */
  testSize: z._default(z.int().check(z.positive()), 10_000),
  /** Items per `embed` call. Default 256. */
  batchSize: z._default(z.int().check(z.positive()), 256),
  /** Seed of the two subsets (its own stream). Default 0. */
  seed: z._default(seedSchema, 0),
  /** L-BFGS iterations of the linear probe. Default 100 (`linearProbe`'s). */
  probeEpochs: z._default(z.int().check(z.positive()), 100),
});
/** Options of `datasetMetrics`: the splits and the embedding, plus the numeric options of its schema. */
export type DatasetMetricsOptions = z.input<typeof datasetMetricsOptionsSchema> & {
  /** The training split: the probe is fitted, and the kNN votes, on its embeddings. */
  train: Dataset;
  /** The held-out split classified. */
  test: Dataset;
};

/**
 * The standard evaluation of a representation on a labelled dataset (docs/science/real-images.md),
 * with the encoder frozen and in eval mode (batch norm on its running statistics):
 * - `linearProbe.testAccuracy`: multinomial logistic regression (full-batch L-BFGS, l2 1e-4) on
 *   standardised features of the training items, tested on the test items;
 * - `knn.top1`, `knn.top5`: weighted kNN (cosine, k = 200, votes exp(s/0.07); InstDisc, lightly);
 * - `knn20.top1`: the same with k = 20 (DINO's).
 * Reads nothing from a training run's random streams and changes no weight or statistic.
 *
 * @example const m = datasetMetrics({ method, train: trainSet, test: testSet }); // m['linearProbe.testAccuracy']
 */
export function datasetMetrics(context: KnnMonitorContext, options: DatasetMetricsOptions): MetricRecord {
  const op = 'datasetMetrics';
  const { train, test, ...rest } = options ?? ({} as DatasetMetricsOptions);
  for (const [name, d] of [
    ['train', train],
    ['test', test],
  ] as const) {
    if (typeof d !== 'object' || d === null || typeof d.get !== 'function' || !Number.isInteger(d.length) || d.length < 1) {
      throw new InvalidArgumentError({ op, argument: name, expected: 'a non-empty Dataset', actual: d });
    }
  }
  const method = context?.method;
  if (typeof method?.embed !== 'function') {
    throw new InvalidArgumentError({ op, argument: 'context.method', expected: 'a method with embed(x)', actual: method });
  }
  const o = parseOptions(op, datasetMetricsOptionsSchema, rest);
  const rng = createRng(o.seed);
  const trainIdx = subset(train.length, o.trainSize, rng.fork('train').seed);
  const testIdx = subset(test.length, o.testSize, rng.fork('test').seed);
  const modal = Object.values(method.networks ?? {}).filter(
    (n): n is { training: boolean; setTraining(m: boolean): unknown } =>
      typeof n === 'object' &&
      n !== null &&
      typeof (n as { setTraining?: unknown }).setTraining === 'function' &&
      (n as { training: boolean }).training,
  );
  for (const n of modal) n.setTraining(false);
  try {
    const embed = (x: tf.Tensor2D) => method.embed(x);
    const a = embedItems(train, trainIdx, o.batchSize, embed);
    const b = embedItems(test, testIdx, o.batchSize, embed);
    const trainX = { rows: trainIdx.length, cols: a.dim, data: a.values };
    const testX = { rows: testIdx.length, cols: b.dim, data: b.values };
    const probe = linearProbeSync(trainX, a.labels, testX, b.labels, { epochs: o.probeEpochs });
    const k200 = weightedKnnSync(trainX, a.labels, testX, b.labels, { k: 200, temperature: 0.07 });
    const k20 = weightedKnnSync(trainX, a.labels, testX, b.labels, { k: 20, temperature: 0.07 });
    return { 'linearProbe.testAccuracy': probe.testAccuracy, 'knn.top1': k200.top1, 'knn.top5': k200.top5, 'knn20.top1': k20.top1 };
  } finally {
    for (const n of modal) n.setTraining(true);
  }
}
