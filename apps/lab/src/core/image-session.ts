// Real images as a steppable training session: SimCLR / SupCon / BYOL / SimSiam with the small
// CNN on the shipped Fashion-MNIST subset, composed from the libraries (datasets, augment, nets,
// train, analysis). Evaluated by the online kNN monitor and a 2-D PCA of test embeddings.
import * as tf from '@tensorflow/tfjs-core';
import { knnMonitor, stdOfNormalizedSync } from '@contrastive/analysis';
import { compose, colorJitter, horizontalFlip, randomApply, randomResizedCrop } from '@contrastive/augment';
import { type Augmentation, createRng, type Dataset, symmetricEigen } from '@contrastive/core';
import { convNet, predictionHead, projectionHead } from '@contrastive/nets';
import { byolMethod, contrastiveMethod, type Method, simSiamMethod, train } from '@contrastive/train';
import { type ImageFile, imageDatasets } from './image-file';
import type { ImageJob } from './image-settings';
import type { Session } from './session';
import { steppableSession } from './steppable';

/** Test images embedded in 2-D (PCA of the representation), coloured by class in the page. */
export interface Embedding {
  /** Class of each point. */
  labels: number[];
  /** x and y of each point: the first two principal components. */
  x: number[];
  y: number[];
  /** Share of the variance on each of the two axes. */
  explained: [number, number];
  classNames: string[];
}

/**
 * The views of issue 12's recipe, for grey images: random resized crop (area 0.3–1, ratio
 * 3/4–4/3), horizontal flip (p ½), brightness and contrast ±0.4 with p 0.8. `train()` draws them
 * from its augmentation stream, so they depend only on the run's seed (identical across methods).
 */
export function imageViews(): Augmentation<tf.Tensor> {
  return compose(
    randomResizedCrop({ scale: [0.3, 1] }),
    horizontalFlip(),
    randomApply(0.8, colorJitter({ brightness: 0.4, contrast: 0.4 })),
  ) as unknown as Augmentation<tf.Tensor>;
}

/** The method of `job` with the CNN encoder (width × issue 12's 32-64-128), its heads seeded by forks of the seed. */
export function buildImageMethod(job: ImageJob, shape: readonly [number, number, number]): Method {
  const rng = createRng(job.seed);
  const encoder = convNet({ inputShape: [...shape], widthMultiplier: job.width, seed: rng.fork('encoder').seed, name: 'encoder' });
  const d = encoder.outputDim;
  const projector = projectionHead({ inputDim: d, hiddenDim: d, outputDim: d, seed: rng.fork('projector').seed });
  const predictor = () => predictionHead({ dim: d, seed: rng.fork('predictor').seed });
  switch (job.method) {
    case 'simclr':
      return contrastiveMethod({ encoder, projector, loss: 'ntxent', temperature: 0.2 });
    case 'supcon':
      return contrastiveMethod({ encoder, projector, loss: 'supcon', temperature: 0.1 });
    case 'byol':
      return byolMethod({ encoder, projector, predictor: predictor() });
    case 'simsiam':
      return simSiamMethod({ encoder, projector, predictor: predictor() });
  }
}

/**
 * 2-D PCA of the rows of h [n, d] (float64 covariance, core's Jacobi eigen-solver). Each axis is
 * signed so that its largest loading is positive, so the picture does not flip between evaluations
 * for no reason.
 */
export function pca2(h: Float32Array, n: number, d: number): { x: number[]; y: number[]; explained: [number, number] } {
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j]! += h[i * d + j]! / n;
  const c = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const va = h[i * d + a]! - mu[a]!;
      for (let b = a; b < d; b++) c[a * d + b]! += va * (h[i * d + b]! - mu[b]!);
    }
  }
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) c[b * d + a] = c[a * d + b]! /= Math.max(1, n - 1);
  const { values, vectors } = symmetricEigen(c, d);
  const axis = (k: number) => {
    const v = Array.from({ length: d }, (_, j) => (k < d ? vectors[j * d + k]! : 0));
    const top = v.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
    return top < 0 ? v.map((x) => -x) : v;
  };
  const [u, w] = [axis(0), axis(1)];
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    let px = 0;
    let py = 0;
    for (let j = 0; j < d; j++) {
      const v = h[i * d + j]! - mu[j]!;
      px += v * u[j]!;
      py += v * w[j]!;
    }
    x.push(px);
    y.push(py);
  }
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const share = (k: number) => (total > 0 && k < d ? Math.max(values[k]!, 0) / total : 0);
  return { x, y, explained: [share(0), share(1)] };
}

/** The representation of the first `n` items of `ds` (in eval mode when called from `evaluate`). */
function embedFirst(method: Method, ds: Dataset, n: number): { h: Float32Array; d: number; labels: number[] } {
  const idx = Array.from({ length: Math.min(n, ds.length) }, (_, i) => i);
  return tf.tidy(() => {
    const b = ds.get(idx);
    const h = method.embed(b.x as tf.Tensor2D);
    return { h: h.dataSync() as Float32Array, d: h.shape[1], labels: Array.from(b.labels.dataSync()) };
  });
}

/**
 * One image job as a steppable session (the same interface as the decoupling session, so the worker
 * host drives both): `train()` on the subset's training split with the recipe's views, evaluated
 * every `evalEvery` steps by `knnMonitor` (weighted kNN, cosine, τ 0.07: `knn.top1`, `knn.top5`),
 * the std of the normalised representation and a PCA scatter of the first `scatter` test images.
 */
export function createImageSession(job: ImageJob, file: ImageFile): Session<ImageJob> {
  const { train: trainSet, test: testSet } = imageDatasets(file);
  const method = buildImageMethod(job, file.meta.shape);
  const monitor = knnMonitor({ train: trainSet, test: testSet, trainSize: job.knnTrain, testSize: job.knnTest, k: job.k, seed: job.seed });
  let pendingEmbedding: Embedding | undefined;
  const events = train({
    data: trainSet,
    augment: imageViews(),
    method,
    optimizer: { type: 'adam', lr: job.lr },
    steps: job.steps,
    batchSize: job.batchSize,
    seed: job.seed,
    evalEvery: job.evalEvery,
    logEvery: 1,
    evaluate: (ctx) => {
      const metrics = monitor(ctx);
      const { h, d, labels } = embedFirst(method, testSet, job.scatter);
      const std = tf.tidy(() => stdOfNormalizedSync(tf.tensor2d(h, [labels.length, d])));
      pendingEmbedding = { labels, ...pca2(h, labels.length, d), classNames: file.meta.classNames };
      return { ...metrics, stdOfNormalized: std };
    },
  });

  return steppableSession({
    spec: job,
    events,
    steps: job.steps,
    evaluatedAt: (step) => job.evalEvery > 0 && step % job.evalEvery === 0,
    takeExtras: () => {
      const embedding = pendingEmbedding;
      pendingEmbedding = undefined;
      return embedding ? { embedding } : {};
    },
    lossTail: 20,
    name: 'lab image session',
    dispose: () => {
      method.dispose();
      trainSet.dispose();
      testSet.dispose();
    },
  });
}

/** Images and their two views, as bytes for a canvas: the preview grid. */
export interface ViewPreview {
  /** The file's name and split sizes. */
  data: { name: string; train: number; test: number };
  shape: [number, number, number];
  labels: number[];
  classNames: string[];
  /** The `count` originals, item-major bytes. */
  originals: Uint8Array;
  /** The two views of every original, same layout. */
  views: [Uint8Array, Uint8Array];
}

/**
 * Two views of the first `count` training images (one of each class first: the file interleaves
 * the classes) from the training views, drawn with `seed`: a new seed re-draws them.
 */
export function previewViews(file: ImageFile, options: { count: number; seed: number }): ViewPreview {
  const { train: ds, test } = imageDatasets(file);
  test.dispose();
  const idx = Array.from({ length: Math.min(options.count, ds.length) }, (_, i) => i);
  const toBytes = (t: tf.Tensor) => Uint8Array.from(t.dataSync(), (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
  try {
    return tf.tidy(() => {
      const b = ds.get(idx);
      const [v1, v2] = imageViews().apply(b.x, createRng(options.seed));
      const views: [Uint8Array, Uint8Array] = [toBytes(v1!), toBytes(v2!)];
      return {
        data: { name: file.meta.name, train: file.meta.train, test: file.meta.test },
        shape: [...file.meta.shape] as [number, number, number],
        labels: Array.from(b.labels.dataSync()),
        classNames: file.meta.classNames,
        originals: toBytes(b.x),
        views,
      };
    });
  } finally {
    ds.dispose();
  }
}
