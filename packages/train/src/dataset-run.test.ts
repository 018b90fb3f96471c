// Training on a finite Dataset: epochs, the sampler's checkpointed position (exact resume
// mid-epoch, batch-norm running statistics included), schedules in epochs, train/eval modes.
import * as tf from '@tensorflow/tfjs-core';
import { compose, horizontalFlip, randomResizedCrop } from '@contrastive/augment';
import { type ConvState, convNet, mlp } from '@contrastive/nets';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { CheckpointError, memoryCheckpointStore } from './checkpoint';
import { lrFactor } from './schedule';
import { contrastiveMethod } from './methods/contrastive';
import { toyDataset } from './testing/toy-dataset';
import { train, type TrainEvent, type TrainOptions } from './train';

function setup(overrides: Partial<TrainOptions> = {}) {
  const data = toyDataset(40, [8, 8, 1], 4, 1);
  const encoder = convNet({ inputShape: [8, 8, 1], channels: [4, 8], strides: [1, 2], seed: 1 });
  const projector = mlp({ inputDim: 8, hidden: [8], outputDim: 4, seed: 2 });
  const method = contrastiveMethod({ encoder, projector, loss: 'ntxent', temperature: 0.5 });
  const augment = compose(randomResizedCrop({ scale: [0.5, 1], seed: 3 }), horizontalFlip({ seed: 4 }));
  const options: TrainOptions = {
    data,
    augment,
    method,
    optimizer: { type: 'adam', lr: 0.01 },
    epochs: 3,
    batchSize: 16, // 2 batches per epoch, 8 items dropped (a different 8 every epoch)
    seed: 9,
    ...overrides,
  };
  const dispose = () => {
    method.dispose();
    data.dispose();
  };
  return { data, encoder, method, options, dispose };
}

async function run(options: TrainOptions): Promise<TrainEvent[]> {
  const out: TrainEvent[] = [];
  for await (const e of train(options)) out.push(e);
  return out;
}

const weights = (s: ReturnType<typeof setup>) => ({
  variables: s.method.trainableVariables().map((v) => Array.from(v.dataSync())),
  bn: s.encoder.toJSON().state,
});

describeBackends('train on a Dataset', () => {
  it('runs epochs × batches-per-epoch steps; a cosine schedule stated in epochs is the step schedule', async () => {
    const s = setup({ schedule: { type: 'cosine', warmupEpochs: 1, minFactor: 0.1 } });
    const events = await run(s.options);
    const steps = events.filter((e) => e.type === 'step');
    expect(steps).toHaveLength(6);
    expect(events.at(-1)).toMatchObject({ type: 'end', step: 6, aborted: false });
    steps.forEach((e, i) => {
      expect(e.lr).toBeCloseTo(0.01 * lrFactor({ type: 'cosine', warmupSteps: 2, minFactor: 0.1 }, i, 6), 12);
    });
    expect(steps.every((e) => Number.isFinite(e.loss))).toBe(true);
    s.dispose();
  });

  it('a run killed mid-epoch and resumed from its checkpoint ends bit-identical to an uninterrupted one', async () => {
    const full = setup({ epochs: 4 });
    const fullEvents = await run(full.options);
    const fullLoss = fullEvents.filter((e) => e.type === 'step').map((e) => e.loss);
    const expected = weights(full);
    full.dispose();

    const store = memoryCheckpointStore();
    const first = setup({ epochs: 4, checkpoint: store });
    const controller = new AbortController();
    for await (const e of train({ ...first.options, signal: controller.signal })) {
      if (e.type === 'step' && e.step === 3) controller.abort(); // epoch 1, batch 1 of 2
    }
    first.dispose();
    const saved = await store.load();
    expect(saved?.step).toBe(3);
    expect(saved?.sampler).toMatchObject({ epoch: 1, position: 1 });

    const second = setup({ epochs: 4, checkpoint: store });
    const rest = await run(second.options);
    expect(rest[0]).toMatchObject({ type: 'start', step: 3, resumed: true });
    const history = rest.at(-1) as Extract<TrainEvent, { type: 'end' }>;
    expect(history.history.loss).toEqual(fullLoss);
    expect(weights(second)).toEqual(expected);
    second.dispose();
  });

  it('a checkpoint of another sampler layout (batch size) or without sampler state is refused before anything is applied', async () => {
    const store = memoryCheckpointStore();
    const a = setup({ epochs: 1, checkpoint: store });
    await run(a.options);
    a.dispose();
    const b = setup({ epochs: 2, batchSize: 8, checkpoint: store });
    const before = weights(b);
    await expect(run(b.options)).rejects.toThrow(/sampler at epoch 1, batch 0 for step 2, but this run has 5 batches per epoch/);
    expect(weights(b)).toEqual(before);
    b.dispose();
    const c = await store.load();
    delete c!.sampler;
    const d = setup({ epochs: 2, checkpoint: { load: async () => c, save: async () => {}, location: 'mem' } });
    await expect(run(d.options)).rejects.toThrow(CheckpointError);
    d.dispose();
  });

  it('trains in train mode and evaluates in eval mode (running statistics untouched by the evaluation)', async () => {
    const modes: boolean[] = [];
    const s = setup({
      epochs: 1,
      evalEvery: 1,
      evaluate: ({ method }) => {
        const enc = s.encoder;
        modes.push(enc.training);
        const before = JSON.stringify(enc.toJSON().state);
        const probe = s.data.get([0, 1, 2]);
        tf.dispose([method.embed(probe.x as tf.Tensor2D), probe.x, probe.labels]);
        expect(JSON.stringify(enc.toJSON().state)).toBe(before);
        return {};
      },
    });
    s.encoder.setTraining(false); // train() puts it back into train mode for the steps
    await run(s.options);
    expect(modes).toEqual([false, false, false]);
    expect(s.encoder.training).toBe(true);
    expect((s.encoder.toJSON().state as ConvState).batchNorm['conv0']?.numBatchesTracked).toBe(2 * 2); // 2 steps × 2 views
    s.dispose();
  });

  it('keeps the tensor count flat over an epoch', async () => {
    const s = setup({ epochs: 2 });
    await run({ ...s.options, epochs: 1 }); // warm-up (optimizer slots are freed at the end)
    const before = tf.memory().numTensors;
    await run(s.options);
    expect(tf.memory().numTensors).toBe(before);
    s.dispose();
  });

  it('errors: epochs and steps together, neither, batch larger than the dataset', async () => {
    const s = setup();
    await expect(run({ ...s.options, steps: 4 })).rejects.toThrow(/either epochs or steps/);
    await expect(run({ ...s.options, epochs: undefined })).rejects.toThrow(/either epochs or steps/);
    await expect(run({ ...s.options, batchSize: 64 })).rejects.toThrow(/batch size 64 is larger than dataset 'toy-dataset' \(40 items\)/);
    await expect(run({ ...s.options, epochs: 1.5 })).rejects.toThrow(/epochs/);
    s.dispose();
  });

  it('steps instead of epochs runs across epoch boundaries; the class-balanced sampler feeds SupCon', async () => {
    const s = setup({ epochs: undefined, steps: 5, sampler: { type: 'classBalanced', perClass: 2 }, batchSize: 8 });
    const sup = contrastiveMethod({ encoder: s.encoder, loss: 'supcon', temperature: 0.5 });
    const labelsSeen: number[][] = [];
    const events = await run({
      ...s.options,
      method: {
        ...sup,
        loss(views, batch, prepared) {
          labelsSeen.push(Array.from(batch['labels']!.dataSync()));
          return sup.loss(views, batch, prepared);
        },
      },
    });
    expect(events.filter((e) => e.type === 'step')).toHaveLength(5);
    for (const l of labelsSeen) expect(l).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    s.dispose();
  });
});

describeBackends('train on a DataModel: dataset-only options are errors', () => {
  it('epochs, sampler or a schedule in epochs with a DataModel; a Dataset checkpoint resumed by a DataModel run', async () => {
    const { toyData, toyMethod, toyNoise, linearNet } = await import('./testing/toy');
    const method = toyMethod(linearNet(4, 3, 1, 'online-enc'));
    const base: TrainOptions = {
      data: toyData(4),
      augment: toyNoise(0.1),
      method,
      optimizer: { type: 'sgd', lr: 0.01 },
      steps: 2,
      batchSize: 8,
    };
    await expect(run({ ...base, epochs: 2 })).rejects.toThrow(/train.*epochs.*finite Dataset/);
    await expect(run({ ...base, sampler: { type: 'shuffle' } })).rejects.toThrow(/train.*sampler/);
    await expect(run({ ...base, schedule: { type: 'cosine', warmupEpochs: 1 } })).rejects.toThrow(
      /train.*schedule.*epochs need a finite Dataset/,
    );
    const store = memoryCheckpointStore();
    await run({ ...base, checkpoint: store });
    const c = (await store.load())!;
    c.sampler = { epoch: 0, position: 0, seed: 1 };
    await expect(run({ ...base, steps: 4, checkpoint: { load: async () => c, save: async () => {}, location: 'mem' } })).rejects.toThrow(
      /holds a sampler state.*online DataModel/,
    );
    method.dispose();
  });
});
