// The Dataset plumbing of train() called directly (no training): the epochs/steps arithmetic, the
// epoch schedules converted to steps (warm-up rounded, milestones × batches per epoch), the
// online-only checks, the sampler seed, the checkpoint restore messages written out by hand, and
// what draw() hands to the method.
import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, createRng, InvalidArgumentError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { checkOnlineOptions, isDataset, planDatasetRun, samplerSeed, scheduleInSteps } from './dataset-run';
import { toyDataset } from './testing/toy-dataset';

function errorOf(f: () => unknown): InvalidArgumentError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return e as InvalidArgumentError;
  }
  throw new Error('no error');
}
const failWith = (reason: string): never => {
  throw new Error(reason);
};

describe('isDataset', () => {
  it('is a finite Dataset: get() and length, and no sample() (a DataModel)', () => {
    const ds = toyDataset(4, [2], 2);
    expect(isDataset(ds)).toBe(true);
    expect(isDataset({ get: () => undefined, length: 3 })).toBe(true);
    expect(isDataset({ get: () => undefined, length: 3, sample: () => undefined })).toBe(false);
    expect(isDataset({ get: () => undefined, length: '3' })).toBe(false);
    expect(isDataset({ get: 1, length: 3 })).toBe(false);
    expect(isDataset({ length: 3 })).toBe(false);
    expect(isDataset(null)).toBe(false);
    expect(isDataset(undefined)).toBe(false);
    expect(isDataset('dataset')).toBe(false);
  });
});

describe('scheduleInSteps', () => {
  it('converts warm-up epochs (rounded) and milestone epochs to steps', () => {
    expect(scheduleInSteps({ type: 'cosine', warmupEpochs: 1.5, minFactor: 0.1 }, 7)).toEqual({
      type: 'cosine',
      warmupSteps: 11, // round(10.5) = 11
      minFactor: 0.1,
    });
    expect(scheduleInSteps({ type: 'cosine', warmupEpochs: 0.3 }, 5)).toEqual({ type: 'cosine', warmupSteps: 2, minFactor: 0 });
    expect(scheduleInSteps({ type: 'step', milestoneEpochs: [2, 5] }, 7)).toEqual({ type: 'step', milestones: [14, 35], gamma: 0.1 });
    expect(scheduleInSteps({ type: 'step', milestoneEpochs: [1], gamma: 0.5 }, 3)).toEqual({ type: 'step', milestones: [3], gamma: 0.5 });
  });

  it('passes schedules in steps (and none) through unchanged', () => {
    const s = { type: 'cosine' as const, warmupSteps: 4 };
    expect(scheduleInSteps(s, 7)).toBe(s);
    expect(scheduleInSteps(undefined, 7)).toBeUndefined();
    expect(scheduleInSteps({ type: 'constant' }, 7)).toEqual({ type: 'constant' });
  });

  it('names a bad epoch schedule', () => {
    expect(() => scheduleInSteps({ type: 'cosine', warmupEpochs: -1 }, 7)).toThrow(/train.*schedule\.warmupEpochs/);
  });
});

describe('checkOnlineOptions', () => {
  it('refuses epochs, a sampler and an epoch schedule with an online DataModel, naming each', () => {
    expect(checkOnlineOptions({})).toBeUndefined();
    expect(checkOnlineOptions({ schedule: { type: 'cosine', warmupSteps: 3 } })).toBeUndefined();
    const epochs = errorOf(() => checkOnlineOptions({ epochs: 2 }));
    expect([epochs.op, epochs.argument, epochs.actual]).toEqual(['train', 'epochs', 2]);
    expect(epochs.expected).toBe('no epochs or sampler with an online DataModel (they need a finite Dataset; give steps)');
    const sampler = errorOf(() => checkOnlineOptions({ sampler: { type: 'shuffle' } }));
    expect([sampler.argument, sampler.actual]).toEqual(['sampler', { type: 'shuffle' }]);
    for (const schedule of [
      { type: 'cosine', warmupEpochs: 1 },
      { type: 'step', milestoneEpochs: [1] },
    ]) {
      const e = errorOf(() => checkOnlineOptions({ schedule }));
      expect([e.argument, e.actual]).toEqual(['schedule', schedule]);
      expect(e.expected).toBe('a schedule in steps (warmupSteps, milestones) with an online DataModel: epochs need a finite Dataset');
    }
  });
});

describe('samplerSeed', () => {
  it("is the 'sampler' fork of the run's seed (numbers and strings; anything else is seed 0)", () => {
    expect(samplerSeed(5)).toBe(createRng(5).fork('sampler').seed);
    expect(samplerSeed('run-a')).toBe(createRng('run-a').fork('sampler').seed);
    expect(samplerSeed(undefined)).toBe(createRng(0).fork('sampler').seed);
    expect(samplerSeed(Number.NaN)).toBe(createRng(0).fork('sampler').seed);
    expect(samplerSeed(Number.POSITIVE_INFINITY)).toBe(createRng(0).fork('sampler').seed);
    expect(samplerSeed(5)).not.toBe(samplerSeed(0));
    expect(samplerSeed('5')).not.toBe(samplerSeed(0));
  });
});

describe('planDatasetRun', () => {
  const ds = toyDataset(10, [3], 2);

  it('runs epochs × batches per epoch, or the given steps', () => {
    expect(planDatasetRun(ds, { epochs: 3, batchSize: 4, samplerSeed: 1 }).steps).toBe(6); // floor(10/4) = 2 per epoch
    expect(planDatasetRun(ds, { epochs: 1, batchSize: 4, samplerSeed: 1, sampler: { type: 'shuffle', dropLast: false } }).steps).toBe(3);
    expect(planDatasetRun(ds, { steps: 5, batchSize: 4, samplerSeed: 1 }).steps).toBe(5);
    expect(
      planDatasetRun(ds, { epochs: 2, batchSize: 4, samplerSeed: 1, schedule: { type: 'step', milestoneEpochs: [1] } }).schedule,
    ).toEqual({
      type: 'step',
      milestones: [2],
      gamma: 0.1,
    });
  });

  it('wants exactly one of epochs and steps, epochs a positive integer', () => {
    for (const epochs of [0, -1, 1.5, Number.NaN]) {
      const e = errorOf(() => planDatasetRun(ds, { epochs, batchSize: 4, samplerSeed: 1 }));
      expect([e.op, e.argument, e.expected, e.actual]).toEqual(['train', 'epochs', 'a positive integer', epochs]);
    }
    const neither = errorOf(() => planDatasetRun(ds, { batchSize: 4, samplerSeed: 1 }));
    expect([neither.argument, neither.expected, neither.actual]).toEqual([
      'epochs',
      'either epochs or steps for a Dataset (exactly one)',
      'neither',
    ]);
    const both = errorOf(() => planDatasetRun(ds, { epochs: 2, steps: 3, batchSize: 4, samplerSeed: 1 }));
    expect(both.actual).toBe('epochs 2 and steps 3');
    expect(planDatasetRun(ds, { epochs: 1, batchSize: 4, samplerSeed: 1 }).steps).toBe(2);
  });

  it('draw(): the sampled items and labels; the one view [x] without an augmentation, its views with one', () => {
    const run = planDatasetRun(ds, { steps: 4, batchSize: 4, samplerSeed: 3 });
    const before = tf.memory().numTensors;
    const { batch, views } = run.draw(undefined, createRng(0));
    expect(views).toHaveLength(1);
    expect(views[0]).toBe(batch.x);
    expect(batch.x.shape).toEqual([4, 3]);
    expect(batch['labels']!.shape).toEqual([4]);
    tf.dispose([batch.x, batch['labels']!]);
    const doubled: Augmentation = { name: 'twice', views: 2, apply: (x) => [tf.mul(x, 2) as tf.Tensor2D, tf.mul(x, 3) as tf.Tensor2D] };
    const two = run.draw(doubled as never, createRng(0));
    expect(two.views).toHaveLength(2);
    expect(Array.from(two.views[0]!.dataSync())).toEqual(Array.from(two.batch.x.dataSync(), (v) => Math.fround(v * 2)));
    tf.dispose([two.batch.x, two.batch['labels']!, ...two.views]);
    expect(tf.memory().numTensors).toBe(before);
    expect(run.sampler.getState()).toEqual({ epoch: 1, position: 0, seed: 3 }); // 2 batches per epoch, 2 drawn
  });

  it('restore(): the sampler must be where the step says, with the same seed; the messages name both', () => {
    const run = () => planDatasetRun(ds, { steps: 6, batchSize: 4, samplerSeed: 3 }); // 2 batches per epoch
    const reasonOf = (state: Parameters<ReturnType<typeof run>['restore']>[0], step: number) => {
      try {
        run().restore(state, step, failWith);
      } catch (e) {
        return (e as Error).message;
      }
      return 'ok';
    };
    expect(reasonOf(undefined, 0)).toBe('holds no sampler state, but this run trains on a Dataset (written by an online DataModel run?)');
    expect(reasonOf({ epoch: 1, position: 1, seed: 3 }, 3)).toBe('ok');
    expect(reasonOf({ epoch: 2, position: 0, seed: 3 }, 4)).toBe('ok');
    expect(reasonOf({ epoch: 1, position: 0, seed: 3 }, 3)).toBe(
      'has its sampler at epoch 1, batch 0 for step 3, but this run has 2 batches per epoch (another dataset, batch size or sampler?)',
    );
    expect(reasonOf({ epoch: 2, position: 1, seed: 3 }, 3)).toMatch(/^has its sampler at epoch 2, batch 1 for step 3/);
    expect(reasonOf({ epoch: 1, position: 1, seed: 4 }, 3)).toBe("has sampler seed 4, this run's is 3 (another seed?)");
    const r = run();
    r.restore({ epoch: 1, position: 1, seed: 3 }, 3, failWith);
    expect(r.sampler.getState()).toEqual({ epoch: 1, position: 1, seed: 3 });
  });
});
