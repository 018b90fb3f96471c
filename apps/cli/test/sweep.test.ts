// `contrastive sweep`: expansion (counts, values, random search), stable job ids, reuse of
// finished jobs across reruns and added axis values, and errors found before anything runs.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors';
import { canonicalJson, expandSweep, hashOf } from '../src/sweep/expand';
import { parseSweep } from '../src/sweep/load';
import { runSweep, type SweepResults, validateSweep } from '../src/sweep/run';
import type { SweepInput } from '../src/sweep/schema';

/** A base small enough that a job trains in well under a second. */
const base = {
  name: 'tiny',
  steps: 6,
  batchSize: 16,
  evalEvery: 3,
  checkpointEvery: 3,
  evalSamples: 64,
  seeds: [0],
  data: { type: 'sparseCoding', ambientDim: 24, latentDim: 4, sparsity: 0.25, noiseToSignal: 1 },
  encoder: { type: 'symmetricRelu', width: 8 },
  method: { type: 'contrastive', loss: 'infonce', temperature: 0.1, normalize: false },
  optimizer: { type: 'sgd', lr: 0.05 },
  arms: [{ name: 'masking', augment: { type: 'complementaryMask', keepProb: 0.5 } }],
};
const expand = (s: Record<string, unknown>, metric?: string) =>
  expandSweep(parseSweep({ name: 'test', base, ...s } satisfies Partial<SweepInput>, 'sweep'), metric ? { metric } : {});
const error = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(ConfigError.isInstance(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('sweep expansion', () => {
  it('crosses lists and ranges (linear, log, integer) in order, first axis outermost', () => {
    const s = expand({
      axes: { 'method.temperature': [0.05, 0.1], 'augment.keepProb': { range: [0.2, 0.8], steps: 4 } },
      seeds: [0, 1, 2],
    });
    expect(s.points).toHaveLength(8);
    expect(s.jobs).toHaveLength(24);
    expect(s.axes.map((a) => a.values)).toEqual([
      [0.05, 0.1],
      [0.2, 0.4, 0.6, 0.8],
    ]);
    expect(s.points.map((p) => [p.values['method.temperature'], p.values['augment.keepProb']]).slice(0, 5)).toEqual([
      [0.05, 0.2],
      [0.05, 0.4],
      [0.05, 0.6],
      [0.05, 0.8],
      [0.1, 0.2],
    ]);
    // The value reaches the job's resolved spec (the arm's augmentation resolved into the base).
    const job = s.jobs.find((j) => j.point === s.points[5]!.id && j.seed === 2)!;
    expect(job.spec.augment).toMatchObject({ type: 'complementaryMask', keepProb: 0.4 });
    expect(job.spec.method).toMatchObject({ temperature: 0.1 });
    expect(job.id).toBe(`${s.points[5]!.id}-seed2`);

    expect(expand({ axes: { 'method.temperature': { range: [0.01, 1], steps: 3, log: true } } }).axes[0]!.values).toEqual([0.01, 0.1, 1]);
    // 8, 13.3, 18.7, 24 → rounded; 2, 2.33, 2.67, 3 rounded → 2, 2, 3, 3 → duplicates removed.
    expect(expand({ axes: { batchSize: { range: [8, 24], steps: 4, integer: true } } }).axes[0]!.values).toEqual([8, 13, 19, 24]);
    expect(expand({ axes: { 'encoder.width': { range: [2, 3], steps: 4, integer: true } } }).axes[0]!.values).toEqual([2, 3]);
  });

  it('random search: count draws in range, the same for the same seed, crossed with the grid', () => {
    const random = {
      axes: { 'method.temperature': { range: [0.01, 1], log: true }, 'augment.keepProb': { values: [0.3, 0.5] } },
      count: 6,
      seed: 7,
    };
    const a = expand({ axes: { 'encoder.width': [4, 8] }, random });
    const b = expand({ axes: { 'encoder.width': [4, 8] }, random });
    expect(a.points.map((p) => p.id)).toEqual(b.points.map((p) => p.id));
    const draws = a.points.filter((p) => p.values['encoder.width'] === 4);
    expect(a.points.length).toBeLessThanOrEqual(12);
    expect(draws.length).toBeGreaterThanOrEqual(5);
    for (const p of draws) {
      expect(p.values['method.temperature']).toBeGreaterThanOrEqual(0.01);
      expect(p.values['method.temperature']).toBeLessThanOrEqual(1);
      expect([0.3, 0.5]).toContain(p.values['augment.keepProb']);
    }
    const c = expand({ axes: { 'encoder.width': [4, 8] }, random: { ...random, seed: 8 } });
    expect(c.points.map((p) => p.id)).not.toEqual(a.points.map((p) => p.id));
  });

  it('ids: the same config gives the same id whatever the key order; a different value another id', () => {
    const reorder = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reorder)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reorder(x)]),
            )
          : v;
    const axes = { 'method.temperature': [0.05, 0.1], augment: [{ type: 'complementaryMask', keepProb: 0.3 }] };
    const a = expandSweep(parseSweep({ name: 'test', base, axes }, 's'));
    const b = expandSweep(parseSweep(reorder({ name: 'test', base, axes }) as SweepInput, 's'));
    expect(b.axes.map((x) => x.path)).toEqual(['augment', 'method.temperature']);
    expect(new Set(b.points.map((p) => p.id))).toEqual(new Set(a.points.map((p) => p.id)));
    expect(a.points[0]!.id).toMatch(/^[0-9a-f]{16}$/);
    expect(a.points[0]!.id).not.toBe(a.points[1]!.id);
    // A value written as the range computed it (0.2 + 2 × 0.1 = 0.4000000000000001) is the same point.
    expect(expand({ axes: { 'augment.keepProb': { range: [0.2, 0.6], steps: 5 } } }).points[2]!.id).toBe(
      expand({ axes: { 'augment.keepProb': [0.4] } }).points[0]!.id,
    );
    // The id is the hash of the canonical resolved spec (seed, arm and sweep name left out).
    const { experiment: _e, arm: _a, seed: _s, ...spec } = a.jobs[0]!.spec;
    expect(a.points[0]!.id).toBe(hashOf(spec));
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  it('errors name the axis and the point before anything runs', () => {
    expect(error(() => expand({ axes: { 'method.temprature': [0.1] } }))).toMatch(
      /axis 'method.temprature': the base config has no 'temprature' at 'method'; did you mean 'temperature'\?/,
    );
    expect(error(() => expand({ axes: { 'augment.keepProb': [0.5, 1.5] } }))).toMatch(
      /point \(augment.keepProb = 1.5\).*augment.keepProb.*1\.5/,
    );
    expect(error(() => expand({ axes: { 'method.temperature': [0.1, -1] } }))).toMatch(/point \(method.temperature = -1\)/);
    expect(error(() => expand({ axes: { seeds: [[0], [1]] } }))).toMatch(/'seeds' cannot be swept/);
    expect(error(() => expand({ axes: { 'method.temperature': [0.1, 0.1] } }))).toMatch(/listed twice/);
    expect(
      error(() =>
        expand({
          axes: { 'method.temperature': [0.1] },
          checks: [{ description: 'd', metric: 'loss', where: { 'augment.keepProb': 0.5 }, op: '<', value: 1 }],
        }),
      ),
    ).toMatch(/checks\[0\]\.where: 'augment.keepProb' is not a grid axis/);
    expect(
      error(() =>
        expand({
          axes: { 'method.temperature': [0.1] },
          checks: [{ description: 'd', metric: 'loss', where: { 'method.temperature': 0.3 }, op: '<', value: 1 }],
        }),
      ),
    ).toMatch(/0\.3 is not a value of that axis/);
    // A metric this setting cannot produce (no labels → no linear probe).
    expect(error(() => expand({ axes: { 'method.temperature': [0.1] } }, 'linearProbe.testAccuracy'))).toMatch(
      /produces no 'linearProbe.testAccuracy'/,
    );
    expect(error(() => expand({ axes: { 'method.temperature': [0.1] } }, 'atomRecovery'))).toMatch(/--metric: .*atomRecovery/);
    expect(
      error(() => parseSweep({ name: 'test', base, axes: { 'method.temperature': { range: [0, 1], steps: 3, log: true } } }, 'sweep')),
    ).toMatch(/log spacing needs both ends > 0/);
    expect(error(() => parseSweep({ name: 'test', base, axis: {} }, 'sweep'))).toMatch(/axis/);
    expect(error(() => expand({ arm: 'nope' }))).toMatch(/no arm 'nope' \(arms: 'masking'\)/);
  });

  it('validateSweep builds every point on the backend', async () => {
    const s = expand({ axes: { 'encoder.width': [4, 8] } });
    await expect(validateSweep(s, 'cpu')).resolves.toBe('cpu');
  });

  it('validateSweep: per-network learning rates must name a network of the method, before anything runs', async () => {
    const optimizer = (lrMultipliers: Record<string, number>) => ({ optimizer: { type: 'sgd', lr: 0.05, lrMultipliers } });
    await expect(validateSweep(expand({ set: optimizer({ encoder: 2 }) }), 'cpu')).resolves.toBe('cpu');
    const bad = expand({ set: optimizer({ predictor: 2 }) });
    await expect(validateSweep(bad, 'cpu')).rejects.toThrow(
      /point \(the base\): optimizer\.lrMultipliers\.predictor: this method has no such network \(its networks: encoder\)/,
    );
  });
});

describe('sweep run (local engine, inline)', () => {
  const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as SweepResults;

  it('trains each job once: a rerun trains nothing, an added axis value trains only the new points', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    const sweep = (temps: number[]) => expand({ axes: { 'method.temperature': temps }, seeds: [0, 1], metric: 'atomRecovery.median' });
    const first = await runSweep(sweep([0.1, 0.2]), { outDir: dir, workers: 0, backend: 'cpu' });
    expect([first.trained, first.reused]).toEqual([4, 0]);
    expect(readdirSync(join(dir, 'jobs')).sort()).toEqual(first.jobs.map((j) => `${j.id}.json`).sort());
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    // Mean ± sample std over the seeds of each point, from the job rows.
    for (const p of first.points) {
      const v = first.jobs.filter((j) => j.point === p.id).map((j) => j.final['atomRecovery.median']!);
      expect(v).toHaveLength(2);
      expect(p.mean['atomRecovery.median']).toBeCloseTo((v[0]! + v[1]!) / 2, 12);
      expect(p.std['atomRecovery.median']).toBeCloseTo(Math.abs(v[0]! - v[1]!) / Math.SQRT2, 12);
    }
    const again = await runSweep(sweep([0.1, 0.2]), { outDir: dir, workers: 0, backend: 'cpu' });
    expect([again.trained, again.reused]).toEqual([0, 4]);
    expect(again.points.map((p) => p.mean)).toEqual(first.points.map((p) => p.mean));
    const more = await runSweep(sweep([0.1, 0.2, 0.5]), { outDir: dir, workers: 0, backend: 'cpu' });
    expect([more.trained, more.reused]).toEqual([2, 4]);
    expect(readResults(dir).points).toHaveLength(3);
    expect(readResults(dir).jobs).toHaveLength(6);
  });

  it('resumes an interrupted job from its checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    const s = expand({ axes: { 'method.temperature': [0.1] }, set: { steps: 12 } });
    const controller = new AbortController();
    await expect(
      runSweep(s, {
        outDir: dir,
        workers: 0,
        backend: 'cpu',
        signal: controller.signal,
        onEvent: (_job, e) => {
          if (e.type === 'checkpoint' && e.step === 6) controller.abort();
        },
      }),
    ).rejects.toThrow(/interrupted|stopped/);
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual([`${s.jobs[0]!.id}.json`]);
    const resumed = await runSweep(s, { outDir: dir, workers: 0, backend: 'cpu' });
    expect(resumed.trained).toBe(1);
    expect(resumed.jobs[0]!.resumedFrom).toBeGreaterThan(0);
    // Resuming gives the numbers of an uninterrupted run.
    const fresh = await runSweep(s, { outDir: mkdtempSync(join(tmpdir(), 'sweep-')), workers: 0, backend: 'cpu' });
    expect(resumed.jobs[0]!.final).toEqual(fresh.jobs[0]!.final);
  });
});
