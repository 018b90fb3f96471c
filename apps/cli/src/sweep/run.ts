// The local engine of a sweep: the jobs not finished yet run in the worker threads of `run`
// (runner's pool and worker.ts), or inline; each finished job is written atomically to
// `jobs/<id>.json`, so a rerun (or a killed run started again) trains only what is missing.
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@contrastive/train/node';
import type { JobSpec } from '../config';
import { ConfigError, escapeText } from '../errors';
import type { JobEvent, JobResult } from '../job';
import { lockRunDir } from '../lock';
import { jobResultSchema, meanStd, readRunFile, RunFileError } from '../results';
import { jobConfigHash, runPool } from '../runner';
import { validateRun } from '../prepare';
import { canonicalJson, describePoint, type ExpandedSweep, type SweepAxis, type SweepJob } from './expand';
import { renderSweepReport } from './report';

export interface SweepRunOptions {
  /** Run directory (created; an existing one is reused: its finished jobs are not trained again). */
  outDir: string;
  /** Worker threads; 0 runs the jobs inline in this thread. Default: one per core, at most one per pending job. */
  workers?: number;
  /** `auto` | `tensorflow` | `wasm` | `cpu`. */
  backend?: string;
  signal?: AbortSignal;
  onEvent?: (job: JobSpec, event: JobEvent) => void;
  /** Stored in sweep.json (command line, versions). */
  meta?: Record<string, unknown>;
}

export interface SweepJobRow {
  id: string;
  point: string;
  seed: number;
  values: Record<string, unknown>;
  final: Record<string, number>;
  seconds: number;
  stepsPerSecond: number;
  backend: string;
  engine: 'native' | 'tfjs';
  resumedFrom: number;
}

export interface SweepPointRow {
  id: string;
  values: Record<string, unknown>;
  seeds: number[];
  /** Mean and sample std over seeds of every final metric. */
  mean: Record<string, number>;
  std: Record<string, number>;
}

export interface SweepCheckResult {
  description: string;
  metric: string;
  where: Record<string, unknown>;
  op: string;
  value: number;
  /** The mean over seeds at every selected point. */
  observed: Array<{ point: string; values: Record<string, unknown>; mean: number }>;
  pass: boolean;
}

export interface SweepResults {
  sweep: string;
  title?: string;
  description?: string;
  claim?: string;
  /** Metric of the phase diagrams. */
  metric: string;
  steps: number;
  axes: SweepAxis[];
  seeds: number[];
  points: SweepPointRow[];
  jobs: SweepJobRow[];
  checks: SweepCheckResult[];
  passed: boolean;
  /** Jobs trained by this invocation, and jobs found finished in the run directory. */
  trained: number;
  reused: number;
  generatedAt: string;
}

const compare = (op: string, a: number, b: number) => (op === '>=' ? a >= b : op === '<=' ? a <= b : op === '>' ? a > b : a < b);

/**
 * Builds every point's components on the chosen backend and frees them (what `run` does before
 * writing anything), so a value a package rejects is an error naming the point. Returns the backend.
 */
export async function validateSweep(sweep: ExpandedSweep, backend?: string): Promise<string> {
  let chosen = backend ?? 'auto';
  for (const p of sweep.points) {
    try {
      chosen = await validateRun(p.experiment, backend);
    } catch (e) {
      if (ConfigError.isInstance(e)) {
        const message = e.message.replace(/^arm 'point': /, '');
        throw new ConfigError(`sweep '${sweep.config.name}': point (${describePoint(p.values)}): ${message}`, {
          ...(e.path ? { path: e.path } : {}),
          cause: e,
        });
      }
      throw e;
    }
  }
  return chosen;
}

/** Per-point means ± std, check verdicts, in the order of the expansion. */
export function summarizeSweep(
  sweep: ExpandedSweep,
  results: Map<string, JobResult>,
  counts: { trained: number; reused: number },
): SweepResults {
  const values = new Map(sweep.points.map((p) => [p.id, p.values]));
  const jobs: SweepJobRow[] = sweep.jobs.map((j) => {
    const r = results.get(j.id)!;
    return {
      id: j.id,
      point: j.point,
      seed: j.seed,
      values: values.get(j.point)!,
      final: r.final,
      seconds: r.seconds,
      stepsPerSecond: r.stepsPerSecond,
      backend: r.backend,
      engine: r.engine,
      resumedFrom: r.resumedFrom,
    };
  });
  const points: SweepPointRow[] = sweep.points.map((p) => {
    const rows = jobs.filter((j) => j.point === p.id);
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r.final)))].sort();
    const mean: Record<string, number> = {};
    const std: Record<string, number> = {};
    for (const k of keys) {
      const s = meanStd(rows.map((r) => r.final[k]).filter((v): v is number => typeof v === 'number'));
      mean[k] = s.mean;
      std[k] = s.std;
    }
    return { id: p.id, values: p.values, seeds: rows.map((r) => r.seed), mean, std };
  });
  const checks: SweepCheckResult[] = sweep.checks.map((c) => {
    const selected = points.filter((p) => Object.entries(c.where).every(([k, v]) => canonicalJson(p.values[k]) === canonicalJson(v)));
    const observed = selected.map((p) => ({ point: p.id, values: p.values, mean: p.mean[c.metric] ?? Number.NaN }));
    return { ...c, observed, pass: observed.length > 0 && observed.every((o) => compare(c.op, o.mean, c.value)) };
  });
  return {
    sweep: sweep.config.name,
    ...(sweep.config.title ? { title: sweep.config.title } : {}),
    ...(sweep.config.description ? { description: sweep.config.description } : {}),
    ...(sweep.config.claim ? { claim: sweep.config.claim } : {}),
    metric: sweep.metric,
    steps: sweep.base.steps,
    axes: sweep.axes,
    seeds: sweep.seeds,
    points,
    jobs,
    checks,
    passed: checks.every((c) => c.pass),
    ...counts,
    generatedAt: new Date().toISOString(),
  };
}

/** A sweep's run directory, locked: the finished jobs found there, and how to add one and finish. */
export interface SweepDir {
  /** Results by job id: those found in `jobs/` plus those saved since. */
  results: Map<string, JobResult>;
  /** Jobs found finished when the directory was opened. */
  reused: number;
  /** The jobs not finished yet, in expansion order. */
  pending: SweepJob[];
  /** Writes `jobs/<id>.json` atomically and records the result. */
  save(job: SweepJob, result: JobResult): Promise<void>;
  /** Writes `results.json` and `report.html` (every job must be finished). */
  finish(): Promise<SweepResults>;
  release(): void;
}

/**
 * Opens (creates) the run directory of a sweep, takes its lock, writes `sweep.json` and reads the
 * finished jobs (each validated against the job it claims to be). Both engines start here, so a
 * sweep begun on one can be finished on the other.
 */
export async function openSweepDir(sweep: ExpandedSweep, outDir: string, meta: Record<string, unknown> = {}): Promise<SweepDir> {
  mkdirSync(outDir, { recursive: true });
  const lock = lockRunDir(outDir, typeof meta['command'] === 'string' ? meta['command'] : undefined);
  try {
    for (const sub of ['jobs', 'checkpoints']) mkdirSync(join(outDir, sub), { recursive: true });
    await writeFileAtomic(
      join(outDir, 'sweep.json'),
      JSON.stringify({ sweep: sweep.config, points: sweep.points.map((p) => ({ id: p.id, values: p.values })), meta }, null, 2),
    );
    const jobPath = (id: string) => join(outDir, 'jobs', `${id}.json`);
    const results = new Map<string, JobResult>();
    for (const job of sweep.jobs) {
      const done = readRunFile(jobPath(job.id), jobResultSchema, job.id);
      if (!done) continue;
      if (done.arm !== job.point || done.seed !== job.seed)
        throw new RunFileError(
          jobPath(job.id),
          `holds the result of point ${escapeText(done.arm, 40)} seed ${done.seed}, not of ${job.point} seed ${job.seed}`,
          job.id,
        );
      results.set(job.id, done as JobResult);
    }
    const reused = results.size;
    return {
      results,
      reused,
      pending: sweep.jobs.filter((j) => !results.has(j.id)),
      save: async (job, result) => {
        results.set(job.id, result);
        await writeFileAtomic(jobPath(job.id), JSON.stringify(result));
      },
      finish: async () => {
        const summary = summarizeSweep(sweep, results, { trained: results.size - reused, reused });
        await writeFileAtomic(join(outDir, 'results.json'), JSON.stringify(summary, null, 2));
        await writeFileAtomic(join(outDir, 'report.html'), renderSweepReport(summary));
        return summary;
      },
      release: () => lock.release(),
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * Runs the jobs of `sweep` that `outDir` does not hold yet and writes `sweep.json`,
 * `jobs/<id>.json`, `checkpoints/<id>.json`, `results.json` and `report.html`.
 */
export async function runSweep(sweep: ExpandedSweep, options: SweepRunOptions): Promise<SweepResults> {
  const { outDir } = options;
  const dir = await openSweepDir(sweep, outDir, options.meta);
  try {
    const { pending } = dir;
    const byId = new Map(pending.map((j) => [j.id, j]));
    const idOf = (spec: JobSpec) => `${spec.arm}-seed${spec.seed}`;
    const finish = async (spec: JobSpec, result: JobResult) => {
      await dir.save(byId.get(idOf(spec))!, result);
      options.onEvent?.(spec, { type: 'result', result });
    };
    // The pool keeps `result` events to itself; `finish` reports them (once, after the file is written).
    const record = (spec: JobSpec, event: JobEvent) => {
      if (event.type !== 'result') options.onEvent?.(spec, event);
    };
    // The checkpoint carries the hash of the whole spec: a checkpoint of another config is refused.
    const runMeta = (spec: JobSpec) => ({ config: jobConfigHash(spec) });
    const workers = Math.min(options.workers ?? Math.max(1, availableParallelism()), pending.length);
    if (pending.length > 0) {
      if (workers === 0) {
        const { runJob } = await import('../job');
        const { selectBackend } = await import('../backend');
        const backend = await selectBackend(options.backend);
        for (const job of pending) {
          if (options.signal?.aborted) break;
          const result = await runJob(job.spec, {
            backend,
            checkpointPath: join(outDir, 'checkpoints', `${job.id}.json`),
            meta: runMeta(job.spec),
            onEvent: (e) => record(job.spec, e),
            ...(options.signal ? { signal: options.signal } : {}),
          });
          await finish(job.spec, result);
        }
        if (options.signal?.aborted) {
          const err = new Error('sweep interrupted; checkpoints saved — run the same command again to resume');
          err.name = 'AbortError';
          throw err;
        }
      } else {
        await runPool(
          pending.map((j) => j.spec),
          workers,
          { outDir, ...(options.backend ? { backend: options.backend } : {}), ...(options.signal ? { signal: options.signal } : {}) },
          outDir,
          record,
          finish,
          runMeta,
        );
      }
    }
    return await dir.finish();
  } finally {
    dir.release();
  }
}
