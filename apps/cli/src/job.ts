import * as tf from '@tensorflow/tfjs';
import {
  alignmentSync,
  commutatorNormSync,
  atomRecoverySync,
  denseMassSync,
  effectiveRankSync,
  featureCrossViewCorrelationSync,
  hltmBestCorrelationSync,
  knnAccuracySync,
  linearProbeSync,
  mccSync,
  neuronPuritySync,
  regressionR2Sync,
  residualMassSync,
  splitTrainTest,
  stdOfNormalizedSync,
  takeRows,
  uniformitySync,
} from '@contrastive/analysis';
import { type Augmentation, createRng, type DataModel, type Network, type Rng, type Sample } from '@contrastive/core';
import { type Method, train, type TrainEvent, type TrainHistory } from '@contrastive/train';
import { fileCheckpointStore } from '@contrastive/train/node';
import type { JobSpec } from './config';
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
}

export type JobEvent = TrainEvent | { type: 'result'; result: JobResult };

/** Rows of the encoder's first weight matrix [m, d1] (the neurons' directions). */
function encoderWeights(encoder: Network): tf.Tensor2D {
  const w = (encoder as unknown as { weight?: tf.Tensor2D }).weight;
  if (w) return tf.clone(w);
  const v = encoder.variables.find((x) => x.rank === 2);
  if (!v) throw new Error(`encoder '${encoder.name}' has no weight matrix to analyse`);
  // mlp layers store W [in, out]: neurons are its columns.
  return tf.transpose(v) as tf.Tensor2D;
}

const groundTruth = (data: DataModel) =>
  data as unknown as { dictionary?: tf.Tensor2D; denseBasis?: tf.Tensor2D | null; samplePair?: (b: number, r: Rng) => Sample };

/** Metrics of a sparse-coding model: how well the neurons align with the dictionary atoms. */
function sparseCodingMetrics(method: Method, data: DataModel): Record<string, number> {
  const { dictionary, denseBasis } = groundTruth(data);
  const encoder = method.networks['encoder'];
  if (!dictionary || !encoder || encoder.inputDim !== dictionary.shape[0]) return {};
  const w = encoderWeights(encoder);
  try {
    const rec = atomRecoverySync(w, dictionary);
    const purity = neuronPuritySync(w, dictionary);
    const out: Record<string, number> = {
      'atomRecovery.fraction': rec.fraction,
      'atomRecovery.median': rec.median,
      'atomRecovery.min': rec.min,
      'neuronPurity.median': purity.summary.purity.median,
      'residualMass.mean': residualMassSync(w, dictionary).mean,
    };
    if (denseBasis) out['denseMass.mean'] = denseMassSync(w, denseBasis).mean;
    return out;
  } finally {
    w.dispose();
  }
}

/** Draws `n` samples with the views training sees (augmentation or the data's own pairs). */
function drawViews(data: DataModel, augment: Augmentation | undefined, n: number, rng: Rng): { batch: Sample; views: tf.Tensor2D[] } {
  if (augment === undefined) {
    const batch = groundTruth(data).samplePair!.call(data, n, rng);
    return { batch, views: [batch.x, batch['xPositive'] as tf.Tensor2D] };
  }
  const batch = data.sample(n, rng);
  return { batch, views: augment.apply(batch.x, rng) };
}

/** Collapse and geometry of the representation on held-out samples (every method, every data). */
function representationMetrics(spec: JobSpec, method: Method, data: DataModel, augment: Augmentation | undefined): Record<string, number> {
  const rng = createRng(spec.seed).fork('final-representation');
  const n = Math.min(spec.evalSamples, 2048);
  const out: Record<string, number> = {};
  const keep: tf.Tensor[] = [];
  try {
    const { batch, views } = drawViews(data, augment, n, rng);
    keep.push(...Object.values(batch), ...views);
    const h = method.embed(batch.x);
    const [ha, hb] = [method.embed(views[0]!), method.embed(views[1]!)];
    keep.push(h, ha, hb);
    out['stdOfNormalized'] = stdOfNormalizedSync(h);
    out['stdOfNormalized.ideal'] = 1 / Math.sqrt(h.shape[1]);
    out['effectiveRank'] = effectiveRankSync(h);
    out['alignment'] = alignmentSync(ha, hb, { normalize: true });
    out['uniformity'] = uniformitySync(h.shape[0] > 1024 ? h.slice([0, 0], [1024, -1]) : h, { normalize: true });
    const labels = (batch['labels'] ?? batch['root']) as tf.Tensor1D | undefined;
    if (labels) {
      const split = splitTrainTest(n, 0.5, spec.seed);
      const y = Array.from(labels.dataSync());
      const pick = (idx: ArrayLike<number>) => Array.from(idx, (i) => y[i]!);
      const [trX, teX] = [takeRows(h, split.train), takeRows(h, split.test)];
      out['linearProbe.testAccuracy'] = linearProbeSync(trX, pick(split.train), teX, pick(split.test)).testAccuracy;
      out['knn.accuracy'] = knnAccuracySync(trX, pick(split.train), teX, pick(split.test)).accuracy;
    }
    const z = batch['z'] as tf.Tensor2D | undefined;
    if (z && data.name === 'latentMixing') {
      out['r2.mean'] = regressionR2Sync(h, z, { testFraction: 0.5, seed: spec.seed }).mean;
      out['mcc'] = mccSync(h, z).mcc;
    }
    return out;
  } finally {
    tf.dispose(keep);
  }
}

/** A fixed held-out batch for the periodic evaluation (same numbers at every eval and after a resume). */
function evalBatch(spec: JobSpec, data: DataModel): Sample {
  const rng = createRng(spec.seed).fork('eval-batch');
  return data.sample(Math.min(spec.evalSamples, 1024), rng);
}

/** The input of the predictor: projector output if there is one, else the encoder output. */
function predictorInput(method: Method, x: tf.Tensor2D): tf.Tensor2D {
  const { encoder, projector } = method.networks;
  const h = encoder!.apply(x);
  return projector ? projector.apply(h) : h;
}

/** The predictor's matrix W_p, for DirectPred (set from F̂) or a trained linear predictor. */
function predictorMatrix(method: Method): { values: ArrayLike<number>; dim: number } | undefined {
  const p = method.networks['predictor'] as unknown as { predictorMatrix?: () => Float64Array; weight?: tf.Tensor2D; outputDim: number } | undefined;
  if (!p) return undefined;
  if (typeof p.predictorMatrix === 'function') return { values: p.predictorMatrix(), dim: p.outputDim };
  if (p.weight && p.weight.rank === 2 && p.weight.shape[0] === p.weight.shape[1]) return { values: p.weight.dataSync(), dim: p.outputDim };
  return undefined;
}

/**
 * HLTM (THEORY.md §4.5): per internal latent node, the best |corr| of a hidden unit with it. With the
 * tree network, node μ is compared with its own `hid` units; otherwise with every output unit.
 */
function hltmMetrics(method: Method, data: DataModel, x: tf.Tensor2D, latents: tf.Tensor2D, h: tf.Tensor2D): Record<string, number> {
  const tree = method.networks['encoder'] as unknown as { hiddenUnits?: (x: tf.Tensor2D) => tf.Tensor2D; hid?: number };
  const leafOffset = (data as unknown as { leafOffset?: number }).leafOffset ?? latents.shape[1];
  return tf.tidy(() => {
    const internal = tf.slice(latents, [0, 0], [-1, leafOffset]) as tf.Tensor2D;
    if (typeof tree.hiddenUnits === 'function') {
      const units = tree.hiddenUnits(x);
      return { 'hltmBestCorrelation.mean': hltmBestCorrelationSync(units, internal, { unitsPerNode: units.shape[1] / leafOffset }).mean };
    }
    return { 'hltmBestCorrelation.mean': hltmBestCorrelationSync(h, internal).mean };
  });
}

/** Cheap metrics tracked during training, on the fixed evaluation batch. */
function periodicMetrics(method: Method, data: DataModel, batch: Sample): Record<string, number> {
  const out = sparseCodingMetrics(method, data);
  const keep: tf.Tensor[] = [];
  try {
    const h = method.embed(batch.x);
    keep.push(h);
    out['stdOfNormalized'] = stdOfNormalizedSync(h);
    const labels = (batch['labels'] ?? batch['root']) as tf.Tensor1D | undefined;
    if (labels) {
      const n = h.shape[0];
      const half = Math.floor(n / 2);
      const y = Array.from(labels.dataSync());
      const idx = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
      out['knn.accuracy'] = knnAccuracySync(takeRows(h, idx(0, half)), y.slice(0, half), takeRows(h, idx(half, n)), y.slice(half)).accuracy;
    }
    const latents = batch['latents'] as tf.Tensor2D | undefined;
    if (latents) Object.assign(out, hltmMetrics(method, data, batch.x, latents, h));
    const projection = method.networks['projector'] ? predictorInput(method, batch.x) : undefined;
    if (projection) {
      keep.push(projection);
      out['stdOfNormalized.projection'] = stdOfNormalizedSync(projection);
    }
    if (data.name === 'latentMixing' && batch['z']) {
      out['r2.mean'] = regressionR2Sync(h, batch['z'] as tf.Tensor2D, { testFraction: 0.5, seed: 0 }).mean;
      out['mcc'] = mccSync(h, batch['z'] as tf.Tensor2D).mcc;
    }
    const wp = predictorMatrix(method);
    if (wp) {
      // F = E[f fᵀ] of the predictor's input (THEORY.md §3.4: eigenspace alignment ⇒ [F, W_p] → 0).
      const f = predictorInput(method, batch.x);
      keep.push(f);
      const fv = f.dataSync();
      const [n, d] = f.shape;
      const F = new Float64Array(d * d);
      for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) F[i * d + j] = F[i * d + j]! + (fv[r * d + i]! * fv[r * d + j]!) / n;
      out['commutatorNorm'] = commutatorNormSync({ rows: d, cols: d, data: F }, { rows: d, cols: d, data: Float64Array.from(wp.values) }, { normalize: true });
    }
    return out;
  } finally {
    tf.dispose(keep);
  }
}

/** Cross-view correlations of the augmentation (input level) and of the learned features. */
function decouplingMetrics(spec: JobSpec, method: Method, data: DataModel, augment: Augmentation | undefined): Record<string, number> {
  const { dictionary, denseBasis } = groundTruth(data);
  if (!dictionary || augment === undefined) return {};
  const rng = createRng(spec.seed).fork('final-eval');
  const keep: tf.Tensor[] = [];
  try {
    const batch = data.sample(spec.evalSamples, rng);
    const [a, b] = augment.apply(batch.x, rng) as [tf.Tensor2D, tf.Tensor2D];
    keep.push(...Object.values(batch), a, b);
    // crossViewCorrelation of the views along `dirs`: the same Pearson correlations of the
    // projections ⟨dir_k, x⟩, with the [n, d1]×[d1, k] projections done on the tfjs backend (the
    // native GEMM) instead of in float64 JavaScript, which took ~10 % of a flagship job.
    const crossView = (dirs: tf.Tensor2D) => {
      const [pa, pb] = [tf.matMul(a, dirs), tf.matMul(b, dirs)];
      keep.push(pa, pb);
      return featureCrossViewCorrelationSync(pa, pb).mean ?? Number.NaN;
    };
    const out: Record<string, number> = { 'crossView.atoms': crossView(dictionary) };
    // Isotropic-noise directions: an orthonormal basis of a random subspace ⟂ span(M) (and ⟂ H).
    const noise = orthogonalDirections(dictionary, denseBasis ?? undefined, Math.min(16, data.inputDim - dictionary.shape[1] - (denseBasis?.shape[1] ?? 0)), rng.fork('noise-dirs'));
    if (noise) {
      keep.push(noise);
      out['crossView.noise'] = crossView(noise);
    }
    if (denseBasis) out['crossView.dense'] = crossView(denseBasis);
    const [fa, fb] = [method.embed(a), method.embed(b)];
    keep.push(fa, fb);
    const fcv = featureCrossViewCorrelationSync(fa, fb);
    if (fcv.mean !== null) out['featureCrossView.mean'] = fcv.mean;
    return out;
  } finally {
    tf.dispose(keep);
  }
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

/**
 * Runs one arm at one seed to the end (resuming from `checkpointPath` if it holds a checkpoint),
 * reporting progress through `onEvent`.
 */
export async function runJob(
  spec: JobSpec,
  options: { checkpointPath?: string; backend: string; signal?: AbortSignal; onEvent?: (e: JobEvent) => void; meta?: Record<string, unknown> },
): Promise<JobResult> {
  const data = buildData(spec);
  // buildViews says 'data-pairs' when the data model draws its own pairs: train then takes no augmentation.
  const views = buildViews(spec.augment, data, spec.seed);
  const augment = typeof views === 'string' ? undefined : views;
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
      evaluate: ({ method: m }) => periodicMetrics(m, data, heldOut),
      ...(options.checkpointPath ? { checkpoint: fileCheckpointStore(options.checkpointPath) } : {}),
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
    const last = history.evals.at(-1)?.metrics ?? {};
    const tail = history.loss.slice(-50);
    const final: Record<string, number> = {
      ...last,
      ...decouplingMetrics(spec, method, data, augment),
      ...representationMetrics(spec, method, data, augment),
      loss: tail.reduce((s, v) => s + v, 0) / Math.max(1, tail.length),
    };
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
    };
    options.onEvent?.({ type: 'result', result });
    return result;
  } finally {
    tf.dispose(heldOut);
    method.dispose();
    data.dispose();
  }
}
