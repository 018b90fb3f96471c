import { readFileSync } from 'node:fs';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import type { RunResults } from './results';
import { compactMetrics, formatResultsTable, formatTable, grid, metricCell, wrap } from './table';

// A real run (`contrastive run feature-decoupling --seeds 0,1,2 --steps 300`), curves dropped.
const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/feature-decoupling-300.results.json', import.meta.url), 'utf8'),
) as RunResults;
const widest = (s: string) => Math.max(...s.split('\n').map((s) => stringWidth(s)));

describe('terminal results table', () => {
  it('prints mean ± std with the catalogue precision, ± 0 below it, and – for a missing value', () => {
    expect(metricCell('atomRecovery.fraction', 1, 3.93e-16, 3)).toBe('1.000 ± 0');
    expect(metricCell('atomRecovery.fraction', 0.975, 0.0354, 2)).toBe('0.975 ± 0.035');
    expect(metricCell('atomRecovery.fraction', 0.975, 0.0354, 1)).toBe('0.975');
    expect(metricCell('denseMass.mean', undefined, undefined, 3)).toBe('–');
    expect(metricCell('denseMass.mean', Number.NaN, Number.NaN, 3)).toBe('–');
    expect(metricCell('denseMass.mean', 0.2, Number.NaN, 3)).toBe('0.200');
    expect(metricCell('alignment', 2e-4, 1e-5, 3)).toBe('2.00e-4 ± 1.00e-5');
  });

  it('shows by default the metrics the checks are about', () => {
    expect(compactMetrics(fixture)).toEqual(['atomRecovery.fraction', 'denseMass.mean']);
    expect(compactMetrics({ ...fixture, checks: [] })).toHaveLength(4);
  });

  it.each([80, 120])('fits %i columns (default and --wide)', (columns) => {
    const compact = formatTable(fixture, { columns });
    const wide = formatTable(fixture, { columns, wide: true });
    expect(widest(compact)).toBeLessThanOrEqual(columns);
    expect(widest(wide)).toBeLessThanOrEqual(columns);
    expect(compact).not.toMatch(/–±–|e-1\d/);
    expect(wide).toContain('effective rank');
    expect(compact).not.toContain('effective rank');
    expect(compact).toMatchSnapshot();
    expect(formatResultsTable(fixture, { columns, wide: true })).toMatchSnapshot();
  });

  it('transposes the table when there are few arms and it is too wide', () => {
    const two = { ...fixture, arms: fixture.arms.slice(0, 2) };
    const t = formatResultsTable(two, { columns: 80, wide: true });
    expect(widest(t)).toBeLessThanOrEqual(80);
    // Metrics are the rows: the first column lists metric labels, the header the arm names.
    expect(t.split('\n').some((l) => l.startsWith('effective rank'))).toBe(true);
    expect(t).toMatchSnapshot();
  });

  it('splits columns that do not fit into blocks and wraps headers and prose', () => {
    const lines = grid(
      'arm',
      ['a', 'b'],
      ['a long header that wraps', 'second', 'third'],
      [
        ['1.000', '2', '3'],
        ['4', '5', '6'],
      ],
      26,
    );
    expect(Math.max(...lines.map((s) => stringWidth(s)))).toBeLessThanOrEqual(26);
    expect(lines).toContain(''); // a second block
    expect(lines.join('\n')).toMatchInlineSnapshot(`
      "           a long
            header that
      arm         wraps  second
      ---  ------------  ------
      a           1.000       2
      b               4       5

      arm  third
      ---  -----
      a        3
      b        6"
    `);
    // The first line uses the whole width and keeps its leading spaces; later lines get the indent.
    expect(wrap('  name  a summary that is long enough to wrap', 24, '        ')).toBe(
      '  name  a summary that\n        is long enough\n        to wrap',
    );
    expect(wrap('abcdefghijklmnopqrstuvwxyz', 10, '  ')).toBe('abcdefghij\n  klmnopqr\n  stuvwxyz');
    expect(wrap('a b', 40)).toBe('a b');
    expect(wrap('masking recovers ≥ 90 % of atoms', 20)).toBe('masking recovers\n≥\u00a090\u00a0% of atoms');
    const w = wrap('word '.repeat(30).trim(), 30, '  ');
    expect(widest(w)).toBeLessThanOrEqual(30);
    expect(w.split('\n')[1]).toMatch(/^ {2}word/);
  });
});
