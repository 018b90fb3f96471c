import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticImageFile } from '../../test/fixtures/synthetic-images';
import { createImageSession, pca2, previewViews } from './image-session';
import { IMAGE_METHODS, type ImageMethod, imageJobs, type ImageSettingsInput, parseImageSettings } from './image-settings';
import type { Session } from './session';

const file = syntheticImageFile(32, 16);
/** A small job: batch 8, CNN 4-8-16, kNN over the whole synthetic splits, scatter of 12 test images. */
const jobs = (o: ImageSettingsInput = {}) =>
  imageJobs({ steps: 6, evalEvery: 3, batchSize: 8, width: 0.125, knnTrain: 32, knnTest: 16, k: 5, scatter: 12, ...o });
let open: Session<unknown>[] = [];
afterEach(() => {
  open.forEach((s) => s.dispose());
  open = [];
});
const session = (job = jobs()[0]!) => {
  const s = createImageSession(job, file);
  open.push(s);
  return s;
};
const runToEnd = async (s: Session<unknown>) => {
  while (!s.done) await s.advance(100);
  return s;
};

describe('pca2', () => {
  it('projects on the principal axes: closed form for points on an ellipse rotated by 45°', () => {
    // Points a·(cos t, sin t) with semi-axes 3 (along (1,1)/√2) and 1 (along (1,−1)/√2), centred at (5, −2):
    // variances 9/2 and 1/2, explained 0.9 and 0.1; the projections are 3 cos t and ±sin t.
    const n = 8;
    const h = new Float32Array(n * 2);
    const s = Math.SQRT1_2;
    for (let i = 0; i < n; i++) {
      const t = (2 * Math.PI * i) / n;
      const [a, b] = [3 * Math.cos(t), Math.sin(t)];
      h[2 * i] = 5 + s * a + s * b;
      h[2 * i + 1] = -2 + s * a - s * b;
    }
    const p = pca2(h, n, 2);
    expect(p.explained[0]).toBeCloseTo(0.9, 6);
    expect(p.explained[1]).toBeCloseTo(0.1, 6);
    for (let i = 0; i < n; i++) {
      const t = (2 * Math.PI * i) / n;
      expect(Math.abs(p.x[i]!)).toBeCloseTo(Math.abs(3 * Math.cos(t)), 5);
      expect(Math.abs(p.y[i]!)).toBeCloseTo(Math.abs(Math.sin(t)), 5);
    }
    // Signs: each axis's largest loading is positive ((1,1)/√2 for the first: x = +3 at t = 0).
    expect(p.x[0]).toBeCloseTo(3, 5);
  });
});

describe('image settings', () => {
  it('defaults, one job per distinct method, everything else shared; bad input names the option', () => {
    const d = parseImageSettings();
    expect(d).toMatchObject({ methods: ['simclr'], seed: 0, steps: 300, batchSize: 64, lr: 1e-3, width: 0.25, evalEvery: 25 });
    const js = imageJobs({ methods: ['simclr', 'byol', 'simclr'], seed: 3 });
    expect(js.map((j) => j.arm)).toEqual(['simclr', 'byol']);
    expect(js.map(({ arm: _a, method: _m, ...rest }) => rest)).toEqual([
      js.map(({ arm: _a, method: _m, ...rest }) => rest)[0]!,
      js.map(({ arm: _a, method: _m, ...rest }) => rest)[0]!,
    ]);
    expect(() => imageJobs({ methods: ['moco' as ImageMethod] })).toThrow(/lab\.images.*methods/);
    expect(() => imageJobs({ methods: [] })).toThrow(/lab\.images.*methods/);
    expect(() => imageJobs({ batchSize: 1 })).toThrow(/lab\.images.*batchSize/);
  });
});

describe('createImageSession', () => {
  it('trains in steps (advance(n) = n steps), evaluates at 0, every evalEvery and at the end: kNN, std and the scatter', async () => {
    const s = session();
    const counts: number[] = [];
    for (const n of [2, 1, 100]) counts.push((await s.advance(n)).filter((e) => e.type === 'step').length);
    expect(counts).toEqual([2, 1, 3]);
    expect(s.done || (await s.advance(1), s.done)).toBe(true);
    expect(s.history.loss).toHaveLength(6);
    expect(s.history.loss.every(Number.isFinite)).toBe(true);
    expect(s.history.evals.map((e) => e.step)).toEqual([0, 3, 6]);
    const m = s.lastEval!.metrics;
    expect(Object.keys(m).sort()).toEqual(['knn.top1', 'knn.top5', 'stdOfNormalized']);
    expect(m['knn.top1']).toBeGreaterThanOrEqual(0);
    expect(m['knn.top1']).toBeLessThanOrEqual(1);
    const e = s.lastEval!.embedding!;
    expect(e.x).toHaveLength(12);
    expect(e.y).toHaveLength(12);
    expect(e.labels).toEqual(Array.from(file.test.labels.subarray(0, 12)));
    expect(e.classNames).toEqual(file.meta.classNames);
    expect(e.explained[0]).toBeGreaterThanOrEqual(e.explained[1]);
    const r = s.result('cpu');
    expect(r).toMatchObject({ arm: 'simclr', seed: 0, backend: 'cpu', engine: 'tfjs', resumedFrom: 0 });
    expect(r.final['knn.top1']).toBe(m['knn.top1']);
  });

  it('the same seed gives the same numbers; all four methods train on identical data, views and initial encoder', async () => {
    const [a, b] = [session(), session()];
    await runToEnd(a);
    await runToEnd(b);
    expect(b.history).toEqual(a.history);
    const all = jobs({ methods: Object.keys(IMAGE_METHODS) as ImageMethod[], steps: 2, evalEvery: 2 });
    const runs = [];
    for (const job of all) runs.push(await runToEnd(session(job)));
    // The representation at step 0 is the same untrained CNN for every method: same evaluation.
    for (const r of runs) expect(r.history.evals[0]).toEqual(runs[0]!.history.evals[0]);
    for (const r of runs) expect(r.history.loss.every(Number.isFinite)).toBe(true);
    expect(new Set(runs.map((r) => r.history.loss[0])).size).toBe(4);
  });

  it('leaves no tensor behind once disposed, mid-run or at the end', async () => {
    const tick = () => new Promise((r) => setTimeout(r, 0));
    let before = tf.memory().numTensors;
    const s = createImageSession(jobs()[0]!, file);
    await s.advance(4);
    s.dispose();
    // train()'s generator frees the optimizer's slots in its `finally`, reached by return() a few microtasks later.
    await tick();
    expect(tf.memory().numTensors).toBe(before);
    before = tf.memory().numTensors;
    const done = createImageSession(jobs()[0]!, file);
    await runToEnd(done);
    done.dispose();
    await tick();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('previewViews', () => {
  it('shows the first images and two views drawn with the seed: same seed same views, a new seed new views', () => {
    const before = tf.memory().numTensors;
    const a = previewViews(file, { count: 4, seed: 0 });
    const again = previewViews(file, { count: 4, seed: 0 });
    const other = previewViews(file, { count: 4, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a.labels).toEqual([0, 1, 2, 3]);
    expect(a.originals).toEqual(file.train.pixels.subarray(0, 4 * 144));
    expect(a.views[0]).toHaveLength(4 * 144);
    expect(again.views).toEqual(a.views);
    expect(other.originals).toEqual(a.originals);
    expect(other.views[0]).not.toEqual(a.views[0]);
    expect(a.views[1]).not.toEqual(a.views[0]);
    expect(a.data).toEqual({ name: 'synthetic bars', train: 32, test: 16 });
  });
});
