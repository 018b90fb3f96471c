import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CheckpointError, parseCheckpoint } from '@contrastive/train';
import { writeFileAtomic } from '@contrastive/train/node';
import { z } from 'zod';
import { ConfigError, type Experiment, type JobSpec, jobsOf } from './config';
import { faultPoint } from './fault';
import type { JobEvent, JobResult } from './job';
import { lockRunDir } from './lock';
import { jobResultSchema, readRunFile, RunFileError, summarize, type RunResults } from './results';
import { renderReport } from './report';
import type { FromWorker, ToWorker } from './worker';

export interface RunOptions {
  /** Run directory; resumed when it already holds this experiment's config.json. */
  outDir: string;
  /** `auto` | `tensorflow` | `wasm` | `cpu`, passed to every worker. */
  backend?: string;
  /** Worker threads (one tfjs engine each). 0 runs the jobs inline in this thread (tests). */
  workers?: number;
  /** Progress callback (the CLI draws a bar or prints lines). */
  onEvent?: (job: JobSpec, event: JobEvent) => void;
  /** Extra information stored in config.json (versions, command line). */
  meta?: Record<string, unknown>;
  signal?: AbortSignal;
  /**
   * Job ids (`<arm>-seed<n>`) to train again from scratch: their checkpoint, job file and
   * metrics.jsonl rows are deleted first (the way out of a corrupt or foreign checkpoint).
   */
  restartJobs?: string[];
}

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
export const jobId = (j: { arm: string; seed: number }) => `${slug(j.arm)}-seed${j.seed}`;

/**
 * A hash of everything that defines a job (its resolved spec): stored in its checkpoint and checked
 * on resume, so a checkpoint copied from another run or configuration is refused.
 */
export const jobConfigHash = (job: JobSpec) => createHash('sha256').update(JSON.stringify(job)).digest('hex').slice(0, 16);

/** Wraps a file-system error so it names the path and the real errno. */
function fsError(action: string, path: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  return new Error(`cannot ${action} ${path}${code ? ` (${code})` : ''}: ${(e as Error).message}`, { cause: e });
}

/**
 * Runs every job (arm × seed) of `exp` in a pool of worker threads, writing
 * `config.json`, `metrics.jsonl`, `jobs/*.json`, `checkpoints/*.json`, `results.json` and
 * `report.html` into `outDir`. Every file is written atomically except metrics.jsonl, which is
 * appended line by line and cleaned of torn or superseded lines on resume.
 */
export async function runExperiment(exp: Experiment, options: RunOptions): Promise<RunResults> {
  const { outDir } = options;
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw fsError('create the run directory', outDir, e);
  }
  const lock = lockRunDir(outDir, typeof options.meta?.['command'] === 'string' ? options.meta['command'] : undefined);
  try {
    return await runLocked(exp, options);
  } finally {
    lock.release();
  }
}

async function runLocked(exp: Experiment, options: RunOptions): Promise<RunResults> {
  const { outDir } = options;
  for (const sub of ['jobs', 'checkpoints']) {
    try {
      mkdirSync(join(outDir, sub), { recursive: true });
    } catch (e) {
      throw fsError('create', join(outDir, sub), e);
    }
  }
  const configPath = join(outDir, 'config.json');
  const configText = JSON.stringify(exp, null, 2);
  const previous = readRunFile(configPath, z.looseObject({ experiment: z.unknown() }));
  if (previous) {
    if (JSON.stringify(previous.experiment, null, 2) !== configText) {
      throw new Error(`${outDir} holds a different experiment's run; choose another --out or delete it`);
    }
  } else {
    await writeFileAtomic(configPath, JSON.stringify({ experiment: exp, meta: options.meta ?? {} }, null, 2));
  }

  const jobs = jobsOf(exp);
  const ids = jobs.map(jobId);
  const checkpointPath = (id: string) => join(outDir, 'checkpoints', `${id}.json`);
  const jobPath = (id: string) => join(outDir, 'jobs', `${id}.json`);
  const metricsPath = join(outDir, 'metrics.jsonl');

  const restart = new Set(options.restartJobs ?? []);
  for (const id of restart) {
    if (!ids.includes(id)) throw new ConfigError(`--restart-job ${id}: no such job in ${exp.name}; its jobs are ${ids.join(', ')}`);
  }
  if (restart.size > 0) {
    for (const id of restart) for (const p of [checkpointPath(id), jobPath(id)]) rmSync(p, { force: true });
    // The summary and report no longer describe the run.
    for (const f of ['results.json', 'report.html']) rmSync(join(outDir, f), { force: true });
  }

  // Validate every file this run would trust before changing anything (metrics.jsonl is pruned
  // only after every checkpoint it is pruned to has been validated).
  const results = new Map<string, JobResult>();
  const resumeAt = new Map<string, number>();
  for (const job of jobs) {
    const id = jobId(job);
    const done = readRunFile(jobPath(id), jobResultSchema, id);
    if (done) {
      if (done.arm !== job.arm || done.seed !== job.seed) throw new RunFileError(jobPath(id), `holds the result of arm '${done.arm}' seed ${done.seed}, not of arm '${job.arm}' seed ${job.seed}`, id);
      results.set(id, done as JobResult);
      continue;
    }
    resumeAt.set(id, validCheckpointStep(checkpointPath(id), job, id));
  }
  await cleanMetrics(metricsPath, resumeAt, restart);

  const pending = jobs.filter((j) => !results.has(jobId(j)));
  const record = (job: JobSpec, event: JobEvent) => {
    if (event.type === 'eval' || (event.type === 'step' && event.step % Math.max(1, Math.floor(job.steps / 100)) === 0)) {
      const line = event.type === 'eval' ? { arm: job.arm, seed: job.seed, step: event.step, ...event.metrics } : { arm: job.arm, seed: job.seed, step: event.step, loss: event.loss, lr: event.lr };
      try {
        appendFileSync(metricsPath, `${JSON.stringify(line)}\n`);
      } catch (e) {
        throw fsError('append to', metricsPath, e);
      }
    }
    if (event.type === 'checkpoint') faultPoint('after-checkpoint');
    options.onEvent?.(job, event);
  };
  const finish = async (job: JobSpec, result: JobResult) => {
    faultPoint('before-job');
    results.set(jobId(job), result);
    await writeFileAtomic(jobPath(jobId(job)), JSON.stringify(result));
    faultPoint('after-job');
  };
  const runMeta = (job: JobSpec) => ({ config: jobConfigHash(job) });

  const workers = options.workers ?? Math.min(pending.length, Math.max(1, availableParallelism()));
  try {
    if (workers === 0) {
      const { runJob } = await import('./job');
      const { selectBackend } = await import('./backend');
      const backend = await selectBackend(options.backend);
      for (const job of pending) {
        if (options.signal?.aborted) break;
        const result = await runJob(job, {
          backend,
          checkpointPath: checkpointPath(jobId(job)),
          meta: runMeta(job),
          onEvent: (e) => record(job, e),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        await finish(job, result);
      }
      if (options.signal?.aborted) throw interrupted();
    } else {
      await runPool(pending, workers, options, outDir, record, finish, runMeta);
    }
  } catch (e) {
    throw withRestartHint(e as Error, outDir);
  }

  const summary = summarize(exp, jobs.map((j) => results.get(jobId(j))!));
  await writeFileAtomic(join(outDir, 'results.json'), JSON.stringify(summary, null, 2));
  faultPoint('after-results');
  await writeFileAtomic(join(outDir, 'report.html'), renderReport(exp, summary));
  return summary;
}

const interrupted = () => {
  const err = new Error('run interrupted; checkpoints saved — run the same command again to resume');
  err.name = 'AbortError';
  return err;
};

/** A checkpoint a job refused (corrupt, foreign, wrong shapes): name it and say how to restart that job. */
function withRestartHint(e: Error, outDir: string): Error {
  if (e.name !== 'CheckpointError') return e;
  const file = /checkpoint (\S+)/.exec(e.message)?.[1];
  const id = file?.startsWith(join(outDir, 'checkpoints')) ? file.slice(join(outDir, 'checkpoints').length + 1).replace(/\.json$/, '') : undefined;
  return id ? new RunFileError(file!, e.message.replace(/^train: checkpoint \S+ /, ''), id, { cause: e }) : e;
}

/**
 * The step a pending job resumes from: its checkpoint's, after validating the file (JSON, schema,
 * internal consistency, arm/seed/experiment/config hash, step ≤ steps); -1 without a checkpoint.
 * The job validates the variables against its method again when it loads the checkpoint.
 */
function validCheckpointStep(path: string, job: JobSpec, id: string): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return -1;
    throw new RunFileError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): ${(e as Error).message}`, id, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RunFileError(path, `is not valid JSON (${text.trim().length === 0 ? 'empty' : 'truncated or garbage'}, ${text.length} bytes)`, id, { cause: e });
  }
  try {
    const c = parseCheckpoint(value, path);
    const expected = { arm: job.arm, seed: job.seed, experiment: job.experiment, config: jobConfigHash(job) };
    for (const [key, want] of Object.entries(expected)) {
      const got = c.meta?.[key];
      if (got !== want) throw new RunFileError(path, `belongs to another job: its ${key} is ${got === undefined ? 'missing' : JSON.stringify(got)}, this job's is ${JSON.stringify(want)}`, id);
    }
    if (c.step > job.steps) throw new RunFileError(path, `is at step ${c.step}, past the job's ${job.steps} steps`, id);
    return c.step;
  } catch (e) {
    if (CheckpointError.isInstance(e)) throw new RunFileError(path, e.reason, id, { cause: e });
    throw e;
  }
}

async function runPool(
  pending: JobSpec[],
  size: number,
  options: RunOptions,
  outDir: string,
  record: (job: JobSpec, e: JobEvent) => void,
  finish: (job: JobSpec, r: JobResult) => Promise<void>,
  runMeta: (job: JobSpec) => Record<string, unknown>,
): Promise<void> {
  const queue = pending.slice();
  const workerUrl = new URL('./worker.js', import.meta.url);
  const live = new Set<Worker>();
  const onAbort = () => {
    for (const w of live) w.postMessage({ type: 'abort' } satisfies ToWorker);
  };
  options.signal?.addEventListener('abort', onAbort);
  let failure: Error | undefined;
  const lane = async () => {
    const worker = new Worker(workerUrl);
    live.add(worker);
    try {
      while (queue.length > 0 && !failure && !options.signal?.aborted) {
        const job = queue.shift()!;
        await new Promise<void>((resolve, reject) => {
          let result: JobResult | undefined;
          const onMessage = (msg: FromWorker) => {
            if (msg.type === 'event') {
              if (msg.event.type === 'result') result = msg.event.result;
              else {
                try {
                  record(job, msg.event);
                } catch (e) {
                  cleanup();
                  reject(e as Error);
                }
              }
            } else if (msg.type === 'done') {
              cleanup();
              finish(job, result!).then(resolve, reject);
            } else {
              cleanup();
              const err = new Error(msg.message);
              err.name = msg.name;
              if (msg.stack) err.stack = msg.stack;
              reject(err);
            }
          };
          const onError = (e: Error) => {
            cleanup();
            reject(e);
          };
          const onExit = (code: number) => {
            cleanup();
            reject(new Error(`worker for ${job.arm} (seed ${job.seed}) exited with code ${code}`));
          };
          const cleanup = () => {
            worker.off('message', onMessage);
            worker.off('error', onError);
            worker.off('exit', onExit);
          };
          worker.on('message', onMessage);
          worker.on('error', onError);
          worker.on('exit', onExit);
          worker.postMessage({
            type: 'run',
            spec: job,
            checkpointPath: join(outDir, 'checkpoints', `${jobId(job)}.json`),
            meta: runMeta(job),
            ...(options.backend ? { backend: options.backend } : {}),
          } satisfies ToWorker);
        });
      }
    } catch (e) {
      failure ??= e as Error;
      onAbort();
    } finally {
      live.delete(worker);
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, size) }, lane));
  options.signal?.removeEventListener('abort', onAbort);
  if (failure && failure.name !== 'AbortError') throw failure;
  if (options.signal?.aborted || failure) throw interrupted();
}

/**
 * On resume, drops metrics.jsonl lines that a crash tore, and the lines of unfinished jobs past
 * their (validated) checkpoint: those steps are recomputed and logged again. A job without a
 * checkpoint (`resumeAt` −1) or restarted loses all its lines (it starts again at step 0, whose
 * evaluation it logs again). Finished jobs keep theirs.
 */
async function cleanMetrics(path: string, resumeAt: Map<string, number>, restart: Set<string>): Promise<void> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fsError('read', path, e);
  }
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let row: { arm: string; seed: number; step: number };
    try {
      row = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof row !== 'object' || row === null || typeof row.arm !== 'string' || typeof row.seed !== 'number' || typeof row.step !== 'number') continue;
    const id = jobId(row);
    if (restart.has(id)) continue;
    const max = resumeAt.get(id);
    if (max === undefined || row.step <= max) kept.push(line);
  }
  const cleaned = kept.map((l) => `${l}\n`).join('');
  if (cleaned !== text) await writeFileAtomic(path, cleaned);
}

/** Lists run directories under `root`, newest first. */
export function listRuns(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'config.json')))
    .sort()
    .reverse();
}
