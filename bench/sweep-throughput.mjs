#!/usr/bin/env node
// Sweep throughput (jobs/minute) of the local engine (worker threads) against the BullMQ + Redis
// engine with 1 and 2 `contrastive worker` processes, on this machine, plus what bounds the queue
// on N machines: Redis commands per job (from INFO commandstats) and the bytes a job moves (its
// result and its checkpoint). Needs the built CLI (pnpm build) and Debian's redis-server.
// Usage: node bench/sweep-throughput.mjs [--steps 1000] [--seeds 2] [--repeat 1]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'apps', 'cli', 'dist', 'bin.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const steps = arg('steps', 1000);
const seeds = arg('seeds', 2);
const repeat = arg('repeat', 1);
const dir = mkdtempSync(join(tmpdir(), 'contrastive-sweep-bench-'));
writeFileSync(
  join(dir, 'base.json'),
  JSON.stringify({
    name: 'bench',
    steps,
    batchSize: 64,
    evalEvery: Math.max(1, Math.floor(steps / 4)),
    checkpointEvery: 100,
    evalSamples: 256,
    data: { type: 'sparseCoding', ambientDim: 64, latentDim: 8, sparsity: 0.2, noiseToSignal: 1 },
    encoder: { type: 'symmetricRelu', width: 16 },
    method: { type: 'contrastive', loss: 'infonce', temperature: 0.1, normalize: false },
    optimizer: { type: 'sgd', lr: 0.05 },
    arms: [{ name: 'masking', augment: { type: 'complementaryMask', keepProb: 0.5 } }],
  }),
);
const sweepFile = join(dir, 'sweep.yaml');
writeFileSync(
  sweepFile,
  `name: bench-sweep\nbase: base.json\naxes:\n  augment.keepProb: [0.3, 0.5]\n  method.temperature: [0.1, 0.2]\nseeds: [${Array.from({ length: seeds }, (_, i) => i).join(', ')}]\nmetric: atomRecovery.median\n`,
);
const jobs = 4 * seeds;
const env = { ...process.env, CI: '1' };
const common = ['--backend', 'wasm', '--json'];

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const run = (args) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const c = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) =>
      code === 0
        ? resolve({ seconds: (performance.now() - t0) / 1000, result: JSON.parse(out) })
        : reject(new Error(`${args.join(' ')}: ${err}`)),
    );
  });
const redisCli = (port, ...a) => spawnSync('redis-cli', ['-p', String(port), ...a], { encoding: 'utf8' }).stdout;
/** Calls per command since the last CONFIG RESETSTAT. */
const commandStats = (port) =>
  Object.fromEntries(
    [...redisCli(port, 'INFO', 'commandstats').matchAll(/cmdstat_(\S+):calls=(\d+)/g)]
      .map((m) => [m[1], Number(m[2])])
      .filter(([k]) => k !== 'info' && k !== 'config'),
  );

/**
 * The time a sweep spends outside training: its wall time minus the jobs' own training seconds
 * spread over the workers (start-up, scheduling, results, the queue's round trips). On a loaded
 * machine the training seconds vary too; this difference is the fairer comparison.
 */
const overhead = (result, seconds, workers) => {
  const train = result.jobs.reduce((a, j) => a + j.seconds, 0);
  return { trainSeconds: Number(train.toFixed(1)), overheadSeconds: Number((seconds - train / workers).toFixed(1)) };
};
const rows = [];
for (let r = 0; r < repeat; r++) {
  for (const workers of [1, 2]) {
    const { seconds, result } = await run([
      'sweep',
      sweepFile,
      '--out',
      join(dir, `local-${workers}-${r}`),
      '--workers',
      String(workers),
      ...common,
    ]);
    rows.push({
      engine: 'local',
      workers,
      seconds,
      jobsPerMinute: (60 * jobs) / seconds,
      trained: result.trained,
      ...overhead(result, seconds, workers),
    });
  }
  for (const workers of [1, 2]) {
    const port = await freePort();
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    while (redisCli(port, 'PING').trim() !== 'PONG') await new Promise((res) => setTimeout(res, 50));
    const url = `redis://127.0.0.1:${port}`;
    // Long-running workers, as deployed: started (and warm) before the sweep is timed.
    const procs = Array.from({ length: workers }, () =>
      spawn(process.execPath, [bin, 'worker', '--queue', url], { env, stdio: ['ignore', 'ignore', 'pipe'] }),
    );
    await Promise.all(procs.map((p) => new Promise((res) => p.stderr.on('data', (d) => /waiting for jobs/.test(String(d)) && res()))));
    redisCli(port, 'CONFIG', 'RESETSTAT');
    const { seconds, result } = await run(['sweep', sweepFile, '--out', join(dir, `queue-${workers}-${r}`), '--queue', url, ...common]);
    const stats = commandStats(port);
    const calls = Object.values(stats).reduce((a, b) => a + b, 0);
    rows.push({
      engine: 'queue',
      workers,
      seconds,
      jobsPerMinute: (60 * jobs) / seconds,
      trained: result.trained,
      ...overhead(result, seconds, workers),
      redisCommandsPerJob: calls / jobs,
      scriptCallsPerJob: ((stats.evalsha ?? 0) + (stats.eval ?? 0)) / jobs,
      stats,
    });
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((res) => p.on('close', res))));
    server.kill('SIGTERM');
  }
}
const sizes = (sub) => {
  const d = join(dir, 'local-1-0', sub);
  const s = readdirSync(d).map((f) => statSync(join(d, f)).size);
  return s.reduce((a, b) => a + b, 0) / s.length;
};
const summary = {
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    loadavg: loadavg()
      .map((x) => x.toFixed(1))
      .join(' '),
  },
  sweep: { jobs, steps, checkpointEvery: 100 },
  bytesPerResult: Math.round(sizes('jobs')),
  bytesPerCheckpoint: Math.round(sizes('checkpoints')),
  rows: rows.map(({ stats: _s, ...r }) => ({
    ...r,
    seconds: Number(r.seconds.toFixed(1)),
    jobsPerMinute: Number(r.jobsPerMinute.toFixed(1)),
  })),
  redisCommands: rows.filter((r) => r.stats).map((r) => ({ workers: r.workers, ...r.stats })),
};
console.log(JSON.stringify(summary, null, 2));
