import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import {
  drawsPairs,
  drawViews,
  hasDictionary,
  hasHiddenUnits,
  hasLabels,
  hasLatentTree,
  hasNeuronWeights,
  hasPredictorMatrix,
  hasRecoverableLatents,
  sampleLabels,
  sampleLatents,
} from './capabilities';
import { InvalidArgumentError } from './errors';
import { createRng, type Rng } from './rng';
import type { Augmentation, DataModel, Network, PairedDataModel, Sample } from './spec';

/** A data model whose sample i is the row [i + u] (u uniform from the stream), with optional extras. */
function toy(extra: Record<string, unknown> = {}): DataModel {
  return {
    name: 'toy',
    inputDim: 1,
    sample: (n: number, rng?: Rng) => ({
      x: tf.tensor2d(Array.from({ length: n }, (_, i) => [i + rng!.uniform()])),
      labels: tf.tensor1d(
        Array.from({ length: n }, (_, i) => i % 2),
        'int32',
      ),
    }),
    dispose: () => {},
    ...extra,
  };
}

const net = (extra: Record<string, unknown> = {}): Network =>
  ({
    name: 'n',
    inputDim: 1,
    outputDim: 1,
    variables: [],
    apply: (x: tf.Tensor2D) => x,
    toJSON: () => ({ type: 't', config: {}, weights: {} }),
    dispose: () => {},
    ...extra,
  }) as Network;

describeBackends('capability guards', () => {
  it('recognise each capability by its shape only', () => {
    const m = tf.zeros([4, 2]) as tf.Tensor2D;
    const h = tf.zeros([4, 1]) as tf.Tensor2D;
    expect(hasDictionary(toy())).toBe(false);
    expect(hasDictionary(toy({ dictionary: m }))).toBe(true);
    expect(hasDictionary(toy({ dictionary: m, denseBasis: null }))).toBe(true);
    expect(hasDictionary(toy({ dictionary: m, denseBasis: h }))).toBe(true);
    expect(hasDictionary(toy({ dictionary: [[1]] }))).toBe(false); // not a tensor
    expect(hasDictionary(toy({ dictionary: tf.zeros([4]) }))).toBe(false); // rank 1
    expect(hasDictionary(toy({ dictionary: m, denseBasis: 3 }))).toBe(false);
    expect(drawsPairs(toy())).toBe(false);
    expect(drawsPairs(toy({ samplePair: () => ({}) }))).toBe(true);
    expect(hasLabels(toy({ labelKey: 'labels' }))).toBe(true);
    expect(hasLabels(toy({ labelKey: 3 }))).toBe(false);
    expect(hasRecoverableLatents(toy({ latentKey: 'z' }))).toBe(true);
    expect(hasRecoverableLatents(toy())).toBe(false);
    expect(hasLatentTree(toy({ leafOffset: 15 }))).toBe(true);
    expect(hasLatentTree(toy({ leafOffset: 1.5 }))).toBe(false);
    expect(hasNeuronWeights(net({ neuronWeights: () => m }))).toBe(true);
    expect(hasNeuronWeights(net({ weight: m }))).toBe(false); // a bare property is not the capability
    expect(hasHiddenUnits(net({ hiddenUnits: (x: tf.Tensor2D) => x }))).toBe(true);
    expect(hasPredictorMatrix(net({ predictorMatrix: () => new Float64Array(1) }))).toBe(true);
    expect(hasPredictorMatrix(net())).toBe(false);
    tf.dispose([m, h]);
  });

  it('read labels and latents under the declared keys', () => {
    const before = tf.memory().numTensors;
    const data = toy({ labelKey: 'labels', latentKey: 'x' });
    const s = data.sample(4, createRng(0));
    expect(Array.from(sampleLabels(data, s)!.dataSync())).toEqual([0, 1, 0, 1]);
    expect(sampleLatents(data, s)).toBe(s.x);
    expect(sampleLabels(toy(), s)).toBeUndefined(); // undeclared: no labels even if the key exists
    expect(sampleLabels(toy({ labelKey: 'x' }), s)).toBeUndefined(); // wrong rank
    tf.dispose(s);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describeBackends('drawViews', () => {
  it('applies the augmentation with its own stream, or takes the data model’s pairs', () => {
    const before = tf.memory().numTensors;
    const shift: Augmentation = {
      name: 'shift',
      views: 2,
      apply: (x, rng) => [tf.add(x, rng!.uniform()) as tf.Tensor2D, tf.sub(x, rng!.uniform()) as tf.Tensor2D],
    };
    const { batch, views } = drawViews(toy(), shift, 3, createRng(1), createRng(2));
    // Reference: the same draws made by hand from the same streams.
    const r1 = createRng(1);
    const r2 = createRng(2);
    const x = [0, 1, 2].map((i) => i + r1.uniform());
    const [a, b] = [r2.uniform(), r2.uniform()];
    expect(Array.from(batch.x.dataSync())).toEqual(Array.from(Float32Array.from(x)));
    tf.tidy(() => {
      expect(Array.from(views[0]!.dataSync())).toEqual(Array.from(tf.add(batch.x, a).dataSync()));
      expect(Array.from(views[1]!.dataSync())).toEqual(Array.from(tf.sub(batch.x, b).dataSync()));
    });
    tf.dispose([batch, views]);

    const paired: PairedDataModel = {
      ...toy(),
      samplePair: (n: number, rng?: Rng) => {
        const s = toy().sample(n, rng) as Sample;
        return { ...s, xPositive: tf.neg(s.x) as tf.Tensor2D };
      },
    };
    const pair = drawViews(paired, undefined, 2, createRng(3));
    expect(pair.views[0]).toBe(pair.batch.x);
    expect(pair.views[1]).toBe(pair.batch['xPositive']);
    tf.dispose(pair.batch);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the missing capability when there is neither an augmentation nor pairs', () => {
    expect(() => drawViews(toy(), undefined, 2, createRng(0))).toThrow(InvalidArgumentError);
    expect(() => drawViews(toy(), undefined, 2, createRng(0))).toThrow(/data model 'toy' does not draw its own positive pairs/);
  });
});
