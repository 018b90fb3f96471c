// The job runs the analysis suites and produces only catalogue metrics: every key the report,
// the checks and metrics.jsonl see is one the metric catalogue knows.
import { isMetricKey } from '@contrastive/analysis';
import { describe, expect, it } from 'vitest';
import { jobsOf, parseExperiment } from './config';
import { runJob } from './job';

const base = { steps: 20, batchSize: 32, evalEvery: 10, evalSamples: 128, seeds: [0], optimizer: { type: 'adam', lr: 0.003 } };

/** Runs every job of an experiment config (validated by the CLI's own parser). */
async function finals(exp: Record<string, unknown>) {
  const out = [];
  for (const spec of jobsOf(parseExperiment(exp))) out.push(await runJob(spec, { backend: 'cpu' }));
  return out;
}

function expectCatalogueKeys(r: Awaited<ReturnType<typeof runJob>>) {
  const keys = [...Object.keys(r.final), ...r.history.evals.flatMap((e) => Object.keys(e.metrics))];
  expect(
    keys.filter((k) => !isMetricKey(k)),
    `${r.arm}: keys outside the catalogue`,
  ).toEqual([]);
  for (const [k, v] of Object.entries(r.final)) expect(Number.isFinite(v), `${r.arm}: ${k} = ${v}`).toBe(true);
}

describe('runJob metrics', () => {
  it('sparse coding: sparse-coding, decoupling, representation and training suites', async () => {
    const [none, dense] = await finals({
      ...base,
      name: 'job-sc',
      data: { type: 'sparseCoding', ambientDim: 32, latentDim: 4, sparsity: 0.2, noiseToSignal: 1 },
      encoder: { type: 'symmetricRelu', width: 8 },
      method: { type: 'contrastive', loss: 'infonce', temperature: 0.1, normalize: false },
      arms: [
        { name: 'none', augment: { type: 'identity' } },
        { name: 'dense', augment: { type: 'complementaryMask' }, data: { type: 'sparseCoding', denseRank: 2 } },
      ],
    });
    for (const r of [none!, dense!]) expectCatalogueKeys(r);
    expect(Object.keys(none!.final).sort()).toEqual(
      [
        'atomRecovery.fraction',
        'atomRecovery.median',
        'atomRecovery.min',
        'neuronPurity.median',
        'residualMass.mean',
        'stdOfNormalized',
        'crossView.atoms',
        'crossView.noise',
        'featureCrossView.mean',
        'stdOfNormalized.ideal',
        'effectiveRank',
        'alignment',
        'uniformity',
        'loss',
      ].sort(),
    );
    // Identity views are the same tensor: every direction correlates perfectly across them.
    expect(none!.final['crossView.atoms']).toBeCloseTo(1, 5);
    expect(none!.final['alignment']).toBe(0);
    expect(dense!.final['denseMass.mean']).toBeGreaterThanOrEqual(0);
    expect(dense!.final['crossView.dense']).toBeDefined();
  });

  it('labels, projector and a linear predictor: probes, projection collapse and the commutator', async () => {
    const [r] = await finals({
      ...base,
      name: 'job-byol',
      data: { type: 'labeledSparseCoding', ambientDim: 32, latentDim: 8, numClasses: 2 },
      augment: { type: 'complementaryMask' },
      encoder: { type: 'mlp', hidden: [16], outputDim: 8 },
      projector: { type: 'mlp', hidden: [8], outputDim: 4 },
      predictor: { type: 'linearPredictor', init: 'normal' },
      method: { type: 'byol', momentum: 0.9 },
      arms: [{ name: 'byol' }],
    });
    expectCatalogueKeys(r!);
    for (const k of ['linearProbe.testAccuracy', 'knn.accuracy', 'stdOfNormalized.projection', 'commutatorNorm', 'atomRecovery.fraction'])
      expect(r!.final[k], k).toBeDefined();
    expect(r!.history.evals[0]!.metrics['commutatorNorm']).toBeGreaterThan(0);
  });

  it('data models that draw their own pairs: HLTM and latent mixing', async () => {
    const [tree] = await finals({
      ...base,
      name: 'job-hltm',
      data: { type: 'hltm', depth: 3 },
      augment: { type: 'dataPairs' },
      encoder: { type: 'treeNetwork', hid: 4 },
      method: { type: 'contrastive' },
      arms: [{ name: 'tree' }],
    });
    const [mix] = await finals({
      ...base,
      name: 'job-lm',
      data: { type: 'latentMixing', dim: 3 },
      augment: { type: 'dataPairs' },
      encoder: { type: 'mlp', hidden: [16], outputDim: 3 },
      method: { type: 'contrastive' },
      arms: [{ name: 'mix' }],
    });
    for (const r of [tree!, mix!]) expectCatalogueKeys(r);
    expect(tree!.final['hltmBestCorrelation.mean']).toBeGreaterThan(0);
    expect(tree!.final['linearProbe.testAccuracy']).toBeDefined(); // the root is the label
    expect(tree!.final['crossView.atoms']).toBeUndefined(); // no dictionary, no augmentation
    expect(mix!.final['r2.mean']).toBeDefined();
    expect(mix!.final['mcc']).toBeGreaterThan(0);
  });
});
