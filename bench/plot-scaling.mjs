#!/usr/bin/env node
// Draws the scaling sweep of `node run.mjs --scaling` (bench/results/scaling.json, or the file
// given as the first argument) as log-log SVGs with Observable Plot, rendered server-side in a
// jsdom document: bench/scaling-time.svg (ms per step against batch size and against width) and
// bench/scaling-memory.svg (peak RSS above the process's start against batch size). Workloads:
// the flagship step, SupCon and issue 12's CNN step (its width multiplier drawn as the channels of
// its last convolution, 128 × multiplier).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';

const here = dirname(fileURLToPath(import.meta.url));
const input = process.argv[2] ?? join(here, 'results', 'scaling.json');
const { rows, exponents, date, loadavg } = JSON.parse(readFileSync(input, 'utf8'));
const { document } = new JSDOM('').window;

const NAMES = { infonce: 'flagship step (fused InfoNCE)', supcon: 'SupCon fwd + bwd', cnn: 'CNN SimCLR step (28×28)' };
/** One record per (point, implementation). */
const data = rows.flatMap((r) =>
  [
    ['ours', r.ours],
    ['PyTorch (1 core)', r.torch],
  ]
    .filter(([, m]) => m && Number.isFinite(m.ms))
    .map(([who, m]) => ({
      workload: NAMES[r.workload] ?? r.workload,
      axis: r.axis,
      batch: r.batchSize ?? r.batch,
      // the CNN's width multiplier as the channels of its last convolution (128 × multiplier)
      width: r.workload === 'cnn' ? 128 * r.width : (r.width ?? r.dim),
      who,
      series: `${NAMES[r.workload] ?? r.workload}, ${who}`,
      ms: m.cpuMs ?? m.ms, // CPU time: under load, wall time also counts the waiting for a core
      memMB: Math.max(1, m.peakRssMB - m.baseRssMB),
    })),
);

const COLORS = { [NAMES.infonce]: '#1f77b4', [NAMES.supcon]: '#d62728', [NAMES.cnn]: '#2ca02c' };
const esc = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A standalone SVG: the plot (pure SVG, no HTML legend) under a title, with a legend of the
 * series drawn as SVG and the caption below.
 */
function figure(plot, title, caption) {
  const w = Number(plot.getAttribute('width'));
  const h = Number(plot.getAttribute('height'));
  const top = 34 + 14 * Object.keys(COLORS).length; // below the legend's rows
  plot.setAttribute('y', String(top));
  const legend = [];
  let row = 0;
  for (const [name, color] of Object.entries(COLORS)) {
    let x = 10;
    const y = 34 + 14 * row++;
    for (const [who, dash] of [
      ['ours', ''],
      ['PyTorch 1 core', '5,4'],
    ]) {
      const label = `${name}, ${who}`;
      legend.push(
        `<line x1="${x}" y1="${y - 4}" x2="${x + 24}" y2="${y - 4}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>` +
          `<text x="${x + 30}" y="${y}" font-size="11">${esc(label)}</text>`,
      );
      x += 330;
    }
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h + top + 28}" viewBox="0 0 ${w} ${h + top + 28}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...legend,
    plot.outerHTML,
    `<text x="10" y="${h + top + 20}" font-size="10" fill="#555">${esc(caption)}</text>`,
    '</svg>',
  ].join('\n');
}

const exp = (w, who) => {
  const e = exponents?.[w]?.time?.[who];
  return e ? `${e.top.toFixed(2)}` : '?';
};
const caption = `${date?.slice(0, 10) ?? ''}, load average ${loadavg?.start?.[0]?.toFixed(1) ?? '?'}; time exponents over the top three batches: InfoNCE ours ${exp('infonce', 'ours')}, PyTorch ${exp('infonce', 'torch')}; SupCon ours ${exp('supcon', 'ours')}, PyTorch ${exp('supcon', 'torch')}; CNN ours ${exp('cnn', 'ours')}, PyTorch ${exp('cnn', 'torch')}`;

const lineMarks = (rowsOf, x, y) => [
  Plot.line(
    rowsOf.filter((d) => d.who === 'ours'),
    { x, y, stroke: 'workload', z: 'series', strokeWidth: 2 },
  ),
  Plot.line(
    rowsOf.filter((d) => d.who !== 'ours'),
    { x, y, stroke: 'workload', z: 'series', strokeWidth: 2, strokeDasharray: '5,4' },
  ),
  Plot.dot(rowsOf, { x, y, stroke: 'workload', fill: (d) => (d.who === 'ours' ? COLORS[d.workload] : 'white'), r: 3 }),
];

const common = {
  document,
  width: 820,
  height: 400,
  marginRight: 20,
  color: { domain: Object.keys(COLORS), range: Object.values(COLORS) },
  style: { fontFamily: 'sans-serif', fontSize: '12px', background: 'white' },
};
const byBatch = data.filter((d) => d.axis === 'batch');
const byWidth = data.filter((d) => d.axis === 'width');

const time = Plot.plot({
  ...common,
  x: { type: 'log', label: 'batch size B', grid: true },
  y: { type: 'log', label: 'CPU ms per step', grid: true },
  marks: lineMarks(byBatch, 'batch', 'ms'),
});
const width = Plot.plot({
  ...common,
  x: { type: 'log', label: 'width (flagship m / SupCon feature dim / CNN last-layer channels)', grid: true },
  y: { type: 'log', label: 'CPU ms per step', grid: true },
  marks: lineMarks(byWidth, 'width', 'ms'),
});
const memory = Plot.plot({
  ...common,
  x: { type: 'log', label: 'batch size B', grid: true },
  y: { type: 'log', label: 'MB', grid: true },
  marks: lineMarks(byBatch, 'batch', 'memMB'),
});

for (const [file, plot, title, note] of [
  ['scaling-time.svg', time, 'Step time against batch size (log-log)', caption],
  [
    'scaling-width.svg',
    width,
    'Step time against width (log-log): flagship m at B = 512, SupCon dim at B = 1024, CNN at B = 256',
    `${date?.slice(0, 10) ?? ''}`,
  ],
  [
    'scaling-memory.svg',
    memory,
    'Peak memory above the process start against batch size (log-log)',
    'peak RSS of a fresh process per point minus its RSS after setup (ours: wasm heap + native scratch; PyTorch: its allocator)',
  ],
]) {
  writeFileSync(join(here, file), figure(plot, title, note));
  console.log(`wrote bench/${file}`);
}
