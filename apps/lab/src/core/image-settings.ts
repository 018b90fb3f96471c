// Real images: the lab's settings for SimCLR / SupCon / BYOL / SimSiam on the shipped Fashion-MNIST
// subset, and the jobs they train (one per method; a comparison shares seed, data, views and
// network initialisation). Plain data: the jobs go to the worker as they are.
import { parseOptions } from '@contrastive/core';
import { z } from 'zod';

/** The methods the images view trains, with the names of issue 12's recipe. */
export const IMAGE_METHODS = {
  simclr: 'SimCLR (NT-Xent, τ 0.2)',
  supcon: 'SupCon (labels, τ 0.1)',
  byol: 'BYOL (EMA target, predictor)',
  simsiam: 'SimSiam (stop-gradient, predictor)',
} as const;
export type ImageMethod = keyof typeof IMAGE_METHODS;
const methodNames = Object.keys(IMAGE_METHODS) as [ImageMethod, ...ImageMethod[]];

/** The shipped subset, relative to the page (the build writes it there; vite.config.ts). */
export const IMAGE_DATA_FILE = 'data/fashion-mnist-subset.bin';

export const imageSettingsSchema = z.strictObject({
  /** Methods to train, one job each, on identical data, views, networks and seed. Default ['simclr']. */
  methods: z.array(z.enum(methodNames)).min(1).default(['simclr']),
  /** Seed of the network initialisation, the batch order and the views. Default 0. */
  seed: z.number().int().min(0).default(0),
  /** Training steps per method. Default 300. */
  steps: z.number().int().positive().default(300),
  /** Images per batch (two views each). Default 64. */
  batchSize: z.number().int().min(2).max(1024).default(64),
  /** Adam learning rate. Default 1e-3 (issue 12's recipe). */
  lr: z.number().positive().default(1e-3),
  /**
   * Width multiplier of the CNN (issue 12's conv 32-64-128 encoder): ¼ gives 8-16-32 channels
   * and a 32-d representation, fast enough to watch in a browser. Default 0.25.
   */
  width: z.number().positive().max(2).default(0.25),
  /** kNN monitor and embedding scatter every this many steps (and at steps 0 and the last). Default 25. */
  evalEvery: z.number().int().positive().default(25),
  /** Training images in the kNN memory bank. Default 1000. */
  knnTrain: z.number().int().positive().default(1000),
  /** Test images classified by the kNN monitor. Default 500. */
  knnTest: z.number().int().positive().default(500),
  /** Neighbours voting in the weighted kNN. Default 20 (DINO's; 200 outvotes a 1000-image bank). */
  k: z.number().int().positive().default(20),
  /** Test images in the 2-D embedding scatter (PCA). Default 500. */
  scatter: z.number().int().positive().default(500),
  /** URL of the image file (relative to the page). Default the shipped subset. */
  dataUrl: z.string().min(1).default(IMAGE_DATA_FILE),
});
export type ImageSettings = z.output<typeof imageSettingsSchema>;
export type ImageSettingsInput = z.input<typeof imageSettingsSchema>;

/** One image training job: a method on the subset, everything else from the settings. */
export interface ImageJob extends Omit<ImageSettings, 'methods'> {
  kind: 'images';
  /** The job's name in plots and results (the method). */
  arm: ImageMethod;
  method: ImageMethod;
}

export function parseImageSettings(input: ImageSettingsInput = {}): ImageSettings {
  return parseOptions('lab.images', imageSettingsSchema, input);
}

/** The jobs of a run: one per method, identical in every other setting (the seed included). */
export function imageJobs(input: ImageSettingsInput = {}): ImageJob[] {
  const { methods, ...rest } = parseImageSettings(input);
  return [...new Set(methods)].map((m) => ({ ...rest, kind: 'images', arm: m, method: m }));
}

export const isImageJob = (job: unknown): job is ImageJob => (job as { kind?: unknown } | null)?.kind === 'images';
