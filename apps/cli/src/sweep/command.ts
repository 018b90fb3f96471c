// `contrastive sweep <sweep.yaml | preset>`: expand, validate every point, run the missing jobs on
// the local engine, print the points (or `--json`) and write the report with the phase diagrams.
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { formatMetric } from '@contrastive/analysis';
import { ConfigError, escapeText } from '../errors';
import { BACKEND_NAMES, parseCommandLine, parseSeeds, wholeNumber } from '../prepare';
import { describePoint, expandSweep, type ExpandedSweep } from './expand';
import { loadSweep } from './load';
import { SWEEP_PRESETS } from './presets';
import { parseQueueUrl } from './queue';
import { runSweep, type SweepResults, validateSweep } from './run';

export interface PreparedSweep {
  sweep: ExpandedSweep;
  outDir: string;
  backend?: string;
  workers?: number;
  /** `--queue redis://…`: run on the BullMQ queue engine (this process coordinates). */
  queue?: string;
  json: boolean;
}

/** Everything `sweep` checks before it writes anything: flags, the sweep file, every point (parsed and built). */
export async function prepareSweep(argv: string[]): Promise<PreparedSweep> {
  const { values, positionals } = parseCommandLine(argv);
  const [, target, ...extra] = positionals;
  if (!target) throw new ConfigError(`sweep needs a sweep file (sweep.yaml) or a sweep preset: ${Object.keys(SWEEP_PRESETS).join(', ')}`);
  if (extra.length > 0) throw new ConfigError(`unexpected argument '${escapeText(extra[0]!, 60)}' (give one sweep file)`);
  for (const flag of ['losses', 'size', 'restart-job'] as const)
    if (values[flag] !== undefined) throw new ConfigError(`--${flag} does not apply to sweep`, { path: `--${flag}` });
  const loaded = loadSweep(target);
  const seeds = parseSeeds('sweep', values);
  const steps = values.steps === undefined ? undefined : wholeNumber('steps', values.steps, 1);
  const config = { ...loaded.config, ...(seeds ? { seeds } : {}), set: { ...loaded.config.set, ...(steps ? { steps } : {}) } };
  const sweep = expandSweep(config, {
    source: loaded.source,
    baseDir: loaded.baseDir,
    ...(values.metric !== undefined ? { metric: values.metric } : {}),
  });
  const backend = values.backend ?? process.env['CONTRASTIVE_BACKEND'];
  if (backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(backend)) {
    throw new ConfigError(`--backend: expected one of ${BACKEND_NAMES.join(', ')}, got '${escapeText(backend, 40)}'`, {
      path: '--backend',
    });
  }
  let workers: number | undefined;
  if (values.queue !== undefined) {
    parseQueueUrl(values.queue);
    if (values.workers !== undefined)
      throw new ConfigError('--workers does not apply with --queue: start `contrastive worker --queue …` processes instead', {
        path: '--workers',
      });
  }
  if (values.workers !== undefined) workers = Math.min(wholeNumber('workers', values.workers, 0), Math.max(1, availableParallelism()));
  await validateSweep(sweep, values.backend);
  return {
    sweep,
    outDir: values.out ?? join('runs', `sweep-${sweep.config.name}`),
    ...(values.backend !== undefined ? { backend: values.backend } : {}),
    ...(workers !== undefined ? { workers } : {}),
    ...(values.queue !== undefined ? { queue: values.queue } : {}),
    json: values.json,
  };
}

/** The points as a text table: axis values, the metric mean ± std. */
export function formatSweepTable(r: SweepResults): string {
  const axes = r.axes.map((a) => a.path);
  const show = (v: unknown) => (typeof v === 'number' ? String(v) : JSON.stringify(v));
  const rows = r.points.map((p) => [
    ...axes.map((a) => show(p.values[a])),
    `${formatMetric(r.metric, p.mean[r.metric])}${p.seeds.length > 1 ? ` ± ${formatMetric(r.metric, p.std[r.metric])}` : ''}`,
  ]);
  const head = [...axes, r.metric];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const checks = r.checks.map(
    (c) => `${c.pass ? 'PASS' : 'FAIL'} ${c.description} (observed ${c.observed.map((o) => formatMetric(c.metric, o.mean)).join(', ')})`,
  );
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...(checks.length ? ['', ...checks] : [])].join('\n');
}

export async function sweepMain(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const prepared = await prepareSweep(argv);
  const { sweep, outDir } = prepared;
  out.write(
    `Sweep ${sweep.config.title ?? sweep.config.name}: ${sweep.points.length} points × ${sweep.seeds.length} seed(s) = ${sweep.jobs.length} jobs of ${sweep.base.steps} steps → ${outDir}\n`,
  );
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: saving checkpoints (press Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const values = new Map(sweep.points.map((p) => [p.id, p.values]));
  let finished = 0;
  const started = performance.now();
  const meta = { command: ['contrastive', ...argv].join(' '), node: process.version };
  const line = (job: { point: string; seed: number }, result: { final: Record<string, number>; seconds: number }, by = '') => {
    finished++;
    const v = result.final[sweep.metric];
    process.stderr.write(
      `  [${finished}] ${describePoint(values.get(job.point) ?? {})}, seed ${job.seed}: ${sweep.metric} = ${formatMetric(sweep.metric, v ?? Number.NaN)} (${result.seconds.toFixed(1)} s${by})\n`,
    );
  };
  let results: SweepResults;
  if (prepared.queue !== undefined) {
    let shown = '';
    let shownAt = 0;
    // Loaded on demand (BullMQ, ioredis): a local sweep never needs them.
    const { runSweepOnQueue } = await import('./coordinator');
    results = await runSweepOnQueue(sweep, {
      queue: prepared.queue,
      outDir,
      ...(prepared.backend ? { backend: prepared.backend } : {}),
      signal: controller.signal,
      meta,
      onResult: (job, result, worker) => line(job, result, ` on ${worker}`),
      onProgress: (p) => {
        // A status line when it changes, at most every 5 s: who trains what, how far.
        const running = p.active.map((a) => `${a.id.slice(0, 8)}…${a.id.replace(/^[0-9a-f]+/, '')} ${a.step}/${a.steps} on ${a.worker}`);
        const text = `  queue: ${p.done}/${p.total} done, ${p.active.length} training${running.length ? ` (${running.join(', ')})` : ''}, ${p.waiting} waiting`;
        const key = `${p.done} ${p.active.map((a) => a.id).join()} ${p.waiting}`;
        if (key !== shown || performance.now() - shownAt > 5000) {
          if (performance.now() - shownAt < 1000 && key === shown) return;
          shown = key;
          shownAt = performance.now();
          process.stderr.write(`${text}\n`);
        }
      },
    });
  } else {
    results = await runSweep(sweep, {
      outDir,
      ...(prepared.backend ? { backend: prepared.backend } : {}),
      ...(prepared.workers !== undefined ? { workers: prepared.workers } : {}),
      signal: controller.signal,
      meta,
      onEvent: (job, e) => {
        if (e.type === 'result') line({ point: job.arm, seed: job.seed }, e.result);
      },
    });
  }
  const seconds = (performance.now() - started) / 1000;
  if (prepared.json) process.stdout.write(`${JSON.stringify({ runDir: outDir, seconds, ...results }, null, 2)}\n`);
  else
    out.write(
      `\n${formatSweepTable(results)}\n\ntrained ${results.trained} job(s), reused ${results.reused} · wall time ${seconds.toFixed(1)} s · report: ${resolve(outDir, 'report.html')}\n`,
    );
  return results.passed || results.checks.length === 0 ? 0 : 2;
}
