import type { RngState } from '@contrastive/core';
import type { OptimizerState } from './optimizer';

/** Everything needed to continue a run to exactly the numbers an uninterrupted run gives. */
export interface Checkpoint {
  version: 1;
  /** The next step to run (steps [0, step) are done). */
  step: number;
  /** Random streams of the data model and the augmentation at that point. */
  rng: { data: RngState; augment: RngState };
  /** Every variable of the method (trainable and not), in `allVariables` order. */
  variables: Array<{ name: string; shape: number[]; values: number[] }>;
  optimizer: OptimizerState;
  methodState?: unknown;
  /** Loss per completed step and every evaluation so far, so curves survive a restart. */
  history: TrainHistory;
  /** Free-form, e.g. a hash of the run config, checked by the caller on resume. */
  meta?: Record<string, unknown>;
}

export interface TrainHistory {
  loss: number[];
  evals: Array<{ step: number; metrics: Record<string, number> }>;
}

/** Where checkpoints live. `save` must be atomic: a crash mid-save keeps the previous one. */
export interface CheckpointStore {
  load(): Promise<Checkpoint | undefined>;
  save(checkpoint: Checkpoint): Promise<void>;
}

/** In-memory store (tests, browsers). */
export function memoryCheckpointStore(): CheckpointStore & { saved: number } {
  let current: string | undefined;
  const store = {
    saved: 0,
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
