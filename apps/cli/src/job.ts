import * as tf from '@tensorflow/tfjs';
import { atomRecovery, crossViewCorrelation, denseMass, featureCrossViewCorrelation, neuronPurity } from '@contrastive/analysis';
import { createRng, type DataModel, type Network } from '@contrastive/core';
import { fileCheckpointStore, type Method, train, type TrainEvent, type TrainHistory } from '@contrastive/train';
import type { JobSpec } from './config';
import { buildAugment, buildData, buildMethod } from './registry';

export interface JobResult {
  arm: string;
  seed: number;
  backend: string;
  /** Final metrics, flat keys (`atomRecovery.fractionRecovered`, `loss`, …). */
  final: Record<string, number>;
  history: TrainHistory;
  seconds: number;
  stepsPerSecond: number;
  resumedFrom: number;
}

export type JobEvent = TrainEvent | { type: 'result'; result: JobResult };

/** Rows of the encoder's first weight matrix [m, d1] (the neurons' directions). */
function encoderWeights(encoder: Network): tf.Tensor2D {
  const w = (encoder as unknown as { weights?: () => tf.Tensor2D }).weights;
  if (typeof w === 'function') return w.call(encoder);
  const v = encoder.variables.find((x) => x.rank === 2);
  if (!v) throw new Error(`encoder '${encoder.name}' has no weight matrix to analyse`);
  return tf.clone(v) as tf.Tensor2D;
}

function flatten(prefix: string, o: Record<string, unknown>, out: Record<string, number>): void {
  for (const [k, v] of Object.entries(o)) if (typeof v === 'number' && Number.isFinite(v)) out[`${prefix}.${k}`] = v;
}

/** Metrics of a sparse-coding model: how well the neurons align with the dictionary atoms. */
function sparseCodingMetrics(method: Method, data: DataModel): Record<string, number> {
  const dictionary = (data as unknown as { dictionary?: tf.Tensor2D }).dictionary;
  if (!dictionary) return {};
  const w = encoderWeights(method.networks['encoder']!);
  try {
    const out: Record<string, number> = {};
    flatten('atomRecovery', atomRecovery(w, dictionary) as unknown as Record<string, unknown>, out);
    flatten('neuronPurity', neuronPurity(w, dictionary) as unknown as Record<string, unknown>, out);
    flatten('denseMass', denseMass(w, dictionary) as unknown as Record<string, unknown>, out);
    return out;
  } finally {
    w.dispose();
  }
}

/** Cross-view correlations of the augmentation (input level) and of the learned features. */
function decouplingMetrics(spec: JobSpec, method: Method, data: DataModel, augment: ReturnType<typeof buildAugment>): Record<string, number> {
  const dictionary = (data as unknown as { dictionary?: tf.Tensor2D }).dictionary;
  if (!dictionary) return {};
  const rng = createRng(spec.seed).fork('final-eval');
  return tf.tidy(() => {
    const batch = data.sample(spec.evalSamples, rng);
    const [a, b] = augment.apply(batch.x, rng);
    const denseBasis = (data as unknown as { denseBasis?: tf.Tensor2D | null }).denseBasis;
    const directions: Record<string, tf.Tensor2D> = { atoms: dictionary };
    // Isotropic-noise directions: an orthonormal basis of a random subspace ⟂ span(M) (and ⟂ H).
    const noise = orthogonalDirections(dictionary, denseBasis ?? undefined, Math.min(16, data.inputDim - dictionary.shape[1]), rng.fork('noise-dirs'));
    if (noise) directions['noise'] = noise;
    if (denseBasis) directions['dense'] = denseBasis;
    const cv = crossViewCorrelation(a!, b!, directions) as unknown as Record<string, { mean: number }>;
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(cv)) if (v && typeof v.mean === 'number') out[`crossView.${k}`] = v.mean;
    const fcv = featureCrossViewCorrelation(method.embed(a!), method.embed(b!)) as unknown as Record<string, unknown>;
    flatten('featureCrossView', fcv, out);
    return out;
  });
}

/** k orthonormal directions orthogonal to the columns of M (and H), by Gram–Schmidt in float64. */
function orthogonalDirections(m: tf.Tensor2D, h: tf.Tensor2D | undefined, k: number, rng: ReturnType<typeof createRng>): tf.Tensor2D | undefined {
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
        for (let i = 0; i < d1; i++) v[i] -= dot * b[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < d1; i++) norm += v[i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < d1; i++) v[i] /= norm;
    basis.push(v);
    for (let i = 0; i < d1; i++) out[i * k + j] = v[i]!;
  }
  return tf.tensor2d(out, [d1, k]);
}

/**
 * Runs one arm at one seed to the end (resuming from `checkpointPath` if it holds a checkpoint),
 * reporting progress through `onEvent`.
 */
export async function runJob(
  spec: JobSpec,
  options: { checkpointPath?: string; backend: string; signal?: AbortSignal; onEvent?: (e: JobEvent) => void },
): Promise<JobResult> {
  const data = buildData(spec);
  const augment = buildAugment(spec.augment, data, spec.seed);
  const method = buildMethod(spec, data);
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
      evaluate: ({ method: m }) => sparseCodingMetrics(m, data),
      ...(options.checkpointPath ? { checkpoint: fileCheckpointStore(options.checkpointPath) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      meta: { arm: spec.arm, seed: spec.seed, experiment: spec.experiment },
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
    const last = history.evals.at(-1)?.metrics ?? {};
    const tail = history.loss.slice(-50);
    const final: Record<string, number> = {
      ...last,
      ...decouplingMetrics(spec, method, data, augment),
      loss: tail.reduce((s, v) => s + v, 0) / Math.max(1, tail.length),
    };
    const result: JobResult = {
      arm: spec.arm,
      seed: spec.seed,
      backend: options.backend,
      final,
      history,
      seconds,
      stepsPerSecond: (spec.steps - resumedFrom) / seconds,
      resumedFrom,
    };
    options.onEvent?.({ type: 'result', result });
    return result;
  } finally {
    method.dispose();
    data.dispose();
  }
}
