import { InvalidArgumentError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { createBatchSampler } from './batch-sampler';

const info = (n: number, classes = 1) => ({ name: 'items', length: n, numClasses: classes });

describe('createBatchSampler: shuffle', () => {
  it('covers every index exactly once per epoch (batch size dividing n)', () => {
    const s = createBatchSampler(info(12), 4, { type: 'shuffle' }, 7);
    expect(s.stepsPerEpoch).toBe(3);
    const epochs: number[][] = [];
    for (let e = 0; e < 3; e++) {
      const seen: number[] = [];
      for (let b = 0; b < 3; b++) seen.push(...s.next());
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      epochs.push(seen);
    }
    // A fresh permutation every epoch.
    expect(epochs[1]).not.toEqual(epochs[0]);
    expect(epochs[2]).not.toEqual(epochs[1]);
    expect(s.getState()).toEqual({ epoch: 3, position: 0, seed: 7 });
  });

  it('drop-last drops the remainder; without it the last batch is the remainder', () => {
    const dropped = createBatchSampler(info(10), 4, { type: 'shuffle', dropLast: true }, 1);
    expect(dropped.stepsPerEpoch).toBe(2);
    const a = [...dropped.next(), ...dropped.next()];
    expect(new Set(a).size).toBe(8);
    const kept = createBatchSampler(info(10), 4, { type: 'shuffle', dropLast: false }, 1);
    expect(kept.stepsPerEpoch).toBe(3);
    const sizes = [kept.next(), kept.next(), kept.next()];
    expect(sizes.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(new Set(sizes.flatMap((b) => [...b])).size).toBe(10);
    // Same seed, same permutation: the dropped run's 8 items are the kept run's first 8.
    expect(sizes.slice(0, 2).flatMap((b) => [...b])).toEqual(a);
  });

  it('same seed gives the same batches, another seed others; setState resumes exactly', () => {
    const draw = (seed: number, k: number) => {
      const s = createBatchSampler(info(50), 8, undefined, seed);
      return Array.from({ length: k }, () => Array.from(s.next()));
    };
    expect(draw(3, 20)).toEqual(draw(3, 20));
    expect(draw(4, 6)).not.toEqual(draw(3, 6));
    const full = draw(3, 20);
    const s = createBatchSampler(info(50), 8, undefined, 3);
    s.setState({ epoch: 2, position: 1, seed: 3 }); // 6 batches per epoch: step 13
    expect(Array.from(s.next())).toEqual(full[13]);
  });

  it('errors: batch larger than the dataset with drop-last, a last batch of one, a bad state', () => {
    expect(() => createBatchSampler(info(5), 8, { type: 'shuffle' }, 0)).toThrow(/batch size 8 is larger than dataset 'items' \(5 items\)/);
    expect(() => createBatchSampler(info(9), 4, { type: 'shuffle', dropLast: false }, 0)).toThrow(/last batch of 1 item/);
    expect(() => createBatchSampler(info(9), 4, { type: 'shufle' } as never, 0)).toThrow(InvalidArgumentError);
    const s = createBatchSampler(info(9), 4, undefined, 0);
    expect(() => s.setState({ epoch: 0, position: 2, seed: 0 })).toThrow(/position in 0\.\.1/);
  });
});

describe('createBatchSampler: classBalanced', () => {
  // 3 classes of unequal size: 7, 5 and 6 items.
  const labels = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);

  it('every batch holds exactly m items of every class; no item repeats within an epoch', () => {
    const s = createBatchSampler(info(labels.length, 3), 6, { type: 'classBalanced', perClass: 2 }, 5, labels);
    expect(s.stepsPerEpoch).toBe(2); // ⌊5 / 2⌋ (the smallest class)
    for (let e = 0; e < 4; e++) {
      const seen: number[] = [];
      for (let b = 0; b < 2; b++) {
        const batch = Array.from(s.next());
        const counts = [0, 0, 0];
        for (const i of batch) counts[labels[i]!]!++;
        expect(counts).toEqual([2, 2, 2]);
        seen.push(...batch);
      }
      expect(new Set(seen).size).toBe(12);
    }
  });

  it('same seed, same batches', () => {
    const draw = (seed: number) => {
      const s = createBatchSampler(info(labels.length, 3), 3, { type: 'classBalanced', perClass: 1 }, seed, labels);
      return Array.from({ length: 12 }, () => Array.from(s.next()));
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(2)).not.toEqual(draw(1));
  });

  it('errors: m·classes ≠ batch size, a class with fewer than m items, labels out of range', () => {
    expect(() => createBatchSampler(info(labels.length, 3), 8, { type: 'classBalanced', perClass: 2 }, 0, labels)).toThrow(
      /perClass · numClasses = 2 · 3 = 6/,
    );
    expect(() => createBatchSampler(info(labels.length, 3), 18, { type: 'classBalanced', perClass: 6 }, 0, labels)).toThrow(
      /class 1 of dataset 'items' has 5 items, fewer than perClass = 6/,
    );
    const bad = Int32Array.from(labels, (l, i) => (i === 4 ? 3 : l));
    expect(() => createBatchSampler(info(labels.length, 3), 3, { type: 'classBalanced', perClass: 1 }, 0, bad)).toThrow(/labels\[4\]/);
  });
});
