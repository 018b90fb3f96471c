import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { monitorMetrics } from './monitor-metrics';
import { stubData, stubNetwork } from './test-fixtures';

const identity = (dim: number) => stubNetwork(dim, dim, (x) => tf.clone(x));

describeBackends('monitorMetrics', () => {
  it('commutator ‖[F, W_p]‖/(‖F‖‖W_p‖) in closed form, and 0 for a W_p that commutes with F', () => {
    // f rows (√2, 0) and (0, 1): F = (1/n) Σ f fᵀ = diag(1, ½). With W_p = [[0, 1], [0, 0]],
    // F W_p − W_p F = [[0, 1 − ½], [0, 0]]: norm ½, divided by ‖F‖ = √(5/4) and ‖W_p‖ = 1.
    const batch = {
      x: tf.tensor2d([
        [Math.SQRT2, 0],
        [0, 1],
      ]),
    };
    const data = stubData(2, () => batch);
    const predictor = (m: number[]) => stubNetwork(2, 2, (x) => tf.clone(x), { predictorMatrix: () => Float64Array.from(m) });
    const before = tf.memory().numTensors;
    const out = monitorMetrics({
      networks: { encoder: identity(2), predictor: predictor([0, 1, 0, 0]) },
      embed: (x) => tf.clone(x),
      data,
      batch,
    });
    expect(out['commutatorNorm']).toBeCloseTo(0.5 / Math.sqrt(1.25), 6);
    const diag = monitorMetrics({
      networks: { encoder: identity(2), predictor: predictor([3, 0, 0, -1]) },
      embed: (x) => tf.clone(x),
      data,
      batch,
    });
    expect(diag['commutatorNorm']).toBeCloseTo(0, 12);
    // No predictor matrix (e.g. an MLP prediction head): no commutator.
    expect(
      monitorMetrics({ networks: { encoder: identity(2), predictor: identity(2) }, embed: (x) => tf.clone(x), data, batch })[
        'commutatorNorm'
      ],
    ).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(batch);
  });

  it('collapse of the output and of the projection', () => {
    const rng = createRng(0);
    const batch = { x: tf.tensor2d(rng.fillNormal(new Float32Array(30)), [10, 3]) };
    const data = stubData(3, () => batch);
    const projector = stubNetwork(3, 2, (x) => tf.ones([x.shape[0], 2]));
    const out = monitorMetrics({ networks: { encoder: identity(3), projector }, embed: (x) => tf.clone(x), data, batch });
    expect(out['stdOfNormalized']).toBeGreaterThan(0.1);
    expect(out['stdOfNormalized.projection']).toBeCloseTo(0, 12); // collapsed projector
    expect(Object.keys(out).sort()).toEqual(['stdOfNormalized', 'stdOfNormalized.projection']);
    tf.dispose(batch);
  });

  it('HLTM: each node against its own hidden units; kNN on halves with labels; R²/MCC with latents', () => {
    // One internal node (the root r) with two leaves x = (r, 1 − r) [leafOffset 1]; the root is the label.
    const n = 100; // 25 per class in each half: the k = 20 nearest of a query are all of its class
    const r = Array.from({ length: n }, (_, i) => i % 2);
    const batch = {
      x: tf.tensor2d(
        r.flatMap((v) => [v, 1 - v]),
        [n, 2],
      ),
      latents: tf.tensor2d(
        r.flatMap((v) => [v, v, 1 - v]),
        [n, 3],
      ),
      root: tf.tensor1d(r, 'int32'),
      z: tf.tensor2d(
        r.map((v) => [3 * v + 1]),
        [n, 1],
      ),
    };
    const data = stubData(2, () => batch, { leafOffset: 1, labelKey: 'root', latentKey: 'z' });
    // The tree network's units are the leaves themselves (2 units for node 0): best |corr| = 1.
    const tree = stubNetwork(2, 2, (x) => tf.clone(x), { hiddenUnits: (x: tf.Tensor2D) => tf.clone(x) });
    const noise = createRng(1);
    const embedNoise = (x: tf.Tensor2D) => tf.tensor2d(noise.fillNormal(new Float32Array(x.shape[0] * 2)), [x.shape[0], 2]);
    const before = tf.memory().numTensors;
    const out = monitorMetrics({ networks: { encoder: tree }, embed: embedNoise, data, batch });
    expect(out['hltmBestCorrelation.mean']).toBeCloseTo(1, 6);
    // Without hidden units the output is used: pure noise correlates far less with the root.
    const plain = monitorMetrics({ networks: { encoder: identity(2) }, embed: embedNoise, data, batch });
    expect(plain['hltmBestCorrelation.mean']).toBeLessThan(0.5);
    // The identity representation separates the classes (kNN: first half votes for the second)
    // and z = 3r + 1 is a linear function of it: R² = 1 (held-out half) and MCC = |corr(r, z)| = 1.
    const ident = monitorMetrics({ networks: { encoder: identity(2) }, embed: (x) => tf.clone(x), data, batch });
    expect(ident['knn.accuracy']).toBe(1);
    expect(ident['hltmBestCorrelation.mean']).toBeCloseTo(1, 6);
    expect(ident['mcc']).toBeCloseTo(1, 6);
    expect(ident['r2.mean']).toBeCloseTo(1, 6);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(batch);
  });

  it('includes the sparse-coding suite for an encoder with neurons on dictionary data', () => {
    const m = tf.tensor2d([[1], [0]]);
    const batch = {
      x: tf.tensor2d([
        [1, 0],
        [0, 1],
      ]),
    };
    const enc = stubNetwork(2, 1, (x) => tf.slice(x, [0, 0], [-1, 1]), { neuronWeights: () => tf.tensor2d([[1, 0]]) });
    const out = monitorMetrics({
      networks: { encoder: enc },
      embed: (x) => enc.apply(x),
      data: stubData(2, () => batch, { dictionary: m }),
      batch,
    });
    expect(out['atomRecovery.fraction']).toBe(1);
    tf.dispose([m, batch]);
  });
});
