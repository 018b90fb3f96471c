// Everything `contrastive run|compare` checks before it writes anything: the command line, the
// config, the components of every arm (built, then freed), the backend, the checks' metrics and
// the job ids. `bin.ts` calls `prepareRun`; the tests call it in-process.
import { availableParallelism } from 'node:os';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { comparison } from './compare';
import type { Method } from '@contrastive/train';
import { type Experiment, isDatasetConfig, type JobSpec, jobsOf } from './config';
import { loadSplits } from './datasets';
import { closest, ConfigError, escapeText, formatPath } from './errors';
import { loadExperiment, type Overrides } from './load-config';
import { COMPARE_METHODS, PRESETS } from './presets';
import { buildAugment, buildData, buildMethod, buildViews, datasetInput, modelInput } from './registry';
import { jobId } from './runner';

export const OPTIONS = {
  seed: { type: 'string' },
  seeds: { type: 'string' },
  steps: { type: 'string' },
  size: { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
  workers: { type: 'string' },
  json: { type: 'boolean', default: false },
  /** Terminal output: every metric in the results table, not just the ones the checks are about. */
  wide: { type: 'boolean', default: false },
  /** Terminal output: no progress (results and errors still print). */
  quiet: { type: 'boolean', default: false },
  'no-native': { type: 'boolean', default: false },
  losses: { type: 'string' },
  /** sweep: run on the BullMQ queue at this Redis URL (workers: `contrastive worker --queue`). */
  queue: { type: 'string' },
  /** sweep: the metric of the phase diagrams (a metricCatalogue key). */
  metric: { type: 'string' },
  /** With --out: delete these jobs' checkpoints, results and metrics rows and train them again. */
  'restart-job': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export type CommandLine = ReturnType<typeof parseCommandLine>;

/** `argv` parsed; unknown options and misplaced values are `ConfigError`s naming the flag. */
export function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS, strict: true });
  } catch (e) {
    const message = (e as Error).message;
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
      const guess = closest(option.replace(/^-+/, '').split('=')[0]!, Object.keys(OPTIONS));
      throw new ConfigError(`unknown option '${escapeText(option, 60)}'${guess ? `; did you mean '--${guess}'?` : ''}`, { path: option });
    }
    throw new ConfigError(escapeText(message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, ''), 300));
  }
}

/** A whole number ≥ `min` given on the command line (digits only: no `1e3`, `0x10`, ` 1`). */
export function wholeNumber(flag: string, v: string, min: number): number {
  const n = /^\d{1,15}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw new ConfigError(`--${flag}: expected a whole number ≥ ${min}, got '${escapeText(v, 40)}'`, { path: `--${flag}` });
  return n;
}

/** `--seeds 0,1,2` (a list, each once) or, for `compare`, `--seeds 3` (seeds 0 … 2). */
export function parseSeeds(command: string, values: CommandLine['values']): number[] | undefined {
  if (values.seed !== undefined && values.seeds !== undefined)
    throw new ConfigError('--seed and --seeds: give one of them', { path: '--seeds' });
  if (values.seed !== undefined) return [wholeNumber('seed', values.seed, 0)];
  const text = values.seeds;
  if (text === undefined) return undefined;
  if (command === 'compare' && /^\d+$/.test(text)) {
    const n = wholeNumber('seeds', text, 1);
    if (n > 100) throw new ConfigError(`--seeds: expected at most 100 seeds, got ${n}`, { path: '--seeds' });
    return Array.from({ length: n }, (_, i) => i);
  }
  const parts = text.split(',');
  if (parts.some((p) => p.trim() === '')) {
    throw new ConfigError(`--seeds: expected a comma-separated list of seeds like 0,1,2, got '${escapeText(text, 60)}' (an empty entry)`, {
      path: '--seeds',
    });
  }
  const seeds = parts.map((p) => wholeNumber('seeds', p.trim(), 0));
  const dup = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (dup !== undefined)
    throw new ConfigError(`--seeds: seed ${dup} is listed twice in '${escapeText(text, 60)}'; seeds must differ`, { path: '--seeds' });
  return seeds;
}

export interface PreparedRun {
  command: 'run' | 'compare';
  experiment: Experiment;
  /** `--out`, if given (else the CLI picks `runs/<name>-<time>`). */
  outDir?: string;
  backend?: string;
  /** Worker threads after clamping to the jobs and cores. */
  workers?: number;
  json: boolean;
  /** Notes for the user (e.g. a clamped `--workers`), printed to stderr. */
  notes: string[];
}

/** Backends `--backend` and `CONTRASTIVE_BACKEND` accept. */
export const BACKEND_NAMES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** The command line and config of `run`/`compare`, parsed and checked (no components built yet). */
export function parseRun(command: 'run' | 'compare', target: string | undefined, values: CommandLine['values']): PreparedRun {
  if (command === 'run' && values.losses !== undefined) throw new ConfigError('--losses applies to compare only', { path: '--losses' });
  if (values.metric !== undefined) throw new ConfigError('--metric applies to sweep only', { path: '--metric' });
  const seeds = parseSeeds(command, values);
  const steps = values.steps === undefined ? undefined : wholeNumber('steps', values.steps, 1);
  const overrides: Overrides = {
    ...(seeds ? { seeds } : {}),
    ...(steps ? { steps } : {}),
    ...(values.size !== undefined ? { size: values.size } : {}),
  };
  let experiment: Experiment;
  if (command === 'run') {
    if (!target) throw new ConfigError(`run needs a preset or a config file; presets: ${Object.keys(PRESETS).join(', ')}`);
    experiment = loadExperiment(target, overrides);
  } else {
    if (values.losses === undefined)
      throw new ConfigError(`compare needs --losses, a comma-separated list of ${Object.keys(COMPARE_METHODS).join(', ')}`, {
        path: '--losses',
      });
    experiment = comparison(loadExperiment(target ?? 'compare', overrides), values.losses);
  }
  const backend = values.backend ?? process.env['CONTRASTIVE_BACKEND'];
  if (backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(backend)) {
    const flag = values.backend !== undefined ? '--backend' : 'CONTRASTIVE_BACKEND';
    throw new ConfigError(`${flag}: expected one of ${BACKEND_NAMES.join(', ')}, got '${escapeText(backend, 40)}'`, { path: flag });
  }
  if (values.out !== undefined) {
    if (values.out.trim() === '') throw new ConfigError("--out: expected a directory, got ''", { path: '--out' });
    let isDir = true;
    try {
      isDir = statSync(values.out).isDirectory();
    } catch {
      // Does not exist yet: the run creates it.
    }
    if (!isDir) throw new ConfigError(`--out: '${escapeText(values.out)}' is a file, not a directory`, { path: '--out' });
    checkResumable(values.out, experiment);
  }
  const restart = (values['restart-job'] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
  if (restart.length > 0) {
    if (values.out === undefined)
      throw new ConfigError('--restart-job needs --out <run directory>: the run whose job to restart', { path: '--restart-job' });
    const ids = jobsOf(experiment).map(jobId);
    for (const id of restart) {
      if (!ids.includes(id))
        throw new ConfigError(
          `--restart-job: no job '${escapeText(id, 60)}' in ${experiment.name}; ${closest(id, ids) ? `did you mean '${closest(id, ids)}'?` : `its jobs: ${ids.join(', ')}`}`,
          { path: '--restart-job' },
        );
    }
  }
  const notes: string[] = [];
  let workers: number | undefined;
  if (values.workers !== undefined) {
    const requested = wholeNumber('workers', values.workers, 0);
    const jobs = jobsOf(experiment).length;
    const cores = Math.max(1, availableParallelism());
    workers = Math.min(requested, jobs, cores);
    if (workers < requested)
      notes.push(`note: --workers ${requested} → ${workers} (${jobs} job${jobs === 1 ? '' : 's'}, ${cores} core${cores === 1 ? '' : 's'})`);
  }
  return {
    command,
    experiment,
    ...(values.out !== undefined ? { outDir: values.out } : {}),
    ...(values.backend !== undefined ? { backend: values.backend } : {}),
    ...(workers !== undefined ? { workers } : {}),
    json: values.json,
    notes,
  };
}

/** The first path where `a` and `b` differ (`arms[1].augment.keepProb`), or undefined. */
function firstDifference(a: unknown, b: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return path;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const k of keys) {
    const key = Array.isArray(a) ? Number(k) : k;
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], [...path, key]);
    if (d) return d;
  }
  return undefined;
}

/**
 * An existing run directory is resumed only with the same experiment: a changed config is an error
 * naming the first difference, before anything in it is touched. (A config.json that cannot be read
 * is left to the runner, which names the file.)
 */
function checkResumable(outDir: string, experiment: Experiment): void {
  let previous: unknown;
  try {
    previous = (JSON.parse(readFileSync(join(outDir, 'config.json'), 'utf8')) as { experiment?: unknown }).experiment;
  } catch {
    return;
  }
  if (previous === undefined) return;
  const now = JSON.parse(JSON.stringify(experiment)) as unknown;
  const diff = firstDifference(previous, now);
  if (diff) {
    const at = formatPath(diff);
    throw new ConfigError(
      `--out: ${escapeText(outDir)} holds a run of a different config (they differ at ${at}); resume it with the same config, or choose another --out`,
      { path: '--out' },
    );
  }
}

/** Disposes the built method; its per-network learning rates must name networks it has (train checks it too, but only once the run has started). */
function checkLrMultipliers(job: JobSpec, method: Method): void {
  const networks = Object.keys(method.networks);
  method.dispose();
  for (const name of Object.keys(job.optimizer.lrMultipliers ?? {}))
    if (!networks.includes(name))
      throw new ConfigError(
        `optimizer.lrMultipliers.${escapeText(name, 60)}: this method has no such network (its networks: ${networks.join(', ')})`,
        { path: `optimizer.lrMultipliers.${name}` },
      );
}

/**
 * Builds every arm's components (data, views, networks, method) at its first seed on the chosen
 * backend and frees them, so option errors the packages find come now, not after the run
 * directory exists; checks that job ids (file names) are unique.
 */
export async function validateRun(exp: Experiment, backend?: string): Promise<string> {
  const ids = new Map<string, string>();
  for (const job of jobsOf(exp)) {
    const id = jobId(job);
    const other = ids.get(id);
    if (other !== undefined)
      throw new ConfigError(`arms: '${other}' and '${job.arm}' (seed ${job.seed}) would share the job file '${id}.json'; rename one`, {
        path: 'arms',
      });
    ids.set(id, job.arm);
  }
  const { selectBackend } = await import('./backend');
  let chosen: string;
  try {
    chosen = await selectBackend(backend);
  } catch (e) {
    throw new ConfigError(`--backend ${escapeText(backend ?? 'auto')}: ${escapeText((e as Error).message, 300)}`, {
      path: '--backend',
      cause: e,
    });
  }
  const seen = new Set<string>();
  for (const job of jobsOf(exp)) {
    if (seen.has(job.arm)) continue;
    seen.add(job.arm);
    try {
      if (isDatasetConfig(job.data)) {
        // Loads the data now (a missing optional package or a bad file is an error before the run starts).
        const { train } = await loadSplits(job.data);
        if (job.augment.type !== 'dataPairs') buildAugment(job.augment, undefined, job.seed);
        checkLrMultipliers(job, buildMethod(job, datasetInput(train)));
      } else {
        const data = buildData(job);
        try {
          buildViews(job.augment, data, job.seed);
          checkLrMultipliers(job, buildMethod(job, modelInput(data)));
        } finally {
          data.dispose();
        }
      }
    } catch (e) {
      if (ConfigError.isInstance(e))
        throw new ConfigError(`arm '${job.arm}': ${e.message}`, { ...(e.path ? { path: e.path } : {}), cause: e });
      throw e;
    }
  }
  return chosen;
}

/** `run`/`compare` from the command line: parsed and validated, nothing written. */
export async function prepareRun(argv: string[]): Promise<PreparedRun> {
  const { values, positionals } = parseCommandLine(argv);
  const [command, target, ...extra] = positionals;
  if (command !== 'run' && command !== 'compare') throw new ConfigError(`unknown command '${escapeText(command ?? '')}'`);
  if (extra.length > 0) throw new ConfigError(`unexpected argument '${escapeText(extra[0]!, 60)}' (give one preset or config file)`);
  const prepared = parseRun(command, target, values);
  await validateRun(prepared.experiment, prepared.backend);
  return prepared;
}

/** What the CLI prints and returns for an error: one line and exit code 1 for every `ConfigError`. */
export function failure(e: unknown): { code: number; line: string } {
  if (ConfigError.isInstance(e)) return { code: 1, line: `contrastive: ${e.message}` };
  const err = e as Error;
  return { code: 1, line: `contrastive: ${escapeText(String(err?.message ?? err), 2000)}` };
}
