// parseCheckpoint's checks one by one on a hand-built checkpoint (no training): each message is
// written out by hand, each count checked at its boundary (an evaluation *at* the checkpoint's step
// is fine, one past it is not), and the stores' and CheckpointError's small contracts.
import { ContrastiveError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, CHECKPOINT_VERSION, CheckpointError, memoryCheckpointStore, parseCheckpoint } from './checkpoint';

const rngState = (seed: number) => ({ seed, s: [1, 2, 3, 4] as [number, number, number, number], spare: null });

/** A valid checkpoint after 2 steps of SGD with momentum: one 2×2 variable and its momentum slot. */
function good(): Checkpoint {
  return {
    version: 2,
    step: 2,
    rng: { data: rngState(7), augment: rngState(8) },
    variables: [{ name: 'encoder/W', shape: [2, 2], values: [1, 2, 3, 4] }],
    optimizer: { type: 'sgd', iterations: 2, slots: [{ shape: [2, 2], values: [0.1, 0.2, 0.3, 0.4] }] },
    history: { loss: [1.5, 1.25], evals: [{ step: 0, metrics: { top1: 0.5 } }] },
  };
}

function messageOf(value: unknown, location?: string): string {
  try {
    parseCheckpoint(value, location);
  } catch (e) {
    expect(CheckpointError.isInstance(e)).toBe(true);
    return (e as Error).message;
  }
  return 'ok';
}

describe('parseCheckpoint', () => {
  it('accepts a consistent checkpoint and gives it back unchanged', () => {
    expect(CHECKPOINT_VERSION).toBe(2);
    expect(parseCheckpoint(good(), 'm')).toEqual(good());
    // An evaluation at the checkpoint's own step is not "past" it.
    const atStep = { ...good(), history: { loss: [1.5, 1.25], evals: [{ step: 2, metrics: {} }] } };
    expect(parseCheckpoint(atStep).history.evals).toEqual([{ step: 2, metrics: {} }]);
  });

  it('says what it got when the value is not an object', () => {
    expect(messageOf(null, 'a.json')).toBe('train: checkpoint a.json is not a checkpoint (got null)');
    expect(messageOf([1], 'a.json')).toBe('train: checkpoint a.json is not a checkpoint (got an array)');
    expect(messageOf('x', 'a.json')).toBe('train: checkpoint a.json is not a checkpoint (got string)');
    expect(messageOf(3)).toBe('train: checkpoint (unnamed store) is not a checkpoint (got number)');
  });

  it('names the format version, and why version 1 cannot resume', () => {
    expect(messageOf({ ...good(), version: 1 }, 'v')).toBe(
      "train: checkpoint v has format version 1, expected 2 (written by an older contrastive, without the networks' state: it cannot resume exactly)",
    );
    expect(messageOf({ ...good(), version: 3 }, 'v')).toBe('train: checkpoint v has format version 3, expected 2');
    expect(messageOf({ ...good(), version: '2' }, 'v')).toBe('train: checkpoint v has format version "2", expected 2');
  });

  it('names the path of the first schema issue', () => {
    expect(messageOf({ ...good(), rng: { data: rngState(1), augment: { seed: 1, s: 'x', spare: null } } }, 'p')).toMatch(
      /^train: checkpoint p is invalid at 'rng\.augment\.s': /,
    );
    expect(messageOf({ ...good(), history: { loss: [1, 2], evals: [{ step: 0, metrics: { a: 'x' } }] } }, 'p')).toMatch(
      /^train: checkpoint p is invalid at 'history\.evals\.0\.metrics\.a': /,
    );
  });

  it('reads a null metric (JSON has no NaN) back as NaN, and leaves finite ones alone', () => {
    const c = { ...good(), history: { loss: [1, 2], evals: [{ step: 1, metrics: { a: null, b: 0.25 } }] } };
    const parsed = parseCheckpoint(c);
    expect(parsed.history.evals[0]!.metrics['a']).toBeNaN();
    expect(parsed.history.evals[0]!.metrics['b']).toBe(0.25);
  });

  it('checks the step against the history, the evaluations and the optimizer', () => {
    expect(messageOf({ ...good(), history: { loss: [1], evals: [] } }, 's')).toBe(
      'train: checkpoint s says step 2 but its history holds 1 losses (one per completed step)',
    );
    expect(messageOf({ ...good(), history: { loss: [1, 2], evals: [{ step: 3, metrics: {} }] } }, 's')).toBe(
      'train: checkpoint s holds an evaluation at step 3, past its step 2',
    );
    expect(messageOf({ ...good(), optimizer: { ...good().optimizer, iterations: 3 } }, 's')).toBe(
      'train: checkpoint s says step 2 but its optimizer made 3 updates',
    );
  });

  it('checks every tensor holds as many values as its shape says (variables and optimizer slots)', () => {
    expect(messageOf({ ...good(), variables: [{ name: 'encoder/W', shape: [2, 3], values: [1, 2, 3, 4] }] }, 't')).toBe(
      "train: checkpoint t is invalid at 'variables.0 (encoder/W)': 4 values for shape [2,3] (6)",
    );
    const slots = [
      { shape: [4], values: [1, 2, 3, 4] },
      { shape: [], values: [1, 2] },
    ];
    expect(messageOf({ ...good(), optimizer: { ...good().optimizer, slots } }, 't')).toBe(
      "train: checkpoint t is invalid at 'optimizer.slots.1': 2 values for shape [] (1)",
    );
  });
});

describe('CheckpointError', () => {
  it('carries the location, the reason and the cause, and is recognised across copies', () => {
    const cause = new Error('disk');
    const e = new CheckpointError({ location: 'x.json', reason: 'is gone', cause });
    expect(e.message).toBe('train: checkpoint x.json is gone');
    expect(e.name).toBe('CheckpointError');
    expect(e.location).toBe('x.json');
    expect(e.reason).toBe('is gone');
    expect(e.cause).toBe(cause);
    expect(e.op).toBe('train');
    expect(ContrastiveError.isInstance(e)).toBe(true);
    expect(CheckpointError.isInstance(e)).toBe(true);
    expect(CheckpointError.isInstance(new Error('x'))).toBe(false);
    expect(CheckpointError.isInstance(null)).toBe(false);
    expect(CheckpointError.isInstance('checkpoint')).toBe(false);
    expect(new CheckpointError({ reason: 'r' }).location).toBeUndefined();
  });
});

describe('memoryCheckpointStore', () => {
  it('is empty at first, counts saves, and hands out copies', async () => {
    const store = memoryCheckpointStore();
    expect(store.location).toBe('memory');
    expect(await store.load()).toBeUndefined();
    expect(store.saved).toBe(0);
    const c = good();
    await store.save(c);
    c.step = 99; // the store keeps what was saved, not the caller's object
    const loaded = await store.load();
    expect(loaded).toEqual(good());
    expect(store.saved).toBe(1);
    loaded!.step = 5;
    expect((await store.load())!.step).toBe(2);
    await store.save({ ...good(), step: 3 });
    expect(store.saved).toBe(2);
    expect((await store.load())!.step).toBe(3);
  });
});
