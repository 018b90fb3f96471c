// The sweep presets at CI size: each expands, validates every point, runs end to end at a few steps
// (inline, cpu) and evaluates its checks. The science of masking-phase at full size is in the README.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSweep } from '../src/sweep/expand';
import { parseSweep } from '../src/sweep/load';
import { SWEEP_PRESETS } from '../src/sweep/presets';
import { runSweep, validateSweep } from '../src/sweep/run';

describe('sweep presets', () => {
  it.each(Object.keys(SWEEP_PRESETS))('%s expands and validates every point', async (name) => {
    const config = parseSweep(SWEEP_PRESETS[name]!.build(), name);
    const sweep = expandSweep(config);
    expect(sweep.points.length).toBeGreaterThan(1);
    expect(sweep.checks.length).toBeGreaterThan(0);
    await expect(validateSweep(sweep, 'cpu')).resolves.toBe('cpu');
  });

  it('masking-phase runs at CI size (8 steps, one seed) and reports its checks', async () => {
    const config = parseSweep(SWEEP_PRESETS['masking-phase']!.build(), 'masking-phase');
    const sweep = expandSweep({ ...config, seeds: [0], set: { ...config.set, steps: 8, evalEvery: 4, evalSamples: 128 } });
    const dir = mkdtempSync(join(tmpdir(), 'sweep-preset-'));
    const r = await runSweep(sweep, { outDir: dir, workers: 0, backend: 'cpu' });
    expect(r.jobs).toHaveLength(15);
    expect(r.checks.map((c) => c.observed.length)).toEqual([1, 1, 3, 3]);
    for (const p of r.points) expect(p.mean['atomRecovery.fraction']).toBeGreaterThanOrEqual(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    // Two phase diagrams (heatmap with a colour legend, line plot) of the sweep's metric.
    expect(html).toContain('linearGradient');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('augment.keepProb');
  });
});
