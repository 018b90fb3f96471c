import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { decouplingMetrics } from './decoupling-metrics';
import { stubData } from './test-fixtures';

// x = (z0, z1, ξ2, ξ3) in d1 = 4 with dictionary M = [e0 e1]: signal in the first two coordinates,
// noise in the last two (random ±1 and gaussian values from the stream).
const d1 = 4;
const dictionary = () =>
  tf.tensor2d([
    [1, 0],
    [0, 1],
    [0, 0],
    [0, 0],
  ]);
const data = (m: tf.Tensor2D) =>
  stubData(d1, (n, rng) => ({ x: tf.tensor2d(rng.fillNormal(new Float32Array(n * d1)), [n, d1]) }), { dictionary: m });
/** View a = x, view b = x with the noise coordinates negated (and optionally the signal too). */
const flip = (signs: number[]): Augmentation => ({
  name: 'flip',
  views: 2,
  apply: (x) => tf.tidy(() => [tf.clone(x), tf.mul(x, tf.tensor1d(signs)) as tf.Tensor2D]),
});

describeBackends('decouplingMetrics', () => {
  it('atoms shared by the views correlate (+1), negated noise anti-correlates (−1): exact', () => {
    const m = dictionary();
    const before = tf.memory().numTensors;
    const out = decouplingMetrics({ data: data(m), augment: flip([1, 1, -1, -1]), embed: (x) => tf.clone(x), samples: 64, seed: 0 });
    // Projections on M_j are identical across views; every direction ⟂ span(M) lies in span(e2, e3),
    // where view b = −view a. Features = coordinates: two correlate +1, two −1, mean 0.
    expect(out['crossView.atoms']).toBeCloseTo(1, 5);
    expect(out['crossView.noise']).toBeCloseTo(-1, 5);
    expect(out['crossView.dense']).toBeUndefined();
    expect(out['featureCrossView.mean']).toBeCloseTo(0, 5);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('measures the dense basis separately, and limits the noise directions to the free space', () => {
    const m = tf.tensor2d([[1], [0], [0], [0]]);
    const h = tf.tensor2d([[0], [1], [0], [0]]);
    const out = decouplingMetrics({
      data: stubData(d1, data(m).sample, { dictionary: m, denseBasis: h }),
      augment: flip([1, -1, 1, 1]),
      embed: (x) => tf.clone(x),
      samples: 64,
      seed: 1,
    });
    expect(out['crossView.atoms']).toBeCloseTo(1, 5);
    expect(out['crossView.dense']).toBeCloseTo(-1, 5);
    expect(out['crossView.noise']).toBeCloseTo(1, 5); // span(e2, e3) is left untouched
    // No room for noise directions when M and H fill the space.
    const full = tf.tensor2d([
      [0, 0],
      [0, 0],
      [1, 0],
      [0, 1],
    ]);
    const none = decouplingMetrics({
      data: stubData(d1, data(m).sample, { dictionary: tf.concat([m, h], 1), denseBasis: full }),
      augment: flip([1, 1, 1, 1]),
      embed: (x) => tf.clone(x),
      samples: 16,
      seed: 0,
    });
    expect(none['crossView.noise']).toBeUndefined();
    tf.dispose([m, h, full]);
  });

  it('is empty without an augmentation or a dictionary; same seed, same numbers', () => {
    const m = dictionary();
    expect(decouplingMetrics({ data: data(m), augment: undefined, embed: (x) => x, samples: 8, seed: 0 })).toEqual({});
    const plain = stubData(d1, (n) => ({ x: tf.zeros([n, d1]) }));
    expect(decouplingMetrics({ data: plain, augment: flip([1, 1, 1, 1]), embed: (x) => x, samples: 8, seed: 0 })).toEqual({});
    const noisy: Augmentation = {
      name: 'noise',
      views: 2,
      apply: (x, rng) => [tf.add(x, tf.tensor2d(rng!.fillNormal(new Float32Array(x.size)), x.shape)) as tf.Tensor2D, tf.clone(x)],
    };
    const run = () => decouplingMetrics({ data: data(m), augment: noisy, embed: (x) => tf.clone(x), samples: 32, seed: 7 });
    expect(run()).toEqual(run());
    m.dispose();
  });
});
