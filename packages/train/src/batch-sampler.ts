import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Dataset, InvalidArgumentError, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';

/**
 * How a finite `Dataset` is cut into batches, by `type`. Default `{ type: 'shuffle' }`.
 * - `shuffle`: a fresh seeded permutation every epoch, read in consecutive batches (sampling
 *   without replacement, PyTorch's `DataLoader(shuffle=True)`).
 * - `classBalanced`: every batch holds exactly `perClass` items of every class (batch size =
 *   perClass · numClasses), what SupCon needs on small batches; each class is reshuffled every epoch
 *   and an epoch lasts ⌊min_c n_c / perClass⌋ batches, so no item repeats within an epoch.
 */
export const samplerOptionsSchema = z._default(
  z.discriminatedUnion('type', [
    z.strictObject({
      /** A seeded permutation of the dataset every epoch (the default). */
      type: z.literal('shuffle'),
      /** Drop the last incomplete batch of each epoch (SimCLR practice: every batch full). Default true. */
      dropLast: z._default(z.boolean(), true),
    }),
    z.strictObject({
      /** Every batch holds `perClass` items of every class (SupCon). */
      type: z.literal('classBalanced'),
      /** m, items of each class per batch (batch size = m · classes). Required. */
      perClass: z.int().check(z.positive()),
    }),
  ]),
  { type: 'shuffle', dropLast: true },
);
/** Options of the batch sampler, `train`'s `sampler` and `createBatchSampler` (the input of its schema: a field with a default may be omitted). */
export type SamplerOptions = z.input<typeof samplerOptionsSchema>;

/** Where a sampler is: the next batch is batch `position` of epoch `epoch`; `seed` fixes every epoch's permutation. */
export interface SamplerState {
  /** Current epoch (0-based). */
  epoch: number;
  /** Next batch within the epoch (0-based). */
  position: number;
  /** Seed of every epoch's permutation. */
  seed: number;
}

/** A seeded, resumable batch sampler over the indices 0..length − 1 of a dataset. */
export interface BatchSampler {
  /** The sampler kind. */
  readonly type: 'shuffle' | 'classBalanced';
  /** Batches per epoch. */
  readonly stepsPerEpoch: number;
  /** The indices of the next batch (advances the state). */
  next(): Int32Array;
  /** Where the sampler is (checkpointed). */
  getState(): SamplerState;
  /** Jumps to `state` (the permutation of its epoch is recomputed from the seed). */
  setState(state: SamplerState): void;
}

const OP = 'createBatchSampler';

/** Labels of every item, read in chunks (a `Dataset` has no labels-only accessor). */
export function datasetLabels(dataset: Dataset, chunk = 1024): Int32Array {
  const out = new Int32Array(dataset.length);
  for (let start = 0; start < dataset.length; start += chunk) {
    const idx = Int32Array.from({ length: Math.min(chunk, dataset.length - start) }, (_, i) => start + i);
    const b = dataset.get(idx);
    try {
      out.set(b.labels.dataSync() as Int32Array, start);
    } finally {
      tf.dispose([b.x, b.labels]);
    }
  }
  return out;
}

/**
 * A batch sampler for `dataset` (see `samplerOptionsSchema`). The permutation of epoch e is
 * `createRng(seed).fork(e)`'s, so the state is three integers and resuming at any batch is exact.
 *
 * @param seed integer seed of the permutations
 * @param labels the items' classes (only for `classBalanced`; read from the dataset when omitted)
 */
export function createBatchSampler(
  dataset: Pick<Dataset, 'length' | 'numClasses' | 'name'> & Partial<Pick<Dataset, 'get'>>,
  batchSize: number,
  options: SamplerOptions | undefined,
  seed: number,
  labels?: Int32Array,
): BatchSampler {
  const o = parseOptions(OP, samplerOptionsSchema, options, 'sampler');
  const n = dataset.length;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError({ op: OP, argument: 'batchSize', expected: 'a positive integer', actual: batchSize });
  }
  let state: SamplerState = { epoch: 0, position: 0, seed };
  let order: Int32Array | undefined; // the current epoch's batches, concatenated
  let orderEpoch = -1;

  let stepsPerEpoch: number;
  let epochOrder: (epoch: number) => Int32Array;
  if (o.type === 'shuffle') {
    if (batchSize > n && o.dropLast) {
      throw new InvalidArgumentError({
        op: OP,
        argument: 'batchSize',
        expected: `at most the dataset's ${n} items with dropLast (else no batch is ever full)`,
        actual: batchSize,
        message: `batch size ${batchSize} is larger than dataset '${dataset.name}' (${n} items) and sampler.dropLast is true: no full batch exists; lower batchSize or set dropLast: false`,
      });
    }
    stepsPerEpoch = o.dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
    const last = n - (stepsPerEpoch - 1) * batchSize;
    if (!o.dropLast && last === 1) {
      throw new InvalidArgumentError({
        op: OP,
        argument: 'sampler.dropLast',
        expected: 'true, or a batch size that does not leave a last batch of 1 item (batch statistics and contrastive losses need 2)',
        actual: false,
        message: `dataset '${dataset.name}' has ${n} items, so batches of ${batchSize} leave a last batch of 1 item; set dropLast: true or change batchSize`,
      });
    }
    epochOrder = (epoch) => createRng(state.seed).fork(epoch).permutation(n);
  } else {
    const m = o.perClass;
    const c = dataset.numClasses;
    if (m * c !== batchSize) {
      throw new InvalidArgumentError({
        op: OP,
        argument: 'batchSize',
        expected: `perClass · numClasses = ${m} · ${c} = ${m * c} (a class-balanced batch holds every class)`,
        actual: batchSize,
      });
    }
    const y = labels ?? (dataset.get ? datasetLabels(dataset as Dataset) : undefined);
    if (!y || y.length !== n) {
      throw new InvalidArgumentError({ op: OP, argument: 'labels', expected: `${n} labels`, actual: y ? `${y.length} labels` : 'none' });
    }
    const byClass: number[][] = Array.from({ length: c }, () => []);
    for (let i = 0; i < n; i++) {
      const label = y[i]!;
      if (!(label >= 0 && label < c)) {
        throw new InvalidArgumentError({ op: OP, argument: `labels[${i}]`, expected: `a class in 0..${c - 1}`, actual: label });
      }
      byClass[label]!.push(i);
    }
    byClass.forEach((items, k) => {
      if (items.length < m) {
        throw new InvalidArgumentError({
          op: OP,
          argument: 'sampler.perClass',
          expected: `at most the size of the smallest class`,
          actual: m,
          message: `class ${k} of dataset '${dataset.name}' has ${items.length} items, fewer than perClass = ${m}`,
        });
      }
    });
    stepsPerEpoch = Math.floor(Math.min(...byClass.map((items) => items.length)) / m);
    epochOrder = (epoch) => {
      const rng = createRng(state.seed).fork(epoch);
      const perms = byClass.map((items) => {
        const p = rng.permutation(items.length);
        return Int32Array.from({ length: stepsPerEpoch * m }, (_, i) => items[p[i]!]!);
      });
      // Batch b: items b·m … (b+1)·m − 1 of every class's permutation, class after class.
      const out = new Int32Array(stepsPerEpoch * batchSize);
      for (let b = 0; b < stepsPerEpoch; b++) {
        for (let k = 0; k < c; k++) out.set(perms[k]!.subarray(b * m, (b + 1) * m), b * batchSize + k * m);
      }
      return out;
    };
  }
  if (stepsPerEpoch < 1) {
    throw new InvalidArgumentError({
      op: OP,
      argument: 'batchSize',
      expected: `a batch size that gives at least one batch of dataset '${dataset.name}' (${n} items)`,
      actual: batchSize,
    });
  }

  return {
    type: o.type,
    stepsPerEpoch,
    next() {
      if (orderEpoch !== state.epoch) {
        order = epochOrder(state.epoch);
        orderEpoch = state.epoch;
      }
      const start = state.position * batchSize;
      const batch = order!.slice(start, Math.min(start + batchSize, order!.length));
      state =
        state.position + 1 === stepsPerEpoch
          ? { ...state, epoch: state.epoch + 1, position: 0 }
          : { ...state, position: state.position + 1 };
      return batch;
    },
    getState: () => ({ ...state }),
    setState(s) {
      if (
        !Number.isInteger(s?.epoch) ||
        s.epoch < 0 ||
        !Number.isInteger(s.position) ||
        s.position < 0 ||
        s.position >= stepsPerEpoch ||
        !Number.isFinite(s.seed)
      ) {
        throw new InvalidArgumentError({
          op: `${OP}.setState`,
          argument: 'state',
          expected: `{ epoch ≥ 0, position in 0..${stepsPerEpoch - 1}, seed }`,
          actual: s,
        });
      }
      if (s.seed !== state.seed) orderEpoch = -1;
      state = { epoch: s.epoch, position: s.position, seed: s.seed };
    },
  };
}
