// Every factory's options are strict (issue 15 item 1): unknown keys, at the top and inside the
// threshold schedule, and wrong-case enum values are errors naming the key path and the allowed
// keys/values; non-finite numbers say so.
import { InvalidArgumentError } from '@contrastive/core';
import { nonStrictSchemas } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { directPredictor, linearPredictor, mlp, predictionHead, projectionHead, symmetricRelu, thresholdAt, treeNetwork } from './index';
import * as nets from './index';

describe('network options are strict', () => {
  const cases: Array<[string, () => unknown, RegExp | string]> = [
    [
      'mlp',
      () => mlp({ inputDim: 2, outputDim: 2, hiden: [3] } as never),
      /^mlp: invalid argument 'options\.hiden': unknown key; known keys: inputDim, hidden, outputDim, /,
    ],
    [
      'mlp activation case',
      () => mlp({ inputDim: 2, outputDim: 2, activation: 'ReLU' as 'relu' }),
      `mlp: invalid argument 'options.activation': expected one of "relu" | "leakyRelu" | "linear" (got "ReLU")`,
    ],
    ['mlp hidden entry', () => mlp({ inputDim: 2, outputDim: 2, hidden: [3, 0] }), "'options.hidden.1': expected an integer > 0 (got 0)"],
    [
      'projectionHead',
      () => projectionHead({ inputDim: 2, batchnorm: true } as never),
      /^projectionHead: invalid argument 'options\.batchnorm': unknown key; known keys: .*batchNorm/,
    ],
    [
      'predictionHead',
      () => predictionHead({ dim: 2, hidden: 3 } as never),
      /^predictionHead: invalid argument 'options\.hidden': unknown key; known keys: dim, hiddenDim, batchNorm, seed, name/,
    ],
    [
      'linearPredictor init case',
      () => linearPredictor({ dim: 2, init: 'Identity' as 'identity' }),
      `'options.init': expected one of "identity" | "normal" (got "Identity")`,
    ],
    [
      'directPredictor',
      () => directPredictor({ dim: 2, rhoo: 0.5 } as never),
      /^directPredictor: invalid argument 'options\.rhoo': unknown key; known keys: dim, rho, /,
    ],
    [
      'directPredictor Infinity',
      () => directPredictor({ dim: 2, eps: Number.POSITIVE_INFINITY }),
      "'options.eps': expected a finite number (got Infinity)",
    ],
    [
      'treeNetwork',
      () => treeNetwork({ dept: 2 } as never),
      /^treeNetwork: invalid argument 'options\.dept': unknown key; known keys: depth, /,
    ],
    [
      'symmetricRelu',
      () => symmetricRelu({ inputDim: 2, width: 2, treshold: 0.1 } as never),
      /^symmetricRelu: invalid argument 'options\.treshold': unknown key; known keys: inputDim, width, threshold, /,
    ],
    [
      'symmetricRelu nested schedule key',
      () =>
        symmetricRelu({ inputDim: 2, width: 2, threshold: { type: 'linear-warmup', final: 0.3, warmupFraction: 0.5, intial: 0 } as never }),
      "symmetricRelu: invalid argument 'options.threshold.intial': unknown key; known keys: type, final, warmupFraction, initial",
    ],
    [
      'symmetricRelu schedule type case',
      () => symmetricRelu({ inputDim: 2, width: 2, threshold: { type: 'Constant', value: 1 } as never }),
      `'options.threshold.type': expected one of "linear-warmup" | "constant" (got "Constant")`,
    ],
    [
      'thresholdAt',
      () => thresholdAt({ type: 'constant', value: 1, step: 2 } as never, 0, 1),
      "thresholdAt: invalid argument 'schedule.step': unknown key; known keys: type, value",
    ],
    [
      'thresholdAt wrong type',
      () => thresholdAt('0.1' as never, 0, 1),
      `thresholdAt: invalid argument 'schedule': expected a number or an object (got "0.1")`,
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
    expect(Object.keys(nets).filter((n) => n.endsWith('Schema')).length).toBeGreaterThan(0);
    expect(nonStrictSchemas(nets as Record<string, unknown>)).toEqual({});
  });
});
