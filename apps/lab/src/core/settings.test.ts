import { InvalidArgumentError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { comparison, jobsOf, parseExperiment, PRESETS } from './cli';
import { compareExperiment, decouplingJob, parseDecouplingSettings } from './settings';

const cliJobs = (seed: number) => jobsOf({ ...parseExperiment(PRESETS['feature-decoupling']!.build()), seeds: [seed] });

describe('decoupling settings', () => {
  it('defaults are the CLI preset: the masking job is `contrastive run feature-decoupling --seed 0`s', () => {
    expect(decouplingJob()).toEqual(cliJobs(0).find((j) => j.arm === 'complementary masking'));
    expect(parseDecouplingSettings()).toEqual({
      augment: 'masking',
      temperature: 0.1,
      width: 64,
      lr: 0.05,
      seed: 0,
      steps: 3000,
      evalEvery: 100,
    });
  });

  it('each augmentation is the preset arm of that name, at the chosen seed', () => {
    const jobs = cliJobs(3);
    for (const [augment, arm] of [
      ['none', 'no augmentation'],
      ['noise', 'gaussian noise'],
      ['masking', 'complementary masking'],
      ['maskingJitter', 'dense: masking + jitter'],
    ] as const) {
      expect(decouplingJob({ augment, seed: 3 })).toEqual(jobs.find((j) => j.arm === arm));
    }
    expect(decouplingJob({ augment: 'maskingJitter' }).data).toMatchObject({ denseRank: 16 });
  });

  it('overrides τ, width, lr and steps and nothing else', () => {
    const base = decouplingJob({ augment: 'none' });
    const job = decouplingJob({ augment: 'none', temperature: 0.5, width: 32, lr: 0.01, steps: 100, evalEvery: 10 });
    expect(job.method).toEqual({ ...base.method, temperature: 0.5 });
    expect(job.encoder).toEqual({ ...base.encoder, width: 32 });
    expect(job.optimizer).toEqual({ ...base.optimizer, lr: 0.01 });
    expect([job.steps, job.evalEvery]).toEqual([100, 10]);
    expect({ ...job, method: 0, encoder: 0, optimizer: 0, steps: 0, evalEvery: 0 }).toEqual({
      ...base,
      method: 0,
      encoder: 0,
      optimizer: 0,
      steps: 0,
      evalEvery: 0,
    });
  });

  it('rejects bad settings naming the option', () => {
    expect(() => decouplingJob({ width: -4 })).toThrow(InvalidArgumentError);
    expect(() => decouplingJob({ width: -4 })).toThrow(/width/);
    expect(() => decouplingJob({ temperature: 0 })).toThrow(/temperature/);
    expect(() => decouplingJob({ augment: 'blur' as never })).toThrow(/augment/);
  });
});

describe('compare settings', () => {
  it('is `contrastive compare --losses … --seeds s --steps n`: one arm per loss, identical data and seeds', () => {
    const { experiment, jobs } = compareExperiment({ losses: ['infonce', 'byol'], seed: 2, steps: 50 });
    const base = parseExperiment(PRESETS['compare']!.build());
    expect(experiment).toEqual(comparison({ ...base, seeds: [2], steps: 50 }, 'infonce,byol'));
    expect(jobs.map((j) => [j.arm, j.seed, j.steps])).toEqual([
      ['infonce', 2, 50],
      ['byol', 2, 50],
    ]);
    expect(jobs[0]!.data).toEqual(jobs[1]!.data);
    expect(jobs[0]!.augment).toEqual(jobs[1]!.augment);
    expect(jobs[1]!.predictor).toMatchObject({ type: 'predictionHead' });
    expect(jobs[0]!.predictor).toBeUndefined();
    expect(compareExperiment().experiment.steps).toBe(base.steps);
  });

  it('rejects an unknown or empty loss list', () => {
    expect(() => compareExperiment({ losses: [] })).toThrow(/losses/);
    expect(() => compareExperiment({ losses: ['nope' as never] })).toThrow(/losses/);
  });
});
