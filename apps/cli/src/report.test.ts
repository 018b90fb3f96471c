import { describe, expect, it } from 'vitest';
import { parseExperiment } from './config';
import type { JobResult } from './job';
import { barChart, lineChart, renderReport, tickDigits } from './report';
import { meanStd, summarize } from './results';
import { formatTable } from './table';

const exp = parseExperiment({
  name: 'tiny',
  steps: 200,
  batchSize: 8,
  data: { type: 'sparseCoding' },
  encoder: { type: 'symmetricRelu', width: 8 },
  optimizer: { type: 'sgd', lr: 0.1 },
  seeds: [0, 1],
  arms: [{ name: 'masking <b>' }, { name: 'none' }],
  checks: [
    { description: 'masking recovers atoms', arm: 'masking <b>', metric: 'atomRecovery.fraction', op: '>=', value: 0.9 },
    { description: 'none does not', arm: 'none', metric: 'atomRecovery.fraction', op: '<=', value: 0.1 },
  ],
});

function job(arm: string, seed: number, rec: number): JobResult {
  return {
    arm,
    seed,
    backend: 'cpu',
    engine: 'tfjs',
    final: { 'atomRecovery.fraction': rec, loss: 1 + seed },
    history: {
      loss: Array.from({ length: 200 }, (_, i) => 5 - i / 100 + seed),
      evals: [
        { step: 0, metrics: { 'atomRecovery.fraction': 0 } },
        { step: 200, metrics: { 'atomRecovery.fraction': rec } },
      ],
    },
    seconds: 1,
    stepsPerSecond: 200,
    resumedFrom: 0,
  };
}

describe('summarize, report and table', () => {
  const results = [job('masking <b>', 0, 1), job('masking <b>', 1, 0.95), job('none', 0, 0), job('none', 1, 0.2)];
  const r = summarize(exp, results);

  it('aggregates mean ± sample std over seeds and judges checks per seed', () => {
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: Math.SQRT2 });
    const masking = r.arms[0]!;
    expect(masking.mean['atomRecovery.fraction']).toBeCloseTo(0.975);
    expect(masking.std['atomRecovery.fraction']).toBeCloseTo(Math.sqrt(0.00125));
    expect(masking.curves.metrics['atomRecovery.fraction']).toEqual([0, 0.975]);
    expect(masking.loss.steps).toHaveLength(100);
    expect(masking.loss.values[0]).toBeCloseTo(5.5 - 0.005); // mean of the first 2-step window over both seeds
    expect(r.checks.map((c) => c.pass)).toEqual([true, false]); // seed 1 of 'none' recovers 20 %
    expect(r.passed).toBe(false);
  });

  it('renders a self-contained HTML report with escaped names, plots and the verdict', () => {
    const html = renderReport(exp, r);
    expect(html).toContain('<svg');
    expect(html).toContain('masking &#60;b&#62;');
    expect(html).not.toContain('masking <b>');
    expect(html).toContain('FAIL');
    expect(html).toContain('0.975 ± 0.035');
    // Headers carry the catalogue's direction, and a glossary explains each column.
    expect(html).toContain('<th title="Share of dictionary atoms');
    expect(html).toContain('atoms recovered (a_j &#62; 0.8) ↑</th>');
    expect(html).toContain('final loss ↓</th>');
    expect(html).toMatch(/<dt><code>loss<\/code> — final loss ↓<\/dt><dd>Mean training loss over the last 50 logged steps.<\/dd>/);
    expect(html).not.toMatch(/<script|src="http/);
  });

  it('axis ticks have enough decimals to differ (no "0.12" twice)', () => {
    expect(tickDigits([0.1235, 0.124, 0.1245])).toBe(4);
    expect(tickDigits([0, 0.25, 0.5])).toBe(2);
    expect(tickDigits([0, 20, 40])).toBe(0);
    const svg = lineChart('std', [{ name: 'a', x: [0, 1, 2], y: [0.1238, 0.1243, 0.1249] }]);
    const labels = [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);
    expect(labels.length).toBeGreaterThan(2);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('charts handle empty and constant data', () => {
    expect(lineChart('t', [])).toContain('no data');
    expect(lineChart('t', [{ name: 'a', x: [0, 1], y: [2, 2] }])).toContain('<path');
    expect(barChart('t', ['x'], [{ name: 'a', values: [-0.3] }])).toContain('<rect');
  });

  it('formats a terminal table with the checks', () => {
    const t = formatTable(r);
    expect(t).toContain('atoms recovered');
    expect(t).toMatch(/FAIL {2}none does not/);
    expect(t).toContain('does NOT show the claim');
  });
});
