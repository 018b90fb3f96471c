import { ContrastiveError, type RngState } from '@contrastive/core';
import * as z from 'zod/mini';
import type { OptimizerState } from './optimizer';

/** Format version of `Checkpoint`; 1 (before network state and variable keys) cannot resume exactly. */
export const CHECKPOINT_VERSION = 2;

/** Everything needed to continue a run to exactly the numbers an uninterrupted run gives. */
export interface Checkpoint {
  /** Format version (`CHECKPOINT_VERSION`); another version is refused. */
  version: typeof CHECKPOINT_VERSION;
  /** The next step to run (steps [0, step) are done). */
  step: number;
  /** Random streams of the data model and the augmentation at that point. */
  rng: {
    /** The data stream. */
    data: RngState;
    /** The augmentation stream. */
    augment: RngState;
  };
  /**
   * Every variable of the method (trainable and not), in `allVariables` order. `name` is the
   * variable's key `<role>/<variable>` (e.g. `encoder/W`): stable across processes, unlike the
   * tfjs variable name, which gets a `_1` suffix when another network of that name is alive.
   */
  variables: Array<{
    /** `<role>/<variable>`, e.g. `encoder/W`. */
    name: string;
    /** The variable's shape. */
    shape: number[];
    /** Its values, row-major. */
    values: number[];
  }>;
  /** The optimizer's step count and slots (momentum, Adam moments). */
  optimizer: OptimizerState;
  /**
   * Non-trainable state of each network that has any, by role (`getState()`, e.g. the
   * symmetric-ReLU threshold schedule `{ threshold, step, totalSteps }`).
   */
  networks?: Record<string, Record<string, unknown>>;
  /** The method's own state (`getState()`, e.g. DirectPred's running correlation). */
  methodState?: unknown;
  /** Where the batch sampler of a `Dataset` run is (`SamplerState`): exact resume mid-epoch. Absent for a `DataModel` run. */
  sampler?: {
    /** Current epoch (0-based). */
    epoch: number;
    /** Next batch within the epoch. */
    position: number;
    /** Seed of every epoch's permutation. */
    seed: number;
  };
  /** Loss per completed step and every evaluation so far, so curves survive a restart. */
  history: TrainHistory;
  /** Whose checkpoint this is (e.g. `{ arm, seed, experiment, config }`); `train` refuses one whose meta differs from its own. */
  meta?: Record<string, unknown>;
}

/** What a run has produced so far: the loss of every step and every evaluation. */
export interface TrainHistory {
  /** Loss of every completed step (index = step − 1). */
  loss: number[];
  /** Every evaluation: the step it ran after and its metrics. */
  evals: Array<{
    /** Steps done at the evaluation. */
    step: number;
    /** What `evaluate` returned. */
    metrics: Record<string, number>;
  }>;
}

/** Where checkpoints live. `save` must be atomic: a crash mid-save keeps the previous one. */
export interface CheckpointStore {
  /** The raw stored checkpoint (validated by `train`), or undefined when there is none. */
  load(): Promise<Checkpoint | undefined>;
  /** Stores `checkpoint`, replacing the previous one atomically. */
  save(checkpoint: Checkpoint): Promise<void>;
  /** Where the checkpoint lives (a file path, a database key), named in errors. */
  readonly location?: string;
}

const marker = Symbol.for('contrastive.error.checkpoint');

/**
 * A stored checkpoint is unreadable, inconsistent or belongs to another run. Names the
 * checkpoint's `location`; nothing of it was applied. Delete it (or restart the job) to start over.
 */
export class CheckpointError extends ContrastiveError {
  private readonly [marker] = true;
  /** The checkpoint's location (file path …), when the store gave one. */
  readonly location: string | undefined;
  /** What is wrong, without the location. */
  readonly reason: string;

  constructor(options: { location?: string | undefined; reason: string; cause?: unknown }) {
    super({ op: 'train', message: `checkpoint ${options.location ?? '(unnamed store)'} ${options.reason}`, cause: options.cause });
    this.name = 'CheckpointError';
    this.location = options.location;
    this.reason = options.reason;
  }

  /** True for a `CheckpointError`, also one thrown by another bundled copy of the package. */
  static override isInstance(error: unknown): error is CheckpointError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}

const finite = z.number();
const count = z.int().check(z.nonnegative());
/** A 32-bit word, signed or unsigned (xoshiro keeps its words as int32). */
const word32 = z.int().check(z.gte(-0x80000000), z.lte(0xffffffff));
const rngStateSchema = z.strictObject({
  /** The stream's seed. */
  seed: word32,
  /** The xoshiro128** state words. */
  s: z.tuple([word32, word32, word32, word32]),
  /** The pending second normal, or null. */
  spare: z.nullable(finite),
});
const tensorSchema = z.strictObject({
  /** The slot's shape. */
  shape: z.array(count),
  /** Its values, row-major. */
  values: z.array(finite),
});

/** The structure of a stored `Checkpoint` (no nulls, finite numbers, integer steps); `parseCheckpoint` adds consistency checks. */
export const checkpointSchema = z.strictObject({
  /** Format version: `CHECKPOINT_VERSION`. */
  version: z.literal(CHECKPOINT_VERSION),
  /** The next step to run. */
  step: count,
  /** Random streams of the data and the augmentation. */
  rng: z.strictObject({
    /** The data stream. */
    data: rngStateSchema,
    /** The augmentation stream. */
    augment: rngStateSchema,
  }),
  /** Every variable of the method by key. */
  variables: z.array(
    z.strictObject({
      /** `<role>/<variable>`, e.g. `encoder/W`. */
      name: z.string(),
      /** The variable's shape. */
      shape: z.array(count),
      /** Its values, row-major. */
      values: z.array(finite),
    }),
  ),
  /** The optimizer's state. */
  optimizer: z.strictObject({
    /** Optimizer type. */
    type: z.string(),
    /** Updates applied so far. */
    iterations: count,
    /** Slot tensors in variable order. */
    slots: z.array(tensorSchema),
  }),
  /** Non-trainable state of each network, by role. */
  networks: z.optional(z.record(z.string(), z.record(z.string(), z.unknown()))),
  /** The method's own state. */
  methodState: z.optional(z.unknown()),
  /** Position of a `Dataset` run's batch sampler. */
  sampler: z.optional(
    z.strictObject({
      /** Current epoch. */
      epoch: count,
      /** Next batch within the epoch. */
      position: count,
      /** Seed of the permutations. */
      seed: word32,
    }),
  ),
  /** Loss per completed step and every evaluation. */
  history: z.strictObject({
    /** Loss of every completed step. */
    loss: z.array(finite),
    // JSON has no NaN: a metric that evaluated to NaN is stored as null (read back as NaN).
    /** Every evaluation so far. */
    evals: z.array(
      z.strictObject({
        /** Steps done at the evaluation. */
        step: count,
        /** Metric values (null for NaN). */
        metrics: z.record(z.string(), z.nullable(finite)),
      }),
    ),
  }),
  /** Who the run is; a differing meta is refused. */
  meta: z.optional(z.record(z.string(), z.unknown())),
});

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Validates a stored checkpoint: its structure (`checkpointSchema`) and its internal consistency
 * (one loss per completed step, evaluations and optimizer iterations not past `step`, values
 * matching shapes). Throws a `CheckpointError` naming `location`.
 */
export function parseCheckpoint(value: unknown, location?: string): Checkpoint {
  const fail = (reason: string): never => {
    throw new CheckpointError({ location, reason });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(`is not a checkpoint (got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value})`);
  const version = (value as { version?: unknown }).version;
  if (version !== CHECKPOINT_VERSION) {
    fail(
      `has format version ${JSON.stringify(version)}, expected ${CHECKPOINT_VERSION}${version === 1 ? " (written by an older contrastive, without the networks' state: it cannot resume exactly)" : ''}`,
    );
  }
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    fail(`is invalid at '${path}': ${issue.message}`);
  }
  const c = parsed.data as Checkpoint;
  for (const e of c.history.evals) for (const [k, v] of Object.entries(e.metrics)) if (v === null) e.metrics[k] = Number.NaN;
  if (c.history.loss.length !== c.step)
    fail(`says step ${c.step} but its history holds ${c.history.loss.length} losses (one per completed step)`);
  const lateEval = c.history.evals.find((e) => e.step > c.step);
  if (lateEval) fail(`holds an evaluation at step ${lateEval.step}, past its step ${c.step}`);
  if (c.optimizer.iterations !== c.step) fail(`says step ${c.step} but its optimizer made ${c.optimizer.iterations} updates`);
  const tensors = [
    ...c.variables.map((v, i) => ({ ...v, where: `variables.${i} (${v.name})` })),
    ...c.optimizer.slots.map((s, i) => ({ ...s, where: `optimizer.slots.${i}` })),
  ];
  for (const t of tensors) {
    if (t.values.length !== size(t.shape))
      fail(`is invalid at '${t.where}': ${t.values.length} values for shape [${t.shape}] (${size(t.shape)})`);
  }
  return c;
}

/** In-memory store (tests, browsers). */
export function memoryCheckpointStore(): CheckpointStore & {
  /** Number of saves so far. */
  saved: number;
} {
  let current: string | undefined;
  const store = {
    saved: 0,
    location: 'memory',
    async load() {
      return current === undefined ? undefined : (JSON.parse(current) as Checkpoint);
    },
    async save(c: Checkpoint) {
      current = JSON.stringify(c);
      store.saved++;
    },
  };
  return store;
}
