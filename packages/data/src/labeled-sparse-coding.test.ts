import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError } from '@contrastive/core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { labeledSparseCoding } from './labeled-sparse-coding';
import { sparseCoding } from './sparse-coding';

describe('labeledSparseCoding', () => {
  it('activates the own group with `sparsity` and the others with `offClassSparsity` (n = 4000, 5σ)', () => {
    const [d, C, p, q] = [32, 4, 0.3, 0.02];
    const B = 4000;
    const data = labeledSparseCoding({
      ambientDim: 128,
      latentDim: d,
      numClasses: C,
      sparsity: p,
      offClassSparsity: q,
      noiseToSignal: 1,
      seed: 4,
    });
    const groups = data.atomClasses();
    expect(Array.from(groups)).toEqual(Array.from({ length: d }, (_, j) => Math.floor(j / 8)));
    const { x, z, noise, labels } = data.sample(B);
    expect(labels.dtype).toBe('int32');
    expect(labels.shape).toEqual([B]);
    const lv = labels.dataSync();
    const zv = z.dataSync();
    const counts = new Array<number>(C).fill(0);
    let inActive = 0;
    let inTotal = 0;
    let offActive = 0;
    let offTotal = 0;
    for (let b = 0; b < B; b++) {
      const c = lv[b]!;
      counts[c]!++;
      for (let j = 0; j < d; j++) {
        const active = zv[b * d + j] !== 0 ? 1 : 0;
        if (groups[j] === c) {
          inActive += active;
          inTotal++;
        } else {
          offActive += active;
          offTotal++;
        }
      }
    }
    // Labels are i.i.d. uniform: each class count ~ Bin(B, 1/C).
    for (const n of counts) expect(Math.abs(n - B / C)).toBeLessThan(5 * Math.sqrt((B * (C - 1)) / C / C));
    expect(Math.abs(inActive / inTotal - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / inTotal));
    expect(Math.abs(offActive / offTotal - q)).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / offTotal));
    // σ² = r·E‖Mz‖²/d1 with E‖Mz‖² = (d/C)p + (d − d/C)q (uniform class prior).
    expect(data.signalEnergy).toBeCloseTo(8 * p + 24 * q, 12);
    expect(data.noiseStd).toBeCloseTo(Math.sqrt(data.signalEnergy / 128), 12);
    tf.dispose([x, z, noise, labels]);
    data.dispose();
  });

  it('the label is readable from the group activity of z (what SupCon can exploit)', () => {
    // Classify by argmax_c of active atoms in group c. It errs mainly when the own group is silent:
    // P = 0.7^8 = 5.8 % at the defaults (8 atoms per group, p = 0.3), plus rare ties with the 2 % clutter.
    const data = labeledSparseCoding({ seed: 9 });
    const { x, z, noise, labels } = data.sample(2000);
    const zv = z.dataSync();
    const lv = labels.dataSync();
    const groups = data.atomClasses();
    let correct = 0;
    for (let b = 0; b < 2000; b++) {
      const act = new Array<number>(4).fill(0);
      for (let j = 0; j < 32; j++) act[groups[j]!]! += Math.abs(zv[b * 32 + j]!);
      if (act.indexOf(Math.max(...act)) === lv[b]) correct++;
    }
    expect(correct / 2000).toBeGreaterThan(0.85);
    tf.dispose([x, z, noise, labels]);
    data.dispose();
  });

  it('uses the same dictionary as sparseCoding for the same seed', () => {
    const a = labeledSparseCoding({ ambientDim: 64, latentDim: 8, numClasses: 2, seed: 7 });
    const b = sparseCoding({ ambientDim: 64, latentDim: 8, seed: 7 });
    expect(a.dictionaryValues()).toEqual(b.dictionaryValues());
    expect(a.denseBasis).toBeNull();
    a.dispose();
    b.dispose();
  });

  it('rejects bad options', () => {
    expect(() => labeledSparseCoding({ latentDim: 4, numClasses: 5 })).toThrow(/options\.numClasses.*≤ latentDim \(4\)/);
    expect(() => labeledSparseCoding({ numClasses: 1 })).toThrow(/options\.numClasses/);
    expect(() => labeledSparseCoding({ sparsity: 0.1, offClassSparsity: 0.2 })).toThrow(/options\.offClassSparsity.*≤ sparsity/);
    expect(() => labeledSparseCoding({ sparsity: -1 })).toThrow(InvalidArgumentError);
    expect(() => labeledSparseCoding({ ambientDim: 8, latentDim: 16 })).toThrow(/options\.latentDim/);
  });
});

describeBackends('labeledSparseCoding', () => {
  it('is reproducible for a seed and does not leak', async () => {
    const a = labeledSparseCoding({ ambientDim: 32, latentDim: 8, numClasses: 2, seed: 1 });
    const b = labeledSparseCoding({ ambientDim: 32, latentDim: 8, numClasses: 2, seed: 1 });
    const sa = a.sample(16);
    const sb = b.sample(16, undefined);
    for (const key of ['x', 'z', 'noise', 'labels'] as const) expect(sa[key].dataSync()).toEqual(sb[key].dataSync());
    tf.dispose([sa, sb]);
    await expectNoLeak(() => a.sample(8));
    await expectNoLeak(() => a.sample(8, createRng(2)));
    a.dispose();
    b.dispose();
  });
});
