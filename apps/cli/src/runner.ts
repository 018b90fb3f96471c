import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Checkpoint, CheckpointError, lrFactor, parseCheckpoint } from '@contrastive/train';
import { makeDirectory, writeFileAtomic } from '@contrastive/train/node';
import { z } from 'zod';
import { ConfigError, type Experiment, type JobSpec, jobsOf, stepSchedule } from './config';
import { faultPoint } from './fault';
import type { JobEvent, JobResult } from './job';
import { lockRunDir } from './lock';
import { jobResultSchema, readRunFile, readRunJson, RunFileError, summarize, type RunResults } from './results';
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

export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
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
  await makeDirectory(outDir);
  const lock = lockRunDir(outDir, typeof options.meta?.['command'] === 'string' ? options.meta['command'] : undefined);
  try {
    return await runLocked(exp, options);
  } finally {
    lock.release();
  }
}

async function runLocked(exp: Experiment, options: RunOptions): Promise<RunResults> {
  const { outDir } = options;
  for (const sub of ['jobs', 'checkpoints']) await makeDirectory(join(outDir, sub));
  removeStaleTempFiles(outDir);
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
  const resumeFrom = new Map<string, { job: JobSpec; checkpoint: Checkpoint | undefined }>();
  for (const job of jobs) {
    const id = jobId(job);
    const done = readRunFile(jobPath(id), jobResultSchema, id);
    if (done) {
      if (done.arm !== job.arm || done.seed !== job.seed)
        throw new RunFileError(
          jobPath(id),
          `holds the result of arm '${done.arm}' seed ${done.seed}, not of arm '${job.arm}' seed ${job.seed}`,
          id,
        );
      results.set(id, done as JobResult);
      continue;
    }
    resumeFrom.set(id, { job, checkpoint: validCheckpoint(checkpointPath(id), job, id) });
  }
  await cleanMetrics(metricsPath, resumeFrom);

  const pending = jobs.filter((j) => !results.has(jobId(j)));
  const record = (job: JobSpec, event: JobEvent) => {
    if (event.type === 'eval' || (event.type === 'step' && event.step % logEvery(job) === 0)) {
      const line = event.type === 'eval' ? evalRow(job, event.step, event.metrics) : lossRow(job, event.step, event.loss, event.lr);
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
        let result: JobResult;
        try {
          result = await runJob(job, {
            backend,
            checkpointPath: checkpointPath(jobId(job)),
            meta: runMeta(job),
            onEvent: (e) => record(job, e),
            ...(options.signal ? { signal: options.signal } : {}),
          });
        } catch (e) {
          throw inJob(job, e as Error);
        }
        await finish(job, result);
      }
      if (options.signal?.aborted) throw interrupted();
    } else {
      await runPool(pending, workers, options, outDir, record, finish, runMeta);
    }
  } catch (e) {
    throw withRestartHint(e as Error, outDir);
  }

  const summary = summarize(
    exp,
    jobs.map((j) => results.get(jobId(j))!),
  );
  await writeFileAtomic(join(outDir, 'results.json'), JSON.stringify(summary, null, 2));
  faultPoint('after-results');
  await writeFileAtomic(join(outDir, 'report.html'), renderReport(exp, summary));
  return summary;
}

/**
 * Removes the temp files of atomic writes that a killed process left (`<file>.tmp-<pid>-<n>`): with
 * the lock held no other process writes here, so every one of them is stale.
 */
function removeStaleTempFiles(outDir: string): void {
  for (const sub of ['', 'jobs', 'checkpoints']) {
    const d = join(outDir, sub);
    for (const f of readdirSync(d)) if (/\.tmp-\d+-\d+$/.test(f)) rmSync(join(d, f), { force: true });
  }
}

const interrupted = () => {
  const err = new Error('run interrupted; checkpoints saved — run the same command again to resume');
  err.name = 'AbortError';
  return err;
};

/**
 * Names the job in a training error (a diverged loss names the step; which arm and seed it was is
 * known only here). Interrupts, checkpoint and run-file errors already say whose they are.
 */
function inJob(job: JobSpec, e: Error): Error {
  if (['AbortError', 'CheckpointError', 'RunFileError'].includes(e.name) || !(e instanceof Error)) return e;
  e.message = `${job.arm} (seed ${job.seed}): ${e.message}`;
  return e;
}

/** A checkpoint a job refused (corrupt, foreign, wrong shapes): name it and say how to restart that job. */
function withRestartHint(e: Error, outDir: string): Error {
  if (e.name !== 'CheckpointError') return e;
  const file = /checkpoint (\S+)/.exec(e.message)?.[1];
  const id = file?.startsWith(join(outDir, 'checkpoints'))
    ? file.slice(join(outDir, 'checkpoints').length + 1).replace(/\.json$/, '')
    : undefined;
  return id ? new RunFileError(file!, e.message.replace(/^train: checkpoint \S+ /, ''), id, { cause: e }) : e;
}

/**
 * The checkpoint a pending job resumes from, after validating the file (JSON, schema, internal
 * consistency, arm/seed/experiment/config hash, step ≤ steps); undefined without one. The job
 * validates the variables against its method again when it loads the checkpoint.
 */
function validCheckpoint(path: string, job: JobSpec, id: string): Checkpoint | undefined {
  const value = readRunJson(path, id);
  if (value === undefined) return undefined;
  try {
    const c = parseCheckpoint(value, path);
    const expected = { arm: job.arm, seed: job.seed, experiment: job.experiment, config: jobConfigHash(job) };
    for (const [key, want] of Object.entries(expected)) {
      const got = c.meta?.[key];
      if (got !== want)
        throw new RunFileError(
          path,
          `belongs to another job: its ${key} is ${got === undefined ? 'missing' : JSON.stringify(got)}, this job's is ${JSON.stringify(want)}`,
          id,
        );
    }
    if (c.step > job.steps) throw new RunFileError(path, `is at step ${c.step}, past the job's ${job.steps} steps`, id);
    return c;
  } catch (e) {
    if (CheckpointError.isInstance(e)) throw new RunFileError(path, e.reason, id, { cause: e });
    throw e;
  }
}

export async function runPool(
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
              reject(inJob(job, err));
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

/** A job's loss rows are logged every this many steps (its `logEvery`). */
const logEvery = (job: JobSpec) => Math.max(1, Math.floor(job.steps / 100));
const lossRow = (job: JobSpec, step: number, loss: number, lr: number) => ({ arm: job.arm, seed: job.seed, step, loss, lr });
const evalRow = (job: JobSpec, step: number, metrics: Record<string, number>) => ({ arm: job.arm, seed: job.seed, step, ...metrics });

/**
 * The metrics.jsonl rows of a job up to its checkpoint, rebuilt from the checkpoint's history (the
 * loss of every step, every evaluation) in the order the job logs them. The worker writes a
 * checkpoint before the parent has necessarily appended the rows that precede it, so after a kill
 * the file may lack some of them; the checkpoint never does.
 */
function rowsFromCheckpoint(job: JobSpec, c: Checkpoint): string[] {
  const evals = new Map(c.history.evals.map((e) => [e.step, e.metrics]));
  const rows: object[] = [];
  if (evals.has(0)) rows.push(evalRow(job, 0, evals.get(0)!));
  for (let step = 1; step <= c.step; step++) {
    // The same lr the training step reported: optimizer.lr × lrFactor(schedule, step − 1, steps).
    if (step % logEvery(job) === 0)
      rows.push(lossRow(job, step, c.history.loss[step - 1]!, job.optimizer.lr * lrFactor(stepSchedule(job), step - 1, job.steps)));
    if (evals.has(step)) rows.push(evalRow(job, step, evals.get(step)!));
  }
  return rows.map((r) => JSON.stringify(r));
}

/**
 * On resume, rewrites metrics.jsonl: drops lines a crash tore; keeps the rows of finished jobs;
 * replaces the rows of every unfinished job by those rebuilt from its validated checkpoint (none
 * without one: it starts again at step 0 and logs that evaluation again), so no row is duplicated
 * or missing.
 */
async function cleanMetrics(path: string, pending: Map<string, { job: JobSpec; checkpoint: Checkpoint | undefined }>): Promise<void> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError('read', path, e);
    text = '';
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
    if (
      typeof row !== 'object' ||
      row === null ||
      typeof row.arm !== 'string' ||
      typeof row.seed !== 'number' ||
      typeof row.step !== 'number'
    )
      continue;
    if (!pending.has(jobId(row))) kept.push(line);
  }
  for (const { job, checkpoint } of pending.values()) if (checkpoint) kept.push(...rowsFromCheckpoint(job, checkpoint));
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
