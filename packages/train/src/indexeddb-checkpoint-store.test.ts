import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, CHECKPOINT_VERSION } from './checkpoint';
import { indexedDbCheckpointStore } from './indexeddb-checkpoint-store';
import { linearNet, toyData, toyMethod, toyNoise } from './testing/toy';
import { train, type TrainEvent, type TrainOptions } from './train';

// Node has no IndexedDB: fake-indexeddb implements the W3C API in memory (transactions included).
// The packaging test runs the same store against Chromium's real IndexedDB.

const checkpoint = (step: number): Checkpoint => ({
  version: CHECKPOINT_VERSION,
  step,
  rng: { data: { s: [1, 2, 3, 4] }, augment: { s: [5, 6, 7, 8] } } as unknown as Checkpoint['rng'],
  variables: [{ name: 'w', shape: [2], values: [0.5, -step] }],
  optimizer: { type: 'sgd', step, slots: {} } as unknown as Checkpoint['optimizer'],
  history: { loss: [1, 0.5], evals: [{ step, metrics: { norm: 2 } }] },
});

describe('indexedDbCheckpointStore', () => {
  it('loads nothing before the first save, then the last checkpoint saved, deep-equal', async () => {
    const store = indexedDbCheckpointStore('run', { indexedDB: new IDBFactory() });
    expect(await store.load()).toBeUndefined();
    await store.save(checkpoint(10));
    await store.save(checkpoint(20));
    expect(await store.load()).toEqual(checkpoint(20));
  });

  it('persists across store instances (a reload) and keeps keys and databases apart', async () => {
    const idb = new IDBFactory();
    await indexedDbCheckpointStore('run', { indexedDB: idb }).save(checkpoint(5));
    await indexedDbCheckpointStore('run', { indexedDB: idb, key: 'other' }).save(checkpoint(7));
    expect((await indexedDbCheckpointStore('run', { indexedDB: idb }).load())!.step).toBe(5);
    expect((await indexedDbCheckpointStore('run', { indexedDB: idb, key: 'other' }).load())!.step).toBe(7);
    expect(await indexedDbCheckpointStore('another', { indexedDB: idb }).load()).toBeUndefined();
  });

  it('a failed save (here: a value IndexedDB cannot clone) rejects and keeps the previous checkpoint', async () => {
    const store = indexedDbCheckpointStore('run', { indexedDB: new IDBFactory() });
    await store.save(checkpoint(3));
    await expect(store.save({ ...checkpoint(4), methodState: () => 0 })).rejects.toThrow(/clone/i);
    expect(await store.load()).toEqual(checkpoint(3));
  });

  it('names the problem without IndexedDB or with a bad name', () => {
    expect(() => indexedDbCheckpointStore('run')).toThrow(/no IndexedDB here.*@contrastive\/train\/node/);
    expect(() => indexedDbCheckpointStore('', { indexedDB: new IDBFactory() })).toThrow(InvalidArgumentError);
    expect(() => indexedDbCheckpointStore('run', { indexedDB: new IDBFactory(), key: '' })).toThrow(/options\.key/);
  });
});

describeBackends('indexedDbCheckpointStore with train', () => {
  it('a run killed at step 23 resumes from IndexedDB to the numbers of an uninterrupted run', async () => {
    const setup = (overrides: Partial<TrainOptions>) => {
      const method = toyMethod(linearNet(8, 4, 3, `enc${Math.random().toString(36).slice(2)}`));
      return {
        method,
        options: {
          data: toyData(8),
          augment: toyNoise(0.1),
          method,
          optimizer: { type: 'adam', lr: 0.01 },
          steps: 40,
          batchSize: 16,
          seed: 7,
          ...overrides,
        } as TrainOptions,
      };
    };
    const collect = async (g: AsyncGenerator<TrainEvent, unknown>) => {
      const out: TrainEvent[] = [];
      for await (const e of g) out.push(e);
      return out;
    };
    const idb = new IDBFactory();
    const full = setup({});
    const first = setup({ checkpoint: indexedDbCheckpointStore('resume', { indexedDB: idb }), checkpointEvery: 10 });
    const second = setup({ checkpoint: indexedDbCheckpointStore('resume', { indexedDB: idb }), checkpointEvery: 10 });
    // Counted after the networks exist (and before their 3 variables are disposed): training leaks nothing.
    const before = tf.memory().numTensors - 3;
    const fullEnd = (await collect(train(full.options))).at(-1) as Extract<TrainEvent, { type: 'end' }>;
    const fullWeights = Array.from(full.method.trainableVariables()[0]!.dataSync());

    const controller = new AbortController();
    for await (const e of train({ ...first.options, signal: controller.signal })) {
      if (e.type === 'step' && e.step === 23) controller.abort();
    }
    first.method.dispose();
    const resumed = await collect(train(second.options));
    expect(resumed[0]).toMatchObject({ type: 'start', step: 23, resumed: true });
    expect((resumed.at(-1) as Extract<TrainEvent, { type: 'end' }>).history.loss).toEqual(fullEnd.history.loss);
    expect(Array.from(second.method.trainableVariables()[0]!.dataSync())).toEqual(fullWeights);
    full.method.dispose();
    second.method.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
