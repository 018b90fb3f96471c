import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { it } from 'vitest';
import { decodeImageFile } from '../src/core/image-file';
import { createImageSession } from '../src/core/image-session';
import { imageJobs } from '../src/core/image-settings';

it('speed', async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  const file = decodeImageFile(new Uint8Array(readFileSync('node_modules/.cache/contrastive-lab/fashion-mnist-subset.bin')));
  for (const method of (process.env['METHODS'] ?? 'simclr').split(',')) {
    const [job] = imageJobs({ methods: [method as 'simclr'], steps: Number(process.env['STEPS'] ?? 100), evalEvery: Number(process.env['EVAL'] ?? 50), batchSize: Number(process.env['BS'] ?? 64), width: Number(process.env['W'] ?? 0.25), lr: Number(process.env['LR'] ?? 1e-3) });
    const s = createImageSession(job!, file);
    const t0 = performance.now();
    let evalMs = 0;
    while (!s.done) {
      const ev = await s.advance(1);
      if (ev.some((e) => e.type === 'eval')) console.log(method, 'step', s.step, JSON.stringify(s.lastEval?.metrics), 'expl', s.lastEval?.embedding?.explained);
    }
    const r = s.result('wasm');
    console.log(method, 'steps/s', r.stepsPerSecond.toFixed(2), 'total s', ((performance.now() - t0) / 1000).toFixed(1), 'loss', r.history.loss[0], r.final['loss']);
    s.dispose();
  }
}, 1_800_000);
