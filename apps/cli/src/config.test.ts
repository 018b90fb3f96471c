import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobsOf, parseExperiment } from './config';
import { loadExperiment } from './load-config';
import { PRESETS } from './presets';

const minimal = {
  name: 'tiny',
  steps: 10,
  batchSize: 8,
  data: { type: 'sparseCoding', ambientDim: 16, latentDim: 4, sparsity: 0.2, noiseToSignal: 1 },
  encoder: { type: 'symmetricRelu', width: 8 },
  optimizer: { type: 'sgd', lr: 0.1 },
  arms: [{ name: 'a', augment: { type: 'identity' } }, { name: 'b', augment: { type: 'complementaryMask' }, data: { type: 'sparseCoding', denseRank: 2 } }],
};

describe('experiment config', () => {
  it('applies defaults and expands arms × seeds with shallow-merged sections', () => {
    const exp = parseExperiment({ ...minimal, seeds: [0, 1] });
    expect(exp.evalEvery).toBe(100);
    expect(exp.method).toEqual({ type: 'contrastive' });
    const jobs = jobsOf(exp);
    expect(jobs.map((j) => `${j.arm}/${j.seed}`)).toEqual(['a/0', 'a/1', 'b/0', 'b/1']);
    expect(jobs[2]!.data).toMatchObject({ type: 'sparseCoding', ambientDim: 16, denseRank: 2 });
    expect(jobs[0]!.data).not.toHaveProperty('denseRank');
  });

  it('errors point at the bad key', () => {
    expect(() => parseExperiment({ ...minimal, steps: -1 })).toThrow(/steps: .*>0|steps: Too small/);
    expect(() => parseExperiment({ ...minimal, arms: [{ name: 'a', augment: { type: 'blur' } }] })).toThrow(/arms\.0\.augment/);
    expect(() => parseExperiment({ ...minimal, optimizer: { type: 'sgd', lr: 'fast' } })).toThrow(/optimizer\.lr/);
    expect(() => parseExperiment({ ...minimal, arms: [{ name: 'a' }, { name: 'a' }] })).toThrow(/arms\.1\.name: duplicate arm name 'a'/);
    expect(() =>
      parseExperiment({ ...minimal, checks: [{ description: 'x', arm: 'zzz', metric: 'm', op: '>=', value: 1 }] }),
    ).toThrow(/checks\.0\.arm: unknown arm 'zzz'/);
    expect(() => parseExperiment({ ...minimal, name: 'Bad Name' })).toThrow(/name: lowercase letters, digits and dashes/);
  });

  it('loads YAML and JSON files and presets, with CLI overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const yamlPath = join(dir, 'exp.yaml');
    writeFileSync(yamlPath, 'name: tiny\nsteps: 10\nbatchSize: 8\ndata: {type: sparseCoding, ambientDim: 16, latentDim: 4, sparsity: 0.2, noiseToSignal: 1}\nencoder: {type: symmetricRelu, width: 8}\noptimizer: {type: sgd, lr: 0.1}\narms:\n  - name: a\n');
    expect(loadExperiment(yamlPath, { steps: 5 }).steps).toBe(5);
    const jsonPath = join(dir, 'exp.json');
    writeFileSync(jsonPath, JSON.stringify(minimal));
    expect(loadExperiment(jsonPath, { seeds: [3] }).seeds).toEqual([3]);
    writeFileSync(join(dir, 'bad.yaml'), 'name: [unclosed');
    expect(() => loadExperiment(join(dir, 'bad.yaml'))).toThrow(/cannot parse/);
    expect(() => loadExperiment('no-such-preset')).toThrow(/neither a preset/);
    expect(loadExperiment('feature-decoupling', { size: 'large' }).batchSize).toBe(512);
  });

  it('every preset is a valid experiment', () => {
    for (const [name, p] of Object.entries(PRESETS)) expect(parseExperiment(p.build(), name).name).toBe(name);
  });

  it('the flagship preset follows THEORY.md §1.7', () => {
    const exp = loadExperiment('feature-decoupling');
    expect(exp).toMatchObject({
      steps: 3000,
      batchSize: 256,
      data: { ambientDim: 256, latentDim: 32, sparsity: 0.1, noiseToSignal: 4 },
      encoder: { width: 64, threshold: { final: 1.34, unit: 'noiseStd' } },
      method: { loss: 'infonce', temperature: 0.1 },
      optimizer: { type: 'sgd', lr: 0.05 },
    });
    const large = loadExperiment('feature-decoupling', { size: 'large' });
    expect(large).toMatchObject({ batchSize: 512, data: { ambientDim: 512, latentDim: 64 }, encoder: { width: 256 } });
  });
});
