#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '@contrastive/train';
import { ConfigError, type Experiment } from './config';
import { loadExperiment } from './load-config';
import { PRESETS } from './presets';
import { createProgress } from './progress';
import { renderReport } from './report';
import type { RunResults } from './results';
import { listRuns, runExperiment } from './runner';
import { formatTable } from './table';

const HELP = `contrastive — reproduce and compare self-supervised feature learning

Usage:
  contrastive run <preset | config.yaml | config.json> [options]
  contrastive list
  contrastive report <runDir> [--json]

Options for run:
  --seed N           run a single seed            --seeds 0,1,2   several seeds
  --steps N          override the number of steps --size large    the large variant of a preset
  --backend B        auto | tensorflow | wasm | cpu (default: auto, or $CONTRASTIVE_BACKEND)
  --out DIR          run directory (default runs/<name>-<time>); an existing one is resumed
  --workers N        parallel worker threads (default: one per core; 0 = in-process)
  --json             print results as JSON on stdout (progress goes to stderr)
  -h, --help         this help
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      seeds: { type: 'string' },
      steps: { type: 'string' },
      size: { type: 'string' },
      backend: { type: 'string' },
      out: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, target] = positionals;
  if (values.help || !command) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 1;
  }
  const out = values.json ? process.stderr : process.stdout;

  if (command === 'list') {
    const rows = Object.entries(PRESETS).map(([name, p]) => ({ name, summary: p.summary }));
    if (values.json) process.stdout.write(`${JSON.stringify({ presets: rows, runs: listRuns('runs') }, null, 2)}\n`);
    else {
      out.write('Presets:\n');
      for (const r of rows) out.write(`  ${r.name.padEnd(28)} ${r.summary}\n`);
      const runs = listRuns('runs');
      if (runs.length) out.write(`\nRuns in ./runs:\n${runs.map((r) => `  ${r}`).join('\n')}\n`);
    }
    return 0;
  }

  if (command === 'report') {
    if (!target) throw new ConfigError('report needs a run directory: contrastive report runs/<name>-<time>');
    const resultsPath = join(target, 'results.json');
    if (!existsSync(resultsPath)) throw new ConfigError(`${resultsPath} does not exist: is the run finished? (run the same command again to resume it)`);
    const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as RunResults;
    const { experiment } = JSON.parse(readFileSync(join(target, 'config.json'), 'utf8')) as { experiment: Experiment };
    await writeFileAtomic(join(target, 'report.html'), renderReport(experiment, results));
    if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else out.write(`${formatTable(results)}\nreport: ${resolve(target, 'report.html')}\n`);
    return results.passed || results.checks.length === 0 ? 0 : 2;
  }

  if (command === 'run') {
    if (!target) throw new ConfigError(`run needs a preset or a config file; presets: ${Object.keys(PRESETS).join(', ')}`);
    const int = (name: string, v: string | undefined, min = 0) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new ConfigError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
      return n;
    };
    const seeds = values.seeds !== undefined ? values.seeds.split(',').map((s) => int('seeds', s.trim())!) : values.seed !== undefined ? [int('seed', values.seed)!] : undefined;
    const steps = int('steps', values.steps, 1);
    const workers = int('workers', values.workers);
    const exp = loadExperiment(target, { ...(seeds ? { seeds } : {}), ...(steps ? { steps } : {}), ...(values.size ? { size: values.size } : {}) });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
    const outDir = values.out ?? join('runs', `${exp.name}-${stamp}`);
    const resuming = existsSync(join(outDir, 'config.json'));
    out.write(`${resuming ? 'Resuming' : 'Running'} ${exp.title ?? exp.name}: ${exp.arms.length} arms × ${exp.seeds.length} seed(s), ${exp.steps} steps → ${outDir}\n`);
    const progress = createProgress(exp, process.stderr);
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
      ...(workers !== undefined ? { workers } : {}),
      onEvent: progress.update,
      signal: controller.signal,
      meta: { command: ['contrastive', ...argv].join(' '), node: process.version },
    });
    progress.done();
    const seconds = (performance.now() - started) / 1000;
    if (values.json) process.stdout.write(`${JSON.stringify({ runDir: outDir, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, ...results }, null, 2)}\n`);
    else out.write(`\n${formatTable(results)}\nwall time ${seconds.toFixed(1)} s · report: ${resolve(outDir, 'report.html')}\n`);
    return results.passed || results.checks.length === 0 ? 0 : 2;
  }

  throw new ConfigError(`unknown command '${command}'\n\n${HELP}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    if (e.name === 'AbortError') {
      process.stderr.write(`\n${e.message}\n`);
      process.exit(130);
    }
    const known = e.name === 'ConfigError' || e.name === 'TypeError' && /parseArgs|Unknown option/i.test(e.message) || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`contrastive: ${e.message}\n`);
    if (!known && process.env.CONTRASTIVE_DEBUG) process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  },
);
