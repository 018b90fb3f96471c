// The sweep report's phase diagrams: colour scale, cells, ticks, legend and error bars.
import { describe, expect, it } from 'vitest';
import { viridis } from '../src/report';
import { errorBarPlot, heatmap } from '../src/sweep/report';
import type { SweepPointRow } from '../src/sweep/run';

const point = (x: number, y: number, mean: number, std = 0): SweepPointRow => ({
  id: `${x}-${y}`,
  values: { x, y },
  seeds: [0, 1],
  mean: { 'atomRecovery.fraction': mean },
  std: { 'atomRecovery.fraction': std },
});

describe('sweep phase diagrams', () => {
  it('viridis: the published end stops and the midpoint between two stops', () => {
    expect(viridis(0)).toBe('#440154');
    expect(viridis(1)).toBe('#fde725');
    // Halfway between stop 4 (#26828e) and stop 5 (#1f9e89): t = 4.5 / 9.
    expect(viridis(4.5 / 9)).toBe('#23908c');
    expect(viridis(Number.NaN)).toBe('#440154');
  });

  it('heatmap: one cell per pair, coloured on the metric range [0, 1], ticks and a legend', () => {
    const xs = { path: 'augment.keepProb', values: [0.1, 0.5, 0.9], kind: 'grid' as const };
    const ys = { path: 'method.temperature', values: [0.1, 0.3], kind: 'grid' as const };
    const rows = [point(0.1, 0.1, 0), point(0.5, 0.1, 1), point(0.9, 0.1, 0.5), point(0.1, 0.3, 0.25), point(0.5, 0.3, 1)];
    const svg = heatmap('atoms', 'atomRecovery.fraction', xs, ys, (x, y) => rows.find((p) => p.values['x'] === x && p.values['y'] === y));
    const cells = [
      ...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="(#[0-9a-f]{3,6})"><title>([^<]*)<\/title>/g),
    ];
    // x outermost, y inner: (0.1, 0.1), (0.1, 0.3), (0.5, 0.1), …
    expect(cells.map((c) => c[1])).toEqual(['#440154', viridis(0.25), '#fde725', '#fde725', viridis(0.5), '#ddd']);
    // The missing point (0.9, 0.3) is grey.
    expect(svg).toContain('fill="#ddd"><title>augment.keepProb = 0.9, method.temperature = 0.3');
    expect(cells[1]![2]).toBe('augment.keepProb = 0.1, method.temperature = 0.3: 0.250 ± 0.000');
    for (const t of ['0.1', '0.5', '0.9', '0.3']) expect(svg).toContain(`>${t}</text>`);
    // Legend ticks 0 … 1 on the gradient.
    expect(svg).toContain('linearGradient');
    for (const t of ['0.00', '0.40', '1.00']) expect(svg).toContain(`>${t}</text>`);
  });

  it('error bars span mean ± std; log axes say so', () => {
    const x = { path: 'method.temperature', values: [0.01, 0.1, 1], kind: 'grid' as const, log: true };
    const svg = errorBarPlot('t', 'atomRecovery.fraction', x, [{ name: 's', mean: [0.2, 0.5, 0.8], std: [0.1, 0, 0.05] }]);
    // Two points with std > 0 → two vertical bars with two caps each; circles at every point.
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg.match(/<line x1="([\d.]+)" x2="\1" y1="[\d.]+" y2="[\d.]+" stroke="#1f77b4"\/>/g)).toHaveLength(2);
    expect(svg).toContain('(log scale)');
    // Evenly spaced on the log scale: the middle x is halfway.
    const cx = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(cx[1]! - cx[0]!).toBeCloseTo(cx[2]! - cx[1]!, 0);
  });
});
