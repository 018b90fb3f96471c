// Exact resume with a network that has its own schedule state (the symmetric-ReLU threshold of
// Wen & Li 2021, linear warm-up), and validation of what a checkpoint store hands back.
import * as tf from '@tensorflow/tfjs-core';
import { complementaryMask } from '@contrastive/augment';
import { sparseCoding } from '@contrastive/data';
import { mlp, symmetricRelu } from '@contrastive/nets';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { type Checkpoint, CheckpointError, memoryCheckpointStore } from './checkpoint';
import { contrastiveMethod } from './methods/contrastive';
import { byolMethod, directPredMethod } from './methods/non-contrastive';
import type { Method } from './method';
import { train, type TrainEvent, type TrainOptions } from './train';

const STEPS = 20;

type Encoder = ReturnType<typeof symmetricRelu>;
const contrastive = (encoder: Encoder): Method =>
  contrastiveMethod({ encoder, loss: 'infonce', temperature: 0.5, normalize: false, kernels: 'tfjs' });

function setup(overrides: Partial<TrainOptions> = {}, makeMethod: (encoder: Encoder) => Method = contrastive) {
  const data = sparseCoding({ ambientDim: 16, latentDim: 4, sparsity: 0.25, noiseToSignal: 1, seed: 3 });
  const encoder = symmetricRelu({
    inputDim: 16,
    width: 6,
    seed: 1,
    threshold: { type: 'linear-warmup', final: 0.5, warmupFraction: 0.5 },
  });
  const method = makeMethod(encoder);
  const x = data.sample(32);
  const options: TrainOptions = {
    data,
    augment: complementaryMask({ seed: 2 }),
    method,
    optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
    steps: STEPS,
    batchSize: 16,
    seed: 5,
    ...overrides,
  };
  const dispose = () => {
    method.dispose();
    data.dispose();
    tf.dispose(Object.values(x));
  };
  return { method, encoder, data, x: x.x, options, dispose };
}

async function run(options: TrainOptions): Promise<TrainEvent[]> {
  const out: TrainEvent[] = [];
  for await (const e of train(options)) out.push(e);
  return out;
}

/** A checkpoint at `step`, taken by aborting an otherwise identical run there. */
async function checkpointAt(step: number, overrides: Partial<TrainOptions> = {}, makeMethod?: (encoder: Encoder) => Method) {
  const store = memoryCheckpointStore();
  const s = setup({ checkpoint: store, checkpointEvery: STEPS, ...overrides }, makeMethod);
  const controller = new AbortController();
  for await (const e of train({ ...s.options, signal: controller.signal })) {
    if (e.type === 'step' && e.step === step) controller.abort();
  }
  s.dispose();
  return store;
}

describeBackends('train: exact resume and checkpoint validation', () => {
  it('resuming from the final checkpoint restores the threshold schedule before the final evaluation', async () => {
    const full = setup();
    await run(full.options);
    const fullThreshold = full.encoder.threshold;
    const fullH = Array.from(tf.tidy(() => full.method.embed(full.x)).dataSync());
    expect(fullThreshold).toBeGreaterThan(0.4); // warmed up to 0.5 over the first half

    // "Killed between the last checkpoint and the job file": a checkpoint at step STEPS.
    const store = memoryCheckpointStore();
    const first = setup({ checkpoint: store });
    await run(first.options);
    expect((await store.load())!.step).toBe(STEPS);
    first.dispose();

    const resumed = setup({ checkpoint: store });
    const events = await run(resumed.options);
    expect(events[0]).toMatchObject({ type: 'start', step: STEPS, resumed: true });
    expect(resumed.encoder.threshold).toBe(fullThreshold);
    const h = tf.tidy(() => resumed.method.embed(resumed.x));
    expect(Array.from(h.dataSync())).toEqual(fullH);
    h.dispose();
    full.dispose();
    resumed.dispose();
  });

  it.each([1, 7, 10, 19])('resuming at step %i gives the weights, losses and threshold of an uninterrupted run', async (k) => {
    const full = setup();
    const fullEnd = (await run(full.options)).at(-1) as Extract<TrainEvent, { type: 'end' }>;
    const store = await checkpointAt(k);
    const cp = (await store.load())!;
    expect(cp.step).toBe(k);
    expect(cp.networks?.['encoder']).toMatchObject({ step: k - 1, totalSteps: STEPS });
    const resumed = setup({ checkpoint: store });
    const end = (await run(resumed.options)).at(-1) as Extract<TrainEvent, { type: 'end' }>;
    expect(end.history.loss).toEqual(fullEnd.history.loss);
    expect(Array.from(resumed.encoder.weight.dataSync())).toEqual(Array.from(full.encoder.weight.dataSync()));
    expect(resumed.encoder.threshold).toBe(full.encoder.threshold);
    full.dispose();
    resumed.dispose();
  });

  // EMA targets (BYOL, cosine momentum) and DirectPred's running correlation, with a stateful
  // encoder whose EMA target clone is stateful too: every piece of state must come back.
  const methods: Array<[string, (encoder: Encoder) => Method]> = [
    [
      'byol',
      (encoder) =>
        byolMethod({
          encoder,
          projector: mlp({ inputDim: 6, hidden: [8], outputDim: 4, seed: 4, name: 'r-proj' }),
          predictor: mlp({ inputDim: 4, hidden: [], outputDim: 4, seed: 5, name: 'r-pred' }),
          momentum: 0.9,
          cosineMomentum: true,
        }),
    ],
    [
      'directPred',
      (encoder) =>
        directPredMethod({
          encoder,
          projector: mlp({ inputDim: 6, hidden: [8], outputDim: 4, seed: 4, name: 'r-proj' }),
          momentum: 0.9,
          rho: 0.5,
        }),
    ],
  ];
  it.each(methods)('%s resumes at step 7 and after the last step to the numbers of an uninterrupted run', async (_name, makeMethod) => {
    const full = setup({ optimizer: { type: 'adam', lr: 0.01 } }, makeMethod);
    const fullEnd = (await run(full.options)).at(-1) as Extract<TrainEvent, { type: 'end' }>;
    const values = (m: Method) => Object.values(m.networks).flatMap((n) => n.variables.map((v) => Array.from(v.dataSync())));
    const embedded = (m: Method, x: tf.Tensor2D) => {
      const h = m.embed(x);
      const out = Array.from(h.dataSync());
      h.dispose();
      return out;
    };
    const fullH = embedded(full.method, full.x);
    for (const k of [7, STEPS]) {
      const store = await checkpointAt(k, { optimizer: { type: 'adam', lr: 0.01 } }, makeMethod);
      const resumed = setup({ checkpoint: store, optimizer: { type: 'adam', lr: 0.01 } }, makeMethod);
      const end = (await run(resumed.options)).at(-1) as Extract<TrainEvent, { type: 'end' }>;
      expect(end.history.loss, `resume at ${k}`).toEqual(fullEnd.history.loss);
      expect(values(resumed.method), `resume at ${k}`).toEqual(values(full.method));
      expect(resumed.method.getState?.(), `resume at ${k}`).toEqual(full.method.getState?.());
      expect(embedded(resumed.method, resumed.x), `resume at ${k}`).toEqual(fullH);
      resumed.dispose();
    }
    full.dispose();
  });

  it('an abort fired by a timer (another task) stops a run without checkpoint writes within a second, saving the current step', async () => {
    const store = {
      saved: [] as number[],
      location: 'timer',
      load: async () => undefined,
      save: async (c: Checkpoint) => void store.saved.push(c.step),
    };
    const s = setup({ steps: 1_000_000, checkpoint: store, checkpointEvery: 0 });
    const controller = new AbortController();
    const firedAt: number[] = [];
    setTimeout(() => {
      firedAt.push(performance.now());
      controller.abort();
    }, 300);
    const events = await run({ ...s.options, signal: controller.signal });
    const stoppedAfter = performance.now() - firedAt[0]!;
    const end = events.at(-1) as Extract<TrainEvent, { type: 'end' }>;
    expect(end.aborted).toBe(true);
    expect(stoppedAfter).toBeLessThan(1000);
    expect(store.saved).toEqual([end.step]);
    expect(end.step).toBeGreaterThan(0);
    s.dispose();
  });

  it('a run stopped before its first step resumes without evaluating step 0 twice', async () => {
    const store = memoryCheckpointStore();
    const evaluate = () => ({ one: 1 });
    const controller = new AbortController();
    controller.abort();
    const first = setup({ checkpoint: store, evaluate, evalEvery: 10 });
    await run({ ...first.options, signal: controller.signal });
    first.dispose();
    expect((await store.load())!.step).toBe(0);
    const resumed = setup({ checkpoint: store, evaluate, evalEvery: 10 });
    const end = (await run(resumed.options)).at(-1) as Extract<TrainEvent, { type: 'end' }>;
    expect(end.history.evals.map((e) => e.step)).toEqual([0, 10, 20]);
    resumed.dispose();
  });

  it('rejects a corrupt, inconsistent or foreign checkpoint with a CheckpointError naming the store, and leaks nothing', async () => {
    const store = await checkpointAt(10, { meta: { arm: 'a', seed: 5 } });
    const good = (await store.load())!;
    const cases: Array<[string, (c: Checkpoint) => unknown, RegExp]> = [
      // Consistent in itself (21 losses, 21 updates) but past this run's 20 steps.
      [
        'step past the end',
        (c) => ({ ...c, step: 21, history: { ...c.history, loss: Array(21).fill(1) }, optimizer: { ...c.optimizer, iterations: 21 } }),
        /step 21, past the run's 20 steps/,
      ],
      [
        'an evaluation past its step',
        (c) => ({ ...c, history: { ...c.history, evals: [{ step: 11, metrics: {} }] } }),
        /evaluation at step 11/,
      ],
      ['step not matching the history', (c) => ({ ...c, step: 12 }), /says step 12 but its history holds 10 losses/],
      ['negative step', (c) => ({ ...c, step: -1 }), /step/],
      [
        'null weights',
        (c) => ({ ...c, variables: c.variables.map((v) => ({ ...v, values: v.values.map(() => null) })) }),
        /variables\.0\.values\.0/,
      ],
      ['wrong shape', (c) => ({ ...c, variables: c.variables.map((v) => ({ ...v, shape: [v.shape[1], v.shape[0]] })) }), /shape/],
      [
        'values not matching the shape',
        (c) => ({ ...c, variables: c.variables.map((v) => ({ ...v, values: v.values.slice(1) })) }),
        /values/,
      ],
      ['a missing variable', (c) => ({ ...c, variables: [] }), /variables/],
      [
        'a renamed variable',
        (c) => ({ ...c, variables: c.variables.map((v) => ({ ...v, name: 'projector/W' })) }),
        /variable 'projector\/W' where the method has 'encoder\/W'/,
      ],
      ['another arm', (c) => ({ ...c, meta: { arm: 'b', seed: 5 } }), /belongs to another job: its arm is "b", this job's is "a"/],
      ['no meta', (c) => ({ ...c, meta: undefined }), /its arm is missing/],
      ['an older version', (c) => ({ ...c, version: 1 }), /version/],
      ['another optimizer', (c) => ({ ...c, optimizer: { ...c.optimizer, type: 'adam' } }), /optimizer/],
      ['a bad threshold state', (c) => ({ ...c, networks: { encoder: { threshold: -1, step: 1, totalSteps: 20 } } }), /encoder/],
      ['a bad rng state', (c) => ({ ...c, rng: { ...c.rng, data: { seed: 1, s: [1, 2], spare: null } } }), /rng\.data/],
      ['not an object', () => 'garbage', /checkpoint/],
    ];
    for (const [what, mutate, message] of cases) {
      const broken = mutate(structuredClone(good));
      const bad = { location: 'ckpt/a-seed5.json', load: async () => broken as Checkpoint, save: async () => undefined };
      const s = setup({ checkpoint: bad, meta: { arm: 'a', seed: 5 } });
      const before = tf.memory().numTensors;
      let error: unknown;
      try {
        await run(s.options);
      } catch (e) {
        error = e;
      }
      expect(CheckpointError.isInstance(error), `${what}: ${String(error)}`).toBe(true);
      expect((error as Error).message, what).toContain('ckpt/a-seed5.json');
      expect((error as Error).message, what).toMatch(message);
      expect(tf.memory().numTensors, what).toBe(before);
      s.dispose();
    }
  });
});
