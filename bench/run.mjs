#!/usr/bin/env node
// pnpm bench: our step times against a PyTorch reference of the same computation on this machine,
// measured in the same run. Ratios are time ratios (ours / PyTorch; < 1 means we are faster).
// Absolute times on a shared machine are noisy: compare ratios measured in the same run.
//
// Flags: --quick (short timings, 300-step flagship, no plain cpu engine), --no-flagship, --flagship-serial (also PyTorch's
// flagship run serially, default threads and one core: +4 min), --backends=library,wasm,cpu,
// --scaling (also the long scaling sweep: batch 64…4096 and width for the flagship step and SupCon,
// batch 64…1024 and width ¼, ½, 1 for the CNN step, each point in a fresh process for its peak
// memory; writes bench/results/scaling.json, then `pnpm --filter @contrastive/bench plot` draws
// bench/scaling-*.svg), --scaling-only (only the sweep), --workloads=infonce,supcon,cnn (which
// workloads the sweep measures), --cnn-2048 (the CNN sweep also at batch 2048), --sparse-scaling,
// --parts=engines,flagship,cnn,scaling-summary,scaling,real-data (what to run), --seconds=N (timing
// budget per measurement, default 4; 1.5 with --quick), --real-data (also issue 12's small-size
// real-data runs, ours vs PyTorch: ~10 min; part 'real-data'), --no-scaling-summary.
// Part 'cnn' (default): the issue-12 CNN training step and augmentation, ours vs PyTorch (targets 3
// and 6), with PyTorch recomputing our step 0 from our weights and views (same loss and gradients).
// Part 'scaling-summary' (default, unless --scaling): three batch sizes per workload of the sweep
// (two with --quick), for target 5's exponents in this run. The default run ends with the table
// "issue 16 targets": every target, ours, PyTorch's from this run, the ratio, met or not.
// Internal: --point=<json> measures one scaling point and prints JSON (run in a child process).
//
// Engines: 'library' = what a library user gets with `await selectBackend()` from
// @contrastive/core (wasm + @contrastive/native's kernels when installed: the fused InfoNCE and
// SupCon steps, native GEMM behind tf.matMul, native samplers), with every other setting left at
// its default; 'wasm' and 'cpu' = plain tfjs. The CLI's own path is timed by the whole flagship run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { complementaryMask } from '@contrastive/augment';
import { createRng, selectBackend, setFillBernoulliKernel, setFillNormalKernel } from '@contrastive/core';
import { sparseCoding } from '@contrastive/data';
import { supConLoss } from '@contrastive/losses';
import { disableNativeKernels, loadNative, nativeInfo } from '@contrastive/native';
import { symmetricRelu } from '@contrastive/nets';
import { contrastiveMethod, train } from '@contrastive/train';
import { benchCnn, benchRealData, cnnStepFlops, ensureSplit, printCnn, printRealData } from './real-data/bench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.split('=')
    .slice(1)
    .join('=');
const quick = args.includes('--quick');
const seconds = Number(flag('seconds') ?? (quick ? 1.5 : 4));
const SHAPES = {
  small: { latentDim: 32, ambientDim: 256, width: 64, batchSize: 256 },
  large: { latentDim: 64, ambientDim: 512, width: 256, batchSize: 512 },
};
/** SupCon configurations of target 2: batch × 2 views × dim 128, L_out / L_in, with and without labels (10 classes). */
const SUPCON = [1024, 4096].flatMap((batch) =>
  ['out', 'in'].flatMap((variant) =>
    [false, true].map((labels) => ({ batch, variant, labels, key: `supcon_${batch}_${variant}${labels ? '_labels' : ''}` })),
  ),
);

const fmt = (v, d = 1) => (v === undefined || v === null || Number.isNaN(v) ? '–' : Number(v).toFixed(d));
/** CPU ms of this process since `start` (process.cpuUsage()): the work, without the waiting under load. */
const cpuSince = (start) => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};
const rssMB = () => process.memoryUsage().rss / 2 ** 20;
/**
 * Peak RSS of this process in MB: VmHWM of /proc/self/status (the high-water mark of this
 * process's own memory map) where there is one. getrusage's maxRSS is not used on Linux: it keeps
 * the RSS of the process that forked this one across exec, so a scaling point spawned by a
 * 500 MB bench process would report at least 500 MB.
 */
const peakRssMB = () => {
  try {
    const kB = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kB) return Number(kB) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
};

/** Engine setup: 'library' through selectBackend() (what a user gets), else plain tfjs. */
async function useEngine(engine) {
  if (engine === 'library') {
    const selected = await selectBackend({ prefer: ['wasm', 'cpu'] });
    return { ...selected, native: nativeInfo() };
  }
  disableNativeKernels();
  setFillNormalKernel(undefined);
  setFillBernoulliKernel(undefined);
  await tf.setBackend(engine);
  await tf.ready();
  return { backend: engine, nativeKernels: false };
}

/**
 * Times of the flagship training step (sample, mask, forward, InfoNCE, backward, SGD, projection)
 * through `train()`, with a breakdown in CPU ms: data generation (data.sample), augmentation (the masks),
 * loss forward + backward (method.loss under variableGrads, or, with plain SGD and the native
 * kernels, method.fusedSgdStep: loss, gradient, update and row renormalisation in one call), and
 * the rest (optimizer update and row renormalisation when not fused, bookkeeping).
 */
async function benchTrain(s, budget, { profile = false, kernels = 'auto' } = {}) {
  const data = sparseCoding({ ambientDim: s.ambientDim, latentDim: s.latentDim, sparsity: 0.1, noiseToSignal: 4, seed: 0 });
  const augment = complementaryMask({ keepProb: 0.5, seed: 0 });
  const encoder = symmetricRelu({
    inputDim: s.ambientDim,
    width: s.width,
    threshold: 1.34 * data.noiseStd,
    unitNormRows: true,
    seed: 0,
    name: `bench-${s.batchSize}-${s.width}-${tf.getBackend()}`,
  });
  const method = contrastiveMethod({ encoder, loss: 'infonce', temperature: 0.1, normalize: false, kernels });
  const parts = { data: 0, augment: 0, loss: 0 };
  if (profile) {
    const wrap = (obj, key, part) => {
      const f = obj[key].bind(obj);
      obj[key] = (...a) => {
        const t = process.cpuUsage();
        try {
          return f(...a);
        } finally {
          parts[part] += cpuSince(t);
        }
      };
    };
    wrap(data, 'sample', 'data');
    wrap(augment, 'apply', 'augment');
    wrap(method, 'loss', 'loss');
    if (method.fusedSgdStep) wrap(method, 'fusedSgdStep', 'loss');
  }
  const warmup = 10;
  const tensors = [];
  let t0 = 0;
  let cpu0;
  let n = 0;
  for await (const e of train({
    data,
    augment,
    method,
    optimizer: { type: 'sgd', lr: 0.05 },
    steps: 1e6,
    batchSize: s.batchSize,
    seed: 0,
    evalAtStart: false,
  })) {
    if (e.type !== 'step') continue;
    if (e.step === warmup) {
      t0 = performance.now();
      cpu0 = process.cpuUsage();
      for (const k of Object.keys(parts)) parts[k] = 0;
    }
    if (e.step > warmup) n++;
    if (e.step % 5 === 0) tensors.push(tf.memory().numTensors);
    if (t0 && performance.now() - t0 > budget * 1000 && n >= 3) break;
  }
  const ms = (performance.now() - t0) / n;
  const cpuMs = cpuSince(cpu0) / n;
  const engine = method.engine;
  method.dispose();
  data.dispose();
  const breakdown = profile
    ? {
        data: parts.data / n,
        augment: parts.augment / n,
        loss: parts.loss / n,
        rest: cpuMs - (parts.data + parts.augment + parts.loss) / n,
      }
    : undefined;
  return {
    stepsPerSecond: 1000 / ms,
    ms,
    cpuMs,
    engine,
    breakdown,
    tensorGrowth: tensors.length > 1 ? tensors.at(-1) - tensors[0] : 0,
    tensors,
  };
}

/** ms per SupCon forward + backward, [batch, 2, dim] features, τ = 0.1. */
function benchSupCon({ batch, dim = 128, variant = 'out', labels = false }, budget) {
  const x = tf.tensor3d(createRng(0).fillNormal(new Float32Array(batch * 2 * dim)), [batch, 2, dim]);
  const lab = labels ? Array.from({ length: batch }, (_, i) => i % 10) : undefined;
  const grad = tf.grad((f) => supConLoss(f, { temperature: 0.1, variant, ...(lab ? { labels: lab } : {}) }));
  // tidy must return nothing: returning the gradient's typed array would make tidy walk its
  // every element looking for tensors (seconds at 4096×2×128).
  const step = () =>
    tf.tidy(() => {
      grad(x).dataSync();
    });
  step();
  const before = tf.memory().numTensors;
  let n = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  while (n < 2 || performance.now() - t0 < budget * 1000) {
    step();
    n++;
  }
  const ms = (performance.now() - t0) / n;
  const cpuMs = cpuSince(cpu0) / n;
  const tensorGrowth = tf.memory().numTensors - before;
  x.dispose();
  return { ms, cpuMs, tensorGrowth };
}

/** The core's peak: the best GFLOP/s of the native GEMM on square float32 products (one core). */
function gemmPeak(budget) {
  const addon = loadNative();
  if (!addon) return undefined;
  let best = 0;
  const sizes = {};
  for (const n of [256, 512, 1024]) {
    const a = createRng(1).fillNormal(new Float32Array(n * n));
    const b = createRng(2).fillNormal(new Float32Array(n * n));
    const c2 = new Float32Array(n * n);
    addon.sgemm(0, 0, n, n, n, 1, a, b, 0, c2);
    // the fastest repetition in CPU time: under load from other processes a repetition's wall
    // time also counts the time it waited for a core
    let reps = 0;
    const t0 = performance.now();
    let fastest = Infinity;
    while (reps < 3 || performance.now() - t0 < (budget * 1000) / 3) {
      const c = process.cpuUsage();
      addon.sgemm(0, 0, n, n, n, 1, a, b, 0, c2);
      fastest = Math.min(fastest, cpuSince(c));
      reps++;
    }
    sizes[n] = (2 * n ** 3) / (fastest / 1000) / 1e9;
    best = Math.max(best, sizes[n]);
  }
  return { gflops: best, sizes };
}

/** FLOPs of one flagship training step: the 7 GEMMs of the fused step + the data GEMM (x = zMᵀ). */
function trainStepFlops({ latentDim: d, ambientDim: d1, width: m, batchSize: B }) {
  const macs = 4 * B * m * d1 + 3 * B * B * m + B * d * d1;
  return 2 * macs;
}

/** FLOPs of SupCon forward + backward (all views anchors): logits K²D plus dC = (G + Gᵀ)C, K = 2B. */
function supConFlops({ batch, dim = 128 }) {
  const K = 2 * batch;
  return 2 * 2 * K * K * dim;
}

function findTorchPython() {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

const TORCH_SINGLE = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

function runTorch(py, extra, env) {
  const r = spawnSync(py, [join(here, 'torch_ref.py'), ...extra], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) {
    console.error(`PyTorch reference failed: ${r.stderr}`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * The whole flagship through the CLI (one worker thread per core): wall time, and CPU time of the
 * child (bash's `times` after it exits: its user + system time, all threads).
 */
function flagshipWallTime() {
  const out = mkdtempSync(join(tmpdir(), 'bench-flagship-'));
  const t0 = performance.now();
  const cli = [
    join(here, '..', 'apps', 'cli', 'dist', 'bin.js'),
    'run',
    'feature-decoupling',
    '--out',
    join(out, 'run'),
    '--json',
    '--quiet',
    ...(quick ? ['--steps', '300'] : []),
  ];
  const r = spawnSync('bash', ['-c', '"$0" "$@" > "$OUT_JSON"; s=$?; times >&2; exit $s', process.execPath, ...cli], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, OUT_JSON: join(out, 'stdout.json') },
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 2 && r.status !== 3) throw new Error(`flagship run failed: ${r.stderr}`);
  const json = JSON.parse(readFileSync(join(out, 'stdout.json'), 'utf8'));
  rmSync(out, { recursive: true, force: true });
  // `times` prints the shell's user and system time, then its children's: "XmY.YYYs XmY.YYYs"
  const children = r.stderr
    .trim()
    .split('\n')
    .at(-1)
    ?.match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
  const cpuSeconds = children ? 60 * Number(children[1]) + Number(children[2]) + 60 * Number(children[3]) + Number(children[4]) : undefined;
  return { seconds: wall, cpuSeconds, maxRssMB: json.maxRssMB, passed: json.passed };
}

// ---------------------------------------------------------------------------------------------
// Scaling sweep (target 5): one fresh process per point, ours (library engine, one core) and
// PyTorch on one core, time and peak RSS. A workload is { key, label, points, flops(point) };
// the CNN step of the real-data bench plugs in here as one more workload.
// --sparse-scaling: a sparser grid (batch 64, 256, 1024, 4096; two widths) for a loaded machine.
// The CNN step (issue 12's SimCLR step, the `cnn` part's code) goes to batch 1024 (2048 with
// --cnn-2048): a step at 1024 takes ~1 CPU s on each side, and at 4096 the saved activations of the
// two views (≈ 3 GB at width ½) would not fit the 32-bit wasm heap (4 GB, shared with tfjs's copies).
const sparse = args.includes('--sparse-scaling');
const BATCHES = sparse ? [64, 256, 1024, 4096] : [64, 128, 256, 512, 1024, 2048, 4096];
const CNN_BATCHES = [...(sparse ? [64, 256, 1024] : [64, 128, 256, 512, 1024]), ...(args.includes('--cnn-2048') ? [2048] : [])];
const WIDTHS = sparse ? { infonce: [64, 1024], supcon: [32, 512] } : { infonce: [64, 128, 512, 1024], supcon: [32, 64, 256, 512] };
/** Timed steps per CNN point (after 2 warm-up steps): the step is long, so a fixed count. */
const CNN_STEPS = quick ? 2 : 4;
const WORKLOADS = {
  infonce: {
    label: 'flagship step (fused symmetric-ReLU + InfoNCE, d1 = 512)',
    points: [
      ...BATCHES.map((batchSize) => ({ axis: 'batch', batchSize, width: 256 })),
      ...WIDTHS.infonce.map((width) => ({ axis: 'width', batchSize: 512, width })),
    ],
    flops: (p) => trainStepFlops({ latentDim: 64, ambientDim: 512, width: p.width, batchSize: p.batchSize }),
  },
  supcon: {
    label: 'SupCon fwd + bwd (L_out, 2 views)',
    points: [
      ...BATCHES.map((batch) => ({ axis: 'batch', batch, dim: 128 })),
      ...WIDTHS.supcon.map((dim) => ({ axis: 'width', batch: 1024, dim })),
    ],
    flops: (p) => supConFlops(p),
  },
  cnn: {
    label: "SimCLR step of issue 12's CNN (28×28, 2 views, Adam; batch axis at width ½, width axis at B 256)",
    points: [
      ...CNN_BATCHES.map((batchSize) => ({ axis: 'batch', batchSize, width: 0.5, steps: CNN_STEPS })),
      ...[0.25, 0.5, 1].map((width) => ({ axis: 'width', batchSize: 256, width, steps: CNN_STEPS })),
    ],
    flops: (p) => cnnStepFlops({ batch: p.batchSize, width: p.width }),
  },
};
/**
 * The scaling points of the default run's summary (target 5): three batch sizes per workload where
 * its largest term shows (two with --quick), each in a fresh process as in the full sweep.
 */
const SUMMARY_POINTS = {
  infonce: (quick ? [256, 1024] : [256, 1024, 4096]).map((batchSize) => ({ axis: 'batch', batchSize, width: 256 })),
  supcon: (quick ? [256, 1024] : [256, 1024, 4096]).map((batch) => ({ axis: 'batch', batch, dim: 128 })),
  cnn: (quick ? [64, 256] : [64, 256, 1024]).map((batchSize) => ({ axis: 'batch', batchSize, width: 0.5, steps: CNN_STEPS })),
};

async function measurePoint(point) {
  await useEngine('library');
  const base = rssMB();
  const budget = Math.min(seconds, quick ? 1 : 2);
  let r;
  if (point.workload === 'infonce') {
    r = await benchTrain({ latentDim: 64, ambientDim: 512, width: point.width, batchSize: point.batchSize }, budget);
  } else if (point.workload === 'supcon') {
    r = benchSupCon({ batch: point.batch, dim: point.dim }, budget);
  } else if (point.workload === 'cnn') {
    // ours.mjs's stepBench: train() on one batch of the exported split, median wall / mean CPU
    const { loadSplitBatch, stepBench } = await import('./real-data/ours.mjs');
    const data = loadSplitBatch(join(here, 'results', 'real-data', 'split'), point.batchSize);
    const b = rssMB();
    const s = await stepBench({ method: 'simclr', width: point.width, seed: 0, batch: point.batchSize }, data, point.steps ?? CNN_STEPS);
    const breakdownCpuMs = Object.fromEntries(Object.entries(s.breakdown_cpu_seconds).map(([k, v]) => [k, 1000 * v]));
    return {
      ms: 1000 * s.step_seconds,
      cpuMs: 1000 * s.step_cpu_seconds_mean,
      peakRssMB: peakRssMB(),
      baseRssMB: b,
      breakdownCpuMs,
      tensorGrowth: s.tensor_growth,
    };
  } else throw new Error(`unknown workload ${point.workload}`);
  return { ms: r.ms, cpuMs: r.cpuMs, peakRssMB: peakRssMB(), baseRssMB: base };
}

/** Least-squares slope of log(y) on log(x). */
function slope(xs, ys) {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return num / den;
}

/** Measures `points` ({ workload: [point] }, default every point of WORKLOADS), ours and PyTorch, each in a fresh process. */
function scalingSweep(py, points = Object.fromEntries(Object.entries(WORKLOADS).map(([k, w]) => [k, w.points]))) {
  const rows = [];
  // both sides read the CNN's images from the exported .npy split
  if (points.cnn?.length && !ensureSplit()) delete points.cnn;
  for (const [workload, list] of Object.entries(points)) {
    const w = WORKLOADS[workload];
    for (const p of list) {
      const point = { workload, ...p };
      const r = spawnSync(
        process.execPath,
        [fileURLToPath(import.meta.url), `--point=${JSON.stringify(point)}`, ...(quick ? ['--quick'] : [])],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        },
      );
      const ours = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()) : undefined;
      if (!ours) console.error(`scaling point ${JSON.stringify(point)} failed: ${r.stderr}`);
      const torch = py
        ? runTorch(py, ['--point', JSON.stringify(point), '--seconds', String(Math.min(seconds, quick ? 1 : 2))], TORCH_SINGLE)
        : undefined;
      const row = { ...point, flops: w.flops(p), ours, torch };
      rows.push(row);
      console.error(
        `[scaling] ${workload} ${JSON.stringify(p)}: ours ${fmt(ours?.ms, 2)} ms, peak RSS ${fmt(ours?.peakRssMB, 0)} MB; PyTorch ${fmt(torch?.ms, 2)} ms, ${fmt(torch?.peakRssMB, 0)} MB`,
      );
    }
  }
  // Exponents: slope of log CPU time (and of log(peak − base) memory) against log batch, over the
  // whole range and over the last three batch sizes (where the B² term dominates when present).
  const exponents = {};
  for (const workload of Object.keys(WORKLOADS)) {
    const pts = rows.filter((r) => r.workload === workload && r.axis === 'batch');
    const bx = pts.map((r) => r.batchSize ?? r.batch);
    const fit = (who, get) => {
      const ok = pts.map((r, i) => [bx[i], get(r[who])]).filter(([, y]) => y > 0 && Number.isFinite(y));
      if (ok.length < 2) return undefined;
      const tail = ok.slice(-3);
      return {
        all: slope(
          ok.map((o) => o[0]),
          ok.map((o) => o[1]),
        ),
        top: slope(
          tail.map((o) => o[0]),
          tail.map((o) => o[1]),
        ),
      };
    };
    exponents[workload] = {
      time: { ours: fit('ours', (o) => o?.cpuMs ?? o?.ms), torch: fit('torch', (o) => o?.cpuMs ?? o?.ms) },
      memory: { ours: fit('ours', (o) => o && o.peakRssMB - o.baseRssMB), torch: fit('torch', (o) => o && o.peakRssMB - o.baseRssMB) },
    };
  }
  return { rows, exponents };
}

function printScaling({ rows, exponents }) {
  const lines = [
    '| workload | axis | batch | width | ours ms (CPU ms) | PyTorch 1 core ms (CPU ms) | CPU-time ratio ours/PyTorch | ours GFLOP/s (CPU) | ours peak RSS MB (+ over start) | PyTorch peak RSS MB (+ over start) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const b = r.batchSize ?? r.batch;
    const wdt = r.width ?? r.dim;
    lines.push(
      `| ${r.workload} | ${r.axis} | ${b} | ${wdt} | ${fmt(r.ours?.ms, 2)} (${fmt(r.ours?.cpuMs, 2)}) | ${fmt(r.torch?.ms, 2)} (${fmt(r.torch?.cpuMs, 2)}) | ${fmt(r.ours && r.torch ? r.ours.cpuMs / r.torch.cpuMs : undefined, 2)} | ${fmt(r.ours ? r.flops / r.ours.cpuMs / 1e6 : undefined, 1)} | ${fmt(r.ours?.peakRssMB, 0)} (+${fmt(r.ours && r.ours.peakRssMB - r.ours.baseRssMB, 0)}) | ${fmt(r.torch?.peakRssMB, 0)} (+${fmt(r.torch && r.torch.peakRssMB - r.torch.baseRssMB, 0)}) |`,
    );
  }
  lines.push(
    '',
    '| workload | CPU-time exponent in B, ours (all / top 3 batches) | PyTorch | memory exponent, ours | PyTorch |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const [w, e] of Object.entries(exponents)) {
    const f = (x) => (x ? `${fmt(x.all, 2)} / ${fmt(x.top, 2)}` : '–');
    lines.push(`| ${w} | ${f(e.time.ours)} | ${f(e.time.torch)} | ${f(e.memory.ours)} | ${f(e.memory.torch)} |`);
  }
  console.log(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const saved = flag('report');
  if (saved) {
    // Re-print the tables of a saved run (bench/results/latest.json).
    const r = JSON.parse(readFileSync(saved, 'utf8'));
    if (r.torch || Object.keys(r.ours ?? {}).length)
      report(
        r,
        Object.keys(r.ours).filter((k) => k !== 'flagship'),
      );
    if (r.scaling ?? r.rows) printScaling(r.scaling ?? r);
    if (r.cnn) printCnn(r.cnn, { peak: corePeak(r) });
    if (r.realData) printRealData(r.realData);
    if (r.ours?.library) printSummary(r);
    return;
  }
  const point = flag('point');
  if (point) {
    console.log(JSON.stringify(await measurePoint(JSON.parse(point))));
    return;
  }
  // --parts=engines,flagship,scaling picks what runs (default: engines and flagship, plus scaling with --scaling).
  const parts = new Set(
    (
      flag('parts') ??
      [
        ...(args.includes('--scaling-only') ? [] : ['engines', ...(args.includes('--no-flagship') ? [] : ['flagship']), 'cnn']),
        ...(args.includes('--real-data') ? ['real-data'] : []),
        ...(args.includes('--scaling') || args.includes('--scaling-only')
          ? ['scaling']
          : args.includes('--no-scaling-summary')
            ? []
            : ['scaling-summary']),
      ].join(',')
    ).split(','),
  );
  // --quick leaves out the plain cpu engine: ~4 of its 20 minutes under load, for a 20-80× slower
  // path nobody trains on (pass --backends=library,wasm,cpu to keep it)
  const backends = (flag('backends') ?? (quick ? 'library,wasm' : 'library,wasm,cpu')).split(',');
  const results = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    date: new Date().toISOString(),
    quick,
    loadavg: { start: loadavg() },
    ours: {},
    torch: undefined,
  };
  const py = args.includes('--no-torch') ? undefined : findTorchPython();
  if (!py && !args.includes('--no-torch'))
    console.error('PyTorch reference skipped: no python3 with torch (apt-get install python3-torch libopenblas0-pthread).');

  if (parts.has('engines') || parts.has('flagship')) {
    for (const engine of parts.has('engines') ? backends : []) {
      const setup = await useEngine(engine);
      const budget = engine === 'cpu' ? Math.min(seconds, 3) : seconds;
      const lib = engine === 'library';
      const small = await benchTrain(SHAPES.small, budget, { profile: lib });
      const large = await benchTrain(SHAPES.large, budget, { profile: lib });
      const r = {
        setup: { backend: setup.backend, nativeKernels: setup.nativeKernels, simd: setup.native?.simd },
        engine: large.engine,
        train_small: small.stepsPerSecond,
        train_large: large.stepsPerSecond,
        train_small_cpu: 1000 / small.cpuMs,
        train_large_cpu: 1000 / large.cpuMs,
        breakdown: { small: small.breakdown, large: large.breakdown },
        tensorGrowth: small.tensorGrowth + large.tensorGrowth,
        tensorsOverTime: { small: small.tensors, large: large.tensors },
      };
      // SupCon: every configuration on the library path; the plain engines only at 1024 (L_out,
      // no labels), their composed path builds [2B, 2B] masks in JavaScript.
      for (const c of lib ? SUPCON : SUPCON.slice(0, 1)) {
        const { ms, cpuMs, tensorGrowth } = benchSupCon(
          c,
          engine === 'cpu' ? Math.min(seconds, 1) : c.batch > 1024 ? 1.5 * seconds : 0.75 * seconds,
        );
        r[c.key] = 1000 / ms;
        r[`${c.key}_cpu`] = 1000 / cpuMs;
        r.tensorGrowth += tensorGrowth;
      }
      if (lib) r.gemm = gemmPeak(Math.min(seconds, 3));
      results.ours[engine] = r;
      console.error(
        `[${engine}: ${setup.backend}${setup.nativeKernels ? ' + native kernels' : ''}] train small ${fmt(r.train_small)} steps/s, large ${fmt(r.train_large)} steps/s, supcon 1024 ${fmt(r.supcon_1024_out, 2)} steps/s, tensor growth ${r.tensorGrowth}`,
      );
    }
    results.loadavg.afterOurs = loadavg();
    if (parts.has('flagship')) {
      results.ours.flagship = flagshipWallTime();
      console.error(`[flagship] wall ${fmt(results.ours.flagship.seconds)} s, peak RSS ${fmt(results.ours.flagship.maxRssMB, 0)} MB`);
    }
    if (py && !args.includes('--no-torch')) {
      const common = [
        ...(quick ? ['--quick'] : []),
        '--seconds',
        String(seconds),
        ...(parts.has('engines') ? [] : ['--no-engines']),
        ...(parts.has('flagship') ? ['--flagship'] : []),
        ...(args.includes('--flagship-serial') ? ['--flagship-serial'] : []),
      ];
      // As PyTorch runs here by default (its pthread OpenBLAS uses every core), then on one core.
      const def = parts.has('engines') || args.includes('--flagship-serial') ? runTorch(py, common, {}) : {};
      const one = runTorch(py, [...common, '--single-core'], TORCH_SINGLE);
      if (def && one) {
        results.torch = { ...def };
        for (const k of ['train_small', 'train_large', ...SUPCON.map((c) => c.key)]) {
          results.torch[`${k}_1thread`] = one[k];
          results.torch[`${k}_1thread_cpu`] = one[`${k}_cpu`];
        }
        results.torch.gemm_gflops_1thread = one.gemm_gflops;
        results.torch.cores_used_1thread = one.cores_used;
        results.torch.flagship_seconds_1core = one.flagship_seconds;
        results.torch.flagship_seconds_parallel = one.flagship_seconds_parallel;
        results.torch.flagship_cpu_seconds_parallel = one.flagship_cpu_seconds_parallel;
        results.torch.flagship_processes = one.flagship_processes;
      }
    }
    results.loadavg.afterTorch = loadavg();
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(join(here, 'results', `${parts.has('engines') ? 'latest' : 'flagship'}.json`), JSON.stringify(results, null, 2));
    report(results, backends);
  }
  if (parts.has('cnn')) {
    results.cnn = benchCnn(py, { quick });
    printCnn(results.cnn, { peak: corePeak(results) });
  }
  if (parts.has('real-data')) {
    results.realData = benchRealData(py);
    printRealData(results.realData);
  }
  if (parts.has('scaling')) {
    // --workloads=cnn,... measures only those workloads of the sweep
    const only = flag('workloads')?.split(',');
    results.scaling = scalingSweep(
      py,
      Object.fromEntries(
        Object.entries(WORKLOADS)
          .filter(([k]) => !only || only.includes(k))
          .map(([k, w]) => [k, w.points]),
      ),
    );
    results.loadavg.afterScaling = loadavg();
    printScaling(results.scaling);
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(
      join(here, 'results', 'scaling.json'),
      JSON.stringify({ date: results.date, loadavg: results.loadavg, ...results.scaling }, null, 2),
    );
  } else if (parts.has('scaling-summary')) {
    results.scaling = scalingSweep(py, structuredClone(SUMMARY_POINTS));
    results.loadavg.afterScaling = loadavg();
    printScaling(results.scaling);
  }
  results.loadavg.end = loadavg();
  if (parts.has('engines')) printSummary(results);
  results.benchPeakRssMB = peakRssMB();
  mkdirSync(join(here, 'results'), { recursive: true });
  if (parts.has('engines')) writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify(results, null, 2));
  else if (parts.has('cnn') || parts.has('real-data'))
    writeFileSync(join(here, 'results', 'real-data.json'), JSON.stringify(results, null, 2));
  console.log(
    `\nload average (1 min) at start ${fmt(results.loadavg.start[0], 2)}, end ${fmt(loadavg()[0], 2)}; raw numbers: bench/results/${parts.has('engines') || !(parts.has('cnn') || parts.has('real-data')) ? 'latest' : 'real-data'}.json`,
  );
}

/** The core's peak GFLOP/s of this run: the faster of our native GEMM and OpenBLAS on one core. */
function corePeak(results) {
  const g = results.ours.library?.gemm?.gflops;
  return g ? Math.max(g, results.torch?.gemm_gflops_1thread ?? 0) : undefined;
}

/**
 * The last table of `pnpm bench`: each target of issue 16 with ours, PyTorch's from this run, the
 * ratio and whether it is met. Ratios are CPU-time ratios against PyTorch on one core where the
 * target is a step (under load from other processes wall time also counts the waiting), and wall
 * and CPU time for the whole flagship.
 */
function printSummary(results) {
  const t = results.torch ?? {};
  const lib = results.ours.library;
  const rows = [];
  const met = (ok) => (ok === undefined ? '–' : ok ? 'met' : '**not met**');
  const row = (target, what, ours, theirs, ratio, ok) => rows.push(`| ${target} | ${what} | ${ours} | ${theirs} | ${ratio} | ${met(ok)} |`);
  const fl = results.ours.flagship;
  if (fl) {
    const w = results.flagshipRatioParallel;
    const c = results.flagshipCpuRatioParallel;
    row(
      '1 whole flagship ≤ 1.0×',
      `${results.quick ? '300' : '3000'} steps × 15 runs; PyTorch as 2 single-core processes`,
      `${fmt(fl.seconds)} s wall, ${fmt(fl.cpuSeconds)} s CPU`,
      `${fmt(t.flagship_seconds_parallel)} s wall, ${fmt(t.flagship_cpu_seconds_parallel)} s CPU`,
      `wall ${fmt(w, 2)}, CPU ${fmt(c, 2)}`,
      w === undefined || c === undefined ? undefined : w <= 1 && c <= 1,
    );
  }
  if (lib) {
    const cpu = (key) => [1000 / lib[`${key}_cpu`], t[`${key}_1thread_cpu`] ? 1000 / t[`${key}_1thread_cpu`] : undefined];
    const sup = SUPCON.map((c) => [c, ...cpu(c.key)]).map(([c, o, p]) => ({ c, o, p, r: p ? o / p : undefined }));
    const worst = sup.reduce((a, b) => ((b.r ?? 0) > (a.r ?? 0) ? b : a));
    const all = sup.every((x) => x.r !== undefined);
    row(
      '2 supConLoss ≤ 1.0×',
      `worst of 8 (1024 and 4096 × 2 × 128, L_out/L_in, ± labels): ${worst.c.batch}, L_${worst.c.variant}${worst.c.labels ? ', labels' : ''}`,
      `${fmt(worst.o, 1)} CPU ms`,
      `${fmt(worst.p, 1)} CPU ms`,
      `CPU ${fmt(worst.r, 2)} (all 8: ${sup.map((x) => fmt(x.r, 2)).join(', ')})`,
      all ? sup.every((x) => x.r <= 1) : undefined,
    );
  }
  const cnn = results.cnn;
  if (cnn?.ours) {
    const o = cnn.ours;
    const p = cnn.torch;
    const r = p ? o.step_cpu_seconds / p.step_cpu_seconds : undefined;
    const augShare = o.aug_images_per_cpu_second ? (100 * (2 * o.batch)) / o.aug_images_per_cpu_second / o.step_cpu_seconds : undefined;
    row(
      '3 CNN step ≤ 1.0×, augmentation ≤ 10 %',
      `SimCLR, batch ${o.batch} × 2 views, width ${o.width}; augmentation's share of our step`,
      `${fmt(1000 * o.step_cpu_seconds, 0)} CPU ms; augmentation ${fmt(augShare, 1)} %`,
      `${fmt(p ? 1000 * p.step_cpu_seconds : undefined, 0)} CPU ms`,
      `CPU ${fmt(r, 2)}`,
      r === undefined ? undefined : r <= 1 && augShare <= 10,
    );
  }
  if (lib) {
    const r = (key) => (t[`${key}_1thread_cpu`] ? t[`${key}_1thread_cpu`] / lib[`${key}_cpu`] : undefined);
    const fast = lib.setup.nativeKernels && lib.engine === 'native';
    row(
      '4 library path gets the fast path',
      `selectBackend() → ${lib.setup.backend}${lib.setup.nativeKernels ? ` + native (${lib.setup.simd})` : ', no native kernels'}, contrastiveMethod engine '${lib.engine}'; flagship step small / large`,
      `${fmt(1000 / lib.train_small_cpu, 2)} / ${fmt(1000 / lib.train_large_cpu, 2)} CPU ms`,
      `${fmt(t.train_small_1thread_cpu ? 1000 / t.train_small_1thread_cpu : undefined, 2)} / ${fmt(t.train_large_1thread_cpu ? 1000 / t.train_large_1thread_cpu : undefined, 2)} CPU ms`,
      `CPU ${fmt(r('train_small'), 2)} / ${fmt(r('train_large'), 2)}`,
      fast,
    );
  }
  if (results.scaling) {
    for (const [w, e] of Object.entries(results.scaling.exponents)) {
      const pts = results.scaling.rows.filter((r) => r.workload === w && r.axis === 'batch' && r.ours && r.torch);
      if (!pts.length) continue;
      const last = pts.at(-1);
      const b = (r) => r.batchSize ?? r.batch;
      row(
        `5 scaling: ${w}`,
        `CPU-time exponent in B over ${pts.map(b).join(', ')} (last pair); time ratio at B = ${b(last)}`,
        `${fmt(e.time.ours?.all, 2)} (${fmt(slope([b(pts.at(-2)), b(last)], [pts.at(-2).ours.cpuMs, last.ours.cpuMs]), 2)})`,
        `${fmt(e.time.torch?.all, 2)} (${fmt(slope([b(pts.at(-2)), b(last)], [pts.at(-2).torch.cpuMs, last.torch.cpuMs]), 2)})`,
        `CPU ${fmt(last.ours.cpuMs / last.torch.cpuMs, 2)} at ${b(last)}`,
        e.time.ours !== undefined && e.time.torch !== undefined ? true : undefined,
      );
    }
  }
  const peak = corePeak(results);
  if (peak && lib) {
    const f = trainStepFlops(SHAPES.large);
    const o = (f * lib.train_large_cpu) / 1e9;
    const p = t.train_large_1thread_cpu ? (f * t.train_large_1thread_cpu) / 1e9 : undefined;
    row(
      '6 % of peak: flagship step (large)',
      `${fmt(f / 1e9, 3)} GFLOP per step; peak ${fmt(peak)} GFLOP/s (GEMM microbenchmark, one core)`,
      `${fmt(o)} GFLOP/s = ${fmt((100 * o) / peak, 0)} %`,
      `${fmt(p)} GFLOP/s = ${fmt(p ? (100 * p) / peak : undefined, 0)} %`,
      `CPU ${fmt(p ? p / o : undefined, 2)}`,
      true,
    );
    if (cnn?.ours?.step_cpu_seconds_mean) {
      const go = cnn.flops / cnn.ours.step_cpu_seconds_mean / 1e9;
      const gp = cnn.torch?.step_cpu_seconds_mean ? cnn.flops / cnn.torch.step_cpu_seconds_mean / 1e9 : undefined;
      row(
        '6 % of peak: CNN step',
        `${fmt(cnn.flops / 1e9, 2)} GFLOP per step (breakdown in the CNN table above)`,
        `${fmt(go)} GFLOP/s = ${fmt((100 * go) / peak, 0)} %`,
        `${fmt(gp)} GFLOP/s = ${fmt(gp ? (100 * gp) / peak : undefined, 0)} %`,
        `CPU ${fmt(gp ? gp / go : undefined, 2)}`,
        true,
      );
    }
  }
  console.log(
    [
      `\nissue 16 targets (${results.date}, load average ${results.loadavg.start.map((l) => fmt(l, 1)).join(' ')} at start, ${fmt((results.loadavg.end ?? loadavg())[0], 1)} at the end; ratios ours / PyTorch, CPU time against PyTorch on one core; targets 5 and 6 are measurements: met when measured on both sides):`,
      '| target | what | ours | PyTorch (same run) | ratio ours / PyTorch | met? |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
}

/** The tables of `pnpm bench`: every target with its PyTorch counterpart from this run. */
function report(results, backends) {
  const t = results.torch ?? {};
  const lib = results.ours.library;
  const out = [];
  // Target 2 and 4: step and loss times, every engine, against PyTorch default and one core.
  const rows = [
    ['train_small', 'train step, small (d=32, d1=256, m=64, B=256)'],
    ['train_large', 'train step, large (d=64, d1=512, m=256, B=512)'],
    ...SUPCON.map((c) => [c.key, `supConLoss fwd+bwd ${c.batch}×2×128, L_${c.variant}, ${c.labels ? '10 classes' : 'no labels'}`]),
  ];
  const cores = t.cores_used;
  out.push(
    `| benchmark | ${backends.map((b) => `${b} steps/s`).join(' | ')} | PyTorch steps/s (default: ${fmt(cores, 1)} cores busy) | PyTorch steps/s (1 core) | ${backends.map((b) => `time ${b}/PyTorch`).join(' | ')} | ${backends.map((b) => `time ${b}/PyTorch 1 core`).join(' | ')} |`,
    `|${' --- |'.repeat(3 + 3 * backends.length)}`,
  );
  for (const [key, label] of rows) {
    const ours = backends.map((b) => results.ours[b]?.[key]);
    const td = t[key];
    const t1 = t[`${key}_1thread`];
    out.push(
      `| ${label} | ${ours.map((v) => fmt(v)).join(' | ')} | ${fmt(td)} | ${fmt(t1)} | ${ours.map((v) => fmt(v && td ? td / v : undefined, 2)).join(' | ')} | ${ours.map((v) => fmt(v && t1 ? t1 / v : undefined, 2)).join(' | ')} |`,
    );
  }
  console.log(out.join('\n'));
  // The same ratios on CPU time (ours: this process; PyTorch: on one core): under load from other
  // processes wall time also measures the waiting for a core, CPU time only the work.
  if (lib) {
    const cpuRows = [
      '| benchmark (CPU time per step) | library ms | PyTorch 1 core ms | **CPU-time ratio library/PyTorch 1 core** |',
      '| --- | --- | --- | --- |',
    ];
    for (const [key, label] of rows) {
      const ours = lib[`${key}_cpu`] ? 1000 / lib[`${key}_cpu`] : undefined;
      const theirs = t[`${key}_1thread_cpu`] ? 1000 / t[`${key}_1thread_cpu`] : undefined;
      cpuRows.push(`| ${label} | ${fmt(ours, 2)} | ${fmt(theirs, 2)} | **${fmt(ours && theirs ? ours / theirs : undefined, 2)}** |`);
    }
    console.log(`\n${cpuRows.join('\n')}`);
  }
  if (lib) {
    console.log(
      `\nlibrary path: selectBackend() → ${lib.setup.backend}${lib.setup.nativeKernels ? ` + @contrastive/native (${lib.setup.simd})` : ' (no native kernels)'}; contrastiveMethod with default options ran engine '${lib.engine}'`,
    );
  }
  // Target 1: the whole flagship.
  if (results.ours.flagship) {
    const ours = results.ours.flagship.seconds;
    results.flagshipRatio = t.flagship_seconds ? ours / t.flagship_seconds : undefined;
    results.flagshipRatioParallel = t.flagship_seconds_parallel ? ours / t.flagship_seconds_parallel : undefined;
    const oc = results.ours.flagship.cpuSeconds;
    results.flagshipCpuRatioParallel = oc && t.flagship_cpu_seconds_parallel ? oc / t.flagship_cpu_seconds_parallel : undefined;
    console.log(
      `\nwhole flagship (5 arms × 3 seeds${quick ? ' × 300 steps (--quick)' : ' × 3000 steps'}, CLI, one worker thread per core): ours ${fmt(ours)} s wall, ${fmt(oc)} s CPU; ` +
        `PyTorch ${t.flagship_processes ?? '?'} single-core processes ${fmt(t.flagship_seconds_parallel)} s wall, ${fmt(t.flagship_cpu_seconds_parallel)} s CPU → ` +
        `**time ratio ${fmt(results.flagshipRatioParallel, 2)}, CPU-time ratio ${fmt(results.flagshipCpuRatioParallel, 2)}** (target 1: ≤ 1.0)` +
        (t.flagship_seconds
          ? `; PyTorch serial ${fmt(t.flagship_seconds)} s (ratio ${fmt(results.flagshipRatio, 2)}), serial on 1 core ${fmt(t.flagship_seconds_1core)} s`
          : '') +
        `; peak RSS ${fmt(results.ours.flagship.maxRssMB, 0)} MB; checks passed: ${results.ours.flagship.passed}`,
    );
  }
  // Target 6: distance to the physical limit.
  if (lib?.gemm) {
    const peak = Math.max(lib.gemm.gflops, t.gemm_gflops_1thread ?? 0);
    const lines = [
      `\ncore's peak (best single-core GEMM GFLOP/s): native ${fmt(lib.gemm.gflops)} (${Object.entries(lib.gemm.sizes)
        .map(([n, g]) => `${n}³ ${fmt(g)}`)
        .join(', ')}), PyTorch/OpenBLAS 1 core ${fmt(t.gemm_gflops_1thread)}; peak used: ${fmt(peak)} GFLOP/s`,
      '',
      '| step | GFLOP per step | CPU ms per step | GFLOP/s | % of peak | data gen ms | masks ms | loss fwd+bwd ms (fused: + SGD, renorm) | rest ms | PyTorch 1 core GFLOP/s (CPU) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ];
    for (const [shape, key] of [
      ['small', 'train_small'],
      ['large', 'train_large'],
    ]) {
      const f = trainStepFlops(SHAPES[shape]);
      const ms = 1000 / lib[`${key}_cpu`];
      const b = lib.breakdown[shape];
      lines.push(
        `| flagship ${shape} | ${fmt(f / 1e9, 3)} | ${fmt(ms, 2)} | ${fmt(f / ms / 1e6)} | ${fmt((100 * f) / ms / 1e6 / peak, 0)} % | ${fmt(b?.data, 2)} | ${fmt(b?.augment, 2)} | ${fmt(b?.loss, 2)} | ${fmt(b?.rest, 2)} | ${fmt(t[`${key}_1thread_cpu`] ? (f * t[`${key}_1thread_cpu`]) / 1e9 : undefined)} |`,
      );
    }
    for (const c of SUPCON.filter((s) => s.variant === 'out' && !s.labels)) {
      const f = supConFlops(c);
      const ms = 1000 / lib[`${c.key}_cpu`];
      lines.push(
        `| SupCon ${c.batch}×2×128 | ${fmt(f / 1e9, 3)} | ${fmt(ms, 2)} | ${fmt(f / ms / 1e6)} | ${fmt((100 * f) / ms / 1e6 / peak, 0)} % | – | – | ${fmt(ms, 2)} | – | ${fmt(t[`${c.key}_1thread_cpu`] ? (f * t[`${c.key}_1thread_cpu`] * 1.5) / 1e9 : undefined)} (3 GEMMs) |`,
      );
    }
    console.log(lines.join('\n'));
  }
  const growth = backends.map((b) => `${b} ${results.ours[b]?.tensorGrowth}`).join(', ');
  console.log(`\ntensor growth over the timed loops: ${growth}; bench process peak RSS ${fmt(peakRssMB(), 0)} MB`);
}

await main();
