// Every preset parses and builds (data, views, networks, method) without training: fast enough to
// run on every change, so a preset broken by a package's option change fails here, not at run time.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { isDatasetConfig, jobsOf, parseExperiment } from '../config';
import { loadSplits } from '../datasets';
import { buildAugment, buildData, buildMethod, buildViews, datasetInput, modelInput } from '../registry';
import { COMPARE_METHODS, PRESETS } from './index';
import { comparison } from '../compare';

describe('presets', () => {
  it('lists every preset file once, with a summary', () => {
    expect(Object.keys(PRESETS).sort()).toEqual(
      [
        'augmentation-ablation',
        'compare',
        'directpred',
        'feature-decoupling',
        'feature-decoupling-large',
        'fmnist-ssl',
        'hltm',
        'latent-recovery',
        'simsiam-collapse',
        'supcon-vs-simclr',
      ].sort(),
    );
    for (const p of Object.values(PRESETS)) expect(p.summary.length).toBeGreaterThan(10);
  });

  for (const [name, preset] of Object.entries(PRESETS)) {
    it(`${name} parses and every arm builds`, async () => {
      await tf.setBackend('cpu');
      const exp = parseExperiment(preset.build(), name);
      expect(exp.name).toBe(name);
      const before = tf.memory().numTensors;
      const arms = new Set<string>();
      for (const job of jobsOf(exp)) {
        if (arms.has(job.arm)) continue;
        arms.add(job.arm);
        if (isDatasetConfig(job.data)) {
          const { train } = await loadSplits(job.data);
          const views = job.augment.type === 'dataPairs' ? undefined : buildAugment(job.augment, undefined, job.seed);
          const method = buildMethod(job, datasetInput(train));
          expect(method.networks['encoder']!.inputShape).toEqual([28, 28, 1]);
          if (views) expect(views.views).toBeGreaterThanOrEqual(2);
          method.dispose();
          continue;
        }
        const data = buildData(job);
        const views = buildViews(job.augment, data, job.seed);
        const method = buildMethod(job, modelInput(data));
        expect(method.networks['encoder']!.inputDim).toBe(data.inputDim);
        if (views) expect(views.views).toBeGreaterThanOrEqual(2);
        method.dispose();
        data.dispose();
      }
      expect(arms.size).toBe(exp.arms.length);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('compare builds an arm for every loss', () => {
    const exp = comparison(parseExperiment(PRESETS['compare']!.build(), 'compare'), Object.keys(COMPARE_METHODS).join(','));
    expect(exp.arms.map((a) => a.name)).toEqual(Object.keys(COMPARE_METHODS));
    for (const job of jobsOf(exp)) {
      const data = buildData(job);
      buildMethod(job, modelInput(data)).dispose();
      data.dispose();
    }
  });

  it('keep the numbers of the papers’ settings', () => {
    const fd = parseExperiment(PRESETS['feature-decoupling']!.build());
    expect(fd).toMatchObject({
      steps: 3000,
      batchSize: 256,
      seeds: [0, 1, 2],
      data: { ambientDim: 256, latentDim: 32, sparsity: 0.1, noiseToSignal: 4 },
      encoder: { width: 64, threshold: { type: 'linear-warmup', final: 1.34, unit: 'noiseStd', warmupFraction: 0.5 } },
      method: { type: 'contrastive', loss: 'infonce', temperature: 0.1, normalize: false },
      optimizer: { type: 'sgd', lr: 0.05, momentum: 0 },
    });
    expect(fd.arms.map((a) => a.augment?.type)).toEqual(['identity', 'gaussianNoise', 'complementaryMask', 'complementaryMask', 'compose']);
    expect(fd.arms[3]!.data).toMatchObject({ denseRank: 16, denseScale: 0.5, ambientDim: 256 });
    const large = parseExperiment(PRESETS['feature-decoupling-large']!.build());
    expect(large).toMatchObject({ batchSize: 512, data: { ambientDim: 512, latentDim: 64 }, encoder: { width: 256 } });
    const supcon = parseExperiment(PRESETS['supcon-vs-simclr']!.build());
    expect(supcon.arms.map((a) => a.method)).toEqual([
      expect.objectContaining({ loss: 'supcon', supervised: false, temperature: 0.3, normalize: true }),
      expect.objectContaining({ loss: 'supcon', supervised: true, variant: 'out', temperature: 0.3 }),
      expect.objectContaining({ loss: 'supcon', supervised: true, variant: 'in', temperature: 0.3 }),
    ]);
    expect(parseExperiment(PRESETS['directpred']!.build()).arms[1]!.method).toMatchObject({ type: 'byol', momentum: 0.99 });
  });

  it('the real-data presets: full is issue 12’s recipe, small what CI runs', () => {
    const full = parseExperiment(PRESETS['fmnist-ssl']!.build('full'));
    expect(full).toMatchObject({
      size: 'full',
      batchSize: 256,
      data: { type: 'fashionMnist', trainPerClass: 6000, testPerClass: 1000 },
      encoder: { type: 'convNet', channels: [32, 64, 128], strides: [1, 2, 2], widthMultiplier: 1, kernelSize: 3, batchNorm: true },
      projector: { type: 'mlp', hidden: [128], outputDim: 64 },
      optimizer: { type: 'adam', lr: 1e-3 },
      augment: {
        type: 'compose',
        steps: [
          { type: 'randomResizedCrop', scale: [0.3, 1], ratio: [0.75, 4 / 3] },
          { type: 'horizontalFlip', p: 0.5 },
          { type: 'randomApply', p: 0.8, steps: [{ type: 'colorJitter', brightness: 0.4, contrast: 0.4 }] },
        ],
      },
    });
    expect(full.steps).toBe(20 * Math.floor(60_000 / 256));
    expect(full.arms.find((a) => a.name === 'SimCLR')!.method).toMatchObject({ loss: 'ntxent', temperature: 0.2 });
    expect(full.arms.find((a) => a.name === 'SupCon')!.method).toMatchObject({ loss: 'supcon', supervised: true, temperature: 0.1 });
    const small = parseExperiment(PRESETS['fmnist-ssl']!.build());
    expect(small).toMatchObject({
      size: 'small',
      batchSize: 128,
      data: { trainPerClass: 200, testPerClass: 100 },
      encoder: { widthMultiplier: 0.25 },
    });
    expect(small.steps).toBe(3 * Math.floor(2000 / 128));
    const ablation = parseExperiment(PRESETS['augmentation-ablation']!.build('full'));
    expect(ablation.arms.map((a) => a.name)).toEqual(['none', 'crop', 'colour', 'crop + colour']);
    expect(ablation.steps).toBe(full.steps);
  });
});
