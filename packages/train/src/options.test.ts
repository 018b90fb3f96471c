// Every options object of the package is strict at every depth (issue 15 item 1): the optimizer,
// the schedule, each method and the train options reject unknown keys naming the path and the
// known keys; enum values are case-exact and listed; non-finite numbers say so.
import { InvalidArgumentError } from '@contrastive/core';
import { nonStrictSchemas } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { createOptimizer } from './optimizer';
import { lrFactor } from './schedule';
import { byolMethod, contrastiveMethod, directPredMethod, simSiamMethod, train } from './index';
import { linearNet, toyData, toyNoise } from './testing/toy';
import * as trainPackage from './index';

const encoder = linearNet(4, 3, 1, 'options-test-encoder');

describe('train options are strict', () => {
  const cases: Array<[string, () => unknown, string | RegExp]> = [
    [
      'sgd momentum typo',
      () => createOptimizer({ type: 'sgd', lr: 0.1, momentm: 0.9 } as never),
      "createOptimizer: invalid argument 'options.momentm': unknown key; known keys: type, lr, momentum, nesterov, weightDecay",
    ],
    [
      'adam typo',
      () => createOptimizer({ type: 'adam', lr: 0.1, beta: 0.9 } as never),
      "'options.beta': unknown key; known keys: type, lr, beta1, beta2, epsilon, weightDecay",
    ],
    [
      'optimizer type case',
      () => createOptimizer({ type: 'SGD', lr: 0.1 } as never),
      `createOptimizer: invalid argument 'options.type': expected one of "sgd" | "adam" (got "SGD")`,
    ],
    [
      'optimizer lr Infinity',
      () => createOptimizer({ type: 'sgd', lr: Number.POSITIVE_INFINITY }),
      "'options.lr': expected a finite number (got Infinity)",
    ],
    [
      'schedule warmupStep',
      () => lrFactor({ type: 'cosine', warmupStep: 10 } as never, 0, 10),
      "lrFactor: invalid argument 'schedule.warmupStep': unknown key; known keys: type, warmupSteps, minFactor",
    ],
    [
      'schedule gama',
      () => lrFactor({ type: 'step', milestones: [5], gama: 0.5 } as never, 0, 10),
      "'schedule.gama': unknown key; known keys: type, milestones, gamma",
    ],
    [
      'schedule milestone',
      () => lrFactor({ type: 'step', milestones: [5, 0] }, 0, 10),
      "'schedule.milestones.1': expected an integer > 0 (got 0)",
    ],
    [
      'contrastive temprature',
      () => contrastiveMethod({ encoder, temprature: 0.5 } as never),
      /^contrastiveMethod: invalid argument 'options\.temprature': unknown key; known keys: loss, temperature, /,
    ],
    [
      'contrastive loss case',
      () => contrastiveMethod({ encoder, loss: 'InfoNCE' as 'infonce' }),
      `'options.loss': expected one of "infonce" | "ntxent" | "supcon" (got "InfoNCE")`,
    ],
    [
      'simSiam stopGradiant',
      () => simSiamMethod({ encoder, stopGradiant: false } as never),
      "simSiamMethod: invalid argument 'options.stopGradiant': unknown key; known keys: stopGradient",
    ],
    [
      'byol momentun',
      () => byolMethod({ encoder, predictor: encoder, momentun: 0.9 } as never),
      "byolMethod: invalid argument 'options.momentun': unknown key; known keys: momentum, cosineMomentum",
    ],
    [
      'directPred rhoo',
      () => directPredMethod({ encoder, rhoo: 0.5 } as never),
      "directPredMethod: invalid argument 'options.rhoo': unknown key; known keys: momentum, cosineMomentum, rho, eps, freq",
    ],
  ];
  for (const [name, f, message] of cases) {
    it(name, () => {
      expect(f).toThrow(InvalidArgumentError);
      expect(f).toThrow(message);
    });
  }

  it('train: unknown top-level and nested keys', async () => {
    const base = {
      data: toyData(4),
      augment: toyNoise(0.1),
      method: simSiamMethod({ encoder }),
      optimizer: { type: 'sgd' as const, lr: 0.1 },
      steps: 2,
      batchSize: 4,
    };
    const first = async (o: object) => {
      for await (const _ of train(o as never)) break;
    };
    await expect(first({ ...base, chekpointEvery: 1 })).rejects.toThrow(
      /^train: invalid argument 'options\.chekpointEvery': unknown key; known keys: optimizer, schedule, steps, /,
    );
    await expect(first({ ...base, optimizer: { type: 'sgd', lr: 0.1, momentm: 0.9 } })).rejects.toThrow(
      "train: invalid argument 'options.optimizer.momentm': unknown key",
    );
    await expect(first({ ...base, schedule: { type: 'cosine', warmupStep: 1 } })).rejects.toThrow(
      "train: invalid argument 'options.schedule.warmupStep': unknown key",
    );
    await expect(first({ ...base, steps: Number.POSITIVE_INFINITY })).rejects.toThrow(
      "'options.steps': expected a finite integer (got Infinity)",
    );
  });
});

describe('every exported schema', () => {
  it('is strict at every depth (no object silently drops an unknown key)', () => {
    expect(Object.keys(trainPackage).filter((n) => n.endsWith('Schema')).length).toBeGreaterThan(0);
    expect(nonStrictSchemas(trainPackage as Record<string, unknown>)).toEqual({});
  });
});
