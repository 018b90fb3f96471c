// decouplingMetrics' random streams and noise directions, against a float64 reference: the samples
// come from createRng(seed).fork('final-eval') and the noise directions from its fork
// 'noise-dirs' (as documented on DecouplingMetricsInput.seed), made orthogonal to span(M) by two
// passes of Gram–Schmidt and normalised; crossView.noise is then the mean Pearson correlation of
// the two views' projections on them (docs/science/feature-decoupling.md §1.2).
import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, createRng, type Rng } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { decouplingMetrics } from './decoupling-metrics';
import { stubData } from './test-fixtures';

const d1 = 5;
const n = 48;
const seed = 7;
const signs = [1, -1, 1, -1, 1];
// M = [e0]: the free space ⟂ span(M) is span(e1, …, e4), 4-dimensional, so 2 noise directions are
// a genuine random choice (the correlation of a direction depends on it, see `signs`).
const dictionary = () => tf.tensor2d([[1], [0], [0], [0], [0]]);

/** Pearson correlation in float64. */
function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** k unit directions ⟂ e0 and each other: Gaussian draws, Gram–Schmidt (twice), normalised, rounded to float32. */
function referenceDirections(rng: Rng, k: number): number[][] {
  const basis: number[][] = [[1, 0, 0, 0, 0]];
  const out: number[][] = [];
  for (let j = 0; j < k; j++) {
    const v = Array.from(rng.fillNormal(new Float64Array(d1)));
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const dot = v.reduce((s, vi, i) => s + vi * b[i]!, 0);
        for (let i = 0; i < d1; i++) v[i] = v[i]! - dot * b[i]!;
      }
    }
    const norm = Math.hypot(...v);
    const u = v.map((x) => x / norm);
    basis.push(u);
    out.push(u.map((x) => Math.fround(x)));
  }
  return out;
}

describeBackends('decouplingMetrics streams', () => {
  it("samples from fork 'final-eval' and draws the noise directions from its fork 'noise-dirs'", () => {
    const m = dictionary();
    let drawnState: unknown;
    let xs: number[][] = [];
    const data = stubData(
      d1,
      (rows, rng) => {
        drawnState = rng.getState();
        const x = rng.fillNormal(new Float32Array(rows * d1));
        xs = Array.from({ length: rows }, (_, i) => Array.from(x.subarray(i * d1, (i + 1) * d1)));
        return { x: tf.tensor2d(x, [rows, d1]) };
      },
      { dictionary: m },
    );
    const augment: Augmentation = {
      name: 'flip',
      views: 2,
      apply: (x) => tf.tidy(() => [tf.clone(x), tf.mul(x, tf.tensor1d(signs)) as tf.Tensor2D]),
    };
    const before = tf.memory().numTensors;
    const out = decouplingMetrics({ data, augment, embed: (x) => tf.clone(x), samples: n, seed, noiseDirections: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(drawnState).toEqual(createRng(seed).fork('final-eval').getState());

    const dirs = referenceDirections(createRng(seed).fork('final-eval').fork('noise-dirs'), 2);
    const corr = dirs.map((u) => {
      const pa = xs.map((x) => x.reduce((s, xi, i) => s + xi * u[i]!, 0));
      const pb = xs.map((x) => x.reduce((s, xi, i) => s + xi * signs[i]! * u[i]!, 0));
      return pearson(pa, pb);
    });
    // The two directions' correlations differ (they depend on the direction): a different draw shows.
    expect(Math.abs(corr[0]! - corr[1]!)).toBeGreaterThan(0.05);
    expect(out['crossView.noise']).toBeCloseTo((corr[0]! + corr[1]!) / 2, 4);
    m.dispose();
  });

  it('featureCrossView.mean: left out when every feature is constant (collapse), kept when one varies', () => {
    const m = dictionary();
    const data = stubData(d1, (rows, rng) => ({ x: tf.tensor2d(rng.fillNormal(new Float32Array(rows * d1)), [rows, d1]) }), {
      dictionary: m,
    });
    const augment: Augmentation = { name: 'same', views: 2, apply: (x) => tf.tidy(() => [tf.clone(x), tf.clone(x)]) };
    // A collapsed encoder: every sample maps to the same 3 features.
    const collapsed = decouplingMetrics({ data, augment, embed: (x) => tf.ones([x.shape[0], 3]), samples: n, seed });
    expect('featureCrossView.mean' in collapsed).toBe(false);
    expect(collapsed['crossView.atoms']).toBeCloseTo(1, 6); // identical views
    // One varying feature (x's first coordinate) beside two constant ones: identical views give 1.
    const one = decouplingMetrics({
      data,
      augment,
      embed: (x) => tf.tidy(() => tf.concat([tf.slice(x, [0, 0], [-1, 1]), tf.ones([x.shape[0], 2])], 1) as tf.Tensor2D),
      samples: n,
      seed,
    });
    expect(one['featureCrossView.mean']).toBeCloseTo(1, 6);
    m.dispose();
  });
});
