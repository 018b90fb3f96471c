import { describe, expect, it } from 'vitest';
import { comparison } from './compare';
import { jobsOf, parseExperiment } from './config';
import type { JobResult } from './job';
import { loadExperiment } from './load-config';
import { summarize } from './results';

describe('contrastive compare', () => {
  it('builds one arm per loss on the base setting, with heads only where the method needs them', () => {
    const exp = comparison(loadExperiment('compare', { seeds: [0, 1, 2] }), 'infonce, supcon,simsiam,byol,directpred');
    expect(exp.arms.map((a) => a.name)).toEqual(['infonce', 'supcon', 'simsiam', 'byol', 'directpred']);
    expect(exp.checks).toEqual([]);
    const jobs = jobsOf(exp);
    expect(jobs).toHaveLength(15);
    const byArm = (arm: string) => jobs.find((j) => j.arm === arm)!;
    // Identical data, augmentation, encoder and projector for every arm.
    for (const j of jobs) {
      expect(j.data).toEqual(byArm('infonce').data);
      expect(j.augment).toEqual(byArm('infonce').augment);
      expect(j.encoder).toEqual(byArm('infonce').encoder);
      expect(j.projector).toEqual(byArm('infonce').projector);
    }
    expect(byArm('simsiam').predictor?.type).toBe('predictionHead');
    expect(byArm('byol').method.type).toBe('byol');
    expect(byArm('infonce').predictor).toBeUndefined();
    expect(byArm('directpred').predictor).toBeUndefined();
  });

  it('rejects unknown or repeated losses naming them', () => {
    const base = loadExperiment('compare');
    expect(() => comparison(base, 'infonce,barlow')).toThrow(/unknown loss 'barlow'.*infonce, ntxent/);
    expect(() => comparison(base, 'byol,byol')).toThrow(/twice/);
  });
});

describe('checks against another arm or the initial value', () => {
  const exp = parseExperiment({
    name: 'cmp',
    steps: 10,
    batchSize: 8,
    data: { type: 'sparseCoding' },
    encoder: { type: 'symmetricRelu', width: 8 },
    optimizer: { type: 'sgd', lr: 0.1 },
    seeds: [0, 1],
    arms: [{ name: 'a' }, { name: 'b' }],
    checks: [
      { description: 'a ≥ b', arm: 'a', metric: 'atomRecovery.median', op: '>=', than: 'b' },
      { description: 'b rises by 0.1', arm: 'b', metric: 'atomRecovery.median', op: '>=', relativeTo: 'initial', value: 0.1 },
      { description: 'a ≥ b on average', arm: 'a', metric: 'atomRecovery.median', op: '>=', than: 'b', aggregate: 'mean' },
    ],
  });
  const job = (arm: string, seed: number, initial: number, final: number): JobResult => ({
    arm,
    seed,
    backend: 'cpu',
    engine: 'tfjs',
    final: { 'atomRecovery.median': final },
    history: {
      loss: [1],
      evals: [
        { step: 0, metrics: { 'atomRecovery.median': initial } },
        { step: 10, metrics: { 'atomRecovery.median': final } },
      ],
    },
    seconds: 1,
    stepsPerSecond: 10,
    resumedFrom: 0,
  });

  it('pairs seeds and uses the step-0 evaluation', () => {
    // a beats b at seed 0 (0.9 vs 0.8) but not at seed 1 (0.7 vs 0.75); the means are 0.8 vs 0.775.
    const r = summarize(exp, [job('a', 0, 0.5, 0.9), job('a', 1, 0.5, 0.7), job('b', 0, 0.5, 0.8), job('b', 1, 0.7, 0.75)]);
    expect(r.checks[0]).toMatchObject({ pass: false, observed: [0.9, 0.7], reference: [0.8, 0.75] });
    // b: 0.8 ≥ 0.5 + 0.1 but 0.75 < 0.7 + 0.1.
    expect(r.checks[1]!.pass).toBe(false);
    expect(r.checks[1]!.reference![0]).toBeCloseTo(0.6, 12);
    expect(r.checks[2]!.pass).toBe(true);
  });

  it('validates the arms a check refers to', () => {
    expect(() =>
      parseExperiment({ ...exp, checks: [{ description: 'x', arm: 'a', metric: 'atomRecovery.median', op: '>=', than: 'zzz' }] }),
    ).toThrow(/checks\[0\]\.than: unknown arm 'zzz'/);
  });
});
