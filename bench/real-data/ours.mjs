#!/usr/bin/env node
// Issue 12's real-data recipe on our library path, as a library user writes it (no CLI):
// selectBackend() (wasm + @contrastive/native kernels when installed), loadFashionMnist, the
// augment pipeline, convNet + mlp, contrastiveMethod, train() over epochs, linearProbe on frozen
// eval-mode features. The same recipe, split and probe as torch_real.py. Prints one JSON object.
//
// Usage: node ours.mjs [--size small|full] [--method simclr|supcon] [--epochs E] [--seed S]
//        [--train-images N] [--width W] [--batch B] [--raw-probe] [--aug-bench] [--step-bench N] [--profile]
//        [--check-step FILE] (step 0 on fixed views, weights, loss, gradients as JSON for torch_real.py --check-step)
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { compose, colorJitter, horizontalFlip, randomApply, randomResizedCrop } from '@contrastive/augment';
import { linearProbe } from '@contrastive/analysis';
import { selectBackend } from '@contrastive/core';
import { npyDataset, subsetDataset } from '@contrastive/datasets';
import { loadFashionMnist } from '@contrastive/datasets/node';
import { convNet, mlp } from '@contrastive/nets';
import { contrastiveMethod, createOptimizer, datasetLabels, train } from '@contrastive/train';

const here = dirname(fileURLToPath(import.meta.url));
export const SIZES = { small: { trainImages: 10000, width: 0.5 }, full: { trainImages: 60000, width: 1 } };

/** The recipe's two-view augmentation: crop (0.3–1, 3/4–4/3), flip p = 0.5, brightness/contrast ±0.4 with p = 0.8. */
export function recipeAugment(seed) {
  return compose(
    randomResizedCrop({ scale: [0.3, 1], ratio: [3 / 4, 4 / 3], seed }),
    horizontalFlip(),
    randomApply(0.8, colorJitter({ brightness: 0.4, contrast: 0.4 })),
  );
}

/** The recipe's method: convNet (×width) → projector 128 → 64; NT-Xent τ 0.2 or SupCon τ 0.1. */
export function recipeMethod(method, width, seed) {
  const encoder = convNet({ inputShape: [28, 28, 1], widthMultiplier: width, seed });
  const projector = mlp({ inputDim: encoder.outputDim, hidden: [128], outputDim: 64, seed, name: 'projector' });
  return method === 'simclr'
    ? contrastiveMethod({ encoder, projector, loss: 'ntxent', temperature: 0.2 })
    : contrastiveMethod({ encoder, projector, loss: 'supcon', temperature: 0.1 });
}

/** Our split (the same as export-split.mjs writes), the training part cut to the first n/10 per class. */
export async function loadSplit(trainImages) {
  const { train: full, test } = await loadFashionMnist({ cacheDir: join(here, '..', 'results', 'real-data', 'cache') });
  if (trainImages >= full.length) return { train: full, test };
  const labels = datasetLabels(full);
  const per = trainImages / 10;
  const seen = new Array(10).fill(0);
  const idx = [];
  for (let i = 0; i < labels.length; i++) if (seen[labels[i]]++ < per) idx.push(i);
  return { train: subsetDataset(full, idx), test };
}

/**
 * `batch` training images of the small split read straight from the exported .npy files
 * (export-split.mjs), without loading the whole dataset (so a scaling point's peak RSS is the
 * step's): the first 1 000 images of each class in stored order (loadSplit(10000)'s subset), rows
 * (i·37) mod 10 000. torch_ref.py's cnn point reads the same rows.
 */
export function loadSplitBatch(splitDir, batch) {
  const npy = (file) => {
    const fd = openSync(join(splitDir, file), 'r');
    const head = Buffer.alloc(10);
    readSync(fd, head, 0, 10, 0);
    return { fd, offset: 10 + head.readUInt16LE(8) };
  };
  const y = npy('y_train.npy');
  const all = readFileSync(join(splitDir, 'y_train.npy')).subarray(y.offset);
  closeSync(y.fd);
  const seen = new Array(10).fill(0);
  const subset = [];
  for (let i = 0; i < all.length; i++) if (seen[all[i]]++ < 1000) subset.push(i);
  const x = npy('x_train.npy');
  const pixels = new Uint8Array(batch * 784);
  const labels = new Uint8Array(batch);
  for (let i = 0; i < batch; i++) {
    const row = subset[(i * 37) % subset.length];
    readSync(x.fd, pixels, i * 784, 784, x.offset + row * 784);
    labels[i] = all[row];
  }
  closeSync(x.fd);
  return npyDataset(
    { dtype: '|u1', shape: [batch, 28, 28, 1], data: pixels },
    { dtype: '|u1', shape: [batch], data: labels },
    { numClasses: 10 },
  );
}

/** Eval-mode encoder features of every item of `ds`, and its labels. */
function features(encoder, ds, batch = 1000) {
  encoder.setTraining(false);
  const out = new Float32Array(ds.length * encoder.outputDim);
  const labels = new Int32Array(ds.length);
  for (let s = 0; s < ds.length; s += batch) {
    const idx = Array.from({ length: Math.min(batch, ds.length - s) }, (_, i) => s + i);
    const { x, labels: y } = ds.get(idx);
    const f = encoder.apply(x);
    out.set(f.dataSync(), s * encoder.outputDim);
    labels.set(y.dataSync(), s);
    tf.dispose([x, y, f]);
  }
  encoder.setTraining(true);
  return { x: tf.tensor2d(out, [ds.length, encoder.outputDim]), y: labels };
}

/**
 * Peak RSS in MB: VmHWM of /proc/self/status where there is one (getrusage's maxRSS keeps, across
 * exec, the RSS of the process that spawned this one: the bench's).
 */
export function peakRssMB() {
  try {
    const kB = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kB) return Number(kB) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function parseArgs(argv) {
  const get = (k, d) => {
    const a = argv.find((s) => s.startsWith(`--${k}=`)) ?? (argv.includes(`--${k}`) ? argv[argv.indexOf(`--${k}`) + 1] : undefined);
    return a === undefined ? d : a.includes('=') ? a.split('=')[1] : a;
  };
  const size = get('size', 'small');
  return {
    size,
    method: get('method', 'simclr'),
    epochs: Number(get('epochs', 0)),
    seed: Number(get('seed', 0)),
    trainImages: Number(get('train-images', SIZES[size].trainImages)),
    width: Number(get('width', SIZES[size].width)),
    batch: Number(get('batch', 256)),
    stepBench: Number(get('step-bench', 0)),
    rawProbe: argv.includes('--raw-probe'),
    augBench: argv.includes('--aug-bench'),
    profile: argv.includes('--profile'),
    checkStep: get('check-step', undefined),
  };
}

/**
 * Median seconds (wall and CPU) per training step over `n` steps after 2 warm-up steps, one batch,
 * through `train()` as a user runs it, and where the CPU time of a step goes (means over the timed
 * steps): `data` (the batch's `get`), `augment` (both views), `forward` (`method.loss`: encoder,
 * projector and loss forward; `tf.variableGrads` runs the backward pass after it returns),
 * `optimizer` (Adam on the same variables, timed apart: `train` applies it inside its step) and
 * `backward` (the rest of the step: backward pass, tape, bookkeeping, minus the optimizer).
 */
export async function stepBench(o, trainSet, n) {
  const parts = { data: 0, augment: 0, forward: 0 };
  // A copy of `obj` whose `key` also adds its CPU time to `part` (datasets are frozen objects).
  const timed = (obj, key, part) => {
    const f = obj[key].bind(obj);
    return {
      ...obj,
      [key]: (...a) => {
        const c = cpuSeconds();
        try {
          return f(...a);
        } finally {
          parts[part] += cpuSeconds() - c;
        }
      },
    };
  };
  const method = timed(recipeMethod(o.method, o.width, o.seed), 'loss', 'forward');
  const augment = timed(recipeAugment(o.seed), 'apply', 'augment');
  const batch = timed(
    subsetDataset(
      trainSet,
      Array.from({ length: o.batch }, (_, i) => (i * 37) % trainSet.length),
    ),
    'get',
    'data',
  );
  const wall = [];
  const cpu = [];
  const tensors = [];
  let t = performance.now();
  let c = cpuSeconds();
  for await (const e of train({
    data: batch,
    augment,
    method,
    optimizer: { type: 'adam', lr: 1e-3 },
    batchSize: o.batch,
    steps: n + 2,
    seed: o.seed,
    evalAtStart: false,
  })) {
    if (e.type !== 'step') continue;
    wall.push((performance.now() - t) / 1000);
    cpu.push(cpuSeconds() - c);
    tensors.push(tf.memory().numTensors);
    if (e.step === 2) for (const k of Object.keys(parts)) parts[k] = 0;
    t = performance.now();
    c = cpuSeconds();
  }
  const optimizer = optimizerSeconds(method.trainableVariables());
  method.dispose();
  const median = (a) => a.slice(2).sort((p, q) => p - q)[Math.floor((a.length - 2) / 2)];
  const meanCpu = cpu.slice(2).reduce((a, b) => a + b, 0) / n;
  const per = (k) => parts[k] / n;
  return {
    step_seconds: median(wall),
    step_cpu_seconds: median(cpu),
    step_cpu_seconds_mean: meanCpu,
    breakdown_cpu_seconds: {
      data: per('data'),
      augment: per('augment'),
      forward: per('forward'),
      backward: meanCpu - per('data') - per('augment') - per('forward') - optimizer,
      optimizer,
    },
    tensor_growth: tensors.at(-1) - tensors[1],
  };
}

/** CPU seconds of one Adam update of `vars` (our createOptimizer, as train() uses it), mean of 10 after 2. */
function optimizerSeconds(vars) {
  const opt = createOptimizer({ type: 'adam', lr: 1e-3 });
  const grads = vars.map((v) => tf.onesLike(v));
  const saved = vars.map((v) => tf.clone(v));
  let c = 0;
  for (let i = 0; i < 12; i++) {
    if (i === 2) c = cpuSeconds();
    opt.apply(vars, grads, 1e-3);
  }
  const s = (cpuSeconds() - c) / 10;
  vars.forEach((v, i) => v.assign(saved[i]));
  tf.dispose([...grads, ...saved]);
  opt.dispose();
  return s;
}

/**
 * Step 0 of the recipe's SimCLR step on fixed views, for the cross-check with PyTorch
 * (torch_real.py --check-step): the two augmented views, every trainable variable (name, shape,
 * values), the loss and the gradient of every variable, as JSON. Width ¼ and a small batch keep
 * the file small.
 */
export async function checkStep(o, trainSet, batch = 32) {
  const method = recipeMethod('simclr', o.width, o.seed);
  const augment = recipeAugment(o.seed);
  const { x, labels } = trainSet.get(Array.from({ length: batch }, (_, i) => (i * 37) % trainSet.length));
  const views = augment.apply(x);
  const vars = method.trainableVariables();
  const { value, grads } = tf.variableGrads(() => method.loss(views, { x, labels }), vars);
  const out = {
    width: o.width,
    batch,
    views: views.map((v) => ({ shape: v.shape, values: Array.from(v.dataSync()) })),
    variables: vars.map((v) => ({ name: v.name, shape: v.shape, values: Array.from(v.dataSync()) })),
    loss: value.dataSync()[0],
    grads: vars.map((v) => Array.from(grads[v.name].dataSync())),
  };
  tf.dispose([x, labels, ...views, value, ...Object.values(grads)]);
  method.dispose();
  return out;
}

/** Where a step's time goes: tf.profile of forward + backward + Adam, grouped by kernel, plus the augmentation alone. */
async function profileStep(o, trainSet) {
  const method = recipeMethod(o.method, o.width, o.seed);
  const augment = recipeAugment(o.seed);
  const { x, labels } = trainSet.get(Array.from({ length: o.batch }, (_, i) => i));
  const optimizer = tf.train.adam(1e-3);
  const vars = method.trainableVariables();
  const run = () =>
    tf.tidy(() => {
      const views = augment.apply(x);
      const { value, grads } = tf.variableGrads(() => method.loss(views, { x, labels }), vars);
      optimizer.applyGradients(grads);
      return value;
    });
  for (let i = 0; i < 2; i++) run().dispose();
  const info = await tf.profile(() => run());
  const byKernel = {};
  for (const k of info.kernels) byKernel[k.name] = (byKernel[k.name] ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0);
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) tf.dispose(augment.apply(x));
  const augmentMs = (performance.now() - t0) / 5;
  tf.dispose([x, labels]);
  optimizer.dispose();
  method.dispose();
  const total = Object.values(byKernel).reduce((a, b) => a + b, 0);
  return {
    kernel_ms_total: total,
    augment_ms: augmentMs,
    kernels: Object.fromEntries(
      Object.entries(byKernel)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15),
    ),
  };
}

export async function main(argv) {
  const o = parseArgs(argv);
  const backend = await selectBackend();
  const out = { ...o, backend: backend.backend, native: backend.nativeKernels };
  const { train: trainSet, test } = await loadSplit(o.trainImages);
  out.train_images = trainSet.length;

  if (o.rawProbe) {
    const t = performance.now();
    const all = (ds) => {
      const { x, labels } = ds.get(Array.from({ length: ds.length }, (_, i) => i));
      const y = labels.dataSync().slice();
      const flat = tf.reshape(x, [ds.length, -1]);
      tf.dispose([x, labels]);
      return { x: flat, y };
    };
    const [a, b] = [all(trainSet), all(test)];
    out.raw_probe = await linearProbe(a.x, a.y, b.x, b.y);
    delete out.raw_probe.testPredictions;
    out.raw_probe.seconds = (performance.now() - t) / 1000;
    tf.dispose([a.x, b.x]);
  }

  if (o.augBench) {
    const augment = recipeAugment(o.seed);
    const { x } = trainSet.get(Array.from({ length: o.batch }, (_, i) => i));
    for (let i = 0; i < 2; i++) tf.dispose(augment.apply(x));
    let n = 0;
    const t = performance.now();
    const c = cpuSeconds();
    while (performance.now() - t < 3000) {
      tf.dispose(augment.apply(x));
      n++;
    }
    out.aug_images_per_second = (2 * o.batch * n) / ((performance.now() - t) / 1000);
    out.aug_images_per_cpu_second = (2 * o.batch * n) / (cpuSeconds() - c);
    x.dispose();
  }

  if (o.checkStep) writeFileSync(o.checkStep, JSON.stringify(await checkStep(o, trainSet)));
  if (o.profile) out.profile = await profileStep(o, trainSet);
  if (o.stepBench) Object.assign(out, await stepBench(o, trainSet, o.stepBench));

  if (o.epochs) {
    const method = recipeMethod(o.method, o.width, o.seed);
    const stepsPerEpoch = Math.floor(trainSet.length / o.batch);
    const epochs = [];
    let t = performance.now();
    let c = cpuSeconds();
    let losses = [];
    const tensors = [];
    for await (const e of train({
      data: trainSet,
      augment: recipeAugment(o.seed),
      method,
      optimizer: { type: 'adam', lr: 1e-3 },
      batchSize: o.batch,
      epochs: o.epochs,
      seed: o.seed,
      sampler: { type: 'shuffle', dropLast: true },
      evalAtStart: false,
    })) {
      if (e.type !== 'step') continue;
      losses.push(e.loss);
      tensors.push(tf.memory().numTensors);
      if (e.step % stepsPerEpoch === 0) {
        epochs.push({
          seconds: (performance.now() - t) / 1000,
          cpu_seconds: cpuSeconds() - c,
          loss_first: losses[0],
          loss_last: losses.slice(-10).reduce((a, b) => a + b, 0) / Math.min(10, losses.length),
          tensors_first: tensors[0],
          tensors_last: tensors.at(-1),
          tensors_max: Math.max(...tensors),
        });
        console.error(JSON.stringify({ epoch: epochs.length, ...epochs.at(-1) }));
        [t, c, losses] = [performance.now(), cpuSeconds(), []];
        tensors.length = 0;
      }
    }
    out.epochs = epochs;
    out.steps_per_epoch = stepsPerEpoch;
    const t0 = performance.now();
    const encoder = method.networks.encoder;
    const [a, b] = [features(encoder, trainSet), features(encoder, test)];
    out.probe = await linearProbe(a.x, a.y, b.x, b.y);
    delete out.probe.testPredictions;
    out.probe.seconds = (performance.now() - t0) / 1000;
    tf.dispose([a.x, b.x]);
    method.dispose();
  }
  out.tensors_at_end = tf.memory().numTensors;
  out.peak_rss_mb = peakRssMB();
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await main(process.argv.slice(2))));
