// Every loss of the package against the degenerate inputs of issue 15 item 10, the strict options
// of issue 15 item 1, and the `setChecks({ finite: false })` switch of issue 11 item 9.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, setChecks } from '@contrastive/core';
import { nonStrictSchemas } from '@contrastive/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import {
  alignmentLoss,
  barlowTwinsLoss,
  byolLoss,
  cosineSimilarity,
  infoNCELoss,
  ntXentLoss,
  simSiamLoss,
  supConLoss,
  uniformityLoss,
  vicRegLoss,
} from './index';
import * as lossesPackage from './index';

type Loss = (x: tf.Tensor2D) => tf.Tensor;
const losses: Record<string, Loss> = {
  infoNCELoss: (x) => infoNCELoss(x, x),
  ntXentLoss: (x) => ntXentLoss(x, x),
  supConLoss: (x) => supConLoss(tf.stack([x, x], 1) as tf.Tensor3D),
  simSiamLoss: (x) => simSiamLoss(x, x, x, x),
  byolLoss: (x) => byolLoss(x, x, x, x),
  barlowTwinsLoss: (x) => barlowTwinsLoss(x, x),
  vicRegLoss: (x) => vicRegLoss(x, x),
  alignmentLoss: (x) => alignmentLoss(x, x),
  uniformityLoss: (x) => uniformityLoss(x),
  cosineSimilarity: (x) => cosineSimilarity(x, x),
};

describe('every loss', () => {
  afterEach(() => setChecks({ finite: true }));

  it('refuses zero-width embeddings naming the argument', () => {
    const e = tf.zeros([4, 0]) as tf.Tensor2D;
    for (const [name, f] of Object.entries(losses)) {
      expect(() => tf.tidy(() => f(e)), name).toThrow(/is empty: dimension \d of \[4, (2, )?0\] is 0/);
    }
    e.dispose();
  });

  it('refuses finite but huge inputs that would overflow float32, instead of returning NaN/Infinity', () => {
    const huge = tf.tensor2d([1e20, -2e20, 3e19, 5e19, -1e20, 2e20], [3, 2]);
    for (const [name, f] of Object.entries(losses)) {
      expect(() => tf.tidy(() => f(huge)), name).toThrow(/has entries up to .* beyond float32 \(3\.4e38\)/);
    }
    huge.dispose();
  });

  it('scans for NaN by default; setChecks({ finite: false }) skips the scan (the loss then carries the NaN)', () => {
    const nan = tf.tensor2d([1, Number.NaN, 0.5, 2, -1, 0.25], [3, 2]);
    for (const [name, f] of Object.entries(losses)) {
      expect(() => tf.tidy(() => f(nan)), name).toThrow(/contains NaN at flat index/);
    }
    setChecks({ finite: false });
    for (const [name, f] of Object.entries(losses)) {
      const v = tf.tidy(() => tf.sum(f(nan)).dataSync()[0]!);
      expect(Number.isNaN(v), name).toBe(true);
    }
    nan.dispose();
  });
});

describe('loss options are strict', () => {
  const x = tf.tensor2d([1, 0.5, -0.25, 2, 0.75, -1], [3, 2]);
  const cases: Array<[string, () => unknown, string]> = [
    [
      'infoNCELoss',
      () => infoNCELoss(x, x, { temprature: 0.5 } as never),
      "infoNCELoss: invalid argument 'options.temprature': unknown key; known keys: temperature, normalize, symmetric, similarity",
    ],
    [
      'ntXentLoss',
      () => ntXentLoss(x, x, { normalise: true } as never),
      "'options.normalise': unknown key; known keys: temperature, normalize",
    ],
    [
      'supConLoss',
      () => supConLoss(tf.stack([x, x], 1) as tf.Tensor3D, { labelz: [1] } as never),
      "'options.labelz': unknown key; known keys: labels, mask, temperature, baseTemperature, contrastMode, variant, normalize",
    ],
    ['barlowTwinsLoss', () => barlowTwinsLoss(x, x, { lambd: 1 } as never), "'options.lambd': unknown key; known keys: lambda"],
    [
      'vicRegLoss',
      () => vicRegLoss(x, x, { invariance: 1, std: 1 } as never),
      "'options.std': unknown key; known keys: invariance, variance, covariance",
    ],
    [
      'alignmentLoss',
      () => alignmentLoss(x, x, { a: 1 } as never),
      "alignmentLoss: invalid argument 'options.a': unknown key; known keys: alpha",
    ],
    [
      'uniformityLoss',
      () => uniformityLoss(x, { T: 1 } as never),
      "uniformityLoss: invalid argument 'options.T': unknown key; known keys: t",
    ],
    [
      'supConLoss enum',
      () => supConLoss(tf.stack([x, x], 1) as tf.Tensor3D, { variant: 'Out' as 'out' }),
      `'options.variant': expected one of "out" | "in" (got "Out")`,
    ],
    [
      'supConLoss contrastMode',
      () => supConLoss(tf.stack([x, x], 1) as tf.Tensor3D, { contrastMode: 'ALL' as 'all' }),
      `'options.contrastMode': expected one of "all" | "one" (got "ALL")`,
    ],
    [
      'infoNCELoss enum',
      () => infoNCELoss(x, x, { similarity: 'Cosine' as 'cosine' }),
      `'options.similarity': expected one of "cosine" | "dot" (got "Cosine")`,
    ],
    [
      'infoNCELoss Infinity',
      () => infoNCELoss(x, x, { temperature: Number.POSITIVE_INFINITY }),
      "'options.temperature': expected a finite number (got Infinity)",
    ],
  ];
  for (const [name, f, message] of cases) {
    it(name, () => {
      expect(() => tf.tidy(f as () => tf.Tensor)).toThrow(InvalidArgumentError);
      expect(() => tf.tidy(f as () => tf.Tensor)).toThrow(message);
    });
  }
});

describe('every exported schema', () => {
  it('is strict at every depth (no object silently drops an unknown key)', () => {
    expect(Object.keys(lossesPackage).filter((n) => n.endsWith('Schema')).length).toBeGreaterThan(0);
    expect(nonStrictSchemas(lossesPackage as Record<string, unknown>)).toEqual({});
  });
});
