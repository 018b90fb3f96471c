#!/usr/bin/env node
// pnpm bench: our steps/s against a PyTorch reference of the same computation on this machine.
// Ratios are printed as time ratios (ours / PyTorch; < 1 means we are faster). Absolute times on a
// shared machine are noisy: compare ratios measured in the same run. Flags: --quick, --no-flagship,
// --backends wasm,cpu.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { complementaryMask } from '@contrastive/augment';
import { createRng, setFillBernoulliKernel, setFillNormalKernel } from '@contrastive/core';
import { sparseCoding } from '@contrastive/data';
import { supConLoss } from '@contrastive/losses';
import { nativeInfo, restoreWasmKernels, useNativeKernels } from '@contrastive/native';
import { symmetricRelu } from '@contrastive/nets';
import { contrastiveMethod, train } from '@contrastive/train';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seconds = quick ? 1.5 : 4;
// Engines: 'native' = wasm backend + @contrastive/native (fused contrastive step, native GEMM
// behind tf.matMul, native fillNormal), what the CLI uses; 'wasm' and 'cpu' = plain tfjs.
const backends = (
  args.find((a) => a.startsWith('--backends='))?.split('=')[1] ?? (nativeInfo().available ? 'native,wasm,cpu' : 'wasm,cpu')
).split(',');
const SHAPES = {
  small: { latentDim: 32, ambientDim: 256, width: 64, batchSize: 256 },
  large: { latentDim: 64, ambientDim: 512, width: 256, batchSize: 512 },
};

/** Steps/s of the flagship training step (sample, mask, forward, InfoNCE, backward, SGD, projection). */
async function benchTrain(shape, budget, kernels) {
  const s = SHAPES[shape];
  const data = sparseCoding({ ambientDim: s.ambientDim, latentDim: s.latentDim, sparsity: 0.1, noiseToSignal: 4, seed: 0 });
  const augment = complementaryMask({ keepProb: 0.5, seed: 0 });
  const encoder = symmetricRelu({
    inputDim: s.ambientDim,
    width: s.width,
    threshold: 1.34 * data.noiseStd,
    unitNormRows: true,
    seed: 0,
    name: `bench-${shape}-${tf.getBackend()}`,
  });
  const method = contrastiveMethod({ encoder, loss: 'infonce', temperature: 0.1, normalize: false, kernels });
  const warmup = 10;
  const tensors = [];
  let t0 = 0;
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
    if (e.step === warmup) t0 = performance.now();
    if (e.step > warmup) n++;
    if (e.step % 5 === 0) tensors.push(tf.memory().numTensors);
    if (t0 && performance.now() - t0 > budget * 1000) break;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  method.dispose();
  data.dispose();
  return { stepsPerSecond: rate, tensorGrowth: tensors.length > 1 ? tensors.at(-1) - tensors[0] : 0, tensors };
}

/** Steps/s of SupCon forward + backward, batch 1024, 2 views, dim 128. */
function benchSupCon(budget) {
  const x = tf.tensor3d(createRng(0).fillNormal(new Float32Array(1024 * 2 * 128)), [1024, 2, 128]);
  const grad = tf.grad((f) => supConLoss(f, { temperature: 0.1 }));
  for (let i = 0; i < 2; i++) tf.tidy(() => grad(x).dataSync());
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budget * 1000) {
    tf.tidy(() => grad(x).dataSync());
    n++;
  }
  x.dispose();
  return n / ((performance.now() - t0) / 1000);
}

function findTorchPython() {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function flagshipWallTime() {
  const out = mkdtempSync(join(tmpdir(), 'bench-flagship-'));
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      join(here, '..', 'apps', 'cli', 'dist', 'bin.js'),
      'run',
      'feature-decoupling',
      '--out',
      out,
      '--json',
      ...(quick ? ['--steps', '300'] : []),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  const wall = (performance.now() - t0) / 1000;
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0 && r.status !== 2) throw new Error(`flagship run failed: ${r.stderr}`);
  const json = JSON.parse(r.stdout);
  return { seconds: wall, maxRssMB: json.maxRssMB, passed: json.passed };
}

const fmt = (v, d = 1) => (v === undefined ? '–' : Number(v).toFixed(d));
const results = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  date: new Date().toISOString(),
  ours: {},
  torch: undefined,
};

for (const backend of backends) {
  await tf.setBackend(backend === 'native' ? 'wasm' : backend);
  await tf.ready();
  if (backend === 'native') useNativeKernels();
  else {
    setFillNormalKernel(undefined);
    setFillBernoulliKernel(undefined);
    restoreWasmKernels();
  }
  const kernels = backend === 'native' ? 'native' : 'tfjs';
  const budget = backend === 'cpu' ? Math.min(seconds, 3) : seconds;
  const small = await benchTrain('small', budget, kernels);
  const large = await benchTrain('large', budget, kernels);
  const supcon = benchSupCon(budget);
  results.ours[backend] = {
    train_small: small.stepsPerSecond,
    train_large: large.stepsPerSecond,
    supcon,
    tensorGrowth: small.tensorGrowth + large.tensorGrowth,
    tensorsOverTime: { small: small.tensors, large: large.tensors },
  };
  console.error(
    `[${backend}] train small ${fmt(small.stepsPerSecond)} steps/s, large ${fmt(large.stepsPerSecond)} steps/s, supcon ${fmt(supcon, 2)} steps/s, tensor growth ${small.tensorGrowth + large.tensorGrowth}`,
  );
}
if (!args.includes('--no-flagship')) {
  results.ours.flagship = flagshipWallTime();
  console.error(`[flagship] wall ${fmt(results.ours.flagship.seconds)} s, peak RSS ${fmt(results.ours.flagship.maxRssMB, 0)} MB`);
}

const py = findTorchPython();
if (!py) {
  console.error('PyTorch reference skipped: no python3 with torch (apt-get install python3-torch libopenblas0-pthread).');
} else {
  const run = (extra, env) => {
    const r = spawnSync(
      py,
      [join(here, 'torch_ref.py'), ...(quick ? ['--quick'] : []), ...(args.includes('--no-flagship') ? [] : ['--flagship']), ...extra],
      {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      },
    );
    if (r.status !== 0) {
      console.error(`PyTorch reference failed: ${r.stderr}`);
      return undefined;
    }
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  // As PyTorch runs here by default (its pthread OpenBLAS uses every core), then on one core.
  const def = run([], {});
  const one = run(['--single-core'], { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' });
  if (def && one) {
    results.torch = { ...def };
    for (const k of ['train_small', 'train_large', 'supcon']) results.torch[`${k}_1thread`] = one[k];
    results.torch.cores_used_1thread = one.cores_used;
    results.torch.flagship_seconds_1core = one.flagship_seconds;
    results.torch.flagship_seconds_parallel = one.flagship_seconds_parallel;
    results.torch.flagship_processes = one.flagship_processes;
  }
}

// Time ratio ours/PyTorch = PyTorch steps/s ÷ our steps/s. PyTorch runs as by default (its
// OpenBLAS uses every core) and on one core; one engine of ours uses one core.
const rows = [];
for (const [key, label] of [
  ['train_small', 'train step, small (d=32, d1=256, m=64, B=256)'],
  ['train_large', 'train step, large (d=64, d1=512, m=256, B=512)'],
  ['supcon', 'supConLoss fwd+bwd (1024×2×128)'],
]) {
  const row = { label };
  for (const b of backends) row[b] = results.ours[b]?.[key];
  row.torch = results.torch?.[key];
  row.torch1 = results.torch?.[`${key}_1thread`];
  for (const b of backends) {
    row[`ratio_${b}`] = row.torch && row[b] ? row.torch / row[b] : undefined;
    row[`ratio1_${b}`] = row.torch1 && row[b] ? row.torch1 / row[b] : undefined;
  }
  rows.push(row);
}
const cores = results.torch?.cores_used;
const head = `| benchmark | ${backends.map((b) => `${b} steps/s`).join(' | ')} | PyTorch steps/s (default: ${fmt(cores, 1)} cores busy) | PyTorch steps/s (1 core) | ${backends.map((b) => `time ${b}/PyTorch`).join(' | ')} | ${backends.map((b) => `time ${b}/PyTorch 1 core`).join(' | ')} |`;
const sep = `|${' --- |'.repeat(3 + 3 * backends.length)}`;
const lines = rows.map(
  (r) =>
    `| ${r.label} | ${backends.map((b) => fmt(r[b])).join(' | ')} | ${fmt(r.torch)} | ${fmt(r.torch1)} | ${backends.map((b) => fmt(r[`ratio_${b}`], 2)).join(' | ')} | ${backends.map((b) => fmt(r[`ratio1_${b}`], 2)).join(' | ')} |`,
);
console.log([head, sep, ...lines].join('\n'));
if (results.ours.flagship) {
  const t = results.torch?.flagship_seconds;
  const t1 = results.torch?.flagship_seconds_1core;
  const tp = results.torch?.flagship_seconds_parallel;
  const ours = results.ours.flagship.seconds;
  results.flagshipRatio = t ? ours / t : undefined;
  results.flagshipRatioParallel = tp ? ours / tp : undefined;
  console.log(
    `\nwhole flagship run (5 arms × 3 seeds${quick ? ' × 300 steps (--quick)' : ' × 3000 steps'}): ours ${fmt(ours)} s (one worker thread per core, native kernels); ` +
      `PyTorch serial ${fmt(t)} s (default threads), serial on 1 core ${fmt(t1)} s, ${results.torch?.flagship_processes ?? '?'} single-core processes ${fmt(tp)} s; ` +
      `time ratio ${fmt(results.flagshipRatio, 2)} (vs serial default), ${fmt(results.flagshipRatioParallel, 2)} (vs parallel processes); peak RSS ${fmt(results.ours.flagship.maxRssMB, 0)} MB`,
  );
}
results.benchPeakRssMB = process.resourceUsage().maxRSS / 1024;
console.log(
  `tensor growth over the timed training loops: ${backends.map((b) => `${b} ${results.ours[b]?.tensorGrowth}`).join(', ')}; bench process peak RSS ${fmt(results.benchPeakRssMB, 0)} MB`,
);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify(results, null, 2));
console.error(`\nraw numbers: bench/results/latest.json`);
