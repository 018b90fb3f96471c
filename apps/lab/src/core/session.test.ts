import * as tf from '@tensorflow/tfjs';
import { atomRecoverySync, neuronPuritySync, stdOfNormalizedSync } from '@contrastive/analysis';
import { createRng } from '@contrastive/core';
import { train } from '@contrastive/train';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildData, buildMethod, buildViews, modelInput } from './cli-registry';
import { createSession, type Session } from './session';
import { compareExperiment, decouplingJob } from './settings';

// The CLI's `--no-native` engine: the lab runs the tfjs path in the browser, so Node must too.
beforeAll(() => {
  process.env['CONTRASTIVE_NATIVE'] = '0';
});

let open: Session[] = [];
afterEach(() => {
  open.forEach((s) => s.dispose());
  open = [];
});
const session = (...args: Parameters<typeof createSession>) => {
  const s = createSession(...args);
  open.push(s);
  return s;
};

/** A short masking job: the preset's shapes (d = 32, d1 = 256, B = 256), width 16. */
const small = () => decouplingJob({ augment: 'masking', width: 16, steps: 12, evalEvery: 5, seed: 1 });

describe('createSession', () => {
  it('advance(n) trains exactly n steps (a pause between calls changes nothing) and ends at `steps`', async () => {
    const s = session(small());
    const counts: number[] = [];
    for (const n of [3, 4, 100]) counts.push((await s.advance(n)).filter((e) => e.type === 'step').length);
    expect(counts).toEqual([3, 4, 5]);
    expect(s.step).toBe(12);
    await s.advance(1);
    expect(s.done).toBe(true);
    expect(s.history.loss).toHaveLength(12);
    expect(s.history.evals.map((e) => e.step)).toEqual([0, 5, 10, 12]);

    // Same numbers as the library's train() driven by the CLI's registry in one go.
    const spec = small();
    const data = buildData(spec);
    const method = buildMethod(spec, modelInput(data));
    const losses: number[] = [];
    const views = buildViews(spec.augment, data, spec.seed);
    for await (const e of train({
      data,
      augment: views,
      method,
      optimizer: spec.optimizer,
      schedule: spec.schedule,
      steps: spec.steps,
      batchSize: spec.batchSize,
      seed: spec.seed,
    })) {
      if (e.type === 'step') losses.push(e.loss);
    }
    method.dispose();
    data.dispose();
    expect(s.history.loss).toEqual(losses);
  });

  it('stops on an evaluation step with that step evaluated', async () => {
    const s = session(small());
    const events = await s.advance(5);
    expect(events.at(-1)).toMatchObject({ type: 'eval', step: 5 });
    expect(s.lastEval?.step).toBe(5);
  });

  it('evaluates like the CLI: metrics from @contrastive/analysis on the weights and the CLI held-out batch; heatmap |cos| sorted into a diagonal', async () => {
    const spec = small();
    const s = session(spec);
    await s.advance(5);
    const ev = s.lastEval!;
    // Recompute independently: the same data model (seeded) gives the dictionary; the weights come from a twin session.
    const twin = session(spec);
    await twin.advance(5);
    expect(twin.lastEval!.metrics).toEqual(ev.metrics);
    const data = buildData(spec);
    const dict = (data as unknown as { dictionary: tf.Tensor2D }).dictionary;
    const h = ev.heatmap!;
    expect([h.neurons, h.atoms]).toEqual([16, 32]);
    // max over neurons of |cos| per atom is a_j (atomRecovery, float64 in analysis; heatmap on the backend, float32).
    const perAtom = Array.from({ length: h.atoms }, (_, j) =>
      Math.max(...Array.from({ length: h.neurons }, (_, r) => h.values[r * h.atoms + j]!)),
    );
    const sorted = [...perAtom].sort((a, b) => a - b);
    expect((sorted[15]! + sorted[16]!) / 2).toBeCloseTo(ev.metrics['atomRecovery.median']!, 5);
    expect(sorted[0]).toBeCloseTo(ev.metrics['atomRecovery.min']!, 5);
    // Rows sorted by best atom: the argmax column never decreases down the rows.
    const argmax = Array.from({ length: h.neurons }, (_, r) => {
      const row = h.values.slice(r * h.atoms, (r + 1) * h.atoms);
      return row.indexOf(Math.max(...row));
    });
    expect(argmax).toEqual([...argmax].sort((a, b) => a - b));
    expect([...h.order].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    // stdOfNormalized on the CLI's held-out batch (fork 'eval-batch', min(evalSamples, 1024) rows).
    const method = buildMethod(spec, modelInput(data));
    const batch = data.sample(Math.min(spec.evalSamples, 1024), createRng(spec.seed).fork('eval-batch'));
    const untrained = method.embed(batch.x);
    const s0 = session(spec);
    await s0.advance(0);
    expect(s0.lastEval!.metrics['stdOfNormalized']).toBe(stdOfNormalizedSync(untrained));
    const w0 = tf.clone((method.networks['encoder'] as unknown as { weight: tf.Tensor2D }).weight);
    expect(s0.lastEval!.metrics['atomRecovery.fraction']).toBe(atomRecoverySync(w0, dict).fraction);
    expect(s0.lastEval!.metrics['neuronPurity.median']).toBe(neuronPuritySync(w0, dict).summary.purity.median);
    tf.dispose([untrained, w0, ...Object.values(batch)]);
    method.dispose();
    data.dispose();
  });

  it('runs a comparison job (MLP encoder, projection head, labeled data) with kNN accuracy', async () => {
    const { jobs } = compareExperiment({ losses: ['simsiam'], steps: 3 });
    const s = session({ ...jobs[0]!, evalEvery: 3 });
    while (!s.done) await s.advance(10);
    const m = s.lastEval!.metrics;
    expect(m['knn.accuracy']).toBeGreaterThanOrEqual(0);
    expect(m['knn.accuracy']).toBeLessThanOrEqual(1);
    expect(m['stdOfNormalized.projection']).toBeGreaterThan(0);
    const r = s.result('cpu');
    expect(r).toMatchObject({ arm: 'simsiam', seed: 0, backend: 'cpu', engine: 'tfjs', resumedFrom: 0 });
    expect(r.final['loss']).toBeCloseTo(s.history.loss.reduce((a, b) => a + b, 0) / 3, 6);
  });

  it('leaks no tensors and refuses to run after dispose', async () => {
    const before = tf.memory().numTensors;
    const s = createSession(small());
    await s.advance(6);
    s.dispose();
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(s.advance(1)).rejects.toThrow(/after dispose/);
  });
});
