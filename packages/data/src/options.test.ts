// Every data model's options are strict (issue 15 item 1): unknown keys and wrong-case enum values
// are errors naming the key path and the allowed keys/values; non-finite numbers say so.
import { InvalidArgumentError } from '@contrastive/core';
import { nonStrictSchemas } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { hltm, labeledSparseCoding, latentMixing, sparseCoding } from './index';
import * as data from './index';

describe('data model options are strict', () => {
  const cases: Array<[string, () => unknown, RegExp | string]> = [
    [
      'sparseCoding',
      () => sparseCoding({ ambientDim: 8, latentDim: 4, sparsty: 0.1 } as never),
      /^sparseCoding: invalid argument 'options\.sparsty': unknown key; known keys: ambientDim, latentDim, .*sparsity/,
    ],
    [
      'labeledSparseCoding',
      () => labeledSparseCoding({ numclasses: 2 } as never),
      /^labeledSparseCoding: invalid argument 'options\.numclasses': unknown key; known keys: .*numClasses/,
    ],
    ['hltm', () => hltm({ Depth: 2 } as never), /^hltm: invalid argument 'options\.Depth': unknown key; known keys: depth, children/],
    [
      'latentMixing',
      () => latentMixing({ dim: 2, marginalscale: 1 } as never),
      /^latentMixing: invalid argument 'options\.marginalscale': unknown key; known keys: .*marginalScale/,
    ],
    [
      'latentMixing enum case',
      () => latentMixing({ dim: 2, marginal: 'Uniform' as 'uniform' }),
      `latentMixing: invalid argument 'options.marginal': expected one of "uniform" | "normal" (got "Uniform")`,
    ],
    [
      'latentMixing conditional',
      () => latentMixing({ dim: 2, conditional: 'gauss' as 'normal' }),
      `'options.conditional': expected one of "normal" | "laplace" (got "gauss")`,
    ],
    [
      'sparseCoding Infinity',
      () => sparseCoding({ ambientDim: 8, latentDim: 4, noiseToSignal: Number.POSITIVE_INFINITY } as never),
      /'options\.noiseToSignal': expected a finite number \(got Infinity\)/,
    ],
    ['hltm seed', () => hltm({ seed: [1] } as never), `'options.seed': expected a number or a string (got [1])`],
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
    expect(Object.keys(data).filter((n) => n.endsWith('Schema')).length).toBeGreaterThan(0);
    expect(nonStrictSchemas(data as Record<string, unknown>)).toEqual({});
  });
});
