import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeFileAtomic } from '@contrastive/train/node';
import { type Experiment, type JobSpec, jobsOf } from './config';
import type { JobEvent, JobResult } from './job';
import { summarize, type RunResults } from './results';
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
}

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
export const jobId = (j: { arm: string; seed: number }) => `${slug(j.arm)}-seed${j.seed}`;

/**
 * Runs every job (arm × seed) of `exp` in a pool of worker threads, writing
 * `config.json`, `metrics.jsonl`, `jobs/*.json`, `checkpoints/*.json`, `results.json` and
 * `report.html` into `outDir`. Every file is written atomically except metrics.jsonl, which is
 * appended line by line and cleaned of torn or superseded lines on resume.
 */
export async function runExperiment(exp: Experiment, options: RunOptions): Promise<RunResults> {
  const { outDir } = options;
  mkdirSync(join(outDir, 'jobs'), { recursive: true });
  mkdirSync(join(outDir, 'checkpoints'), { recursive: true });
  const configPath = join(outDir, 'config.json');
  const configText = JSON.stringify(exp, null, 2);
  if (existsSync(configPath)) {
    const previous = JSON.parse(readFileSync(configPath, 'utf8')) as { experiment: unknown };
    if (JSON.stringify(previous.experiment, null, 2) !== configText) {
      throw new Error(`${outDir} holds a different experiment's run; choose another --out or delete it`);
    }
  } else {
    await writeFileAtomic(configPath, JSON.stringify({ experiment: exp, meta: options.meta ?? {} }, null, 2));
  }

  const jobs = jobsOf(exp);
  const results = new Map<string, JobResult>();
  for (const job of jobs) {
    const p = join(outDir, 'jobs', `${jobId(job)}.json`);
    if (existsSync(p)) results.set(jobId(job), JSON.parse(readFileSync(p, 'utf8')) as JobResult);
  }
  const metricsPath = join(outDir, 'metrics.jsonl');
  await cleanMetrics(metricsPath, outDir, jobs, results);

  const pending = jobs.filter((j) => !results.has(jobId(j)));
  const record = (job: JobSpec, event: JobEvent) => {
    if (event.type === 'eval' || (event.type === 'step' && event.step % Math.max(1, Math.floor(job.steps / 100)) === 0)) {
      const line = event.type === 'eval' ? { arm: job.arm, seed: job.seed, step: event.step, ...event.metrics } : { arm: job.arm, seed: job.seed, step: event.step, loss: event.loss, lr: event.lr };
      appendFileSync(metricsPath, `${JSON.stringify(line)}\n`);
    }
    options.onEvent?.(job, event);
  };
  const finish = async (job: JobSpec, result: JobResult) => {
    results.set(jobId(job), result);
    await writeFileAtomic(join(outDir, 'jobs', `${jobId(job)}.json`), JSON.stringify(result));
  };

  const workers = options.workers ?? Math.min(pending.length, Math.max(1, availableParallelism()));
  if (workers === 0) {
    const { runJob } = await import('./job');
    const { selectBackend } = await import('./backend');
    const backend = await selectBackend(options.backend);
    for (const job of pending) {
      const result = await runJob(job, {
        backend,
        checkpointPath: join(outDir, 'checkpoints', `${jobId(job)}.json`),
        onEvent: (e) => record(job, e),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      await finish(job, result);
    }
  } else {
    await runPool(pending, workers, options, outDir, record, finish);
  }

  const summary = summarize(exp, jobs.map((j) => results.get(jobId(j))!));
  await writeFileAtomic(join(outDir, 'results.json'), JSON.stringify(summary, null, 2));
  await writeFileAtomic(join(outDir, 'report.html'), renderReport(exp, summary));
  return summary;
}

async function runPool(
  pending: JobSpec[],
  size: number,
  options: RunOptions,
  outDir: string,
  record: (job: JobSpec, e: JobEvent) => void,
  finish: (job: JobSpec, r: JobResult) => Promise<void>,
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
              else record(job, msg.event);
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
  if (failure) throw failure;
  if (options.signal?.aborted) {
    const err = new Error('run interrupted; checkpoints saved — run the same command again to resume');
    err.name = 'AbortError';
    throw err;
  }
}

/**
 * On resume, drops metrics.jsonl lines that a crash tore, and lines of unfinished jobs past
 * their checkpoint (those steps will be recomputed and logged again).
 */
async function cleanMetrics(path: string, outDir: string, jobs: JobSpec[], done: Map<string, JobResult>): Promise<void> {
  if (!existsSync(path)) return;
  const limit = new Map<string, number>();
  for (const job of jobs) {
    const id = jobId(job);
    if (done.has(id)) continue;
    const cp = join(outDir, 'checkpoints', `${id}.json`);
    let step = 0;
    if (existsSync(cp)) {
      try {
        step = (JSON.parse(readFileSync(cp, 'utf8')) as { step: number }).step;
      } catch {
        step = 0;
      }
    }
    limit.set(id, step);
  }
  const kept: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let row: { arm: string; seed: number; step: number };
    try {
      row = JSON.parse(line);
    } catch {
      continue;
    }
    const max = limit.get(jobId(row));
    if (max === undefined || row.step <= max) kept.push(line);
  }
  await writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
}

/** Lists run directories under `root`, newest first. */
export function listRuns(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'config.json')))
    .sort()
    .reverse();
}
