// Real data end to end (built binary): a Fashion-MNIST run killed with SIGKILL mid-epoch resumes to
// an identical results.json (the sampler's position is in the checkpoint), and the report of an
// image model carries its pictures (filters, views, embedding scatter) in one offline file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtBin, runAsync } from './run-cli';

const bin = builtBin();
const dir = mkdtempSync(join(tmpdir(), 'contrastive-real-'));

// 200 training images, batch 32: 6 batches per epoch, 2 epochs = 12 steps; checkpoints at steps
// 4 (epoch 0, batch 4) and 8 (epoch 1, batch 2): both mid-epoch.
const config = {
  name: 'real-resume',
  seeds: [0],
  epochs: 2,
  batchSize: 32,
  evalEvery: 4,
  checkpointEvery: 4,
  evalSamples: 200,
  data: { type: 'fashionMnist', trainPerClass: 20, testPerClass: 10 },
  encoder: { type: 'convNet', channels: [8, 16], strides: [1, 2] },
  projector: { type: 'mlp', hidden: [16], outputDim: 8 },
  augment: {
    type: 'compose',
    steps: [
      { type: 'randomResizedCrop', scale: [0.3, 1] },
      { type: 'horizontalFlip' },
      { type: 'randomApply', p: 0.8, steps: [{ type: 'colorJitter', brightness: 0.4, contrast: 0.4 }] },
    ],
  },
  optimizer: { type: 'adam', lr: 1e-3 },
  arms: [
    { name: 'SupCon', method: { type: 'contrastive', loss: 'supcon', supervised: true, temperature: 0.1 } },
    { name: 'untrained', method: { type: 'none' }, projector: null },
  ],
  checks: [{ description: 'SupCon learns', arm: 'SupCon', metric: 'linearProbe.testAccuracy', op: '>', value: 0.2 }],
};
const configPath = join(dir, 'real.json');
writeFileSync(configPath, JSON.stringify(config));

const run = (out: string, env: NodeJS.ProcessEnv = {}) =>
  runAsync(process.execPath, [bin, 'run', configPath, '--out', out, '--workers', '1', '--backend', 'wasm', '--json'], {
    ...process.env,
    CI: '1',
    ...env,
  });

function results(out: string) {
  const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  delete r.generatedAt;
  for (const arm of r.arms)
    for (const s of arm.seeds) {
      delete s.seconds;
      delete s.stepsPerSecond;
    }
  return r;
}

describe('real data (built binary)', () => {
  let reference: ReturnType<typeof results>;
  beforeAll(async () => {
    const out = join(dir, 'reference');
    const r = await run(out);
    expect(r.status, r.stderr).toBe(0);
    reference = results(out);
  }, 600_000);

  it('trains in epochs and evaluates with the probe, weighted kNN and the online monitor', () => {
    const supcon = reference.arms.find((a: { name: string }) => a.name === 'SupCon');
    expect(reference.steps).toBe(12);
    expect(supcon.curves.steps).toEqual([0, 4, 8, 12]);
    for (const key of ['linearProbe.testAccuracy', 'knn.top1', 'knn.top5', 'knn20.top1', 'loss'])
      expect(supcon.mean[key], key).toBeTypeOf('number');
    expect(supcon.curves.metrics['knn.top1']).toHaveLength(4);
    const untrained = reference.arms.find((a: { name: string }) => a.name === 'untrained');
    expect(untrained.curves.steps).toEqual([0]);
    expect(untrained.mean['loss']).toBeUndefined();
  });

  it.each(['after-checkpoint:1', 'after-checkpoint:2'])('kill -9 mid-epoch (%s), then resume: results.json identical', async (fault) => {
    const out = join(dir, fault.replace(':', '-'));
    const killed = await run(out, { CONTRASTIVE_FAULT: fault });
    expect(killed.status, killed.stderr).toBe(null); // died by the signal
    const checkpoint = JSON.parse(readFileSync(join(out, 'checkpoints', 'supcon-seed0.json'), 'utf8'));
    // Mid-epoch: the sampler is inside an epoch (6 batches each).
    expect(checkpoint.sampler.position).toBeGreaterThan(0);
    const resumed = await run(out);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(results(out)).toEqual(reference);
  });

  it('the report shows the filters, the augmentation preview and the embedding scatter, offline', () => {
    const html = readFileSync(join(dir, 'reference', 'report.html'), 'utf8');
    expect(html).toContain('First-layer filters');
    expect(html).toContain('Augmentation preview');
    expect(html).toContain('first two principal components');
    // 8 first-layer filters of the SupCon arm and of the untrained arm.
    expect(html.match(/alt="filter \d+"/g)).toHaveLength(16);
    expect(html).toMatch(/src="data:image\/bmp;base64,Qk/); // "BM"
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http|src="http/);
    expect(html).toContain('T-shirt/top');
  });
});
