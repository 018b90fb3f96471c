import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, createRng, type Rng } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { uniformitySync } from './alignment-uniformity';
import { representationMetrics } from './representation-metrics';
import { stubData } from './test-fixtures';

const gaussian = (dim: number) => (n: number, rng: Rng) => ({ x: tf.tensor2d(rng.fillNormal(new Float32Array(n * dim)), [n, dim]) });
const twoCopies: Augmentation = { name: 'copies', views: 2, apply: (x) => [tf.clone(x), tf.clone(x)] };

describeBackends('representationMetrics', () => {
  it('a collapsed representation: std 0, effective rank 1, alignment 0, uniformity log 1 = 0', () => {
    const before = tf.memory().numTensors;
    const out = representationMetrics({
      data: stubData(4, gaussian(4)),
      augment: twoCopies,
      embed: (x) => tf.ones([x.shape[0], 3]),
      samples: 32,
      seed: 0,
    });
    expect(Object.keys(out).sort()).toEqual(['alignment', 'effectiveRank', 'stdOfNormalized', 'stdOfNormalized.ideal', 'uniformity']);
    expect(out['stdOfNormalized']).toBeCloseTo(0, 12); // 1/√3 − mean(1/√3) in float64
    expect(out['stdOfNormalized.ideal']).toBe(1 / Math.sqrt(3));
    expect(out['effectiveRank']).toBeCloseTo(1, 12);
    expect(out['alignment']).toBe(0);
    expect(out['uniformity']).toBeCloseTo(0, 12);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('separable labels: linear probe and kNN are exact; views of a paired data model', () => {
    // Class c ∈ {0, 1}: x = 3·e_c + N(0, 0.1²) noise; the data model draws its own pairs (x, x).
    const draw = (n: number, rng: Rng) => {
      const y = Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 0 : 1));
      const noise = rng.fillNormal(new Float32Array(n * 2), 0, 0.1);
      const x = tf.tensor2d(
        Float32Array.from(noise, (v, k) => v + (y[Math.floor(k / 2)] === k % 2 ? 3 : 0)),
        [n, 2],
      );
      return { x, labels: tf.tensor1d(y, 'int32') };
    };
    const data = stubData(2, draw, {
      labelKey: 'labels',
      samplePair: (n: number, rng: Rng) => ({ ...draw(n, rng), xPositive: tf.zeros([n, 2]) }),
    });
    const before = tf.memory().numTensors;
    const out = representationMetrics({ data, augment: undefined, embed: (x) => tf.clone(x), samples: 64, seed: 3 });
    expect(out['linearProbe.testAccuracy']).toBe(1);
    expect(out['knn.accuracy']).toBe(1);
    // alignment of (x, 0): ‖x/‖x‖ − 0‖² = 1 for every row (normalize maps the zero row to zero).
    expect(out['alignment']).toBeCloseTo(1, 6);
    expect(out['r2.mean']).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('recoverable latents seen through a permutation and scaling: R² = MCC = 1', () => {
    // z ~ U[0,1]³ (latentKey 'z'); x = (2 z2, −z0, 5 z1); the identity encoder recovers z linearly.
    const draw = (n: number, rng: Rng) => {
      const z = rng.fillUniform(new Float32Array(n * 3));
      const x = Float32Array.from({ length: n * 3 }, (_, k) => {
        const [r, c] = [Math.floor(k / 3), k % 3];
        return [2 * z[r * 3 + 2]!, -z[r * 3]!, 5 * z[r * 3 + 1]!][c]!;
      });
      return { x: tf.tensor2d(x, [n, 3]), z: tf.tensor2d(z, [n, 3]) };
    };
    const out = representationMetrics({
      data: stubData(3, draw, { latentKey: 'z' }),
      augment: twoCopies,
      embed: (x) => tf.clone(x),
      samples: 200,
      seed: 0,
    });
    expect(out['r2.mean']).toBeCloseTo(1, 5);
    expect(out['mcc']).toBeCloseTo(1, 5);
  });

  it('uniformity uses the first `uniformitySamples` rows', () => {
    const data = stubData(3, gaussian(3));
    const out = representationMetrics({ data, augment: twoCopies, embed: (x) => tf.clone(x), samples: 40, seed: 5, uniformitySamples: 10 });
    const x = data.sample(40, createStream(5));
    const ref = tf.tidy(() => uniformitySync(tf.slice(x.x, [0, 0], [10, -1]), { normalize: true }));
    expect(out['uniformity']).toBeCloseTo(ref, 10);
    tf.dispose(x);
  });
});

/** The stream representationMetrics draws from. */
const createStream = (seed: number) => createRng(seed).fork('final-representation');
