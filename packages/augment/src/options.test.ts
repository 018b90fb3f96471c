// Every factory's options are strict (issue 15 item 1): unknown keys and wrong-case enum values are
// errors naming the key path and the allowed keys/values; non-finite numbers say so.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@contrastive/core';
import { nonStrictSchemas } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { complementaryMask, denseJitter, gaussianNoise, identity, independentMask } from './index';
import * as augment from './index';

describe('augmentation options are strict', () => {
  const basis = tf.tensor2d([1, 0, 0, 1, 0, 0], [3, 2]);
  const cases: Array<[string, () => unknown, string]> = [
    [
      'complementaryMask',
      () => complementaryMask({ keepprob: 0.5 } as never),
      "complementaryMask: invalid argument 'options.keepprob': unknown key; known keys: keepProb, rescale, views, seed",
    ],
    [
      'independentMask',
      () => independentMask({ keepProb: 0.5, Rescale: true } as never),
      "independentMask: invalid argument 'options.Rescale': unknown key; known keys: keepProb, rescale, views, seed",
    ],
    [
      'gaussianNoise',
      () => gaussianNoise({ std: 0.1, unit: 'noiseStd' } as never),
      "gaussianNoise: invalid argument 'options.unit': unknown key; known keys: std, views, seed",
    ],
    ['identity', () => identity({ view: 2 } as never), "identity: invalid argument 'options.view': unknown key; known keys: views, seed"],
    [
      'denseJitter',
      () => denseJitter({ basis, scael: 1 } as never),
      "denseJitter: invalid argument 'options.scael': unknown key; known keys: basis, mode, scale, views, seed",
    ],
    [
      'denseJitter mode case',
      () => denseJitter({ basis, mode: 'Resample' as 'resample' }),
      `denseJitter: invalid argument 'options.mode': expected one of "resample" | "add" (got "Resample")`,
    ],
    [
      'denseJitter scale literal case',
      () => denseJitter({ basis, scale: 'Match' as 'match' }),
      `'options.scale': expected "match" (got "Match")`,
    ],
    ['denseJitter scale negative', () => denseJitter({ basis, scale: -1 }), `'options.scale': expected a number ≥ 0 (got -1)`],
    [
      'gaussianNoise Infinity',
      () => gaussianNoise({ std: Number.POSITIVE_INFINITY }),
      "gaussianNoise: invalid argument 'options.std': expected a finite number (got Infinity)",
    ],
    ['gaussianNoise views', () => gaussianNoise({ std: 1, views: 1.5 }), "'options.views': expected an integer (got 1.5)"],
    [
      'complementaryMask seed',
      () => complementaryMask({ seed: null } as never),
      "'options.seed': expected a number or a string (got null)",
    ],
  ];
  for (const [name, f, message] of cases) {
    it(name, () => {
      expect(f).toThrow(InvalidArgumentError);
      expect(f).toThrow(message);
    });
  }
});

describe('every exported schema', () => {
  it('is strict at every depth (no object silently drops an unknown key)', () => {
    expect(Object.keys(augment).filter((n) => n.endsWith('Schema')).length).toBeGreaterThan(0);
    expect(nonStrictSchemas(augment as Record<string, unknown>)).toEqual({});
  });
});
