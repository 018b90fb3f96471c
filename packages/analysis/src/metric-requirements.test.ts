// The catalogue's `requires` matches what the suites do: with every requirement met the suites
// produce every catalogue key, and taking one requirement away removes exactly the keys that list it.
import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, createRng, type Rng, type Sample } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { decouplingMetrics } from './decoupling-metrics';
import { metricCatalogue, type MetricRequirement } from './metric-catalogue';
import { monitorMetrics } from './monitor-metrics';
import { representationMetrics } from './representation-metrics';
import { sparseCodingMetrics } from './sparse-coding-metrics';
import { stubData, stubNetwork } from './test-fixtures';
import { trainingMetrics } from './training-metrics';

const all: MetricRequirement[] = [
  'dictionary',
  'denseBasis',
  'neuronWeights',
  'augmentation',
  'labels',
  'recoverableLatents',
  'latentTree',
  'projector',
  'predictorMatrix',
];
const d1 = 8;

/** Every suite's keys for a setup that meets exactly the requirements in `has`. */
function producedKeys(has: Set<MetricRequirement>): string[] {
  const col = (m: number[][]) => tf.tensor2d(m);
  const m = col(Array.from({ length: d1 }, (_, i) => [i === 0 ? 1 : 0, i === 1 ? 1 : 0]));
  const h = col(Array.from({ length: d1 }, (_, i) => [i === 2 ? 1 : 0]));
  const draw = (n: number, rng: Rng): Sample => {
    const values = rng.fillNormal(new Float32Array(n * d1));
    return tf.tidy(() => {
      const x = tf.tensor2d(values, [n, d1]);
      return {
        x,
        labels: tf.tensor1d(
          Array.from({ length: n }, (_, i) => i % 2),
          'int32',
        ),
        z: tf.slice(x, [0, 0], [-1, 2]) as tf.Tensor2D,
        latents: tf.cast(tf.greater(tf.slice(x, [0, 0], [-1, 3]), 0), 'float32') as tf.Tensor2D,
        xPositive: tf.clone(x),
      };
    });
  };
  const data = stubData(d1, draw, {
    samplePair: draw,
    ...(has.has('dictionary') ? { dictionary: m, denseBasis: has.has('denseBasis') ? h : null } : {}),
    ...(has.has('labels') ? { labelKey: 'labels' } : {}),
    ...(has.has('recoverableLatents') ? { latentKey: 'z' } : {}),
    ...(has.has('latentTree') ? { leafOffset: 1 } : {}),
  });
  const encoder = stubNetwork(d1, d1, (x) => tf.clone(x), has.has('neuronWeights') ? { neuronWeights: () => tf.eye(d1) } : {});
  const projector = has.has('projector') ? stubNetwork(d1, 4, (x) => tf.slice(x, [0, 0], [-1, 4])) : undefined;
  const p = projector ? 4 : d1;
  const predictor = stubNetwork(
    p,
    p,
    (x) => tf.clone(x),
    has.has('predictorMatrix') ? { predictorMatrix: () => Float64Array.from({ length: p * p }, (_, k) => (k === 1 ? 1 : 0)) } : {},
  );
  const augment: Augmentation | undefined = has.has('augmentation')
    ? { name: 'copies', views: 2, apply: (x) => [tf.clone(x), tf.neg(x)] }
    : undefined;
  const embed = (x: tf.Tensor2D) => encoder.apply(x);
  const batch = data.sample(64, createStream());
  const keys = Object.keys({
    ...sparseCodingMetrics(encoder, data),
    ...monitorMetrics({ networks: { encoder, predictor, ...(projector ? { projector } : {}) }, embed, data, batch }),
    ...decouplingMetrics({ data, augment, embed, samples: 64, seed: 0 }),
    ...representationMetrics({ data, augment, embed, samples: 64, seed: 0 }),
    ...trainingMetrics([1, 2]),
  });
  tf.dispose([m, h, batch]);
  return keys.sort();
}

const createStream = () => createRng(0);

// The kNN monitor's keys come from a training hook on a finite Dataset (knn-monitor.test.ts), not from the suites.
const suiteMetrics = metricCatalogue.filter((e) => e.suite !== 'knnMonitor');
const expected = (has: Set<MetricRequirement>) =>
  suiteMetrics
    .filter((e) => e.requires.every((r) => has.has(r)))
    .map((e) => e.key)
    .sort();

describeBackends('metric catalogue requirements', () => {
  it('every requirement met: the suites produce every catalogue key', () => {
    const before = tf.memory().numTensors;
    expect(producedKeys(new Set(all))).toEqual(suiteMetrics.map((e) => e.key).sort());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('none met: only the keys that require nothing', () => {
    expect(producedKeys(new Set())).toEqual(expected(new Set()));
  });

  for (const r of all) {
    it(`without '${r}': exactly the keys that require it are missing`, () => {
      const has = new Set(all.filter((x) => x !== r));
      expect(producedKeys(has)).toEqual(expected(has));
    });
  }
});
