import * as tf from '@tensorflow/tfjs-core';
import {
  atomRecoverySync,
  denseMassSync,
  knnAccuracySync,
  neuronPuritySync,
  residualMassSync,
  stdOfNormalizedSync,
  takeRows,
} from '@contrastive/analysis';
import { createRng, type DataModel, type Network, type Sample } from '@contrastive/core';
import { type Method, train, type TrainEvent, type TrainHistory } from '@contrastive/train';
import type { JobResult, JobSpec } from './cli';
import { buildData, buildMethod, buildViews, modelInput } from './cli-registry';
import type { Embedding } from './image-session';
import { steppableSession } from './steppable';

/** Neuron × atom |cos(w_i, M_j)|, rows sorted so that a recovered dictionary reads as a diagonal. */
export interface Heatmap {
  neurons: number;
  atoms: number;
  /** Row-major [neurons, atoms], rows in `order`. */
  values: number[];
  /** Original neuron index of each row: neurons sorted by their best atom, then by |cos| descending. */
  order: number[];
}

export interface Evaluation {
  step: number;
  metrics: Record<string, number>;
  heatmap?: Heatmap;
  /** Image runs: the 2-D embedding scatter of test images. */
  embedding?: Embedding;
}

/** A training job the worker drives step by step: a CLI job (decoupling, compare) or an image job. */
export interface Session<S = JobSpec> {
  readonly spec: S;
  /** Steps done so far. */
  readonly step: number;
  readonly done: boolean;
  readonly history: TrainHistory;
  /** The latest evaluation (metrics and heatmap), if any. */
  readonly lastEval: Evaluation | undefined;
  /**
   * Trains at most `maxSteps` more steps (fewer at the end of training) and returns the events,
   * evaluations included. The generator is only pulled here, so not calling it is a pause.
   */
  advance(maxSteps: number): Promise<TrainEvent[]>;
  /** The job's result in the CLI's format (`summarize` turns a list of them into a results.json). */
  result(backend: string): JobResult;
  dispose(): void;
}

/** The neurons' directions [m, d1]: rows of a symmetric-ReLU weight, columns of an MLP's first W [in, out]. */
function neuronWeights(encoder: Network): tf.Tensor2D {
  const w = (encoder as unknown as { weight?: tf.Tensor2D }).weight;
  if (w) return tf.clone(w);
  const v = encoder.variables.find((x) => x.rank === 2);
  if (!v) throw new Error(`encoder '${encoder.name}' has no weight matrix to analyse`);
  return tf.transpose(v) as tf.Tensor2D;
}

const groundTruth = (data: DataModel) => data as unknown as { dictionary?: tf.Tensor2D; denseBasis?: tf.Tensor2D | null };

/** |cos| of every neuron with every atom, computed on the backend ([m, d1] × [d1, d]). */
function heatmapOf(w: tf.Tensor2D, dictionary: tf.Tensor2D, topAtom: number[]): Heatmap {
  const [m] = w.shape;
  const d = dictionary.shape[1];
  const cos = tf.tidy(() => {
    const wn = tf.div(w, tf.maximum(tf.norm(w, 'euclidean', 1, true), 1e-12));
    const mn = tf.div(dictionary, tf.maximum(tf.norm(dictionary, 'euclidean', 0, true), 1e-12));
    return tf.abs(tf.matMul(wn, mn));
  });
  const raw = cos.dataSync();
  cos.dispose();
  const order = Array.from({ length: m }, (_, i) => i).sort(
    (a, b) => topAtom[a]! - topAtom[b]! || raw[b * d + topAtom[b]!]! - raw[a * d + topAtom[a]!]! || a - b,
  );
  const values: number[] = [];
  for (const i of order) for (let j = 0; j < d; j++) values.push(Math.min(1, raw[i * d + j]!));
  return { neurons: m, atoms: d, values, order };
}

/**
 * The metrics the CLI tracks during training (apps/cli job.ts `periodicMetrics`, same keys), on the
 * same fixed held-out batch, plus the |cos| heatmap for sparse-coding data.
 */
function evaluate(method: Method, data: DataModel, batch: Sample): Evaluation['metrics'] & { heatmap?: Heatmap } {
  const out: Record<string, number> = {};
  let heatmap: Heatmap | undefined;
  const { dictionary, denseBasis } = groundTruth(data);
  const encoder = method.networks['encoder'];
  if (dictionary && encoder && encoder.inputDim === dictionary.shape[0]) {
    const w = neuronWeights(encoder);
    try {
      const rec = atomRecoverySync(w, dictionary);
      const purity = neuronPuritySync(w, dictionary);
      out['atomRecovery.fraction'] = rec.fraction;
      out['atomRecovery.median'] = rec.median;
      out['atomRecovery.min'] = rec.min;
      out['neuronPurity.median'] = purity.summary.purity.median;
      out['residualMass.mean'] = residualMassSync(w, dictionary).mean;
      if (denseBasis) out['denseMass.mean'] = denseMassSync(w, denseBasis).mean;
      heatmap = heatmapOf(w, dictionary, purity.topAtom);
    } finally {
      w.dispose();
    }
  }
  const keep: tf.Tensor[] = [];
  try {
    const h = method.embed(batch.x);
    keep.push(h);
    out['stdOfNormalized'] = stdOfNormalizedSync(h);
    const labels = batch['labels'] as tf.Tensor1D | undefined;
    if (labels) {
      const n = h.shape[0];
      const half = Math.floor(n / 2);
      const y = Array.from(labels.dataSync());
      const idx = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
      out['knn.accuracy'] = knnAccuracySync(takeRows(h, idx(0, half)), y.slice(0, half), takeRows(h, idx(half, n)), y.slice(half)).accuracy;
    }
    const { encoder: enc, projector } = method.networks;
    if (projector && enc) {
      const z = tf.tidy(() => projector.apply(enc.apply(batch.x)));
      keep.push(z);
      out['stdOfNormalized.projection'] = stdOfNormalizedSync(z);
    }
  } finally {
    tf.dispose(keep);
  }
  return heatmap ? Object.assign(out, { heatmap }) : out;
}

/**
 * One CLI job (an arm at a seed) as a steppable training session: the CLI's registry builds data,
 * views and method from the spec, `@contrastive/train`'s `train` runs it, so for the same seed and
 * backend the numbers are the CLI's. Runs in a Web Worker in the page and in Node in the tests.
 */
export function createSession(spec: JobSpec): Session {
  const data = buildData(spec);
  // 'data-pairs': the data model draws its own positive pairs and train() takes no augmentation (as job.ts).
  const augment = buildViews(spec.augment, data, spec.seed);
  const method = buildMethod(spec, modelInput(data));
  // The CLI's held-out batch (job.ts evalBatch): same rng fork and size, so stdOfNormalized matches.
  const heldOut = data.sample(Math.min(spec.evalSamples, 1024), createRng(spec.seed).fork('eval-batch'));
  let pendingHeatmap: Heatmap | undefined;
  const events = train({
    data,
    augment,
    method,
    optimizer: spec.optimizer,
    schedule: spec.schedule,
    steps: spec.steps,
    batchSize: spec.batchSize,
    seed: spec.seed,
    evalEvery: spec.evalEvery,
    logEvery: 1,
    evaluate: ({ method: m }) => {
      const { heatmap, ...metrics } = evaluate(m, data, heldOut);
      pendingHeatmap = heatmap as Heatmap | undefined;
      return metrics as Record<string, number>;
    },
  });

  return steppableSession({
    spec,
    events,
    steps: spec.steps,
    evaluatedAt: (step) => spec.evalEvery > 0 && step % spec.evalEvery === 0,
    takeExtras: () => {
      const heatmap = pendingHeatmap;
      pendingHeatmap = undefined;
      return heatmap ? { heatmap } : {};
    },
    lossTail: 50,
    name: 'lab session',
    dispose: () => {
      tf.dispose(Object.values(heldOut));
      method.dispose();
      data.dispose();
    },
  });
}
