// The capability guards on borderline shapes, and drawViews' error, written out by hand.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  drawViews,
  hasDictionary,
  hasHiddenUnits,
  hasLatentTree,
  hasLabels,
  hasRecoverableLatents,
  noPairsError,
  sampleLabels,
  sampleLatents,
} from './capabilities';
import { createRng } from './rng';
import type { DataModel, Network, Sample } from './spec';

const model = (extra: Record<string, unknown>) => ({ name: 'm', inputDim: 2, sample: () => ({}), ...extra }) as unknown as DataModel;

describe('capability guards', () => {
  it('hasDictionary needs a rank-2 tensor-like dictionary; a dense basis, when present, must be rank 2 too', () => {
    const m = { rank: 2, shape: [2, 2] };
    expect(hasDictionary(model({ dictionary: m }))).toBe(true);
    expect(hasDictionary(model({ dictionary: m, denseBasis: null }))).toBe(true);
    expect(hasDictionary(model({ dictionary: m, denseBasis: { rank: 1, shape: [2] } }))).toBe(false);
    expect(hasDictionary(model({ dictionary: { rank: 2, shape: 'x' } }))).toBe(false);
    expect(hasDictionary(model({ dictionary: { rank: 3, shape: [1, 1, 1] } }))).toBe(false);
    expect(hasDictionary(null as unknown as DataModel)).toBe(false);
  });

  it('hasLatentTree needs a positive integer leafOffset', () => {
    expect(hasLatentTree(model({ leafOffset: 1 }))).toBe(true);
    expect(hasLatentTree(model({ leafOffset: 0 }))).toBe(false);
    expect(hasLatentTree(model({ leafOffset: 1.5 }))).toBe(false);
    expect(hasLatentTree(null as unknown as DataModel)).toBe(false);
  });

  it('key- and function-based guards reject other types and non-objects', () => {
    expect(hasLabels(model({ labelKey: 'y' }))).toBe(true);
    expect(hasLabels(model({ labelKey: 1 }))).toBe(false);
    expect(hasRecoverableLatents(model({ latentKey: 1 }))).toBe(false);
    const net = (extra: Record<string, unknown>) => ({ name: 'n', ...extra }) as unknown as Network;
    expect(hasHiddenUnits(net({ hiddenUnits: () => [] }))).toBe(true);
    expect(hasHiddenUnits(net({ hiddenUnits: [] }))).toBe(false);
    expect(hasHiddenUnits(undefined as unknown as Network)).toBe(false);
  });

  it('sampleLabels / sampleLatents: only of the right rank, only for models that declare the key', () => {
    const y = tf.tensor1d([0, 1], 'int32');
    const z = tf.zeros([2, 3]) as tf.Tensor2D;
    const sample = { x: z, y, z } as unknown as Sample;
    expect(sampleLabels(model({ labelKey: 'y' }), sample)).toBe(y);
    expect(sampleLabels(model({ labelKey: 'z' }), sample)).toBeUndefined();
    expect(sampleLabels(model({ labelKey: 'missing' }), sample)).toBeUndefined();
    expect(sampleLabels(model({}), sample)).toBeUndefined();
    expect(sampleLatents(model({ latentKey: 'z' }), sample)).toBe(z);
    expect(sampleLatents(model({ latentKey: 'y' }), sample)).toBeUndefined();
    expect(sampleLatents(model({ latentKey: 'missing' }), sample)).toBeUndefined();
    expect(sampleLatents(model({}), { ...sample, latents: z } as unknown as Sample)).toBeUndefined();
    tf.dispose([y, z]);
  });
});

describe('drawViews', () => {
  it('refuses a model without samplePair when no augmentation is given, naming the model', () => {
    const e = noPairsError('train', model({ name: 'gauss' }));
    expect(e.message).toBe(
      "train: invalid argument 'augment': no augmentation given, and data model 'gauss' does not draw its own positive pairs (implement PairedDataModel.samplePair(), or pass an augmentation)",
    );
    expect([e.argument, e.expected]).toEqual([
      'augment',
      'an augmentation, or a data model that draws its own positive pairs (PairedDataModel with samplePair(), e.g. hltm, latentMixing)',
    ]);
    expect(() => drawViews(model({ name: 'gauss' }), undefined, 2, createRng(0))).toThrow(/^drawViews: invalid argument 'augment'/);
  });
});
