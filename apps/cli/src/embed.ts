// `contrastive embed <runDir>`: the learned representation of one job of a finished run, exported
// for the TensorFlow Embedding Projector (projector.tensorflow.org → Load: vectors TSV + metadata TSV).
// The trained weights come back through train()'s own validated resume path (the job's checkpoint,
// its meta and config hash checked), with no step taken.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { embeddingProjectorFiles, embeddingsToTsv, metadataToTsv } from '@contrastive/analysis';
import { type Augmentation, createRng, hasDictionary, sampleLabels, sampleLatents } from '@contrastive/core';
import { type Checkpoint, memoryCheckpointStore, parseCheckpoint, setTrainingMode, train, type TrainOptions } from '@contrastive/train';
import { writeFileAtomic } from '@contrastive/train/node';
import { selectBackend } from './backend';
import { type DatasetConfig, type Experiment, isDatasetConfig, type JobSpec, jobsOf, stepSchedule } from './config';
import { loadSplits } from './datasets';
import { ConfigError } from './errors';
import { buildAugment, buildData, buildMethod, buildViews, datasetInput, modelInput } from './registry';
import { readRunJson } from './results';
import { jobConfigHash, jobId } from './runner';

export const EMBED_HELP = `contrastive embed <runDir> [--arm NAME] [--seed N] [--samples N] [--out DIR] [--backend B]
  Writes the representation of one job (default: the first arm, its first seed) on --samples
  fresh samples of the run's data model (default 1000, seeded), or on the first --samples items of
  a dataset's test split, as <out>/<job>.vectors.tsv and <out>/<job>.metadata.tsv (default out:
  <runDir>/embeddings) for the TensorFlow Embedding Projector. Metadata: index, then the class
  label (and class name) when the data has labels, else the dominant atom of the sparse code
  (argmax |z|; 'none' when no atom is active) or the dominant latent.
`;

/** Per row, the index of the largest |value| (`'none'` for an all-zero row, e.g. a sample with no active atom). */
function dominant(z: tf.Tensor2D): Array<number | string> {
  const [arg, max] = tf.tidy(() => [tf.argMax(tf.abs(z), 1), tf.max(tf.abs(z), 1)]);
  const a = Array.from(arg!.dataSync() as Int32Array);
  const m = max!.dataSync();
  tf.dispose([arg!, max!]);
  return a.map((v, i) => (m[i]! > 0 ? v : 'none'));
}

/** What `embedRun` wrote. */
export interface EmbedResult {
  vectors: string;
  metadata: string;
  job: string;
  step: number;
  samples: number;
  dim: number;
}

/** Exports one job's embeddings of a finished (or checkpointed) run directory. */
export async function embedRun(
  runDir: string,
  options: { arm?: string; seed?: number; samples?: number; out?: string; backend?: string } = {},
): Promise<EmbedResult> {
  const config = readRunJson(join(runDir, 'config.json')) as { experiment?: Experiment } | undefined;
  if (!config?.experiment)
    throw new ConfigError(`${join(runDir, 'config.json')} does not exist or holds no experiment: ${runDir} is not a run directory`);
  const exp = config.experiment;
  const jobs = jobsOf(exp);
  const arm = options.arm ?? exp.arms[0]!.name;
  const seed = options.seed ?? exp.seeds[0]!;
  const job = jobs.find((j) => j.arm === arm && j.seed === seed);
  if (!job) {
    const arms = [...new Set(jobs.map((j) => j.arm))].map((a) => `'${a}'`).join(', ');
    throw new ConfigError(`embed: no job with arm '${arm}' and seed ${seed} in ${runDir} (arms ${arms}; seeds ${exp.seeds.join(', ')})`);
  }
  const samples = options.samples ?? 1000;
  if (!Number.isInteger(samples) || samples < 2 || samples > 100_000)
    throw new ConfigError(`embed: --samples must be an integer in [2, 100000], got ${options.samples}`);
  const id = jobId(job);
  const checkpointPath = join(runDir, 'checkpoints', `${id}.json`);
  const raw = readRunJson(checkpointPath, id);
  if (raw === undefined) throw new ConfigError(`${checkpointPath} does not exist: job ${id} has not saved a checkpoint yet`);
  const checkpoint = parseCheckpoint(raw, checkpointPath);
  if (checkpoint.step === 0) throw new ConfigError(`${checkpointPath}: job ${id} has not taken a step yet (checkpoint at step 0)`);

  await selectBackend(options.backend);
  const meta = { arm: job.arm, seed: job.seed, experiment: job.experiment, config: jobConfigHash(job) };
  const { vectors, columns, dim } = isDatasetConfig(job.data)
    ? await embedDatasetJob(job, job.data, checkpoint, meta, samples)
    : await embedModelJob(job, checkpoint, meta, samples);
  const outDir = options.out ?? join(runDir, 'embeddings');
  const result: EmbedResult = {
    vectors: resolve(outDir, `${id}.vectors.tsv`),
    metadata: resolve(outDir, `${id}.metadata.tsv`),
    job: id,
    step: checkpoint.step,
    samples: columns['index']!.length,
    dim,
  };
  await writeFileAtomic(result.vectors, vectors);
  await writeFileAtomic(result.metadata, metadataToTsv(columns));
  return result;
}

interface Embedded {
  vectors: string;
  columns: Record<string, Array<number | string>>;
  dim: number;
}

/**
 * Restores `method` from `checkpoint` through train(): the checkpoint is validated (variables,
 * shapes, sampler, meta) and applied; with steps = the checkpoint's step no step is taken.
 */
async function restore(options: Omit<TrainOptions, 'steps' | 'checkpoint' | 'evalAtStart'>, checkpoint: Checkpoint): Promise<void> {
  const store = memoryCheckpointStore();
  await store.save(checkpoint);
  for await (const _ of train({ ...options, steps: checkpoint.step, evalAtStart: false, checkpoint: store })) {
    // no steps: the run resumes at its end
  }
}

/** A data-model job: `samples` fresh samples (seeded), labelled by class, dominant atom or latent. */
async function embedModelJob(job: JobSpec, checkpoint: Checkpoint, meta: Record<string, unknown>, samples: number): Promise<Embedded> {
  const data = buildData(job);
  const method = buildMethod(job, modelInput(data));
  try {
    const augment = buildViews(job.augment, data, job.seed);
    await restore(
      {
        data,
        ...(augment ? { augment } : {}),
        method,
        optimizer: job.optimizer,
        schedule: job.schedule,
        batchSize: job.batchSize,
        seed: job.seed,
        meta,
      },
      checkpoint,
    );
    const sample = data.sample(samples, createRng(job.seed).fork('embed'));
    try {
      const embeddings = tf.tidy(() => method.embed(sample.x));
      const columns: Record<string, Array<number | string>> = { index: Array.from({ length: samples }, (_, i) => i) };
      const labels = sampleLabels(data, sample);
      // The sparse code of a dictionary model is its sample's `z` (x = z Mᵀ + noise).
      const code = hasDictionary(data) && sample['z']?.rank === 2 ? (sample['z'] as tf.Tensor2D) : undefined;
      const latents = sampleLatents(data, sample) ?? code;
      if (labels) columns['label'] = Array.from(labels.dataSync());
      else if (latents) columns[code ? 'dominant atom' : 'dominant latent'] = dominant(latents);
      const dim = embeddings.shape[1];
      const vectors = embeddingsToTsv(embeddings);
      embeddings.dispose();
      return { vectors, columns, dim };
    } finally {
      tf.dispose(Object.values(sample));
    }
  } finally {
    method.dispose();
    data.dispose();
  }
}

/**
 * A dataset job: the first `samples` items of the test split (all of them when fewer), embedded by
 * the encoder in eval mode, with their label and class name.
 */
async function embedDatasetJob(
  job: JobSpec,
  config: DatasetConfig,
  checkpoint: Checkpoint,
  meta: Record<string, unknown>,
  samples: number,
): Promise<Embedded> {
  if (job.method.type === 'none') throw new ConfigError(`embed: arm '${job.arm}' trains nothing (method: none); pick a trained arm`);
  const { train: trainSet, test: testSet } = await loadSplits(config);
  const method = buildMethod(job, datasetInput(trainSet));
  try {
    if (job.augment.type === 'dataPairs') throw new ConfigError("embed: 'dataPairs' needs a data model, not a dataset");
    const augment = buildAugment(job.augment, undefined, job.seed) as Augmentation<tf.Tensor> | undefined;
    await restore(
      {
        data: trainSet,
        ...(augment ? { augment } : {}),
        method,
        optimizer: job.optimizer,
        schedule: stepSchedule(job),
        ...(job.sampler ? { sampler: job.sampler } : {}),
        batchSize: job.batchSize,
        seed: job.seed,
        meta,
      },
      checkpoint,
    );
    const n = Math.min(samples, testSet.length);
    const undo = setTrainingMode(method, false);
    try {
      const { z, y } = tf.tidy(() => {
        const batch = testSet.get(Array.from({ length: n }, (_, i) => i));
        return { z: method.embed(batch.x as tf.Tensor2D), y: batch.labels };
      });
      const labels = Array.from(y.dataSync());
      const files = embeddingProjectorFiles(z, labels, testSet.classNames ? { classNames: testSet.classNames } : {});
      const dim = z.shape[1];
      tf.dispose([z, y]);
      const columns: Record<string, Array<number | string>> = { index: labels.map((_, i) => i), label: labels };
      if (testSet.classNames) columns['class'] = labels.map((l) => testSet.classNames![l]!);
      return { vectors: files.vectors, columns, dim };
    } finally {
      undo();
    }
  } finally {
    method.dispose();
  }
}

/** The `embed` command line: `contrastive embed <runDir> [--arm] [--seed] [--samples] [--out] [--backend]`. */
export async function embedMain(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        arm: { type: 'string' },
        seed: { type: 'string' },
        samples: { type: 'string' },
        out: { type: 'string' },
        backend: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new ConfigError(`embed: ${(e as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out.write(EMBED_HELP);
    return 0;
  }
  const [runDir, ...extra] = positionals;
  if (!runDir) throw new ConfigError('embed needs a run directory: contrastive embed runs/<name>-<time> [--arm NAME] [--seed N]');
  if (extra.length) throw new ConfigError(`embed: unexpected argument '${extra[0]}' (one run directory)`);
  const int = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new ConfigError(`embed: --${flag} must be a non-negative integer, got '${v}'`);
    return Number(v);
  };
  const seed = int('seed', values.seed);
  const samples = int('samples', values.samples);
  const r = await embedRun(runDir, {
    ...(values.arm !== undefined ? { arm: values.arm } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(samples !== undefined ? { samples } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values.backend !== undefined ? { backend: values.backend } : {}),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else
    out.write(
      `${r.job} at step ${r.step}: ${r.samples} points × ${r.dim} dims\n  vectors:  ${r.vectors}\n  metadata: ${r.metadata}\n` +
        'Load both files at projector.tensorflow.org (or TensorBoard’s projector).\n',
    );
  return 0;
}
