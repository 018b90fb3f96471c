// Configs on real data: every dataset type, image augmentation and conv encoder parses (epochs
// become steps from the training split), and contradictions are one-line errors naming the path.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { jobsOf, parseExperiment, stepSchedule } from './config';
import { heldOutSplit, loadSplits } from './datasets';
import { ConfigError } from './errors';
import { loadExperiment } from './load-config';
import { buildAugment, buildMethod, datasetInput } from './registry';

const fmnist = {
  name: 'real',
  epochs: 2,
  batchSize: 64,
  data: { type: 'fashionMnist', trainPerClass: 20, testPerClass: 5 },
  encoder: { type: 'convNet', widthMultiplier: 0.25 },
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
  arms: [{ name: 'SimCLR', method: { type: 'contrastive', loss: 'ntxent', temperature: 0.2 } }],
};

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(ConfigError.isInstance(e), String(e)).toBe(true);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error('did not throw');
}
const bad = (patch: Record<string, unknown>) => messageOf(() => parseExperiment({ ...fmnist, ...patch }));

/** A grey 8-bit PNG of w×h bytes (filter 0 per row), written by hand: signature, IHDR, IDAT, IEND. */
function png(w: number, h: number, value: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grey
  const rows = Buffer.alloc(h * (w + 1));
  for (let y = 0; y < h; y++) rows.fill(value, y * (w + 1) + 1, (y + 1) * (w + 1));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A little-endian .npy (format 1.0) of float32 or int32 values. */
function npy(shape: number[], values: number[], dtype: '<f4' | '<i4'): Buffer {
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre.set([1, 0], 6);
  pre.writeUInt16LE(header.length, 8);
  const data = dtype === '<f4' ? Buffer.from(new Float32Array(values).buffer) : Buffer.from(new Int32Array(values).buffer);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), data]);
}

describe('real-data configs', () => {
  it('fashionMnist: epochs become steps of the training split; a warm-up in epochs becomes steps', () => {
    const exp = parseExperiment({ ...fmnist, schedule: { type: 'cosine', warmupEpochs: 0.5 } });
    // 200 training images, batch 64, drop-last: 3 batches per epoch.
    expect(exp.steps).toBe(6);
    const [job] = jobsOf(exp);
    expect(job).toMatchObject({ epochs: 2, steps: 6, data: { type: 'fashionMnist', trainPerClass: 20, testPerClass: 5 } });
    expect(stepSchedule(job!)).toEqual({ type: 'cosine', warmupSteps: 2, minFactor: 0 });
    const balanced = parseExperiment({ ...fmnist, batchSize: 40, sampler: { type: 'classBalanced', perClass: 4 } });
    expect(balanced.steps).toBe(2 * 5); // 20 per class / 4 per batch
    expect(parseExperiment({ ...fmnist, epochs: undefined, steps: 7 }).steps).toBe(7);
  });

  it('every image step, conv encoder and new method parses and builds on the data', async () => {
    await tf.setBackend('cpu');
    const exp = parseExperiment({
      ...fmnist,
      augment: {
        type: 'compose',
        steps: [
          { type: 'randomResizedCrop', scale: [0.5, 1], views: 2 },
          { type: 'randomGrayscale', p: 0.2 },
          { type: 'gaussianBlur', kernelSize: 3 },
          { type: 'solarize', threshold: 0.5 },
          { type: 'randomErasing', p: 0.5 },
        ],
      },
      arms: [
        {
          name: 'resnet',
          encoder: { type: 'resNet', blocks: [1, 1], channels: [8, 16], stemChannels: 8 },
          method: { type: 'barlowTwins' },
        },
        { name: 'vicreg', method: { type: 'vicReg' } },
        { name: 'ce', method: { type: 'supervised' }, projector: null },
        { name: 'byol', method: { type: 'byol' }, predictor: { type: 'predictionHead' } },
        { name: 'pixels', encoder: { type: 'pixels' }, method: { type: 'none' }, projector: null },
      ],
    });
    const { train, test } = await loadSplits(exp.data as Parameters<typeof loadSplits>[0]);
    expect([train.length, test.length, train.shape]).toEqual([200, 50, [28, 28, 1]]);
    const before = tf.memory().numTensors;
    for (const job of jobsOf(exp)) {
      if (job.augment.type !== 'dataPairs') buildAugment(job.augment, undefined, job.seed);
      const method = buildMethod(job, datasetInput(train));
      const out = tf.tidy(() => method.embed(train.get([0, 1, 2]).x as tf.Tensor2D).shape);
      expect(out[0]).toBe(3);
      if (job.arm === 'pixels') expect(out[1]).toBe(784);
      method.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('csv, npy and imageFolder files: paths relative to the config file, a fixed seeded held-out split', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-real-'));
    const rows = ['a,b,label', ...Array.from({ length: 20 }, (_, i) => `${i},${i % 3},${i % 2}`)];
    writeFileSync(join(dir, 'data.csv'), rows.join('\n'));
    writeFileSync(
      join(dir, 'x.npy'),
      npy(
        [10, 3],
        Array.from({ length: 30 }, (_, i) => i / 30),
        '<f4',
      ),
    );
    writeFileSync(
      join(dir, 'y.npy'),
      npy(
        [10],
        Array.from({ length: 10 }, (_, i) => i % 2),
        '<i4',
      ),
    );
    for (const cls of ['cat', 'dog']) {
      mkdirSync(join(dir, 'img', cls), { recursive: true });
      for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'img', cls, `${i}.png`), png(4, 4, cls === 'cat' ? 10 : 200));
    }
    const base = {
      name: 'files',
      epochs: 1,
      batchSize: 4,
      encoder: { type: 'mlp', hidden: [4], outputDim: 4 },
      augment: { type: 'identity' },
      optimizer: { type: 'adam', lr: 1e-3 },
      arms: [{ name: 'a' }],
    };
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ ...base, data: { type: 'csv', path: 'data.csv', testFraction: 0.25 } }));
    const csv = loadExperiment(file);
    expect(csv.data).toMatchObject({ type: 'csv', path: join(dir, 'data.csv') });
    expect(csv.steps).toBe(3); // 15 training rows / 4
    const splits = await loadSplits(csv.data as Parameters<typeof loadSplits>[0]);
    expect([splits.train.length, splits.test.length]).toEqual([15, 5]);
    // The held-out rows are the split's (the same in every job): their first feature is the row index.
    const heldOut = tf.tidy(() => Array.from(splits.test.get([0, 1, 2, 3, 4]).x.dataSync()).filter((_, i) => i % 2 === 0));
    expect(heldOut).toEqual(Array.from(heldOutSplit(20, 0.25).test));

    writeFileSync(file, JSON.stringify({ ...base, data: { type: 'npy', x: 'x.npy', labels: 'y.npy' } }));
    expect(loadExperiment(file).steps).toBe(2); // 10 − 2 held out = 8 → 2 batches

    writeFileSync(
      file,
      JSON.stringify({
        ...base,
        encoder: { type: 'convNet', channels: [4], strides: [1] },
        data: { type: 'imageFolder', path: 'img', testFraction: 0.2 },
      }),
    );
    const img = loadExperiment(file);
    expect(img.steps).toBe(2);
    const folder = await loadSplits(img.data as Parameters<typeof loadSplits>[0]);
    expect([folder.train.length, folder.test.length, folder.train.shape, folder.train.numClasses]).toEqual([8, 2, [4, 4, 1], 2]);

    // Errors name the path: a missing file, a shape that does not fit the columns, a missing folder.
    writeFileSync(file, JSON.stringify({ ...base, data: { type: 'csv', path: 'nope.csv' } }));
    expect(messageOf(() => loadExperiment(file))).toMatch(/data\.path: cannot read .*nope\.csv \(ENOENT\)/);
    writeFileSync(file, JSON.stringify({ ...base, data: { type: 'csv', path: 'data.csv', shape: [3, 3, 1] } }));
    expect(messageOf(() => loadExperiment(file))).toMatch(/data\.shape: \[3, 3, 1\] holds 9 values, but .* has 2 feature columns/);
    writeFileSync(file, JSON.stringify({ ...base, data: { type: 'imageFolder', path: 'none' } }));
    expect(messageOf(() => loadExperiment(file))).toMatch(/data\.path: cannot read the folder .*none/);
    writeFileSync(file, JSON.stringify({ ...base, data: { type: 'npy', x: 'x.npy', labels: 'y.npy', testX: 'x.npy' } }));
    expect(messageOf(() => loadExperiment(file))).toMatch(/data\.testLabels: give both testX and testLabels/);
  });

  it('contradictions are errors naming the path', () => {
    expect(bad({ augment: { type: 'complementaryMask' } })).toMatch(
      /augment\.type: complementaryMask acts on vectors \[batch, dim\], but data 'fashionMnist' holds images/,
    );
    expect(bad({ encoder: { type: 'mlp', outputDim: 8 } })).toMatch(
      /encoder\.type: mlp takes vectors, but data 'fashionMnist' holds images .* use convNet or resNet/,
    );
    expect(bad({ epochs: undefined })).toMatch(/epochs: a dataset is trained for a number of epochs/);
    expect(bad({ steps: 5 })).toMatch(/epochs: give epochs or steps, not both/);
    expect(bad({ batchSize: 512 })).toMatch(/batchSize: batch size 512 exceeds the 200 training items/);
    expect(bad({ arms: [{ name: 'x', encoder: { type: 'pixels' } }] })).toMatch(
      /encoder\.type: pixels has no parameters to train; use it with method: \{ type: none \}/,
    );
    expect(bad({ arms: [{ name: 'x', method: { type: 'none' } }] })).toMatch(
      /^config: projector: method none trains nothing; remove 'projector'/,
    );
    expect(bad({ arms: [{ name: 'x', method: { type: 'supervised' }, projector: null, predictor: { type: 'predictionHead' } }] })).toMatch(
      /arms\[0\]\.predictor: the supervised method trains the encoder and a linear classifier; remove 'predictor'/,
    );
    expect(bad({ arms: [{ name: 'x', method: { type: 'barlowTwins' }, predictor: { type: 'predictionHead' } }] })).toMatch(
      /arms\[0\]\.predictor: barlowTwins has no prediction head/,
    );
    expect(bad({ arms: [{ name: 'x', augment: { type: 'randomApply', p: 2, steps: [{ type: 'solarize' }] } }] })).toMatch(
      /arms\[0\]\.augment\.p/,
    );
    expect(bad({ augment: { type: 'randomResizedCrop', scal: [0.3, 1] } })).toMatch(/augment.*scal/);
    expect(bad({ data: { type: 'fashionMnist', trainPerClass: 7000 } })).toMatch(/data\.trainPerClass/);
    expect(bad({ checks: [{ description: 'x', arm: 'SimCLR', metric: 'knn.accuracy', op: '>', value: 0.5 }] })).toMatch(
      /checks\[0\]\.metric: arm 'SimCLR' produces no 'knn.accuracy'.*use knn.top1 or knn20.top1/,
    );
    // A vector dataset: image steps and conv encoders are errors.
    const vec = { ...fmnist, data: { type: 'csv', path: join(mkdtempSync(join(tmpdir(), 'cli-vec-')), 'v.csv') } };
    writeFileSync(vec.data.path, 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,1,0\n2,3,1\n');
    expect(messageOf(() => parseExperiment({ ...vec, batchSize: 2 }))).toMatch(
      /augment\.steps\[0\]\.type: randomResizedCrop is an image augmentation \(batches \[batch, h, w, c\]\), but data 'csv' holds vectors \[d\] \(images stored one per row need data\.shape/,
    );
    // A data model: epochs, a sampler and a warm-up in epochs are errors.
    const model = {
      name: 'm',
      steps: 10,
      batchSize: 8,
      data: { type: 'sparseCoding', ambientDim: 16, latentDim: 4, sparsity: 0.2, noiseToSignal: 1 },
      encoder: { type: 'symmetricRelu', width: 8 },
      optimizer: { type: 'sgd', lr: 0.1 },
      arms: [{ name: 'a', augment: { type: 'identity' } }],
    };
    expect(messageOf(() => parseExperiment({ ...model, sampler: { type: 'shuffle' } }))).toMatch(
      /sampler: an online data model .* has no epochs/,
    );
    expect(messageOf(() => parseExperiment({ ...model, steps: undefined, epochs: 2 }))).toMatch(/steps: required/);
    expect(
      messageOf(() => parseExperiment({ ...model, augment: undefined, arms: [{ name: 'a', augment: { type: 'horizontalFlip' } }] })),
    ).toMatch(/arms\[0\]\.augment\.type: horizontalFlip is an image augmentation/);
  });

  it('--size: presets with sizes take small (default) and full; the full size is issue 12’s recipe', () => {
    expect(loadExperiment('fmnist-ssl').size).toBe('small');
    expect(loadExperiment('fmnist-ssl', { size: 'full' })).toMatchObject({ size: 'full', batchSize: 256, encoder: { widthMultiplier: 1 } });
    expect(messageOf(() => loadExperiment('fmnist-ssl', { size: 'large' }))).toMatch(
      /--size: preset 'fmnist-ssl' has sizes 'small', 'full'; got 'large'/,
    );
    expect(messageOf(() => loadExperiment('hltm', { size: 'full' }))).toMatch(/--size: expected 'small' or 'large', got 'full'/);
  });
});
