import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticImageBytes } from '../../test/fixtures/synthetic-images';
import { imageJobs } from './image-settings';
import type { WorkerToMain } from './protocol';
import { decouplingJob } from './settings';
import { createRunStore, latest, runResults } from './store';
import { createWorkerHost } from './worker-host';

beforeAll(() => {
  process.env['CONTRASTIVE_NATIVE'] = '0';
});

// Small batches keep the cpu backend quick; the worker logic does not depend on the shapes.
const job = (steps = 10) => ({
  ...decouplingJob({ augment: 'masking', width: 8, steps, evalEvery: 4, seed: 2 }),
  batchSize: 32,
  evalSamples: 128,
});
const until = async (cond: () => boolean, ms = 60_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

function host(sliceMs = 1) {
  const messages: WorkerToMain[] = [];
  const store = createRunStore();
  const h = createWorkerHost({
    post: (m) => {
      messages.push(m);
      store.apply(m);
    },
    initBackend: async () => ({ name: tf.getBackend(), threads: 1, crossOriginIsolated: false, available: [tf.getBackend()] }),
    sliceMs,
  });
  return { h, messages, store };
}

describe('worker host', () => {
  it('answers init, then trains a run to the end with progress, evals and the result', async () => {
    const { h, messages, store } = host();
    await h.handle({ type: 'init', backend: 'cpu' });
    expect(messages[0]).toEqual({ type: 'ready', backend: { name: 'cpu', threads: 1, crossOriginIsolated: false, available: ['cpu'] } });
    const spec = job();
    const run = store.add({ id: 'r1', kind: 'decoupling', label: 'test', settings: {}, jobs: [spec] });
    await h.handle({ type: 'run', runId: 'r1', jobs: [spec] });
    await h.idle();
    expect(messages.at(-1)).toEqual({ type: 'run-done', runId: 'r1' });
    expect(run.status).toBe('done');
    const j = run.jobs[0]!;
    expect(j.step).toBe(10);
    expect(j.loss).toHaveLength(10);
    expect(j.evals.map((e) => e.step)).toEqual([0, 4, 8, 10]);
    expect(j.result!.history.loss).toEqual(j.loss);
    expect(j.heatmap).toMatchObject({ neurons: 8, atoms: 32 });
    expect(latest(j, 'atomRecovery.fraction')).toBe(j.result!.final['atomRecovery.fraction']);
    expect(run.firstStepAt).toBeGreaterThanOrEqual(run.startedAt);
  });

  it('pauses (no step while paused), answers pings while running, resumes to the same numbers', async () => {
    const reference = host();
    await reference.h.handle({ type: 'init', backend: 'cpu' });
    reference.store.add({ id: 'a', kind: 'decoupling', label: '', settings: {}, jobs: [job(16)] });
    await reference.h.handle({ type: 'run', runId: 'a', jobs: [job(16)] });
    await reference.h.idle();

    const { h, messages, store } = host();
    await h.handle({ type: 'init', backend: 'cpu' });
    const run = store.add({ id: 'b', kind: 'decoupling', label: '', settings: {}, jobs: [job(16)] });
    await h.handle({ type: 'run', runId: 'b', jobs: [job(16)] });
    await until(() => run.jobs[0]!.step >= 2);
    await h.handle({ type: 'ping', id: 7 });
    expect(messages.at(-1)).toEqual({ type: 'pong', id: 7 });
    expect(run.status).toBe('running');
    await h.handle({ type: 'pause' });
    await until(() => run.status === 'paused');
    const at = run.jobs[0]!.step;
    await new Promise((r) => setTimeout(r, 300));
    expect(run.jobs[0]!.step).toBe(at);
    expect(at).toBeLessThan(16);
    await h.handle({ type: 'resume' });
    expect(run.status).toBe('running');
    await h.idle();
    expect(run.status).toBe('done');
    expect(run.jobs[0]!.loss).toEqual(reference.store.run('a')!.jobs[0]!.loss);
    expect(run.jobs[0]!.evals).toEqual(reference.store.run('a')!.jobs[0]!.evals);
  });

  it('stop ends the run; a new run replaces the one in progress; a run before init is an error', async () => {
    const early = host();
    await early.h.handle({ type: 'run', runId: 'x', jobs: [job()] });
    expect(early.messages).toEqual([{ type: 'error', message: "Error: lab worker: 'run' before 'init'" }]);

    const { h, messages, store } = host();
    await h.handle({ type: 'init', backend: 'cpu' });
    const first = store.add({ id: 's1', kind: 'decoupling', label: '', settings: {}, jobs: [job(400)] });
    await h.handle({ type: 'run', runId: 's1', jobs: [job(400)] });
    await until(() => first.jobs[0]!.step >= 1);
    const second = store.add({ id: 's2', kind: 'decoupling', label: '', settings: {}, jobs: [job(4)] });
    await h.handle({ type: 'run', runId: 's2', jobs: [job(4)] });
    expect(messages.some((m) => m.type === 'stopped' && m.runId === 's1')).toBe(true);
    expect(first.status).toBe('stopped');
    await h.idle();
    expect(second.status).toBe('done');
    const third = store.add({ id: 's3', kind: 'decoupling', label: '', settings: {}, jobs: [job(400)] });
    await h.handle({ type: 'run', runId: 's3', jobs: [job(400)] });
    await until(() => third.jobs[0]!.step >= 1);
    await h.handle({ type: 'stop' });
    expect(third.status).toBe('stopped');
    expect(third.jobs[0]!.step).toBeLessThan(400);
  });

  it('a comparison run trains its jobs in turn and summarises them as the CLI does', async () => {
    const { compareExperiment } = await import('./settings');
    const { experiment, jobs } = compareExperiment({ losses: ['infonce', 'simsiam'], steps: 3 });
    const { h, store } = host(20);
    await h.handle({ type: 'init', backend: 'cpu' });
    const run = store.add({ id: 'c', kind: 'compare', label: '', settings: {}, jobs, experiment });
    await h.handle({ type: 'run', runId: 'c', jobs });
    await h.idle();
    const results = runResults(run)!;
    expect(results.arms.map((a) => a.name)).toEqual(['infonce', 'simsiam']);
    expect(results.arms[1]!.mean['loss']).toBeCloseTo(run.jobs[1]!.loss.reduce((a, b) => a + b, 0) / 3, 6);
    expect(results.arms[0]!.curves.steps).toEqual([0, 3]);
    expect(results.checks).toEqual([]);
  });
});

describe('worker host: image jobs', () => {
  const imageHost = (bytes: Uint8Array) => {
    const messages: WorkerToMain[] = [];
    const store = createRunStore();
    const loads: string[] = [];
    const h = createWorkerHost({
      post: (m) => {
        messages.push(m);
        store.apply(m);
      },
      initBackend: async () => ({ name: tf.getBackend(), threads: 1, crossOriginIsolated: false, available: [tf.getBackend()] }),
      sliceMs: 1,
      loadImages: async (url) => {
        loads.push(url);
        return bytes;
      },
    });
    return { h, messages, store, loads };
  };
  const url = 'http://lab.test/data/synthetic.bin';
  const jobs = imageJobs({
    methods: ['simclr', 'simsiam'],
    steps: 4,
    evalEvery: 2,
    batchSize: 8,
    width: 0.125,
    knnTrain: 32,
    knnTest: 16,
    k: 5,
    scatter: 12,
    dataUrl: url,
  });

  it('trains image jobs on the file read once, posting evals with the embedding scatter; answers a preview', async () => {
    const { h, messages, store, loads } = imageHost(syntheticImageBytes());
    await h.handle({ type: 'init', backend: 'cpu' });
    await h.handle({ type: 'preview', id: 7, dataUrl: url, count: 3, seed: 5 });
    const preview = messages.find((m) => m.type === 'preview');
    expect(preview).toMatchObject({ type: 'preview', id: 7, preview: { labels: [0, 1, 2], shape: [12, 12, 1] } });
    const run = store.add({ id: 'i1', kind: 'images', label: 'test', settings: {}, jobs });
    await h.handle({ type: 'run', runId: 'i1', jobs });
    await h.idle();
    expect(run.status).toBe('done');
    expect(loads).toEqual([url]);
    expect(run.jobs.map((j) => [j.arm, j.step, j.evals.map((e) => e.step)])).toEqual([
      ['simclr', 4, [0, 2, 4]],
      ['simsiam', 4, [0, 2, 4]],
    ]);
    for (const j of run.jobs) {
      expect(j.embedding!.x).toHaveLength(12);
      expect(j.result!.history.loss).toEqual(j.loss);
    }
    expect(messages.filter((m) => m.type === 'eval' && m.embedding).length).toBe(6);
  });

  it('a corrupt file fails the run with an error naming the file and the checksum', async () => {
    const bytes = syntheticImageBytes();
    bytes[bytes.length - 3]! ^= 1;
    const { h, messages, store } = imageHost(bytes);
    await h.handle({ type: 'init', backend: 'cpu' });
    const run = store.add({ id: 'i2', kind: 'images', label: 'test', settings: {}, jobs: jobs.slice(0, 1) });
    await h.handle({ type: 'run', runId: 'i2', jobs: jobs.slice(0, 1) });
    await h.idle();
    expect(run.status).toBe('error');
    expect(run.error).toMatch(/synthetic\.bin: checksum.*corrupt/);
    await h.handle({ type: 'preview', id: 1, dataUrl: url, count: 2, seed: 0 });
    expect(messages.at(-1)).toMatchObject({ type: 'preview-error', id: 1, message: expect.stringMatching(/checksum/) });
  });
});
