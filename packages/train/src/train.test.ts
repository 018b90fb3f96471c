import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from '@contrastive/core';
import { NonFiniteValueError } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { memoryCheckpointStore } from './checkpoint';
import { linearNet, toyData, toyMethod, toyNoise } from './testing/toy';
import { train, type TrainEvent, type TrainOptions } from './train';

async function collect(it: AsyncGenerator<TrainEvent, unknown>): Promise<TrainEvent[]> {
  const out: TrainEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

function setup(overrides: Partial<TrainOptions> = {}) {
  const method = toyMethod(linearNet(8, 4, 3, `enc${Math.random().toString(36).slice(2)}`));
  const options: TrainOptions = {
    data: toyData(8),
    augment: toyNoise(0.1),
    method,
    optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
    steps: 40,
    batchSize: 16,
    seed: 7,
    evalEvery: 10,
    evaluate: ({ method: m }) => ({ norm: tf.tidy(() => tf.norm(m.trainableVariables()[0]!).dataSync()[0]!) }),
    ...overrides,
  };
  return { method, options };
}

describeBackends('train', () => {
  it('decreases the loss and reports start, steps, evals (incl. step 0) and end', async () => {
    // Batch 128: at 16 the toy loss is dominated by sampling noise.
    const { method, options } = setup({ batchSize: 128 });
    const events = await collect(train(options));
    const history = (events.at(-1) as Extract<TrainEvent, { type: 'end' }>).history;
    expect(events[0]).toMatchObject({ type: 'start', step: 0, resumed: false });
    expect(events.filter((e) => e.type === 'eval').map((e) => e.step)).toEqual([0, 10, 20, 30, 40]);
    expect(events.filter((e) => e.type === 'step')).toHaveLength(40);
    expect(history.loss).toHaveLength(40);
    const first = history.loss.slice(0, 10).reduce((a, b) => a + b) / 10;
    const last = history.loss.slice(-10).reduce((a, b) => a + b) / 10;
    expect(last).toBeLessThan(first * 0.8); // measured 0.058 → 0.031
    method.dispose();
  });

  it('is deterministic for a seed', async () => {
    const a = setup();
    const b = setup();
    const la = ((await collect(train(a.options))).at(-1) as Extract<TrainEvent, { type: 'end' }>).history.loss;
    const lb = ((await collect(train(b.options))).at(-1) as Extract<TrainEvent, { type: 'end' }>).history.loss;
    expect(la).toEqual(lb);
    a.method.dispose();
    b.method.dispose();
  });

  it('resumes from a checkpoint to exactly the numbers of an uninterrupted run', async () => {
    const full = setup({ optimizer: { type: 'adam', lr: 0.01 } });
    const fullEvents = await collect(train(full.options));
    const fullWeights = Array.from(full.method.trainableVariables()[0]!.dataSync());

    const store = memoryCheckpointStore();
    const first = setup({ optimizer: { type: 'adam', lr: 0.01 }, checkpoint: store, checkpointEvery: 10 });
    const controller = new AbortController();
    for await (const e of train({ ...first.options, signal: controller.signal })) {
      if (e.type === 'step' && e.step === 23) controller.abort(); // "killed" mid-way
    }
    expect((await store.load())!.step).toBe(23);
    first.method.dispose();

    const second = setup({ optimizer: { type: 'adam', lr: 0.01 }, checkpoint: store, checkpointEvery: 10 });
    const resumed = await collect(train(second.options));
    expect(resumed[0]).toMatchObject({ type: 'start', step: 23, resumed: true });
    const end = resumed.at(-1) as Extract<TrainEvent, { type: 'end' }>;
    const fullEnd = fullEvents.at(-1) as Extract<TrainEvent, { type: 'end' }>;
    expect(end.history.loss).toEqual(fullEnd.history.loss);
    expect(end.history.evals).toEqual(fullEnd.history.evals);
    expect(Array.from(second.method.trainableVariables()[0]!.dataSync())).toEqual(fullWeights);
    full.method.dispose();
    second.method.dispose();
  });

  it('stops with a NonFiniteValueError naming the step', async () => {
    const { method, options } = setup();
    const poisoned = { ...options, method: Object.assign(toyMethod(method.networks['encoder']!, { poison: 6 })) };
    const err = await collect(train(poisoned)).catch((e: unknown) => e);
    expect(NonFiniteValueError.isInstance(err)).toBe(true);
    expect((err as NonFiniteValueError).step).toBe(5);
    expect((err as Error).message).toBe("train: 'loss' contains NaN at step 5; all values must be finite");
    method.dispose();
  });

  it('keeps tf.memory().numTensors flat over 2000 steps', async () => {
    const { method, options } = setup({ steps: 2000, evalEvery: 500, batchSize: 8 });
    let at100 = 0;
    let after = 0;
    for await (const e of train(options)) {
      if (e.type === 'step' && e.step === 100) at100 = tf.memory().numTensors;
      if (e.type === 'step' && e.step === 2000) after = tf.memory().numTensors;
    }
    expect(after).toBe(at100);
    method.dispose();
  });

  it('rejects bad options with clear errors', async () => {
    const { method, options } = setup();
    await expect(collect(train({ ...options, steps: 0 }))).rejects.toThrow(/train: invalid argument 'options\.steps'/);
    await expect(collect(train({ ...options, batchSize: 1 }))).rejects.toThrow(/options\.batchSize/);
    await expect(collect(train({ ...options, augment: { ...(options.augment as Augmentation), views: 1 } }))).rejects.toThrow(
      /augment\.views/,
    );
    method.dispose();
  });

  it('takes positive pairs from a data model that draws them when no augmentation is given', async () => {
    const { method, options } = setup({ steps: 30 });
    const base = toyData(8);
    // x and xPositive share a latent: the toy loss must fall as the encoder aligns them.
    const paired = {
      ...base,
      samplePair: (b: number, rng: Parameters<typeof base.sample>[1]) =>
        tf.tidy(() => {
          const { x } = base.sample(b, rng);
          return { x, xPositive: tf.add(x, tf.mul(base.sample(b, rng).x, 0.1)) as tf.Tensor2D };
        }),
    };
    const before = tf.memory().numTensors;
    const { augment: _augment, ...noAugment } = options;
    const events = await collect(train({ ...noAugment, data: paired }));
    const loss = (events.at(-1) as Extract<TrainEvent, { type: 'end' }>).history.loss;
    expect(loss).toHaveLength(30);
    expect(loss.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(loss.slice(0, 5).reduce((a, b) => a + b) / 5);
    expect(tf.memory().numTensors).toBe(before);
    await expect(collect(train({ ...noAugment }))).rejects.toThrow(
      /train: invalid argument 'augment': no augmentation given, and data model 'toy' does not draw its own positive pairs \(implement PairedDataModel\.samplePair\(\)/,
    );
    // The old string form is refused with a pointer to the new one.
    await expect(collect(train({ ...options, augment: 'data-pairs' as never }))).rejects.toThrow(
      /omit it when the data model draws its own pairs/,
    );
    // With an augmentation, a paired data model is augmented like any other (samplePair unused).
    const calls = { pair: 0 };
    const counted = {
      ...paired,
      samplePair: (b: number, rng: Parameters<typeof base.sample>[1]) => (calls.pair++, paired.samplePair(b, rng)),
    };
    await collect(train({ ...options, data: counted, steps: 3 }));
    expect(calls.pair).toBe(0);
    method.dispose();
  });
});

/**
 * toyMethod with a fused step that does what the tape path does (loss, gradients, θ − g·lr), counted.
 * `result(call)` may force what a call returns: a number, undefined ("cannot fuse"), or null (compute).
 */
function fusedToy(name: string, result?: (step: number) => number | undefined) {
  const method = toyMethod(linearNet(8, 4, 3, name)) as ReturnType<typeof toyMethod> & { fusedCalls: number };
  method.fusedCalls = 0;
  method.fusedSgdStep = (views, batch, lr) => {
    method.fusedCalls++;
    const forced = result?.(method.fusedCalls);
    if (forced !== null && forced !== undefined) return forced;
    if (result && forced === undefined) return undefined;
    const vars = method.trainableVariables();
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => method.loss(views, batch, []), vars);
      vars.forEach((v, i) => v.assign(tf.sub(v, tf.mul(grads[v.name]!, lr[i]!))));
      return value.dataSync()[0]!;
    });
  };
  return method;
}

describeBackends('train with a method fusedSgdStep', () => {
  const options = (method: TrainOptions['method'], extra: Partial<TrainOptions> = {}): TrainOptions => ({
    data: toyData(8),
    augment: toyNoise(0.1),
    method,
    optimizer: { type: 'sgd', lr: 0.05 },
    steps: 12,
    batchSize: 16,
    seed: 3,
    evalAtStart: false,
    ...extra,
  });

  it('takes the fused step with plain SGD: the same losses, weights and checkpointed iteration count as the tape path', async () => {
    const name = `fused${Math.random().toString(36).slice(2)}`;
    const fused = fusedToy(`${name}a`);
    const plain = toyMethod(linearNet(8, 4, 3, `${name}b`)); // same seed ⇒ same initial weights
    const [cf, cp] = [memoryCheckpointStore(), memoryCheckpointStore()];
    const lf = ((await collect(train(options(fused, { checkpoint: cf })))).at(-1) as Extract<TrainEvent, { type: 'end' }>).history.loss;
    const lp = ((await collect(train(options(plain, { checkpoint: cp })))).at(-1) as Extract<TrainEvent, { type: 'end' }>).history.loss;
    expect(fused.fusedCalls).toBe(12);
    expect(lf).toEqual(lp);
    const [sf, sp] = [
      (await cf.load()) as { optimizer: unknown; variables: unknown },
      (await cp.load()) as { optimizer: unknown; variables: unknown },
    ];
    expect(sf.optimizer).toEqual(sp.optimizer); // iterations: 12 either way
    expect(sf.variables).toEqual(sp.variables);
    fused.dispose();
    plain.dispose();
  });

  it('is not used with momentum, weight decay or Adam (the update needs the optimizer state)', async () => {
    for (const optimizer of [
      { type: 'sgd' as const, lr: 0.05, momentum: 0.9 },
      { type: 'sgd' as const, lr: 0.05, weightDecay: 1e-4 },
      { type: 'adam' as const, lr: 0.01 },
    ]) {
      const m = fusedToy(`nofuse${Math.random().toString(36).slice(2)}`);
      await collect(train(options(m, { optimizer })));
      expect(m.fusedCalls, optimizer.type).toBe(0);
      m.dispose();
    }
  });

  it('falls back to the tape when the fused step returns undefined, and names the step of a non-finite fused loss', async () => {
    const m = fusedToy(`undef${Math.random().toString(36).slice(2)}`, () => undefined);
    const before = tf.memory().numTensors;
    const losses = ((await collect(train(options(m)))).at(-1) as Extract<TrainEvent, { type: 'end' }>).history.loss;
    expect(m.fusedCalls).toBe(12);
    expect(m.calls).toBe(12); // every step's loss came from the tape path
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
    const bad = fusedToy(`nan${Math.random().toString(36).slice(2)}`, (call) => (call === 4 ? Number.NaN : null!));
    await expect(collect(train(options(bad)))).rejects.toThrow(NonFiniteValueError);
    await expect(
      collect(train(options(fusedToy(`nan2${Math.random().toString(36).slice(2)}`, (c) => (c === 2 ? Number.POSITIVE_INFINITY : null!))))),
    ).rejects.toThrow(/step 1/);
    bad.dispose();
  });
});
