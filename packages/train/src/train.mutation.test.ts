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

/** A network over the given variables (shared variables make two networks own the same one). */
function netOver(name: string, variables: tf.Variable[]): Network {
  return {
    name,
    inputDim: 1,
    outputDim: 1,
    apply: (x) => x as tf.Tensor2D,
    variables,
    toJSON: () => ({ type: 'over', config: {}, weights: {} }),
    dispose: () => undefined,
  };
}

/**
 * A method with loss Σ_i c_i·sum(v_i): ∂ℓ/∂v_i = c_i everywhere, so one plain-SGD step moves every
 * entry of v_i by exactly −lr·m_i·c_i, m_i being the variable's learning-rate multiplier.
 */
function linearLossMethod(networks: Record<string, Network>, trainable: tf.Variable[], coef: number[]): Method {
  return {
    name: 'linear-loss',
    networks,
    trainableVariables: () => trainable,
    loss: () => tf.addN(trainable.map((v, i) => tf.mul(tf.sum(v), coef[i]!))) as tf.Scalar,
    embed: (x) => x,
    dispose: () => tf.dispose(trainable),
  };
}

describe('train() parameter groups: lrMultipliers by the size of the first SGD step', () => {
  const firstStep = async (networks: (vars: tf.Variable[]) => Record<string, Network>, lrMultipliers?: Record<string, number>) => {
    const vars = [0, 1, 2].map((i) => tf.variable(tf.fill([2], 1), true, uniq(`pg${i}`)));
    const coef = [1, 2, 4];
    const before = vars.map((v) => Array.from(v.dataSync()));
    const method = linearLossMethod(networks(vars), vars, coef);
    for await (const _ of train(
      options({ method, steps: 1, optimizer: { type: 'sgd', lr: 0.25, ...(lrMultipliers ? { lrMultipliers } : {}) } }),
    ))
      void _;
    // The multiplier each variable got: Δv = −lr·m·c.
    const m = vars.map((v, i) => (before[i]![0]! - v.dataSync()[0]!) / (0.25 * coef[i]!));
    method.dispose();
    return m;
  };

  it('each variable takes the multiplier of the first named network that owns it, 1 when none does', async () => {
    // Variable 2 belongs to no network (a method's own variable).
    const split = (v: tf.Variable[]) => ({ encoder: netOver('e', [v[0]!]), projector: netOver('p', [v[1]!]) });
    expect(await firstStep(split)).toEqual([1, 1, 1]);
    expect(await firstStep(split, {})).toEqual([1, 1, 1]);
    expect(await firstStep(split, { projector: 0.5 })).toEqual([1, 0.5, 1]);
    expect(await firstStep(split, { encoder: 2, projector: 0.5 })).toEqual([2, 0.5, 1]);
    // Two networks share variable 0: the first one named in the multipliers decides, in the method's order.
    const shared = (v: tf.Variable[]) => ({ online: netOver('o', [v[0]!]), both: netOver('b', [v[0]!, v[1]!]) });
    expect(await firstStep(shared, { both: 0.5 })).toEqual([0.5, 0.5, 1]);
    expect(await firstStep(shared, { online: 2, both: 0.5 })).toEqual([2, 0.5, 1]);
  });

  it("a multiplier for a network the method does not have is an error naming the method's networks", async () => {
    const vars = [tf.variable(tf.scalar(1), true, uniq('pg'))];
    const method = linearLossMethod({ encoder: netOver('e', vars), target: netOver('t', []) }, vars, [1]);
    await expect(run(options({ method, optimizer: { type: 'sgd', lr: 0.1, lrMultipliers: { head: 2 } } }))).rejects.toThrow(
      `train: invalid argument 'optimizer.lrMultipliers.head': expected one of the method's networks (encoder, target), got "head"`,
    );
  });
});

describe('train() modes, prepare and checkpoint contents', () => {
  it('trains in training mode and evaluates in eval mode, switching back after every evaluation', async () => {
    const inner = linearNet(6, 3, 1, uniq('modal'));
    const net = Object.assign(inner, {
      training: false,
      setTraining(t: boolean) {
        net.training = t;
      },
    });
    const base = toyMethod(net);
    const seen: string[] = [];
    const method: Method = {
      ...base,
      loss: (views, batch, prepared) => (seen.push(`loss:${net.training}`), base.loss(views, batch, prepared)),
    };
    await run(
      options({
        method,
        steps: 4,
        evalEvery: 2,
        evaluate: () => (seen.push(`eval:${net.training}`), { m: 1 }),
      }),
    );
    expect(seen).toEqual([
      'eval:false', // step 0, before the loop switches to training mode
      'loss:true',
      'loss:true',
      'eval:false',
      'loss:true',
      'loss:true',
      'eval:false',
    ]);
    expect(net.training).toBe(true); // restored after the last evaluation
  });

  it('a method without prepare gets no prepared constants', async () => {
    const base = toyMethod(linearNet(6, 3, 1, uniq('prep')));
    const got: unknown[][] = [];
    await run(options({ method: { ...base, loss: (v, b, p) => (got.push(p), base.loss(v, b, p)) }, steps: 1 }));
    expect(got).toEqual([[]]);
  });

  it("a network is checkpointed with its state only when it has both getState and setState; tfjs '_n' suffixes are dropped only at the end", async () => {
    const w1 = tf.variable(tf.fill([6, 3], 0.1), true, `${uniq('k')}/bias_12`);
    const w2 = tf.variable(tf.fill([3, 3], 0.1), true, `${uniq('k')}/a_1b`);
    const enc: Network = { ...netOver('e', [w1]), inputDim: 6, outputDim: 3, apply: (x) => tf.matMul(x, w1) };
    const proj: Network = { ...netOver('p', [w2]), inputDim: 3, outputDim: 3, apply: (x) => tf.matMul(x, w2) };
    const halfA = Object.assign(enc, { getState: () => ({ a: 1 }) });
    const halfB = Object.assign(proj, { setState: () => undefined });
    const method: Method = {
      name: 'halves',
      networks: { encoder: halfA, projector: halfB },
      trainableVariables: () => [w1, w2],
      loss: (views) => tf.mean(tf.square(proj.apply(enc.apply(views[0]!)))) as tf.Scalar,
      embed: (x) => enc.apply(x),
      dispose: () => tf.dispose([w1, w2]),
    };
    let captured: Checkpoint | undefined;
    const store: CheckpointStore = { load: async () => undefined, save: async (c) => void (captured = c) };
    await run(options({ method, steps: 1, checkpoint: store }));
    expect(captured!.networks).toBeUndefined();
    expect(captured!.variables.map((v) => v.name)).toEqual(['encoder/bias', 'projector/a_1b']);
    // The checkpoint holds copies: a store may keep or change what it is given.
    expect(captured!.variables[0]!.shape).toEqual([6, 3]);
    expect(captured!.variables[0]!.shape).not.toBe(w1.shape);
  });
});

describe('train() without an augmentation', () => {
  it('a data model that draws its own pairs trains; one that does not is refused before the first event', async () => {
    const paired = {
      ...toyData(6),
      samplePair: (b: number) => {
        const x = tf.randomNormal([b, 6], 0, 1, 'float32', 3) as tf.Tensor2D;
        return { x, xPositive: tf.add(x, 0.01) as tf.Tensor2D };
      },
    };
    const events = await run(options({ data: paired, augment: undefined, steps: 2 }));
    expect(brief(events)).toEqual(['start', 'step1', 'step2', 'end2']);
    const seen: TrainEvent[] = [];
    let evaluated = 0;
    const method = toyMethod(linearNet(6, 3, 1, uniq('np')));
    try {
      for await (const e of train(options({ method, augment: undefined, evaluate: () => ({ m: evaluated++ }) }))) seen.push(e);
    } catch (e) {
      expect((e as Error).message).toBe(
        "train: invalid argument 'augment': no augmentation given, and data model 'toy' does not draw its own positive pairs (implement PairedDataModel.samplePair(), or pass an augmentation)",
      );
    }
    method.dispose();
    expect(seen).toEqual([]);
    expect(evaluated).toBe(0);
  });

  it('a function is not an Augmentation (it has an apply, but is not an object)', async () => {
    const o = options();
    await expect(run({ ...o, augment: (() => undefined) as never })).rejects.toThrow(
      /^train: invalid argument 'augment': expected an Augmentation \(omit it when the data model draws its own pairs\), got /,
    );
  });
});

describe('train() abort from another task', () => {
  it('a loop whose steps never await I/O still gives the event loop a turn once 100 ms have passed', async () => {
    // An abort scheduled as a macrotask can only be seen when the loop yields to the event loop. The
    // first step busy-waits 150 ms, so the check before the second step must yield (and the abort
    // lands there), while the check before the first step (no time passed) must not.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    const base = toyMethod(linearNet(6, 3, 1, uniq('ab')));
    let first = true;
    const method: Method = {
      ...base,
      loss: (views, batch, prepared) => {
        if (first) {
          first = false;
          const until = performance.now() + 150;
          while (performance.now() < until);
        }
        return base.loss(views, batch, prepared);
      },
    };
    const events = await run(options({ method, steps: 4, signal: controller.signal }));
    expect(brief(events)).toEqual(['start', 'step1', 'checkpoint1', 'end1']);
    expect(events.at(-1)).toMatchObject({ aborted: true });
  });
});

describe('train() restore: more refusals and what is not refused', () => {
  const reason = async (c: unknown, o: Partial<TrainOptions>) => {
    const store: CheckpointStore = { location: 'ck.json', load: async () => structuredClone(c) as Checkpoint, save: async () => undefined };
    try {
      await run(options({ checkpoint: store, ...o }));
    } catch (e) {
      expect(CheckpointError.isInstance(e), String(e)).toBe(true);
      return (e as CheckpointError).reason;
    }
    return 'ok';
  };
  const checkpointOf = async (o: Partial<TrainOptions>) => {
    const store = memoryCheckpointStore();
    await run(options({ steps: 1, checkpoint: store, ...o }));
    return (await store.load())!;
  };

  it('a missing meta key, every variable and network named in the lists', async () => {
    const good = await checkpointOf({});
    expect(await reason(good, { meta: { arm: 'a' } })).toBe('belongs to another job: its arm is missing, this job\'s is "a"');
    const two = twoLayer(uniq('two'));
    expect(await reason(good, { data: toyData(2), method: toyMethod(two) })).toBe(
      'holds 1 variables but the method has 3 (encoder/w, encoder/w#1, encoder/bias): it was written for another configuration',
    );
    // Two networks, with or without their own state (keys encoder/w, projector/w either way).
    const pair = (stateful: boolean): Method => {
      const state = stateful ? { getState: () => ({}), setState: () => undefined } : {};
      const enc = Object.assign(linearNet(6, 3, 1, uniq('pe')), state);
      const proj = Object.assign(linearNet(3, 3, 2, uniq('pp')), state);
      return {
        ...toyMethod(enc),
        loss: (views) => tf.mean(tf.square(proj.apply(enc.apply(views[0]!)))) as tf.Scalar,
        networks: { encoder: enc, projector: proj },
        trainableVariables: () => [...enc.variables, ...proj.variables],
        dispose: () => (enc.dispose(), proj.dispose()),
      };
    };
    const plain = await checkpointOf({ method: pair(false) });
    expect(await reason(plain, { method: pair(true) })).toBe(
      "holds the state of networks [], the method's stateful networks are [encoder, projector]",
    );
    expect(await reason({ ...good, networks: { encoder: {}, projector: {} } }, {})).toBe(
      "holds the state of networks [encoder, projector], the method's stateful networks are []",
    );
  });

  it('a method state is handed back only when the checkpoint holds one, and only to a method that takes it', async () => {
    const good = await checkpointOf({});
    // No methodState in the checkpoint: setState is not called (it would refuse undefined).
    const picky: Method = {
      ...toyMethod(linearNet(6, 3, 1, uniq('pk'))),
      setState: (s) => {
        if (s === undefined) throw new Error('undefined state');
      },
    };
    expect(await reason(good, { method: picky })).toBe('ok');
    // A methodState the method has no setState for is ignored.
    expect(await reason({ ...good, methodState: { r: 1 } }, {})).toBe('ok');
  });

  it('a Dataset run resumes from its own checkpoint (its sampler state is restored, not refused)', async () => {
    const store = memoryCheckpointStore();
    const dataset = () => toyDataset(8, [6], 2);
    await run(options({ data: dataset(), steps: 2, batchSize: 4, checkpoint: store }));
    const events = await run(options({ data: dataset(), steps: 3, batchSize: 4, checkpoint: store }));
    expect(events[0]).toEqual({ type: 'start', step: 2, steps: 3, resumed: true });
    expect(brief(events)).toEqual(['start', 'step3', 'checkpoint3', 'end3']);
  });
});
