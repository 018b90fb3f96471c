import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Dataset, InvalidArgumentError, parseOptions, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { weightedKnnSync } from './knn-weighted';

/** The options of `knnMonitor(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const knnMonitorOptionsSchema = z.strictObject({
  /** Training items embedded as the kNN memory bank (a fixed seeded subset; capped at the dataset). Default 1000. */
  trainSize: z._default(z.int().check(z.positive()), 1000),
  /** Held-out items classified (a fixed seeded subset; capped at the dataset). Default 500. */
  testSize: z._default(z.int().check(z.positive()), 500),
  /** Neighbours voting. Default 200 (InstDisc, lightly's benchmarks). */
  k: z._default(z.int().check(z.positive()), 200),
  /** τ of the vote weight exp(s/τ). Default 0.07 (InstDisc). */
  temperature: z._default(z.number().check(z.positive()), 0.07),
  /** Items per `embed` call (bounds memory on image batches). Default 256. */
  batchSize: z._default(z.int().check(z.positive()), 256),
  /** Seed of the two subsets (its own stream: the monitor draws nothing from the training run's). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `knnMonitor` (the input of its schema: a field with a default may be omitted). */
export type KnnMonitorOptions = z.input<typeof knnMonitorOptionsSchema> & {
  /** Where the memory bank comes from (usually the training split). */
  train: Dataset;
  /** The held-out items classified (usually the test split). */
  test: Dataset;
};

/** What the monitor needs of a training run's evaluation context: `train()`'s `EvalContext` fits. */
export interface KnnMonitorContext {
  /** The model under evaluation: its `embed` and, optionally, its networks. */
  method: {
    /** Representation of a batch x ([batch, ...shape]) → [batch, dim]. */
    embed(x: tf.Tensor2D): tf.Tensor2D;
    /** The method's networks; those with train/eval modes (`setTraining`) are put in eval mode while embedding. */
    readonly networks?: Readonly<Record<string, unknown>>;
  };
}

interface ModeNetwork {
  readonly training: boolean;
  setTraining(mode: boolean): unknown;
}
const hasMode = (n: unknown): n is ModeNetwork =>
  typeof n === 'object' && n !== null && typeof (n as ModeNetwork).setTraining === 'function';

export function subset(n: number, size: number, seed: number): Int32Array {
  const perm = createRng(seed).permutation(n);
  return perm.slice(0, Math.min(size, n)).sort();
}

/** (Internal, shared with datasetMetrics.) Embeddings [indices.length, dim] of the dataset's `indices`, in chunks (float32 values). */
export function embedItems(
  dataset: Dataset,
  indices: Int32Array,
  batchSize: number,
  embed: (x: tf.Tensor2D) => tf.Tensor2D,
): { values: Float32Array; dim: number; labels: Int32Array } {
  const parts: Float32Array[] = [];
  const labels = new Int32Array(indices.length);
  let dim = 0;
  for (let start = 0; start < indices.length; start += batchSize) {
    const chunk = indices.subarray(start, start + batchSize);
    const [values, y] = tf.tidy(() => {
      const b = dataset.get(chunk);
      const e = embed(b.x as tf.Tensor2D);
      dim = e.shape[1];
      return [e.dataSync() as Float32Array, b.labels.dataSync() as Int32Array];
    });
    parts.push(values);
    labels.set(y, start);
  }
  const values = new Float32Array(indices.length * dim);
  let offset = 0;
  for (const p of parts) {
    values.set(p, offset);
    offset += p.length;
  }
  return { values, dim, labels };
}

/**
 * An online kNN monitor, the `evaluate` hook of `train()` (run it every N steps with `evalEvery: N`):
 * embeds a fixed subset of `train` (the memory bank) and of `test` with the current encoder in eval
 * mode (batch norm on its running statistics, which therefore do not move) and reports the weighted
 * kNN accuracy (`weightedKnn`: cosine, k = 200, τ = 0.07) as `knn.top1` and `knn.top5`. It reads
 * nothing from the training run's random streams and changes no weight or statistic, so a run with
 * the monitor ends with exactly the weights of a run without it.
 *
 * @example
 * for await (const e of train({ data: trainSet, augment, method, epochs: 10, batchSize: 256, optimizer,
 *   evalEvery: 100, evaluate: knnMonitor({ train: trainSet, test: testSet }) })) {
 *   if (e.type === 'eval') console.log(e.step, e.metrics['knn.top1']);
 * }
 */
export function knnMonitor(options: KnnMonitorOptions): (context: KnnMonitorContext) => Record<string, number> {
  const op = 'knnMonitor';
  const { train, test, ...rest } = options ?? ({} as KnnMonitorOptions);
  for (const [name, d] of [
    ['train', train],
    ['test', test],
  ] as const) {
    if (typeof d !== 'object' || d === null || typeof d.get !== 'function' || !Number.isInteger(d.length) || d.length < 1) {
      throw new InvalidArgumentError({ op, argument: name, expected: 'a non-empty Dataset', actual: d });
    }
  }
  const o = parseOptions(op, knnMonitorOptionsSchema, rest);
  const rng = createRng(o.seed);
  const trainIdx = subset(train.length, o.trainSize, rng.fork('train').seed);
  const testIdx = subset(test.length, o.testSize, rng.fork('test').seed);
  return (context) => {
    const method = context?.method;
    if (typeof method?.embed !== 'function') {
      throw new InvalidArgumentError({ op, argument: 'context.method', expected: 'a method with embed(x)', actual: method });
    }
    const switched = Object.values(method.networks ?? {}).filter((n): n is ModeNetwork => hasMode(n) && n.training);
    for (const n of switched) n.setTraining(false);
    try {
      const embed = (x: tf.Tensor2D) => method.embed(x);
      const a = embedItems(train, trainIdx, o.batchSize, embed);
      const b = embedItems(test, testIdx, o.batchSize, embed);
      const r = weightedKnnSync(
        { rows: trainIdx.length, cols: a.dim, data: a.values },
        a.labels,
        { rows: testIdx.length, cols: b.dim, data: b.values },
        b.labels,
        {
          k: o.k,
          temperature: o.temperature,
        },
      );
      return { 'knn.top1': r.top1, 'knn.top5': r.top5 };
    } finally {
      for (const n of switched) n.setTraining(true);
    }
  };
}
