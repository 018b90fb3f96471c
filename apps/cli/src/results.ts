import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Experiment } from './config';
import type { JobResult } from './job';
import { type Pictures, picturesSchema } from './pictures';

export interface ArmSummary {
  name: string;
  description?: string;
  seeds: Array<{
    seed: number;
    final: Record<string, number>;
    seconds: number;
    stepsPerSecond: number;
    backend: string;
    engine?: 'native' | 'tfjs';
  }>;
  /** Mean and (sample) standard deviation across seeds of every final metric. */
  mean: Record<string, number>;
  std: Record<string, number>;
  /** Evaluation curves: steps and per metric the mean over seeds. */
  curves: { steps: number[]; metrics: Record<string, number[]> };
  /** Training loss, mean over seeds, in windows of `lossWindow` steps. */
  loss: { steps: number[]; values: number[] };
  /** What was learned, at the arm's first seed (see pictures.ts). */
  pictures?: Pictures & { seed: number };
}

export interface CheckResult {
  description: string;
  arm: string;
  metric: string;
  op: string;
  value: number;
  aggregate: 'every-seed' | 'mean';
  than?: string;
  relativeTo?: 'initial';
  observed: number[];
  /** What each observed value was compared with (per seed), when not the constant `value`. */
  reference?: number[];
  pass: boolean;
}

export interface RunResults {
  experiment: string;
  title?: string;
  description?: string;
  claim?: string;
  steps: number;
  seeds: number[];
  arms: ArmSummary[];
  checks: CheckResult[];
  /** All checks pass. */
  passed: boolean;
  generatedAt: string;
}

const compare = (op: string, a: number, b: number) => (op === '>=' ? a >= b : op === '<=' ? a <= b : op === '>' ? a > b : a < b);

export function meanStd(values: number[]): { mean: number; std: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, n);
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}

/** Aggregates per-job results into per-arm means ± std, curves and check verdicts. */
export function summarize(exp: Experiment, results: JobResult[]): RunResults {
  const arms: ArmSummary[] = exp.arms.map((arm) => {
    const rs = results.filter((r) => r.arm === arm.name).sort((a, b) => a.seed - b.seed);
    const keys = [...new Set(rs.flatMap((r) => Object.keys(r.final)))].sort();
    const mean: Record<string, number> = {};
    const std: Record<string, number> = {};
    for (const k of keys) {
      const vals = rs.map((r) => r.final[k]).filter((v): v is number => typeof v === 'number');
      const s = meanStd(vals);
      mean[k] = s.mean;
      std[k] = s.std;
    }
    const steps = rs[0]?.history.evals.map((e) => e.step) ?? [];
    const metricKeys = [...new Set(rs.flatMap((r) => r.history.evals.flatMap((e) => Object.keys(e.metrics))))];
    const metrics: Record<string, number[]> = {};
    for (const k of metricKeys) {
      metrics[k] = steps.map(
        (_, i) => meanStd(rs.map((r) => r.history.evals[i]?.metrics[k]).filter((v): v is number => typeof v === 'number')).mean,
      );
    }
    const window = Math.max(1, Math.floor(exp.steps / 100));
    const lossSteps: number[] = [];
    const lossValues: number[] = [];
    for (let s = 0; s + window <= exp.steps; s += window) {
      const per = rs.map((r) => meanStd(r.history.loss.slice(s, s + window)).mean);
      lossSteps.push(s + window);
      lossValues.push(meanStd(per).mean);
    }
    return {
      name: arm.name,
      ...(arm.description ? { description: arm.description } : {}),
      seeds: rs.map((r) => ({
        seed: r.seed,
        final: r.final,
        seconds: r.seconds,
        stepsPerSecond: r.stepsPerSecond,
        backend: r.backend,
        engine: r.engine,
      })),
      mean,
      std,
      curves: { steps, metrics },
      loss: { steps: lossSteps, values: lossValues },
      ...(rs[0]?.pictures ? { pictures: { seed: rs[0].seed, ...rs[0].pictures } } : {}),
    };
  });
  const initial = (armName: string, seed: number, metric: string) =>
    results.find((r) => r.arm === armName && r.seed === seed)?.history.evals.find((e) => e.step === 0)?.metrics[metric] ?? Number.NaN;
  const checks: CheckResult[] = exp.checks.map((c) => {
    const arm = arms.find((a) => a.name === c.arm)!;
    const observed = arm.seeds.map((s) => s.final[c.metric] ?? Number.NaN);
    let reference: number[] | undefined;
    if (c.than !== undefined) {
      const other = arms.find((a) => a.name === c.than)!;
      reference = arm.seeds.map((s) => (other.seeds.find((o) => o.seed === s.seed)?.final[c.metric] ?? Number.NaN) + c.value);
    } else if (c.relativeTo === 'initial') {
      reference = arm.seeds.map((s) => initial(arm.name, s.seed, c.metric) + c.value);
    }
    const bound = (i: number) => (reference ? reference[i]! : c.value);
    const pass =
      c.aggregate === 'mean'
        ? compare(c.op, meanStd(observed).mean, reference ? meanStd(reference).mean : c.value)
        : observed.length > 0 && observed.every((v, i) => compare(c.op, v, bound(i)));
    return { ...c, observed, ...(reference ? { reference } : {}), pass };
  });
  return {
    experiment: exp.name,
    ...(exp.title ? { title: exp.title } : {}),
    ...(exp.description ? { description: exp.description } : {}),
    ...(exp.claim ? { claim: exp.claim } : {}),
    steps: exp.steps,
    seeds: exp.seeds,
    arms,
    checks,
    passed: checks.every((c) => c.pass),
    generatedAt: new Date().toISOString(),
  };
}

/** A run file (config.json, jobs/*.json, results.json, a checkpoint) that cannot be trusted; names the file. */
export class RunFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
    /** The job whose file it is, when restarting that job (`--restart-job <id>`) repairs it. */
    readonly jobId?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${file} ${printable(reason)}${jobId ? `\n  to discard it and train that job again, rerun with --restart-job ${jobId}` : ''}`,
      options,
    );
    this.name = 'RunFileError';
  }
}

/** Escapes control characters (a crafted file must not send terminal escape sequences through an error message). */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON has no NaN: a metric that was NaN is stored as null and read back as NaN, so a resumed summary equals the uninterrupted one. */
const metricValue = z.union([z.number(), z.null()]).transform((v) => (v === null ? Number.NaN : v));
const metricRecord = z.record(z.string(), metricValue);

/** A finished job's `jobs/<id>.json`. */
export const jobResultSchema = z.object({
  arm: z.string(),
  seed: z.number().int(),
  backend: z.string(),
  engine: z.enum(['native', 'tfjs']),
  final: metricRecord,
  history: z.object({
    loss: z.array(z.number()),
    evals: z.array(z.object({ step: z.number().int().min(0), metrics: metricRecord })),
  }),
  seconds: metricValue,
  stepsPerSecond: metricValue,
  resumedFrom: z.number().int().min(0),
  pictures: picturesSchema.optional(),
});

/** The parts of `results.json` the CLI reads back (`contrastive report`). */
export const runResultsSchema = z.looseObject({
  experiment: z.string(),
  steps: z.number().int().min(1),
  seeds: z.array(z.number().int()),
  arms: z.array(
    z.looseObject({
      name: z.string(),
      mean: metricRecord,
      std: metricRecord,
      seeds: z.array(z.looseObject({ seed: z.number().int(), final: metricRecord })),
    }),
  ),
  checks: z.array(z.looseObject({ description: z.string(), pass: z.boolean() })),
  passed: z.boolean(),
});

/**
 * Reads a JSON run file. Missing → undefined; unreadable or not JSON → a `RunFileError` naming the
 * file (and `jobId` to restart, when given).
 */
export function readRunJson(path: string, jobId?: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new RunFileError(path, `cannot be read (${code ?? 'error'}): ${(e as Error).message}`, jobId, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RunFileError(
      path,
      `is not valid JSON (${text.trim().length === 0 ? 'empty' : 'truncated or garbage'}, ${text.length} bytes)`,
      jobId,
      { cause: e },
    );
  }
}

/**
 * Reads and validates a JSON run file. Missing → undefined; unreadable, not JSON or not matching
 * `schema` → a `RunFileError` naming the file (and `jobId` to restart, when given).
 */
export function readRunFile<S extends z.ZodType>(path: string, schema: S, jobId?: string): z.output<S> | undefined {
  const value = readRunJson(path, jobId);
  if (value === undefined) return undefined;
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new RunFileError(
      path,
      `is not a valid ${schemaName(path)}: at '${issue.path.map(String).join('.') || '(root)'}': ${issue.message}`,
      jobId,
      { cause: r.error },
    );
  }
  return r.data;
}

const schemaName = (path: string) =>
  /results\.json$/.test(path)
    ? 'results file'
    : /[\\/]jobs[\\/]/.test(path)
      ? 'job result'
      : /[\\/]checkpoints[\\/]/.test(path)
        ? 'checkpoint'
        : 'run file';
