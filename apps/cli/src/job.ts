import * as tf from '@tensorflow/tfjs';
import {
  datasetMetrics,
  decouplingMetrics,
  knnMonitor,
  monitorMetrics,
  representationMetrics,
  spectrumSync,
  trainingMetrics,
} from '@contrastive/analysis';
import { type Augmentation, createRng, type DataModel, type Dataset, type Sample } from '@contrastive/core';
import { type CheckpointStore, type Method, setTrainingMode, train, type TrainEvent, type TrainHistory } from '@contrastive/train';
import { fileCheckpointStore } from '@contrastive/train/node';
import { type DatasetConfig, isDatasetConfig, type JobSpec, stepSchedule } from './config';
import { loadSplits } from './datasets';
import { ConfigError } from './errors';
import { computePictures, firstLayerFilters, imageBytes, pca2, type Pictures } from './pictures';
import { buildAugment, buildData, buildMethod, buildViews, datasetInput, modelInput } from './registry';

export interface JobResult {
  arm: string;
  seed: number;
  backend: string;
  /** 'native' when the fused native step trained this job (see contrastiveMethod's `kernels`), else 'tfjs'. */
  engine: 'native' | 'tfjs';
  /** Final metrics, flat keys (`atomRecovery.fraction`, `loss`, …). */
  final: Record<string, number>;
  history: TrainHistory;
  seconds: number;
  stepsPerSecond: number;
  resumedFrom: number;
  /** What the report draws of what was learned (|cos| matrix, dense mass per neuron, spectrum). */
  pictures?: Pictures;
}

export type JobEvent = TrainEvent | { type: 'result'; result: JobResult };

type JobOptions = Parameters<typeof runJob>[1];

/** Training items of the kNN monitor's memory bank and test items it classifies (knnMonitor's defaults). */
const MONITOR = { trainSize: 1000, testSize: 500 } as const;
/** Images in the augmentation preview. */
const PREVIEW_IMAGES = 6;
/** Test points in the embedding scatter. */
const SCATTER_POINTS = 500;

/** The image pictures of a trained encoder on a dataset: first-layer filters, views, 2-D embedding. */
function datasetPictures(method: Method, augment: Augmentation | undefined, trainSet: Dataset, testSet: Dataset, seed: number): Pictures {
  const out: Pictures = {};
  const encoder = method.networks['encoder'];
  const filters = firstLayerFilters(encoder);
  if (filters) out.filters = filters;
  const rng = createRng(seed).fork('pictures');
  const restoreMode = setTrainingMode(method, false);
  try {
    if (augment && trainSet.shape.length === 3) {
      const idx = rng.fork('preview').permutation(trainSet.length).slice(0, PREVIEW_IMAGES);
      tf.tidy(() => {
        const b = trainSet.get(idx);
        const views = augment.apply(b.x as tf.Tensor2D, rng.fork('views')) as tf.Tensor[];
        const per = (t: tf.Tensor) => {
          const v = t.dataSync();
          const size = v.length / idx.length;
          return Array.from({ length: idx.length }, (_, i) => imageBytes(v.subarray(i * size, (i + 1) * size)));
        };
        const shape = trainSet.shape as [number, number, number];
        const [h, w, c] = views[0]!.shape.slice(1) as [number, number, number];
        out.preview = { shape: [h ?? shape[0], w ?? shape[1], c ?? shape[2]], images: per(b.x), views: views.slice(0, 2).map(per) };
        if (h !== shape[0] || w !== shape[1]) out.preview.images = []; // crops resized to another size: views only
      });
    }
    const idx = rng.fork('scatter').permutation(testSet.length).slice(0, Math.min(SCATTER_POINTS, testSet.length)).sort();
    const { values, labels, dim } = tf.tidy(() => {
      const b = testSet.get(idx);
      const e = method.embed(b.x as tf.Tensor2D);
      return { values: e.dataSync(), labels: Array.from(b.labels.dataSync()), dim: e.shape[1] };
    });
    if (dim >= 2 && dim <= 1024) {
      out.scatter = { ...pca2(values, idx.length, dim), labels, ...(testSet.classNames ? { classNames: [...testSet.classNames] } : {}) };
    }
    if (dim <= 256 && idx.length > 1) {
      out.spectrum = spectrumSync({ rows: idx.length, cols: dim, data: values as Float32Array }).eigenvalues.map((v) =>
        Number(v.toPrecision(3)),
      );
    }
  } finally {
    restoreMode();
  }
  return out;
}

/**
 * A job on a finite dataset: trained for `epochs` by a seeded sampler (mid-epoch resume from the
 * checkpoint), the online kNN monitor every `evalEvery` steps, then the evaluation protocol on the
 * frozen encoder in eval mode (linear probe, weighted kNN k = 200 and 20). `method: none` (the
 * baselines) trains nothing and is evaluated as initialised.
 */
async function runDatasetJob(spec: JobSpec, config: DatasetConfig, options: JobOptions): Promise<JobResult> {
  const { train: trainSet, test: testSet } = await loadSplits(config);
  if (spec.augment.type === 'dataPairs')
    throw new ConfigError("augment: 'dataPairs' needs a data model that draws positive pairs, not a dataset", { path: 'augment.type' });
  const augment = buildAugment(spec.augment, undefined, spec.seed);
  const method = buildMethod(spec, datasetInput(trainSet));
  const monitor = knnMonitor({ train: trainSet, test: testSet, ...MONITOR });
  const evaluate = ({ method: m }: { method: Method }) => monitor({ method: m });
  const started = performance.now();
  let resumedFrom = 0;
  let history: TrainHistory = { loss: [], evals: [] };
  try {
    if (spec.method.type === 'none') {
      // Nothing to train: the curve is the one evaluation of the encoder as initialised (eval mode).
      history = { loss: [], evals: [{ step: 0, metrics: evaluate({ method }) }] };
    } else {
      const events = train({
        data: trainSet,
        augment: augment as Augmentation<tf.Tensor>,
        method,
        optimizer: spec.optimizer,
        schedule: stepSchedule(spec),
        ...(spec.epochs !== undefined ? { epochs: spec.epochs } : { steps: spec.steps }),
        ...(spec.sampler ? { sampler: spec.sampler } : {}),
        batchSize: spec.batchSize,
        seed: spec.seed,
        evalEvery: spec.evalEvery,
        checkpointEvery: spec.checkpointEvery,
        logEvery: Math.max(1, Math.floor(spec.steps / 100)),
        evaluate,
        ...checkpointOption(options),
        ...(options.signal ? { signal: options.signal } : {}),
        meta: { arm: spec.arm, seed: spec.seed, experiment: spec.experiment, ...options.meta },
      });
      ({ resumedFrom, history } = await drain(events, spec, options, true));
    }
    const seconds = (performance.now() - started) / 1000;
    const final: Record<string, number> = {
      ...history.evals.at(-1)?.metrics,
      ...datasetMetrics({ method }, { train: trainSet, test: testSet, trainSize: spec.evalSamples, testSize: spec.evalSamples }),
      ...(history.loss.length ? trainingMetrics(history.loss) : {}),
    };
    const pictures = datasetPictures(method, augment, trainSet, testSet, spec.seed);
    const result: JobResult = {
      arm: spec.arm,
      seed: spec.seed,
      backend: options.backend,
      engine: method.engine ?? 'tfjs',
      final,
      history,
      seconds,
      stepsPerSecond: spec.method.type === 'none' ? 0 : (spec.steps - resumedFrom) / seconds,
      resumedFrom,
      pictures,
    };
    options.onEvent?.({ type: 'result', result });
    return result;
  } finally {
    method.dispose();
  }
}

/**
 * Runs `train()`'s events to the end, passing each to `onEvent`: the step it resumed from and the
 * history. An aborted run (checkpoint saved) throws an AbortError; `checkSteps` also refuses a
 * run whose step count is not the config's (epochs × batches per epoch of a dataset job).
 */
async function drain(
  events: AsyncIterable<TrainEvent>,
  spec: JobSpec,
  options: JobOptions,
  checkSteps: boolean,
): Promise<{ resumedFrom: number; history: TrainHistory }> {
  let resumedFrom = 0;
  let history: TrainHistory = { loss: [], evals: [] };
  for await (const e of events) {
    if (e.type === 'start') {
      resumedFrom = e.step;
      if (checkSteps && e.steps !== spec.steps)
        throw new Error(`${spec.arm}: the run has ${e.steps} steps, the config planned ${spec.steps}`);
    }
    if (e.type === 'end') history = e.history;
    options.onEvent?.(e);
    if (e.type === 'end' && e.aborted) {
      const err = new Error(`${spec.arm} (seed ${spec.seed}) stopped at step ${e.step}; checkpoint saved`);
      err.name = 'AbortError';
      throw err;
    }
  }
  return { resumedFrom, history };
}

/** Where a job's checkpoints go: the caller's store (the queue worker's Redis), else the file, else nowhere. */
function checkpointOption(options: JobOptions): { checkpoint?: CheckpointStore } {
  if (options.checkpoint) return { checkpoint: options.checkpoint };
  return options.checkpointPath ? { checkpoint: fileCheckpointStore(options.checkpointPath) } : {};
}

/** A fixed held-out batch for the periodic evaluation (same numbers at every eval and after a resume). */
function evalBatch(spec: JobSpec, data: DataModel): Sample {
  const rng = createRng(spec.seed).fork('eval-batch');
  return data.sample(Math.min(spec.evalSamples, 1024), rng);
}

/**
 * Runs one arm at one seed to the end (resuming from `checkpointPath` if it holds a checkpoint),
 * reporting progress through `onEvent`.
 */
export async function runJob(
  spec: JobSpec,
  options: {
    checkpointPath?: string;
    /** Where checkpoints go instead of `checkpointPath` (the queue worker's Redis store). */
    checkpoint?: CheckpointStore;
    backend: string;
    signal?: AbortSignal;
    onEvent?: (e: JobEvent) => void;
    meta?: Record<string, unknown>;
  },
): Promise<JobResult> {
  if (isDatasetConfig(spec.data)) return runDatasetJob(spec, spec.data, options);
  const data = buildData(spec);
  // No augmentation (`dataPairs`): the data model draws its own positive pairs.
  const augment = buildViews(spec.augment, data, spec.seed);
  const method = buildMethod(spec, modelInput(data));
  const heldOut = evalBatch(spec, data);
  const started = performance.now();
  let resumedFrom = 0;
  let history: TrainHistory = { loss: [], evals: [] };
  try {
    const events = train({
      data,
      augment,
      method,
      optimizer: spec.optimizer,
      schedule: stepSchedule(spec),
      steps: spec.steps,
      batchSize: spec.batchSize,
      seed: spec.seed,
      evalEvery: spec.evalEvery,
      checkpointEvery: spec.checkpointEvery,
      logEvery: Math.max(1, Math.floor(spec.steps / 100)),
      evaluate: ({ method: m }) => monitorMetrics({ networks: m.networks, embed: (x) => m.embed(x), data, batch: heldOut }),
      ...checkpointOption(options),
      ...(options.signal ? { signal: options.signal } : {}),
      meta: { arm: spec.arm, seed: spec.seed, experiment: spec.experiment, ...options.meta },
    });
    ({ resumedFrom, history } = await drain(events, spec, options, false));
    const seconds = (performance.now() - started) / 1000;
    // Final metrics: the last periodic evaluation, overridden by the held-out suites.
    const embed = (x: tf.Tensor2D) => method.embed(x);
    const final: Record<string, number> = {
      ...history.evals.at(-1)?.metrics,
      ...decouplingMetrics({ data, augment, embed, samples: spec.evalSamples, seed: spec.seed }),
      ...representationMetrics({ data, augment, embed, samples: Math.min(spec.evalSamples, 2048), seed: spec.seed }),
      ...trainingMetrics(history.loss),
    };
    const pictures = tf.tidy(() => computePictures(method.networks['encoder'], data, embed(heldOut.x)));
    const result: JobResult = {
      arm: spec.arm,
      seed: spec.seed,
      backend: options.backend,
      engine: method.engine ?? 'tfjs',
      final,
      history,
      seconds,
      stepsPerSecond: (spec.steps - resumedFrom) / seconds,
      resumedFrom,
      pictures,
    };
    options.onEvent?.({ type: 'result', result });
    return result;
  } finally {
    tf.dispose(heldOut);
    method.dispose();
    data.dispose();
  }
}
