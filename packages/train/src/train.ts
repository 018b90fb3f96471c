import * as tf from '@tensorflow/tfjs-core';
import {
  type Augmentation,
  createRng,
  type DataModel,
  drawsPairs,
  drawViews,
  InvalidArgumentError,
  noPairsError,
  NonFiniteValueError,
  parseOptions,
  type Rng,
  type Sample,
} from '@contrastive/core';
import { z } from 'zod';
import type { Checkpoint, CheckpointStore, TrainHistory } from './checkpoint';
import type { Method } from './method';
import { createOptimizer, optimizerOptionsSchema, type OptimizerOptions } from './optimizer';
import { lrFactor, lrScheduleSchema, type LrSchedule } from './schedule';

export const trainOptionsSchema = z.object({
  /** Optimizer and its hyper-parameters. */
  optimizer: optimizerOptionsSchema,
  /** Learning-rate schedule (multiplies `optimizer.lr`). */
  schedule: lrScheduleSchema,
  /** Total optimisation steps. */
  steps: z.number().int().positive(),
  /** Samples per step (fresh samples every step: online training). */
  batchSize: z.number().int().min(2),
  /** Seed of the data and augmentation streams. */
  seed: z.union([z.number(), z.string()]).default(0),
  /** Run `evaluate` every this many steps (and after the last step). 0 = only at the end. */
  evalEvery: z.number().int().min(0).default(0),
  /** Evaluate before the first step too (the untrained baseline). */
  evalAtStart: z.boolean().default(true),
  /** Save a checkpoint every this many steps (and at the end). 0 = only at the end. */
  checkpointEvery: z.number().int().min(0).default(0),
  /** Emit a `step` event every this many steps. */
  logEvery: z.number().int().positive().default(1),
});

export type TrainOptions = z.input<typeof trainOptionsSchema> & {
  data: DataModel;
  /**
   * How the views of a batch are made: an augmentation of `x`; or, when omitted, the data model
   * draws the positive pairs itself (a `PairedDataModel`: `samplePair(batchSize, rng)` → views
   * `[x, xPositive]`, as HLTM and latent mixing do).
   */
  augment?: Augmentation | undefined;
  method: Method;
  optimizer: OptimizerOptions;
  schedule?: LrSchedule;
  /** Metrics of the current model; called at evaluation steps. */
  evaluate?: (context: EvalContext) => Record<string, number> | Promise<Record<string, number>>;
  /** Checkpoint storage; when it holds a checkpoint the run resumes from it. */
  checkpoint?: CheckpointStore;
  /** Stops the run cleanly (after saving a checkpoint) when aborted. */
  signal?: AbortSignal;
  /** Extra data stored in checkpoints (e.g. a config hash). */
  meta?: Record<string, unknown>;
};

export interface EvalContext {
  step: number;
  method: Method;
  data: DataModel;
}

export type TrainEvent =
  | { type: 'start'; step: number; steps: number; resumed: boolean }
  | { type: 'step'; step: number; steps: number; loss: number; lr: number }
  | { type: 'eval'; step: number; metrics: Record<string, number> }
  | { type: 'checkpoint'; step: number }
  | { type: 'end'; step: number; history: TrainHistory; aborted: boolean };

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
  const { data, augment, method, evaluate, checkpoint, signal, meta } = options;
  const opts = parseOptions('train', trainOptionsSchema, {
    optimizer: options.optimizer,
    schedule: options.schedule,
    steps: options.steps,
    batchSize: options.batchSize,
    seed: options.seed,
    evalEvery: options.evalEvery,
    evalAtStart: options.evalAtStart,
    checkpointEvery: options.checkpointEvery,
    logEvery: options.logEvery,
  });
  for (const [name, value] of [['data', data], ['method', method]] as const) {
    if (value === undefined || value === null) {
      throw new InvalidArgumentError({ op: 'train', argument: name, expected: `a ${name}`, actual: value });
    }
  }
  if (augment === undefined || augment === null) {
    if (!drawsPairs(data)) throw noPairsError('train', data);
  } else if (typeof augment !== 'object' || typeof augment.apply !== 'function') {
    throw new InvalidArgumentError({ op: 'train', argument: 'augment', expected: "an Augmentation (omit it when the data model draws its own pairs)", actual: augment });
  } else if (augment.views < 2) {
    throw new InvalidArgumentError({ op: 'train', argument: 'augment.views', expected: 'at least 2 views', actual: augment.views });
  }
  /** One batch and its views: the augmentation's, or the data model's own pairs. */
  const draw = (): { batch: Sample; views: tf.Tensor2D[] } => drawViews(data, augment ?? undefined, opts.batchSize, dataRng, augRng);

  const rng = createRng(opts.seed);
  let dataRng = rng.fork('data');
  let augRng = rng.fork('augment');
  const optimizer = createOptimizer(opts.optimizer);
  const trainable = method.trainableVariables();
  const variables = allVariables(method);
  const history: TrainHistory = { loss: [], evals: [] };
  let start = 0;

  const saved = checkpoint ? await checkpoint.load() : undefined;
  if (saved) {
    restore(saved, variables, method);
    optimizer.setState(saved.optimizer, trainable);
    dataRng = createRng(saved.rng.data);
    augRng = createRng(saved.rng.augment);
    history.loss = saved.history.loss.slice();
    history.evals = saved.history.evals.slice();
    start = saved.step;
  }

  const save = async (step: number) => {
    if (!checkpoint) return;
    const state: Checkpoint = {
      version: 1,
      step,
      rng: { data: dataRng.getState(), augment: augRng.getState() },
      variables: variables.map((v) => ({ name: v.name, shape: v.shape.slice(), values: Array.from(v.dataSync()) })),
      optimizer: optimizer.getState(),
      methodState: method.getState?.(),
      history,
      ...(meta ? { meta } : {}),
    };
    await checkpoint.save(state);
  };

  const runEval = async (step: number) => {
    if (!evaluate) return undefined;
    const metrics = await evaluate({ step, method, data });
    history.evals.push({ step, metrics });
    return metrics;
  };

  try {
    yield { type: 'start', step: start, steps: opts.steps, resumed: saved !== undefined };
    if (start === 0 && opts.evalAtStart && evaluate) {
      const metrics = await runEval(0);
      if (metrics) yield { type: 'eval', step: 0, metrics };
    }

    for (let step = start; step < opts.steps; step++) {
      if (signal?.aborted) {
        await save(step);
        yield { type: 'checkpoint', step };
        yield { type: 'end', step, history, aborted: true };
        return history;
      }
      const lr = opts.optimizer.lr * lrFactor(opts.schedule, step, opts.steps);
      for (const net of Object.values(method.networks)) net.onStep?.(step, opts.steps);

      const lossValue = tf.tidy(() => {
        const { batch, views } = draw();
        const prepared = method.prepare?.(views, batch) ?? [];
        const { value, grads } = tf.variableGrads(() => method.loss(views, batch, prepared), trainable);
        const v = value.dataSync()[0]!;
        if (!Number.isFinite(v)) {
          throw new NonFiniteValueError({ op: 'train', argument: 'loss', value: v, step });
        }
        optimizer.apply(trainable, trainable.map((t) => grads[t.name]!), lr);
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

function restore(saved: Checkpoint, variables: tf.Variable[], method: Method): void {
  if (saved.version !== 1) {
    throw new InvalidArgumentError({ op: 'train', argument: 'checkpoint.version', expected: '1', actual: saved.version });
  }
  if (saved.variables.length !== variables.length) {
    throw new InvalidArgumentError({
      op: 'train',
      argument: 'checkpoint.variables',
      expected: `${variables.length} variables (the method's)`,
      actual: `${saved.variables.length} variables`,
      message: `checkpoint has ${saved.variables.length} variables but the method has ${variables.length}: it was written for another configuration`,
    });
  }
  saved.variables.forEach((s, i) => {
    const v = variables[i]!;
    if (s.shape.join() !== v.shape.join()) {
      throw new InvalidArgumentError({
        op: 'train',
        argument: `checkpoint.variables[${i}] (${s.name})`,
        expected: `shape [${v.shape}]`,
        actual: `[${s.shape}]`,
      });
    }
    tf.tidy(() => v.assign(tf.tensor(s.values, s.shape)));
  });
  if (saved.methodState !== undefined) method.setState?.(saved.methodState);
}
