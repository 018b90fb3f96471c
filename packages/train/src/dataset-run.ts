import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, createRng, type Dataset, InvalidArgumentError, parseOptions, type Rng, type Sample } from '@contrastive/core';
import * as z from 'zod/mini';
import { type BatchSampler, createBatchSampler, type SamplerOptions, type SamplerState } from './batch-sampler';
import type { LrSchedule } from './schedule';

/** Is `data` a finite `Dataset` (read by index) rather than an online `DataModel` (sampled)? */
export function isDataset(data: unknown): data is Dataset {
  const d = data as Partial<Dataset> & { sample?: unknown };
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof d.get === 'function' &&
    typeof d.length === 'number' &&
    typeof d.sample !== 'function'
  );
}

/**
 * A learning-rate schedule stated in epochs, for `Dataset` runs: converted to the step schedule of
 * `lrScheduleSchema` (`scheduleInSteps`), so both share one implementation.
 */
export const epochScheduleSchema = z.discriminatedUnion('type', [
  z.strictObject({
    /** Cosine decay over the run, after an optional warm-up in epochs. */
    type: z.literal('cosine'),
    /** Linear warm-up in epochs (may be fractional; rounded to whole steps). Default 0. */
    warmupEpochs: z._default(z.number().check(z.gte(0)), 0),
    /** Final rate as a fraction of the base rate. Default 0. */
    minFactor: z._default(z.number().check(z.gte(0), z.lte(1)), 0),
  }),
  z.strictObject({
    /** Multiply the rate by `gamma` at each milestone epoch. */
    type: z.literal('step'),
    /** Epochs at whose start the rate is multiplied by `gamma`. */
    milestoneEpochs: z.array(z.int().check(z.positive())),
    /** Factor applied at each milestone. Default 0.1. */
    gamma: z._default(z.number().check(z.positive()), 0.1),
  }),
]);
/** A learning-rate schedule stated in epochs (input of `epochScheduleSchema`). */
export type EpochLrSchedule = z.input<typeof epochScheduleSchema>;

const isEpochSchedule = (s: unknown): boolean => typeof s === 'object' && s !== null && ('warmupEpochs' in s || 'milestoneEpochs' in s);

/** `schedule` with its epochs turned into steps (`stepsPerEpoch` per epoch); a step schedule is returned as is. */
export function scheduleInSteps(schedule: LrSchedule | EpochLrSchedule | undefined, stepsPerEpoch: number): LrSchedule | undefined {
  if (!isEpochSchedule(schedule)) return schedule as LrSchedule | undefined;
  const s = parseOptions('train', epochScheduleSchema, schedule, 'schedule');
  return s.type === 'cosine'
    ? { type: 'cosine', warmupSteps: Math.round(s.warmupEpochs * stepsPerEpoch), minFactor: s.minFactor }
    : { type: 'step', milestones: s.milestoneEpochs.map((e) => e * stepsPerEpoch), gamma: s.gamma };
}

/** A `DataModel` run has no epochs: `epochs`, `sampler` or a schedule in epochs is an error naming the option. */
export function checkOnlineOptions(o: { epochs?: unknown; sampler?: unknown; schedule?: unknown }): undefined {
  for (const key of ['epochs', 'sampler'] as const) {
    if (o[key] !== undefined) {
      throw new InvalidArgumentError({
        op: 'train',
        argument: key,
        expected: 'no epochs or sampler with an online DataModel (they need a finite Dataset; give steps)',
        actual: o[key],
      });
    }
  }
  if (isEpochSchedule(o.schedule)) {
    throw new InvalidArgumentError({
      op: 'train',
      argument: 'schedule',
      expected: 'a schedule in steps (warmupSteps, milestones) with an online DataModel: epochs need a finite Dataset',
      actual: o.schedule,
    });
  }
  return undefined;
}

/** The sampler's seed: the `sampler` fork of the run's seed (an invalid seed is left for the options check to report). */
export function samplerSeed(seed: unknown): number {
  return createRng(typeof seed === 'number' && Number.isFinite(seed) ? seed : typeof seed === 'string' ? seed : 0).fork('sampler').seed;
}

/** The options of `train` that only a `Dataset` run takes. */
export interface DatasetRunOptions {
  /**
   * Passes over the dataset (each `sampler.stepsPerEpoch` batches). Give `epochs` or `steps`, not
   * both; with `steps` the run stops there, wherever that falls in an epoch.
   */
  epochs?: number | undefined;
  /** How batches are drawn. Default `{ type: 'shuffle', dropLast: true }`. */
  sampler?: SamplerOptions | undefined;
}

/** A `Dataset` run: its length in steps, its step schedule, its sampler and how a batch's views are made. */
export interface DatasetRun {
  steps: number;
  schedule: LrSchedule | undefined;
  sampler: BatchSampler;
  /** The next batch `{ x, labels }` and its views (the augmentation's, or `[x]` without one). */
  draw(augment: Augmentation<tf.Tensor> | undefined, augRng: Rng): { batch: Sample; views: tf.Tensor2D[] };
  /** Restores the sampler from a checkpoint taken at `step`, checking it against the run. */
  restore(state: SamplerState | undefined, step: number, fail: (reason: string) => never): void;
}

/** Sets up the epochs, the sampler and the schedule of a `Dataset` run of `train`. */
export function planDatasetRun(
  dataset: Dataset,
  o: DatasetRunOptions & {
    steps?: number | undefined;
    batchSize: number;
    schedule?: LrSchedule | EpochLrSchedule | undefined;
    samplerSeed: number;
  },
): DatasetRun {
  const op = 'train';
  if (o.epochs !== undefined && (!Number.isInteger(o.epochs) || o.epochs < 1)) {
    throw new InvalidArgumentError({ op, argument: 'epochs', expected: 'a positive integer', actual: o.epochs });
  }
  if ((o.epochs === undefined) === (o.steps === undefined)) {
    throw new InvalidArgumentError({
      op,
      argument: 'epochs',
      expected: 'either epochs or steps for a Dataset (exactly one)',
      actual: o.epochs === undefined ? 'neither' : `epochs ${o.epochs} and steps ${o.steps}`,
    });
  }
  const sampler = createBatchSampler(dataset, o.batchSize, o.sampler, o.samplerSeed);
  const steps = o.steps ?? o.epochs! * sampler.stepsPerEpoch;
  return {
    steps,
    schedule: scheduleInSteps(o.schedule, sampler.stepsPerEpoch),
    sampler,
    draw(augment, augRng) {
      const { x, labels } = dataset.get(sampler.next());
      // The loop's Method and Sample types say [batch, dim]; image datasets hand [batch, h, w, c] through as is.
      const views = augment ? augment.apply(x, augRng) : [x];
      return { batch: { x, labels } as unknown as Sample, views: views as tf.Tensor2D[] };
    },
    restore(state, step, fail) {
      const spe = sampler.stepsPerEpoch;
      if (state === undefined)
        return fail('holds no sampler state, but this run trains on a Dataset (written by an online DataModel run?)');
      if (state.epoch !== Math.floor(step / spe) || state.position !== step % spe) {
        fail(
          `has its sampler at epoch ${state.epoch}, batch ${state.position} for step ${step}, but this run has ${spe} batches per epoch (another dataset, batch size or sampler?)`,
        );
      }
      if (state.seed !== sampler.getState().seed)
        fail(`has sampler seed ${state.seed}, this run's is ${sampler.getState().seed} (another seed?)`);
      sampler.setState(state);
    },
  };
}
