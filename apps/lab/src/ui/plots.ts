// Charts with Observable Plot (SVG, scales, legends): the lab draws no SVG by hand.
import * as Plot from '@observablehq/plot';
import type { Embedding } from '../core/image-session';
import type { Heatmap } from '../core/session';

export interface Point {
  x: number;
  y: number;
  series: string;
}

/** Lines of y over steps, one per series, with a legend when there are several. */
export function lineChart(
  points: Point[],
  options: { title: string; y: string; width?: number; height?: number; yDomain?: [number, number]; rule?: number },
): Element {
  const series = new Set(points.map((p) => p.series));
  const finite = points.filter((p) => Number.isFinite(p.y));
  const fig = Plot.plot({
    title: options.title,
    width: options.width ?? 280,
    height: options.height ?? 170,
    marginLeft: 48,
    x: { label: 'step', grid: true },
    y: { label: options.y, grid: true, ...(options.yDomain ? { domain: options.yDomain } : {}) },
    color: { legend: series.size > 1, type: 'categorical' },
    marks: [
      ...(options.rule !== undefined ? [Plot.ruleY([options.rule], { stroke: '#aab3c5', strokeDasharray: '4 3' })] : []),
      Plot.line(finite, { x: 'x', y: 'y', z: 'series', stroke: 'series' }),
      Plot.frame({ stroke: '#e1e5ec' }),
    ],
  });
  return fig;
}

/** A loss trajectory thinned to at most `max` points (mean of each window), for plotting. */
export function thin(values: number[], series: string, max = 300): Point[] {
  const w = Math.max(1, Math.ceil(values.length / max));
  const out: Point[] = [];
  for (let s = 0; s < values.length; s += w) {
    const chunk = values.slice(s, s + w);
    out.push({ x: s + chunk.length, y: chunk.reduce((a, b) => a + b, 0) / chunk.length, series });
  }
  return out;
}

/** Neuron × atom |cos| heatmap (rows already sorted so a recovered dictionary is a diagonal). */
export function heatmapChart(h: Heatmap, options: { title: string; width?: number; height?: number }): Element {
  const cells: Array<{ atom: number; row: number; v: number }> = [];
  for (let r = 0; r < h.neurons; r++) for (let a = 0; a < h.atoms; a++) cells.push({ atom: a, row: r, v: h.values[r * h.atoms + a]! });
  return Plot.plot({
    title: options.title,
    width: options.width ?? 280,
    height: options.height ?? 280,
    marginLeft: 30,
    marginBottom: 30,
    padding: 0,
    x: { label: `atom j (${h.atoms})`, ticks: [], type: 'band' },
    y: { label: `neuron i (${h.neurons}, sorted)`, ticks: [], type: 'band' },
    color: { scheme: 'blues', domain: [0, 1], legend: true, label: '|cos(w_i, M_j)|' },
    marks: [Plot.cell(cells, { x: 'atom', y: 'row', fill: 'v', inset: 0 })],
  });
}

/** The 2-D embedding (PCA of the representation) of test images, one dot per image coloured by class. */
export function scatterChart(e: Embedding, options: { title: string; width?: number; height?: number; legend?: boolean }): Element {
  const points = e.x.map((x, i) => ({ x, y: e.y[i]!, label: e.classNames[e.labels[i]!] ?? String(e.labels[i]) }));
  const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
  return Plot.plot({
    title: options.title,
    width: options.width ?? 360,
    height: options.height ?? 300,
    marginLeft: 40,
    x: { label: `PC 1 (${pct(e.explained[0])})`, ticks: 4 },
    y: { label: `PC 2 (${pct(e.explained[1])})`, ticks: 4 },
    color: { type: 'categorical', domain: e.classNames, scheme: 'tableau10', legend: options.legend ?? true },
    marks: [Plot.dot(points, { x: 'x', y: 'y', fill: 'label', r: 2, fillOpacity: 0.75 }), Plot.frame({ stroke: '#e1e5ec' })],
  });
}
