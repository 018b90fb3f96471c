// train()'s bookkeeping on a toy model (a few steps each): which events come when (logEvery,
// evalEvery, checkpointEvery, evalAtStart, the last step always), the learning rate each step event
// reports (cosine schedule written out here), what a checkpoint holds (variable keys by role,
// optional parts only when they exist), and every restore refusal with its message written out.
import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, InvalidArgumentError, type Network } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, CheckpointError, type CheckpointStore, memoryCheckpointStore } from './checkpoint';
import type { Method } from './method';
import { linearNet, toyData, toyMethod, toyNoise } from './testing/toy';
import { toyDataset } from './testing/toy-dataset';
import { train, type TrainEvent, type TrainOptions } from './train';

let n = 0;
const uniq = (name: string) => `${name}-tm${n++}`;
function options(overrides: Partial<TrainOptions> = {}): TrainOptions {
  return {
    data: toyData(6),
    augment: toyNoise(0.1),
    method: toyMethod(linearNet(6, 3, 1, uniq('enc'))),
    optimizer: { type: 'sgd', lr: 0.1 },
    steps: 7,
    batchSize: 8,
    seed: 3,
    ...overrides,
  };
}
async function run(o: TrainOptions): Promise<TrainEvent[]> {
  const out: TrainEvent[] = [];
  try {
    for await (const e of train(o)) out.push(e);
  } finally {
    o.method.dispose();
  }
  return out;
}
const brief = (events: TrainEvent[]) => events.map((e) => `${e.type}${e.type === 'start' ? '' : e.step}`);

describe('train() events', () => {
  it('logEvery, evalEvery and checkpointEvery thin their events; the last step has all three; evalAtStart adds step 0', async () => {
    const events = await run(
      options({ logEvery: 3, evalEvery: 3, checkpointEvery: 2, checkpoint: memoryCheckpointStore(), evaluate: () => ({ m: 1 }) }),
    );
    expect(brief(events)).toEqual([
      'start',
      'eval0',
      'checkpoint2',
      'step3',
      'eval3',
      'checkpoint4',
      'step6',
      'eval6',
      'checkpoint6',
      'step7',
      'eval7',
      'checkpoint7',
      'end7',
    ]);
    const quiet = await run(options({ evalAtStart: false, evaluate: () => ({ m: 1 }) }));
    expect(brief(quiet)).toEqual(['start', 'step1', 'step2', 'step3', 'step4', 'step5', 'step6', 'step7', 'eval7', 'end7']);
    // No store: checkpointEvery writes nothing and yields no checkpoint event; no evaluate: no eval events.
    expect(brief(await run(options({ steps: 2, checkpointEvery: 1 })))).toEqual(['start', 'step1', 'step2', 'end2']);
  });

  it('each step event reports the rate the step used: lr · ½(1 + cos(π k / K)) for the k-th step (0-based)', async () => {
    const events = await run(options({ schedule: { type: 'cosine' }, steps: 5 }));
    const lrs = events.flatMap((e) => (e.type === 'step' ? [e.lr] : []));
    expect(lrs).toHaveLength(5);
    lrs.forEach((lr, k) => expect(lr).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos((Math.PI * k) / 5)), 12));
    const start = events[0]!;
    expect(start).toEqual({ type: 'start', step: 0, steps: 5, resumed: false });
    const end = events.at(-1)!;
    expect(end).toMatchObject({ type: 'end', step: 5, aborted: false });
  });

  it('an aborted signal before the first step saves step 0 and ends aborted', async () => {
    const store = memoryCheckpointStore();
    const controller = new AbortController();
    controller.abort();
    const events = await run(options({ checkpoint: store, signal: controller.signal, evaluate: () => ({ m: 2 }) }));
    expect(brief(events)).toEqual(['start', 'eval0', 'checkpoint0', 'end0']);
    expect(events.at(-1)).toMatchObject({ aborted: true, history: { loss: [], evals: [{ step: 0, metrics: { m: 2 } }] } });
    expect((await store.load())!.step).toBe(0);
  });
});

/** A network with two variables of the same last name segment and one with a `_3` suffix. */
function twoLayer(name: string): Network {
  const a = tf.variable(tf.fill([2, 2], 0.5), true, `${name}/l1/w`);
  const b = tf.variable(tf.fill([2, 2], 0.25), true, `${name}/l2/w`);
  const c = tf.variable(tf.fill([2], 0.1), true, `${name}/bias_3`);
  return {
    name,
    inputDim: 2,
    outputDim: 2,
    apply: (x) => tf.add(tf.matMul(tf.matMul(x, a), b), c),
    variables: [a, b, c],
    toJSON: () => ({ type: 'two', config: {}, weights: {} }),
    dispose: () => tf.dispose([a, b, c]),
  };
}

describe('train() checkpoints', () => {
  it('keys variables by role and last name segment (#n for repeats, tfjs _n suffixes dropped, `method` for unowned ones)', async () => {
    const net = twoLayer(uniq('two'));
    const free = tf.variable(tf.scalar(1), true, uniq('free'));
    const base = toyMethod(net);
    const method: Method = {
      ...base,
      // The unowned variable enters the loss with weight 0 (a zero gradient, not a missing one).
      loss: (views, batch, prepared) => tf.add(base.loss(views, batch, prepared), tf.mul(free, 0)) as tf.Scalar,
      trainableVariables: () => [...net.variables, free],
      dispose: () => {
        net.dispose();
        free.dispose();
      },
    };
    const store = memoryCheckpointStore();
    await run(options({ data: toyData(2), method, steps: 1, checkpoint: store, meta: { arm: 'x' } }));
    const c = (await store.load())!;
    expect(c.variables.map((v) => [v.name, v.shape])).toEqual([
      ['encoder/w', [2, 2]],
      ['encoder/w#1', [2, 2]],
      ['encoder/bias', [2]],
      ['method/' + free.name, []],
    ]);
    expect(c.meta).toEqual({ arm: 'x' });
    expect(Object.keys(c).sort()).toEqual(['history', 'meta', 'optimizer', 'rng', 'step', 'variables', 'version']);
    expect(c.version).toBe(2);
  });

  it('a Dataset run stores its sampler; an online run without meta stores neither', async () => {
    const online = memoryCheckpointStore();
    await run(options({ steps: 1, checkpoint: online }));
    expect(Object.keys((await online.load())!).sort()).toEqual(['history', 'optimizer', 'rng', 'step', 'variables', 'version']);
    const ds = memoryCheckpointStore();
    const dataset = toyDataset(8, [6], 2);
    await run(options({ data: dataset, augment: toyNoise(0.1) as Augmentation, steps: 3, batchSize: 4, checkpoint: ds }));
    expect((await ds.load())!.sampler).toMatchObject({ epoch: 1, position: 1 });
  });

  describe('restore refusals name the store and say what differs', () => {
    let good: Checkpoint;
    const name = uniq('enc');
    const make = () => toyMethod(linearNet(6, 3, 1, `${name}-${n++}`));
    const reasonOf = async (broken: unknown, extra: Partial<TrainOptions> = {}) => {
      const store: CheckpointStore = {
        location: 'ck.json',
        load: async () => structuredClone(broken) as Checkpoint,
        save: async () => undefined,
      };
      const method = make();
      try {
        await run(options({ method, checkpoint: store, ...extra }));
      } catch (e) {
        expect(CheckpointError.isInstance(e), String(e)).toBe(true);
        return (e as CheckpointError).reason;
      }
      return 'ok';
    };

    it('refusals', async () => {
      const store = memoryCheckpointStore();
      await run(options({ method: make(), steps: 2, checkpoint: store }));
      good = (await store.load())!;
      expect(await reasonOf(good)).toBe('ok');
      expect(await reasonOf({ ...good, variables: [] })).toBe(
        'holds 0 variables but the method has 1 (encoder/w): it was written for another configuration',
      );
      expect(await reasonOf({ ...good, variables: [{ ...good.variables[0]!, name: 'projector/w' }] })).toBe(
        "holds variable 'projector/w' where the method has 'encoder/w' (variables.0)",
      );
      expect(await reasonOf({ ...good, variables: [{ ...good.variables[0]!, shape: [3, 6] }] })).toBe(
        "holds variable 'encoder/w' of shape [3,6], the method's has shape [6,3]",
      );
      expect(await reasonOf({ ...good, networks: { encoder: { threshold: 1 } } })).toBe(
        "holds the state of networks [encoder], the method's stateful networks are []",
      );
      expect(await reasonOf({ ...good, sampler: { epoch: 0, position: 2, seed: 1 } })).toBe(
        'holds a sampler state (written by a Dataset run), but this run trains on an online DataModel',
      );
      expect(await reasonOf({ ...good, optimizer: { ...good.optimizer, type: 'adam' } })).toBe(
        `has an optimizer state this run cannot use: Optimizer.setState: invalid argument 'state.type': expected sgd, got "adam"`,
      );
      expect(await reasonOf({ ...good, step: 2 }, { steps: 1 })).toBe("is at step 2, past the run's 1 steps");
      // Only this run's meta keys are compared; extra keys in the checkpoint's meta are fine.
      expect(await reasonOf({ ...good, meta: { arm: 'a', extra: 1 } }, { meta: { arm: 'a' } })).toBe('ok');
      expect(await reasonOf({ ...good, meta: { arm: { k: 1 } } }, { meta: { arm: { k: 2 } } })).toBe(
        'belongs to another job: its arm is {"k":1}, this job\'s is {"k":2}',
      );
    });

    it('a method or network state the run cannot take is refused, with the setter error as cause', async () => {
      const store = memoryCheckpointStore();
      await run(options({ method: make(), steps: 1, checkpoint: store }));
      const c = (await store.load())!;
      const boom = new Error('boom');
      const picky = (): Method => ({
        ...make(),
        getState: () => ({ ok: true }),
        setState: () => {
          throw boom;
        },
      });
      const s2: CheckpointStore = {
        location: 'ck2',
        load: async () => ({ ...structuredClone(c), methodState: { ok: false } }),
        save: async () => undefined,
      };
      let error: unknown;
      const m = picky();
      try {
        for await (const _ of train(options({ method: m, checkpoint: s2 }))) void _;
      } catch (e) {
        error = e;
      }
      m.dispose();
      expect((error as CheckpointError).reason).toBe('holds a method state the method cannot take: boom');
      expect((error as Error).message).toBe('train: checkpoint ck2 holds a method state the method cannot take: boom');
      expect((error as Error).cause).toBe(boom);

      // A network with its own state (getState/setState) is checkpointed under its role.
      const inner = linearNet(6, 3, 1, uniq('st'));
      let restored: unknown;
      const stateful = Object.assign(inner, {
        getState: () => ({ t: 0.5 }),
        setState: (s: unknown) => {
          if ((s as { t: number }).t < 0) throw new Error('t < 0');
          restored = s;
        },
      });
      const st = memoryCheckpointStore();
      await run(options({ method: toyMethod(stateful), steps: 1, checkpoint: st }));
      const saved = (await st.load())!;
      expect(saved.networks).toEqual({ encoder: { t: 0.5 } });
      const again = Object.assign(linearNet(6, 3, 1, uniq('st')), { getState: () => ({ t: 0 }), setState: stateful.setState });
      await run(options({ method: toyMethod(again), steps: 1, checkpoint: st }));
      expect(restored).toEqual({ t: 0.5 });
      const bad: CheckpointStore = {
        location: 'ck3',
        load: async () => ({ ...saved, networks: { encoder: { t: -1 } } }),
        save: async () => undefined,
      };
      const third = Object.assign(linearNet(6, 3, 1, uniq('st')), { getState: () => ({ t: 0 }), setState: stateful.setState });
      await expect(run(options({ method: toyMethod(third), steps: 1, checkpoint: bad }))).rejects.toThrow(
        "train: checkpoint ck3 holds a state of network 'encoder' it cannot take: t < 0",
      );
    });
  });
});

describe('train() argument errors', () => {
  it('names data, method and augment with what was expected', async () => {
    const o = options();
    o.method.dispose();
    const message = async (x: Partial<TrainOptions>) => {
      try {
        for await (const _ of train({ ...o, ...x })) void _;
      } catch (e) {
        expect(InvalidArgumentError.isInstance(e)).toBe(true);
        return (e as Error).message;
      }
      return 'ok';
    };
    expect(await message({ method: undefined as never })).toBe("train: invalid argument 'method': expected a method, got undefined");
    expect(await message({ method: null as never })).toBe("train: invalid argument 'method': expected a method, got null");
    expect(await message({ augment: 5 as never })).toMatch(
      /^train: invalid argument 'augment': expected an Augmentation \(omit it when the data model draws its own pairs\), got /,
    );
    expect(await message({ augment: { views: 2 } as never })).toMatch(/^train: invalid argument 'augment': expected an Augmentation/);
    expect(await message({ augment: { ...(o.augment as Augmentation), views: 1 } })).toBe(
      "train: invalid argument 'augment.views': expected at least 2 views, got 1",
    );
    expect(await message({ augment: null as never })).toMatch(
      /no augmentation given, and data model 'toy' does not draw its own positive pairs/,
    );
    const dataset = toyDataset(8, [6], 2);
    expect(await message({ data: dataset, augment: { ...(o.augment as Augmentation), views: 0 } })).toBe(
      "train: invalid argument 'augment.views': expected at least 1 view, got 0",
    );
  });
});
