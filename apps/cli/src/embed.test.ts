// `contrastive embed` on a small real run: the files are the Embedding Projector's TSVs, the
// trained weights (not a fresh initialisation) produced them, and the numbers are reproducible.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { jobsOf, parseExperiment } from './config';
import { embedRun } from './embed';
import { buildData, buildMethod, modelInput } from './registry';
import { runExperiment } from './runner';
import { tinyDecoupling } from './test-fixtures/tiny-decoupling';

// The tiny decoupling setting of the CLI's tests, one seed.
const exp = parseExperiment(tinyDecoupling({ name: 'tiny-embed', seeds: [0] }));

const readTsv = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => l.split('\t'));

/** Share of points with an active atom whose nearest other point (cosine) has the same dominant atom. */
function neighbourAgreement(vectors: number[][], labels: string[]): number {
  const unit = vectors.map((v) => {
    const n = Math.hypot(...v) || 1;
    return v.map((x) => x / n);
  });
  let same = 0;
  let counted = 0;
  for (let i = 0; i < unit.length; i++) {
    if (labels[i] === 'none') continue;
    counted++;
    let best = -Infinity;
    let arg = -1;
    for (let j = 0; j < unit.length; j++) {
      if (j === i) continue;
      const c = unit[i]!.reduce((s, x, k) => s + x * unit[j]![k]!, 0);
      if (c > best) [best, arg] = [c, j];
    }
    if (labels[arg] === labels[i]) same++;
  }
  return same / counted;
}

describe('contrastive embed', () => {
  it('exports the trained representation of a job as Embedding Projector TSVs', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contrastive-embed-'));
    await runExperiment(exp, { outDir: dir, workers: 0, backend: 'cpu' });
    const before = tf.memory().numTensors;
    const r = await embedRun(dir, { arm: 'masking', samples: 300, backend: 'cpu' });
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({ job: 'masking-seed0', step: 400, samples: 300, dim: 16 });
    expect(r.vectors).toBe(join(dir, 'embeddings', 'masking-seed0.vectors.tsv'));

    const vectors = readTsv(r.vectors).map((row) => row.map(Number));
    const [header, ...meta] = readTsv(r.metadata);
    expect(vectors).toHaveLength(300);
    expect(vectors.every((row) => row.length === 16 && row.every(Number.isFinite))).toBe(true);
    expect(header).toEqual(['index', 'dominant atom']);
    expect(meta).toHaveLength(300);
    const labels = meta.map(([, l]) => l!);
    expect(meta.map(([i]) => Number(i))).toEqual([...Array(300).keys()]);
    expect(labels.every((l) => l === 'none' || /^[0-7]$/.test(l))).toBe(true);
    // P(no active atom) = 0.9^8 ≈ 0.43 at sparsity 0.1 with 8 atoms.
    const none = labels.filter((l) => l === 'none').length / 300;
    expect(none).toBeGreaterThan(0.3);
    expect(none).toBeLessThan(0.56);

    // Not the initial weights: a freshly built encoder embeds the same points differently.
    const [job] = jobsOf(exp).filter((j) => j.arm === 'masking');
    const data = buildData(job!);
    const fresh = buildMethod(job!, modelInput(data));
    const sample = data.sample(300, createRng(0).fork('embed'));
    const untrained = tf.tidy(() => fresh.embed(sample.x).arraySync());
    tf.dispose(Object.values(sample));
    fresh.dispose();
    data.dispose();
    const maxDiff = Math.max(...untrained.flatMap((row, i) => row.map((v, k) => Math.abs(v - vectors[i]![k]!))));
    expect(maxDiff).toBeGreaterThan(0.1);

    // Masking recovers the atoms, so a point's nearest neighbour in the learned representation
    // mostly shares its dominant atom (chance: about 1/8); the untrained encoder does worse.
    const trainedAgreement = neighbourAgreement(vectors, labels);
    const untrainedAgreement = neighbourAgreement(untrained, labels);
    expect(trainedAgreement).toBeGreaterThan(untrainedAgreement);
    expect(trainedAgreement).toBeGreaterThan(0.3);

    // Reproducible: the same command gives the same files.
    const again = await embedRun(dir, { arm: 'masking', samples: 300, backend: 'cpu', out: join(dir, 'again') });
    expect(readFileSync(again.vectors, 'utf8')).toBe(readFileSync(r.vectors, 'utf8'));
    expect(readFileSync(again.metadata, 'utf8')).toBe(readFileSync(r.metadata, 'utf8'));

    await expect(embedRun(dir, { arm: 'nope' })).rejects.toThrow(/no job with arm 'nope' and seed 0 .*arms 'none', 'masking'/);
    await expect(embedRun(join(dir, 'missing'))).rejects.toThrow(/config\.json does not exist/);
    console.log(
      `embed: nearest-neighbour dominant-atom agreement trained ${trainedAgreement.toFixed(3)}, untrained ${untrainedAgreement.toFixed(3)}`,
    );
  });

  it('a dataset run: the items of the test split with their labels and class names', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contrastive-embed-csv-'));
    // 3 classes, each a direction in 12 features plus noise (seeded), named in the CSV.
    const rng = createRng(7);
    const centres = [0, 1, 2].map(() => Array.from({ length: 12 }, () => rng.normal()));
    const names = ['ant', 'bee', 'cat'];
    const rows = ['label,' + centres[0]!.map((_, j) => `f${j}`).join(',')];
    for (let i = 0; i < 240; i++) rows.push([names[i % 3], ...centres[i % 3]!.map((c) => (c + 0.8 * rng.normal()).toFixed(4))].join(','));
    writeFileSync(join(dir, 'data.csv'), rows.join('\n') + '\n');
    const csvExp = parseExperiment({
      name: 'tiny-csv',
      epochs: 4,
      batchSize: 32,
      seeds: [0],
      data: { type: 'csv', path: join(dir, 'data.csv'), testFraction: 0.25, classNames: names },
      encoder: { type: 'mlp', hidden: [16], outputDim: 8 },
      augment: { type: 'gaussianNoise', std: 0.3 },
      method: { type: 'contrastive', loss: 'ntxent', temperature: 0.2 },
      optimizer: { type: 'adam', lr: 0.003 },
      arms: [{ name: 'ntxent' }],
    });
    const out = join(dir, 'run');
    await runExperiment(csvExp, { outDir: out, workers: 0, backend: 'cpu' });
    const before = tf.memory().numTensors;
    const r = await embedRun(out, { backend: 'cpu' });
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({ job: 'ntxent-seed0', samples: 60, dim: 8 });
    const vectors = readTsv(r.vectors).map((row) => row.map(Number));
    const [header, ...meta] = readTsv(r.metadata);
    expect(header).toEqual(['index', 'label', 'class']);
    expect(vectors).toHaveLength(60);
    expect(meta.every(([, l, c]) => names[Number(l)] === c)).toBe(true);
    expect(new Set(meta.map(([, , c]) => c))).toEqual(new Set(names));
    // Well-separated classes: each point's nearest neighbour mostly shares its class.
    const agreement = neighbourAgreement(
      vectors,
      meta.map(([, l]) => l!),
    );
    expect(agreement).toBeGreaterThan(0.7); // chance: 1/3
    console.log(`embed (csv): nearest-neighbour class agreement ${agreement.toFixed(3)}`);
  });
});
