#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@contrastive/train/node';
import { z } from 'zod';
import type { Experiment } from './config';
import { embedMain } from './embed';
import { ConfigError } from './errors';
import { failure, parseCommandLine, parseRun, prepareRun } from './prepare';
import { COMPARE_METHODS, PRESETS } from './presets';
import { createProgress } from './progress';
import { renderReport } from './report';
import { readRunFile, type RunResults, runResultsSchema } from './results';
import { listRuns, runExperiment } from './runner';
import { sweepMain } from './sweep/command';
import { SWEEP_PRESETS } from './sweep/presets';
import { formatTable, terminalColumns, wrap } from './table';
import { type Calibration, calibrationNotes, calibrationOf, calibrationSchema, verdictOf } from './verdict';

const HELP = () => `contrastive — reproduce and compare self-supervised feature learning

Usage:
  contrastive run <preset | config.yaml | config.json> [options]
  contrastive compare [preset | config] --losses infonce,supcon,simsiam,byol,directpred [--seeds 3] [options]
  contrastive sweep <${Object.keys(SWEEP_PRESETS).join(' | ')} | sweep.yaml> [--metric KEY] [options]
  contrastive worker --queue redis://[:password@]host:port[/db] [options]   (see worker --help)
  contrastive list
  contrastive report <runDir> [--json]
  contrastive embed <runDir> [--arm NAME] [--seed N] [--samples N] [--out DIR]   (Embedding Projector TSVs; embed --help)

Options for run:
  --seed N           run a single seed            --seeds 0,1,2   several seeds
  --steps N          override the number of steps --size large    the large variant of a preset
  --backend B        auto | tensorflow | wasm | cpu (default: auto, or $CONTRASTIVE_BACKEND)
  --no-native        do not use the compiled kernels of @contrastive/native (same as CONTRASTIVE_NATIVE=0)
  --out DIR          run directory (default runs/<name>-<time>); an existing one is resumed
  --workers N        parallel worker threads (default: one per core; 0 = in-process)
  --json             print results as JSON on stdout (progress goes to stderr)
  --wide             every metric in the results table (default: the ones the checks are about)
  --quiet            no progress display
  --restart-job ID   with --out: delete that job's checkpoint, result and metrics rows and train it
                     again (repeatable; e.g. after a corrupt checkpoint)
Options for sweep (plus --seeds, --steps, --backend, --workers, --out, --json of run):
  --metric KEY       metric of the phase diagrams (default: the sweep's, or its first check's)
  --queue URL        enqueue the jobs on BullMQ at redis://[:password@]host:port[/db] and collect
                     the results of 'contrastive worker --queue URL' processes (any machines)
                     the default --out is runs/sweep-<name>: a rerun trains only the missing jobs
Options for compare (plus those of run):
  --losses L1,L2     ${Object.keys(COMPARE_METHODS).join(', ')}
  --seeds N          N seeds (0 … N−1), or a list 0,1,2
  -h, --help         this help

Exit codes:
  0    every check holds (the run shows the claim), or there are no checks
  1    bad input (flags, config, run directory) or an error
  2    a check failed in the setting the checks were calibrated for: the claim is not shown
  3    a check failed, but --steps or --seed(s) changed the setting the checks were calibrated
       for: the checks do not apply (the output says what changed)
  130  interrupted; checkpoints saved (run the same command again to resume)
`;

/** Runs an experiment with progress, then prints the table (or JSON) and writes the report. */
async function runAndReport(
  exp: Experiment,
  values: {
    out?: string;
    backend?: string;
    json?: boolean;
    wide?: boolean;
    quiet?: boolean;
    workersCount?: number;
    'restart-job'?: string[];
    calibration?: Calibration;
  },
  argv: string[],
  out: NodeJS.WritableStream,
): Promise<number> {
  if (values['restart-job']?.length && values.out === undefined)
    throw new ConfigError('--restart-job needs --out <run directory>: the run whose job to restart');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const outDir = values.out ?? join('runs', `${exp.name}-${stamp}`);
  const resuming = existsSync(join(outDir, 'config.json'));
  out.write(
    `${wrap(`${resuming ? 'Resuming' : 'Running'} ${exp.title ?? exp.name}: ${exp.arms.length} arms × ${exp.seeds.length} seed(s), ${exp.steps} steps → ${outDir}`, terminalColumns(process.stdout), '  ')}\n`,
  );
  const progress = createProgress(exp, process.stderr, { quiet: Boolean(values.quiet) });
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: saving checkpoints (press Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const started = performance.now();
  const results = await runExperiment(exp, {
    outDir,
    ...(values.backend ? { backend: values.backend } : {}),
    ...(values.workersCount !== undefined ? { workers: values.workersCount } : {}),
    onEvent: progress.update,
    signal: controller.signal,
    ...(values['restart-job']?.length
      ? {
          restartJobs: values['restart-job']
            .flatMap((v) => v.split(','))
            .map((v) => v.trim())
            .filter(Boolean),
        }
      : {}),
    meta: {
      command: ['contrastive', ...argv].join(' '),
      node: process.version,
      ...(values.calibration ? { calibration: values.calibration } : {}),
    },
  }).finally(() => progress.done());
  const seconds = (performance.now() - started) / 1000;
  const notes = calibrationNotes(calibrationOf(exp), results, values.calibration);
  const verdict = verdictOf(results, notes);
  // The runner's report does not know the calibration: say in it, too, what the overrides changed.
  if (notes.length) await writeFileAtomic(join(outDir, 'report.html'), renderReport(exp, results, { notes }));
  if (values.json)
    process.stdout.write(
      `${JSON.stringify({ runDir: outDir, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, verdict, ...results }, null, 2)}\n`,
    );
  else
    out.write(
      `\n${formatTable(results, { columns: terminalColumns(process.stdout), wide: Boolean(values.wide), notes })}\nwall time ${seconds.toFixed(1)} s · report: ${resolve(outDir, 'report.html')}\n`,
    );
  return verdict.code;
}

/** The setting the checks were calibrated for: the same preset or config without --steps, --seed(s). */
function calibrationFor(
  command: 'run' | 'compare',
  target: string | undefined,
  values: ReturnType<typeof parseCommandLine>['values'],
): Calibration | undefined {
  try {
    const { steps: _steps, seed: _seed, seeds: _seeds, out: _out, 'restart-job': _restart, workers: _workers, ...rest } = values;
    // A preset with sizes: its checks hold for its calibrated sizes only.
    const sizes = target !== undefined && Object.hasOwn(PRESETS, target) ? PRESETS[target]!.sizes : undefined;
    const size = rest.size ?? sizes?.names[0];
    const calibrated = sizes && size !== undefined && !sizes.calibrated.includes(size) ? { ...rest, size: sizes.calibrated[0]! } : rest;
    return calibrationOf(parseRun(command, target, calibrated).experiment);
  } catch {
    return undefined;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'embed') return embedMain(argv.slice(1), process.stdout);
  // The worker has its own options (queue, lock and stall timings).
  // Loaded on demand: BullMQ and ioredis cost every other command ~0.2 s of start-up.
  if (argv[0] === 'worker') return (await import('./sweep/worker-command')).workerMain(argv.slice(1));
  const { values, positionals } = parseCommandLine(argv);
  // Before any worker starts: workers inherit the environment, and the addon is loaded lazily.
  if (values['no-native']) process.env.CONTRASTIVE_NATIVE = '0';
  const [command, target] = positionals;
  if (values.help || !command) {
    process.stdout.write(HELP());
    return command || values.help ? 0 : 1;
  }
  const out = values.json ? process.stderr : process.stdout;

  if (command === 'list') {
    const rows = Object.entries(PRESETS).map(([name, p]) => ({ name, summary: p.summary }));
    const sweeps = Object.entries(SWEEP_PRESETS).map(([name, p]) => ({ name, summary: p.summary }));
    if (values.json) process.stdout.write(`${JSON.stringify({ presets: rows, sweepPresets: sweeps, runs: listRuns('runs') }, null, 2)}\n`);
    else {
      out.write('Presets:\n');
      const columns = terminalColumns(process.stdout);
      for (const r of rows) out.write(`${wrap(`  ${r.name.padEnd(26)} ${r.summary}`, columns, ' '.repeat(29))}\n`);
      out.write('\nSweep presets (contrastive sweep <name>):\n');
      for (const r of sweeps) out.write(`${wrap(`  ${r.name.padEnd(26)} ${r.summary}`, columns, ' '.repeat(29))}\n`);
      const runs = listRuns('runs');
      if (runs.length) out.write(`\nRuns in ./runs:\n${runs.map((r) => `  ${r}`).join('\n')}\n`);
    }
    return 0;
  }

  if (command === 'report') {
    if (!target) throw new ConfigError('report needs a run directory: contrastive report runs/<name>-<time>');
    const resultsPath = join(target, 'results.json');
    if (!existsSync(resultsPath))
      throw new ConfigError(`${resultsPath} does not exist: is the run finished? (run the same command again to resume it)`);
    const results = readRunFile(resultsPath, runResultsSchema) as unknown as RunResults;
    const config = readRunFile(
      join(target, 'config.json'),
      z.looseObject({
        experiment: z.looseObject({ name: z.string(), arms: z.array(z.unknown()) }),
        meta: z.looseObject({ calibration: calibrationSchema.optional() }).optional(),
      }),
    );
    if (!config) throw new ConfigError(`${join(target, 'config.json')} does not exist: ${target} is not a run directory`);
    const experiment = config.experiment as unknown as Experiment;
    const notes = calibrationNotes(calibrationOf(experiment), results, config.meta?.calibration);
    const verdict = verdictOf(results, notes);
    await writeFileAtomic(join(target, 'report.html'), renderReport(experiment, results, { notes }));
    if (values.json) process.stdout.write(`${JSON.stringify({ verdict, ...results }, null, 2)}\n`);
    else
      out.write(
        `${formatTable(results, { columns: terminalColumns(process.stdout), wide: values.wide, notes })}\nreport: ${resolve(target, 'report.html')}\n`,
      );
    return verdict.code;
  }

  if (command === 'sweep') return sweepMain(argv, out);

  if (command === 'run' || command === 'compare') {
    // Every check (flags, config, components, backend, job ids) before the run directory exists.
    const prepared = await prepareRun(argv);
    for (const note of prepared.notes) process.stderr.write(`${note}\n`);
    const calibration = calibrationFor(command, target, values);
    return runAndReport(
      prepared.experiment,
      { ...values, ...(prepared.workers !== undefined ? { workersCount: prepared.workers } : {}), ...(calibration ? { calibration } : {}) },
      argv,
      out,
    );
  }

  throw new ConfigError(`unknown command '${command}' (commands: run, compare, sweep, worker, list, report, embed; see --help)`);
}

/**
 * Exits once stdout and stderr have flushed: on a pipe, writes are asynchronous, and a bare
 * `process.exit` cut a large `--json` document short (fmnist-ssl's, about 0.5 MB).
 */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main(process.argv.slice(2)).then(exitAfterFlush, (e: Error) => {
  if (e.name === 'AbortError') {
    process.stderr.write(`\n${e.message}\n`);
    return exitAfterFlush(130);
  }
  const { code, line } = failure(e);
  process.stderr.write(`${line}\n`);
  if (!ConfigError.isInstance(e) && process.env.CONTRASTIVE_DEBUG) process.stderr.write(`${e.stack}\n`);
  exitAfterFlush(code);
});
