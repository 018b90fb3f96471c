import * as tf from '@tensorflow/tfjs-core';
import {
  type Augmentation,
  createRng,
  type DataModel,
  type Dataset,
  drawsPairs,
  drawViews,
  InvalidArgumentError,
  type Network,
  NonFiniteValueError,
  noPairsError,
  parseOptions,
  type Sample,
  seedSchema,
} from '@contrastive/core';
import * as z from 'zod/mini';
import {
  type Checkpoint,
  CHECKPOINT_VERSION,
  CheckpointError,
  type CheckpointStore,
  parseCheckpoint,
  type TrainHistory,
} from './checkpoint';
import {
  checkOnlineOptions,
  type DatasetRun,
  type DatasetRunOptions,
  type EpochLrSchedule,
  isDataset,
  planDatasetRun,
  samplerSeed,
} from './dataset-run';
import type { Method } from './method';
import { setTrainingMode } from './network-modes';
import { createOptimizer, optimizerOptionsSchema, type OptimizerOptions } from './optimizer';
import { lrScheduleSchema, type LrSchedule, parseSchedule, scheduleFactor } from './schedule';

/** The numeric options of `train` as a strict zod schema (the objects, `data`, `method`, … are checked separately): a misspelt key is an error naming it. */
export const trainOptionsSchema = z.strictObject({
  /** Optimizer and its hyper-parameters. */
  optimizer: optimizerOptionsSchema,
  /** Learning-rate schedule (multiplies `optimizer.lr`). */
  schedule: lrScheduleSchema,
  /** Total optimisation steps. */
  steps: z.int().check(z.positive()),
  /** Samples per step (fresh samples every step: online training). */
  batchSize: z.int().check(z.gte(2)),
  /** Seed of the data and augmentation streams. Default 0. */
  seed: z._default(seedSchema, 0),
  /** Run `evaluate` every this many steps (and after the last step). 0 = only at the end. Default 0. */
  evalEvery: z._default(z.int().check(z.gte(0)), 0),
  /** Evaluate before the first step too (the untrained baseline). Default true. */
  evalAtStart: z._default(z.boolean(), true),
  /** Save a checkpoint every this many steps (and at the end). 0 = only at the end. Default 0. */
  checkpointEvery: z._default(z.int().check(z.gte(0)), 0),
  /** Emit a `step` event every this many steps. Default 1. */
  logEvery: z._default(z.int().check(z.positive()), 1),
});

/** Options of `train`: what to train, on what, and how long; see `trainOptionsSchema` for the numeric ones. */
export type TrainOptions = Omit<z.input<typeof trainOptionsSchema>, 'steps'> &
  DatasetRunOptions & {
    /** Total optimisation steps (required for a `DataModel`; for a `Dataset`, `epochs` or `steps`). */
    steps?: number | undefined;
    /**
     * An online `DataModel` (fresh samples every step), or a finite `Dataset` read in epochs by a
     * seeded sampler without replacement (`sampler`, `epochs`; its position is checkpointed).
     */
    data: DataModel | Dataset;
    /**
     * How the views of a batch are made: an augmentation of `x` (`[batch, h, w, c]` image batches
     * for an image `Dataset`); or, when omitted, the data model draws the positive pairs itself (a
     * `PairedDataModel`: `samplePair(batchSize, rng)` → views `[x, xPositive]`, as HLTM and latent
     * mixing do), or, for a `Dataset`, the one view `[x]` (the supervised baseline).
     */
    augment?: Augmentation | Augmentation<tf.Tensor4D> | Augmentation<tf.Tensor> | undefined;
    /** What is trained: a method (`contrastiveMethod`, `byolMethod`, …) owning its networks. Required. */
    method: Method;
    /** The optimizer and its hyper-parameters (`optimizerOptionsSchema`). Required. */
    optimizer: OptimizerOptions;
    /** Learning-rate schedule; for a `Dataset` it may be stated in epochs (`warmupEpochs`, `milestoneEpochs`). */
    schedule?: LrSchedule | EpochLrSchedule;
    /** Metrics of the current model; called at evaluation steps. */
    evaluate?: (context: EvalContext) => Record<string, number> | Promise<Record<string, number>>;
    /**
     * Checkpoint storage; when it holds a checkpoint the run resumes from it, after validating it
     * (structure, step within [0, steps], the method's variables and shapes, `meta`): a bad one throws
     * a `CheckpointError` naming `checkpoint.location` and is never applied.
     */
    checkpoint?: CheckpointStore;
    /** Stops the run cleanly (after saving a checkpoint) when aborted. */
    signal?: AbortSignal;
    /** Who the run is (e.g. `{ arm, seed, experiment, config }`), stored in checkpoints; a checkpoint whose meta differs is refused. */
    meta?: Record<string, unknown>;
  };

/** What `evaluate` receives at an evaluation step. */
export interface EvalContext {
  /** Steps done so far (0 before the first step). */
  step: number;
  /** The method being trained (in eval mode during the call). */
  method: Method;
  /** The training data. */
  data: DataModel | Dataset;
}

/** What `train()` yields: `start`, then `step` (every `logEvery` steps), `eval`, `checkpoint`, and `end`. */
export type TrainEvent =
  | {
      /** The run begins (or resumes). */
      type: 'start';
      /** Steps already done (0, or the checkpoint's step when resumed). */
      step: number;
      /** Total steps of the run. */
      steps: number;
      /** Whether the run resumed from a checkpoint. */
      resumed: boolean;
    }
  | {
      /** A step was taken. */
      type: 'step';
      /** Steps done, this one included (1-based). */
      step: number;
      /** Total steps of the run. */
      steps: number;
      /** The step's loss. */
      loss: number;
      /** The learning rate the step used. */
      lr: number;
    }
  | {
      /** `evaluate` ran. */
      type: 'eval';
      /** Steps done when it ran (0 = before training). */
      step: number;
      /** What `evaluate` returned. */
      metrics: Record<string, number>;
    }
  | {
      /** A checkpoint was saved. */
      type: 'checkpoint';
      /** Steps done at the checkpoint. */
      step: number;
    }
  | {
      /** The run ended. */
      type: 'end';
      /** Steps done. */
      step: number;
      /** Loss of every step and every evaluation. */
      history: TrainHistory;
      /** True when `signal` stopped the run early (a checkpoint was saved first). */
      aborted: boolean;
    };

/**
 * The learning-rate multiplier of every trainable variable: that of the first named network (in the
 * method's order) that owns it, 1 when no named network does. Undefined without multipliers. A name that is
 * not one of the method's networks is an error naming the networks it has.
 */
function lrMultipliersOf(
  method: Method,
  trainable: readonly tf.Variable[],
  multipliers: Record<string, number> | undefined,
): number[] | undefined {
  if (!multipliers || Object.keys(multipliers).length === 0) return undefined;
  const names = Object.keys(method.networks);
  for (const name of Object.keys(multipliers)) {
    if (!names.includes(name))
      throw new InvalidArgumentError({
        op: 'train',
        argument: `optimizer.lrMultipliers.${name}`,
        expected: `one of the method's networks (${names.join(', ')})`,
        actual: name,
      });
  }
  const owner = new Map<tf.Variable, number>();
  for (const [name, net] of Object.entries(method.networks)) {
    const m = multipliers[name];
    if (m !== undefined) for (const v of net.variables) if (!owner.has(v)) owner.set(v, m);
  }
  return trainable.map((v) => owner.get(v) ?? 1);
}

/** Every variable the method owns (trainable first, then the rest), deduplicated, in a stable order. */
function allVariables(method: Method): tf.Variable[] {
  const seen = new Set<tf.Variable>();
  const out: tf.Variable[] = [];
  for (const v of [...method.trainableVariables(), ...Object.values(method.networks).flatMap((n) => n.variables)]) {
    if (!seen.has(v)) {
      seen.add(v);
      out.push(v);
    }
  }
  return out;
}

/** A network with non-trainable state to checkpoint (e.g. the symmetric-ReLU threshold schedule). */
interface StatefulNetwork {
  getState(): Record<string, unknown>;
  setState(state: unknown): void;
}
const isStateful = (n: object): n is StatefulNetwork =>
  typeof (n as Partial<StatefulNetwork>).getState === 'function' && typeof (n as Partial<StatefulNetwork>).setState === 'function';

/**
 * Stable keys of `variables` for checkpoints: `<role>/<name>` (`encoder/W`), the role being the first
 * network that owns the variable (`method` for one no network owns) and the name the tfjs name's
 * last segment without the `_1` suffix a second live network of the same name gets.
 */
function variableKeys(method: Method, variables: tf.Variable[]): string[] {
  const seen = new Map<string, number>();
  return variables.map((v) => {
    const role = Object.entries(method.networks).find(([, n]) => n.variables.includes(v))?.[0] ?? 'method';
    const base = `${role}/${(v.name.split('/').at(-1) ?? v.name).replace(/_\d+$/, '')}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}#${n}`;
  });
}

/**
 * Trains `method` on fresh batches from `data`, viewed through `augment`. An async iterator of
 * progress events; resumes from `checkpoint` when it holds one, to the same numbers as an
 * uninterrupted run. Throws `NonFiniteValueError` naming the step when the loss is NaN/Inf.
 *
 * @example
 * for await (const e of train({ data, augment, method, optimizer: { type: 'sgd', lr: 0.05 }, steps: 3000, batchSize: 256 })) {
 *   if (e.type === 'eval') console.log(e.step, e.metrics);
 * }
 */
export async function* train(options: TrainOptions): AsyncGenerator<TrainEvent, TrainHistory> {
  const { data, augment, method, evaluate, checkpoint, signal, meta, epochs: _epochs, sampler: _sampler, ...rest } = options;
  const dataset = isDataset(data)
    ? planDatasetRun(data, { ...options, samplerSeed: samplerSeed(options.seed) })
    : checkOnlineOptions(options);
  // Everything but the objects above goes through the strict schema: a misspelt key is an error.
  const opts = parseOptions('train', trainOptionsSchema, {
    ...rest,
    ...(dataset ? { schedule: dataset.schedule, steps: dataset.steps } : {}),
  });
  for (const [name, value] of [
    ['data', data],
    ['method', method],
  ] as const) {
    if (value === undefined || value === null) {
      throw new InvalidArgumentError({ op: 'train', argument: name, expected: `a ${name}`, actual: value });
    }
  }
  if (augment === undefined || augment === null) {
    if (!dataset && !drawsPairs(data as DataModel)) throw noPairsError('train', data as DataModel);
  } else if (typeof augment !== 'object' || typeof augment.apply !== 'function') {
    throw new InvalidArgumentError({
      op: 'train',
      argument: 'augment',
      expected: 'an Augmentation (omit it when the data model draws its own pairs)',
      actual: augment,
    });
  } else if (augment.views < (dataset ? 1 : 2)) {
    throw new InvalidArgumentError({
      op: 'train',
      argument: 'augment.views',
      expected: dataset ? 'at least 1 view' : 'at least 2 views',
      actual: augment.views,
    });
  }
  /** One batch and its views: the augmentation's, or the data model's own pairs. */
  const draw = (): { batch: Sample; views: tf.Tensor2D[] } =>
    dataset
      ? dataset.draw(augment ?? undefined, augRng)
      : drawViews(data as DataModel, (augment ?? undefined) as Augmentation | undefined, opts.batchSize, dataRng, augRng);

  const rng = createRng(opts.seed);
  let dataRng = rng.fork('data');
  let augRng = rng.fork('augment');
  const optimizer = createOptimizer(opts.optimizer);
  const trainable = method.trainableVariables();
  const lrScale = lrMultipliersOf(method, trainable, opts.optimizer.lrMultipliers);
  const variables = allVariables(method);
  const history: TrainHistory = { loss: [], evals: [] };
  let start = 0;

  const keys = variableKeys(method, variables);
  const statefulNets = Object.entries(method.networks).filter((e): e is [string, Network & StatefulNetwork] => isStateful(e[1]));
  let saved: Checkpoint | undefined;

  const save = async (step: number) => {
    if (!checkpoint) return;
    const state: Checkpoint = {
      version: CHECKPOINT_VERSION,
      step,
      rng: { data: dataRng.getState(), augment: augRng.getState() },
      variables: variables.map((v, i) => ({ name: keys[i]!, shape: v.shape.slice(), values: Array.from(v.dataSync()) })),
      optimizer: optimizer.getState(),
      ...(statefulNets.length > 0 ? { networks: Object.fromEntries(statefulNets.map(([role, n]) => [role, n.getState()])) } : {}),
      methodState: method.getState?.(),
      ...(dataset ? { sampler: dataset.sampler.getState() } : {}),
      history,
      ...(meta ? { meta } : {}),
    };
    await checkpoint.save(state);
  };

  const runEval = async (step: number) => {
    if (!evaluate) return undefined;
    const restoreMode = setTrainingMode(method, false);
    let metrics: Record<string, number>;
    try {
      metrics = await evaluate({ step, method, data });
    } finally {
      restoreMode();
    }
    history.evals.push({ step, metrics });
    return metrics;
  };

  try {
    if (checkpoint) {
      const raw = await checkpoint.load();
      if (raw !== undefined) {
        saved = restore(raw, checkpoint.location, {
          method,
          variables,
          keys,
          trainable,
          optimizer,
          statefulNets,
          steps: opts.steps,
          meta,
          dataset,
        });
        dataRng = createRng(saved.rng.data);
        augRng = createRng(saved.rng.augment);
        history.loss = saved.history.loss.slice();
        history.evals = saved.history.evals.slice();
        start = saved.step;
      }
    }
    yield { type: 'start', step: start, steps: opts.steps, resumed: saved !== undefined };
    // Not again when resuming from a checkpoint taken at step 0 (stopped before the first step).
    if (saved === undefined && opts.evalAtStart && evaluate) {
      const metrics = await runEval(0);
      if (metrics) yield { type: 'eval', step: 0, metrics };
    }

    setTrainingMode(method, true);
    let yielded = performance.now();
    const schedule = parseSchedule(opts.schedule); // once, not every step
    // A method's fused step applies plain SGD itself (one native call, no tape); only with plain SGD.
    const fusedStep = optimizer.plainSgd && method.fusedSgdStep ? method.fusedSgdStep.bind(method) : undefined;
    for (let step = start; step < opts.steps; step++) {
      // The loop's awaits are microtasks: give the event loop a turn at least every 100 ms, so an
      // abort fired by another task (a worker message, a signal handler, a UI button) is seen
      // within that time even when no checkpoint write ever awaits real I/O.
      if (signal && performance.now() - yielded > 100) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        yielded = performance.now();
      }
      if (signal?.aborted) {
        await save(step);
        yield { type: 'checkpoint', step };
        yield { type: 'end', step, history, aborted: true };
        return history;
      }
      const lr = opts.optimizer.lr * scheduleFactor(schedule, step, opts.steps);
      for (const net of Object.values(method.networks)) net.onStep?.(step, opts.steps);

      const rates = lrScale ? lrScale.map((m) => m * lr) : lr;
      const lossValue = tf.tidy(() => {
        const { batch, views } = draw();
        // The method's fused step (loss, gradient, update and afterUpdate in one call), when it has one.
        const fused = fusedStep?.(views, batch, typeof rates === 'number' ? trainable.map(() => rates) : rates);
        if (fused !== undefined) {
          if (!Number.isFinite(fused)) throw new NonFiniteValueError({ op: 'train', argument: 'loss', value: fused, step });
          optimizer.recordUpdate();
          method.afterUpdate?.(step, opts.steps, views);
          return fused;
        }
        const prepared = method.prepare?.(views, batch) ?? [];
        const { value, grads } = tf.variableGrads(() => method.loss(views, batch, prepared), trainable);
        const v = value.dataSync()[0]!;
        if (!Number.isFinite(v)) {
          throw new NonFiniteValueError({ op: 'train', argument: 'loss', value: v, step });
        }
        optimizer.apply(
          trainable,
          trainable.map((t) => grads[t.name]!),
          rates,
        );
        for (const net of Object.values(method.networks)) net.afterUpdate?.();
        method.afterUpdate?.(step, opts.steps, views);
        return v;
      });
      history.loss.push(lossValue);
      const done = step + 1;
      if (done % opts.logEvery === 0 || done === opts.steps) {
        yield { type: 'step', step: done, steps: opts.steps, loss: lossValue, lr };
      }
      if ((opts.evalEvery > 0 && done % opts.evalEvery === 0) || done === opts.steps) {
        const metrics = await runEval(done);
        if (metrics) yield { type: 'eval', step: done, metrics };
      }
      if ((opts.checkpointEvery > 0 && done % opts.checkpointEvery === 0) || done === opts.steps) {
        await save(done);
        if (checkpoint) yield { type: 'checkpoint', step: done };
      }
    }
    yield { type: 'end', step: opts.steps, history, aborted: false };
    return history;
  } finally {
    optimizer.dispose();
  }
}

/**
 * Validates a stored checkpoint against this run (`parseCheckpoint`, then: step ≤ steps, the meta,
 * the method's variable keys and shapes, the optimizer's type and slots, every stateful network's
 * state) and only then applies it. Any mismatch is a `CheckpointError` naming `location`.
 */
function restore(
  raw: unknown,
  location: string | undefined,
  run: {
    method: Method;
    variables: tf.Variable[];
    keys: string[];
    trainable: tf.Variable[];
    optimizer: ReturnType<typeof createOptimizer>;
    statefulNets: Array<[string, StatefulNetwork]>;
    steps: number;
    meta: Record<string, unknown> | undefined;
    /** A `Dataset` run: its sampler is checked against (and set to) the checkpoint's. */
    dataset?: DatasetRun | undefined;
  },
): Checkpoint {
  const fail = (reason: string, cause?: unknown): never => {
    throw new CheckpointError({ location, reason, cause });
  };
  const saved = parseCheckpoint(raw, location);
  if (saved.step > run.steps) fail(`is at step ${saved.step}, past the run's ${run.steps} steps`);
  for (const [key, value] of Object.entries(run.meta ?? {})) {
    const theirs = saved.meta?.[key];
    if (JSON.stringify(theirs) !== JSON.stringify(value)) {
      fail(
        `belongs to another job: its ${key} is ${theirs === undefined ? 'missing' : JSON.stringify(theirs)}, this job's is ${JSON.stringify(value)}`,
      );
    }
  }
  if (run.dataset) run.dataset.restore(saved.sampler, saved.step, fail);
  else if (saved.sampler) fail('holds a sampler state (written by a Dataset run), but this run trains on an online DataModel');
  if (saved.variables.length !== run.variables.length) {
    fail(
      `holds ${saved.variables.length} variables but the method has ${run.variables.length} (${run.keys.join(', ')}): it was written for another configuration`,
    );
  }
  saved.variables.forEach((s, i) => {
    const v = run.variables[i]!;
    if (s.name !== run.keys[i]) fail(`holds variable '${s.name}' where the method has '${run.keys[i]}' (variables.${i})`);
    if (s.shape.join() !== v.shape.join()) fail(`holds variable '${s.name}' of shape [${s.shape}], the method's has shape [${v.shape}]`);
  });
  const roles = run.statefulNets.map(([role]) => role);
  const stored = Object.keys(saved.networks ?? {});
  if (roles.join() !== stored.join())
    fail(`holds the state of networks [${stored.join(', ')}], the method's stateful networks are [${roles.join(', ')}]`);
  // Validated; now apply. Each setter validates its own part and leaves nothing half-applied on error.
  try {
    run.optimizer.setState(saved.optimizer, run.trainable);
  } catch (e) {
    fail(`has an optimizer state this run cannot use: ${(e as Error).message}`, e);
  }
  for (const [role, net] of run.statefulNets) {
    try {
      net.setState(saved.networks![role]);
    } catch (e) {
      fail(`holds a state of network '${role}' it cannot take: ${(e as Error).message}`, e);
    }
  }
  if (saved.methodState !== undefined) {
    try {
      run.method.setState?.(saved.methodState);
    } catch (e) {
      fail(`holds a method state the method cannot take: ${(e as Error).message}`, e);
    }
  }
  saved.variables.forEach((s, i) => {
    tf.tidy(() => run.variables[i]!.assign(tf.tensor(s.values, s.shape)));
  });
  return saved;
}
