import * as tf from '@tensorflow/tfjs';
import { decouplingMetrics, monitorMetrics, representationMetrics, trainingMetrics } from '@contrastive/analysis';
import { createRng, type DataModel, type Sample } from '@contrastive/core';
import { type CheckpointStore, train, type TrainEvent, type TrainHistory } from '@contrastive/train';
import { fileCheckpointStore } from '@contrastive/train/node';
import type { JobSpec } from './config';
import { computePictures, type Pictures } from './pictures';
import { buildData, buildMethod, buildViews } from './registry';

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
  const data = buildData(spec);
  // No augmentation (`dataPairs`): the data model draws its own positive pairs.
  const augment = buildViews(spec.augment, data, spec.seed);
  const method = buildMethod(spec, data);
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
      schedule: spec.schedule,
      steps: spec.steps,
      batchSize: spec.batchSize,
      seed: spec.seed,
      evalEvery: spec.evalEvery,
      checkpointEvery: spec.checkpointEvery,
      logEvery: Math.max(1, Math.floor(spec.steps / 100)),
      evaluate: ({ method: m }) => monitorMetrics({ networks: m.networks, embed: (x) => m.embed(x), data, batch: heldOut }),
      ...(options.checkpoint
        ? { checkpoint: options.checkpoint }
        : options.checkpointPath
          ? { checkpoint: fileCheckpointStore(options.checkpointPath) }
          : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      meta: { arm: spec.arm, seed: spec.seed, experiment: spec.experiment, ...options.meta },
    });
    for await (const e of events) {
      if (e.type === 'start') resumedFrom = e.step;
      if (e.type === 'end') history = e.history;
      options.onEvent?.(e);
      if (e.type === 'end' && e.aborted) {
        const err = new Error(`${spec.arm} (seed ${spec.seed}) stopped at step ${e.step}; checkpoint saved`);
        err.name = 'AbortError';
        throw err;
      }
    }
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
