import { formatMetric, formatNumber, metricCatalogue, metricInfo } from '@contrastive/analysis';
import type { Experiment } from './config';
import { absCosRows, decodeBytes, diagonalOrder, type Pictures } from './pictures';
import type { RunResults } from './results';
import { type CalibrationNote, verdictOf } from './verdict';

export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A number with `digits` decimals (analysis' `formatNumber`: exponent notation for tiny/huge, '–' if missing). */
export const fmt = formatNumber;

export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Decimals that tell neighbouring ticks apart (0.124 and 0.125 are not both "0.12"). */
export function tickDigits(ticks: number[]): number {
  if (ticks.length < 2) return 2;
  const step = Math.abs(ticks[1]! - ticks[0]!);
  for (let d = 0; d <= 10; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  return 10;
}

export interface Series {
  name: string;
  /** Line colour (default: by position in the chart). */
  color?: string;
  x: number[];
  y: number[];
}

/** A self-contained SVG line chart. */
export function lineChart(
  title: string,
  series: Series[],
  { yLabel = '', xLabel = 'step', yMin, yMax }: { yLabel?: string; xLabel?: string; yMin?: number; yMax?: number } = {},
): string {
  const W = 560;
  const H = 300;
  const m = { l: 56, r: 150, t: 28, b: 40 };
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => s.y).filter(Number.isFinite);
  if (xs.length === 0 || ys.length === 0) return `<figure><figcaption>${esc(title)}</figcaption><p>no data</p></figure>`;
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  let y0 = yMin ?? Math.min(...ys);
  let y1 = yMax ?? Math.max(...ys);
  if (y1 - y0 < 1e-12) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const yTicks = niceTicks(y0, y1);
  const grid = yTicks
    .map(
      (t) =>
        `<line x1="${m.l}" x2="${W - m.r}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/><text x="${m.l - 6}" y="${sy(t) + 4}" text-anchor="end">${t.toFixed(tickDigits(yTicks))}</text>`,
    )
    .join('');
  const xt = niceTicks(x0, x1)
    .map((t) => `<text x="${sx(t)}" y="${H - m.b + 16}" text-anchor="middle">${t}</text>`)
    .join('');
  const lines = series
    .map((s, i) => {
      const pts = s.x.map((x, j) => [x, s.y[j]!] as const).filter(([, y]) => Number.isFinite(y));
      const d = pts.map(([x, y], j) => `${j ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
      const c = s.color ?? COLORS[i % COLORS.length];
      return `<path d="${d}" fill="none" stroke="${c}" stroke-width="2"/><rect x="${W - m.r + 10}" y="${m.t + i * 18}" width="12" height="3" fill="${c}"/><text x="${W - m.r + 26}" y="${m.t + i * 18 + 5}">${esc(s.name)}</text>`;
    })
    .join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}">
<text x="${m.l}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>${grid}${xt}
<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#333"/>
<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text><text transform="translate(14,${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>
${lines}</svg></figure>`;
}

/** Grouped bar chart: one group per category, one bar per series. */
export function barChart(
  title: string,
  categories: string[],
  series: Array<{ name: string; values: number[] }>,
  { yLabel = '' } = {},
): string {
  const W = 560;
  const H = 300;
  const m = { l: 56, r: 150, t: 28, b: 40 };
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  if (all.length === 0) return `<figure><figcaption>${esc(title)}</figcaption><p>no data</p></figure>`;
  const y0 = Math.min(0, ...all);
  const y1 = Math.max(0.1, ...all);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const gw = (W - m.l - m.r) / categories.length;
  const bw = (gw * 0.8) / series.length;
  const yTicks = niceTicks(y0, y1);
  const grid = yTicks
    .map(
      (t) =>
        `<line x1="${m.l}" x2="${W - m.r}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/><text x="${m.l - 6}" y="${sy(t) + 4}" text-anchor="end">${t.toFixed(tickDigits(yTicks))}</text>`,
    )
    .join('');
  const bars = series
    .map((s, i) =>
      s.values
        .map((v, j) => {
          if (!Number.isFinite(v)) return '';
          const x = m.l + j * gw + gw * 0.1 + i * bw;
          const top = sy(Math.max(0, v));
          const h = Math.abs(sy(v) - sy(0));
          return `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(s.name)} · ${esc(categories[j]!)}: ${fmt(v)}</title></rect>`;
        })
        .join(''),
    )
    .join('');
  const labels = categories
    .map((c, j) => `<text x="${m.l + j * gw + gw / 2}" y="${H - m.b + 16}" text-anchor="middle">${esc(c)}</text>`)
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${W - m.r + 10}" y="${m.t + i * 18 - 6}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${W - m.r + 26}" y="${m.t + i * 18 + 3}">${esc(s.name)}</text>`,
    )
    .join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}">
<text x="${m.l}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>${grid}
<line x1="${m.l}" x2="${W - m.r}" y1="${sy(0)}" y2="${sy(0)}" stroke="#333"/>${bars}${labels}${legend}
<text transform="translate(14,${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text></svg></figure>`;
}

/** Viridis at ten stops (perceptually uniform, readable in greyscale and by most colour-blind readers). */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

/** The viridis colour of t ∈ [0, 1] (linear interpolation between the stops). */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const rgb = (h: string) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16));
  const [a, b] = [rgb(VIRIDIS[i]!), rgb(VIRIDIS[i + 1]!)];
  return `#${a
    .map((v, k) =>
      Math.round(v + f * (b[k]! - v))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

const LEVELS = 20;

/**
 * Heatmap of a [rows][cols] matrix with values in [0, 1] (inline SVG): cells quantised to 20
 * colour levels, each level one <path> (a 256 × 64 matrix stays a few hundred kB), axis ticks and
 * a colour-scale legend.
 */
export function heatmap(
  title: string,
  values: number[][],
  { xLabel = '', yLabel = '', rowOrder, colOrder }: { xLabel?: string; yLabel?: string; rowOrder?: number[]; colOrder?: number[] } = {},
): string {
  const rows = rowOrder ?? values.map((_, i) => i);
  const cols = colOrder ?? (values[0] ?? []).map((_, j) => j);
  if (rows.length === 0 || cols.length === 0) return `<figure><figcaption>${esc(title)}</figcaption><p>no data</p></figure>`;
  const m = { l: 48, r: 70, t: 28, b: 40 };
  const cell = Math.max(1, Math.min(8, Math.floor(360 / Math.max(rows.length, cols.length))));
  const w = cols.length * cell;
  const h = rows.length * cell;
  const W = m.l + w + m.r;
  const H = m.t + h + m.b;
  const paths: string[][] = Array.from({ length: LEVELS }, () => []);
  rows.forEach((i, y) =>
    cols.forEach((j, x) => {
      const level = Math.min(LEVELS - 1, Math.floor((values[i]![j] ?? 0) * LEVELS));
      paths[level]!.push(`M${m.l + x * cell} ${m.t + y * cell}h${cell}v${cell}h-${cell}z`);
    }),
  );
  const cells = paths.map((d, k) => (d.length ? `<path fill="${viridis((k + 0.5) / LEVELS)}" d="${d.join('')}"/>` : '')).join('');
  const ticks = (n: number) => niceTicks(0, n - 1, 4).filter((t) => Number.isInteger(t));
  const xt = ticks(cols.length)
    .map((t) => `<text x="${m.l + (t + 0.5) * cell}" y="${m.t + h + 14}" text-anchor="middle">${t + 1}</text>`)
    .join('');
  const yt = ticks(rows.length)
    .map((t) => `<text x="${m.l - 4}" y="${m.t + (t + 0.5) * cell + 4}" text-anchor="end">${t + 1}</text>`)
    .join('');
  const lx = m.l + w + 16;
  const legend = Array.from(
    { length: LEVELS },
    (_, k) =>
      `<rect x="${lx}" y="${(m.t + h - ((k + 1) * h) / LEVELS).toFixed(1)}" width="12" height="${(h / LEVELS + 0.5).toFixed(1)}" fill="${viridis((k + 0.5) / LEVELS)}"/>`,
  ).join('');
  const lt = [0, 0.2, 0.4, 0.6, 0.8, 1]
    .map((t) => `<text x="${lx + 16}" y="${(m.t + h - t * h + 4).toFixed(1)}">${t.toFixed(1)}</text>`)
    .join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}" shape-rendering="crispEdges">
<text x="${m.l}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>${cells}
<rect x="${m.l}" y="${m.t}" width="${w}" height="${h}" fill="none" stroke="#333"/>${xt}${yt}${legend}${lt}
<text x="${m.l + w / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text><text transform="translate(12,${m.t + h / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text></svg></figure>`;
}

/** The mean of the sorted diagonal and of the off-diagonal cells of a heatmap in `diagonalOrder` (atoms × their matched neurons). */
export function diagonalContrast(absCos: number[][]): { diagonal: number; offDiagonal: number } {
  const { rows, cols } = diagonalOrder(absCos);
  let diag = 0;
  let off = 0;
  let nOff = 0;
  cols.forEach((j, k) => {
    rows.forEach((i, r) => {
      if (r === k) diag += absCos[i]![j]!;
      else {
        off += absCos[i]![j]!;
        nOff++;
      }
    });
  });
  return { diagonal: diag / cols.length, offDiagonal: off / Math.max(1, nOff) };
}

/**
 * An uncompressed 24-bit BMP data URI of an image of bytes [h, w, c] (c = 1 grey or 3 RGB): every
 * browser shows it, so the report stays one offline file with no image library.
 */
export function bmpDataUri(bytes: Uint8Array, h: number, w: number, c: number): string {
  const stride = Math.ceil((w * 3) / 4) * 4;
  const size = 54 + stride * h;
  const buf = Buffer.alloc(size);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(size, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(w, 18);
  buf.writeInt32LE(h, 22); // positive: rows stored bottom-up
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(stride * h, 34);
  for (let y = 0; y < h; y++) {
    const row = 54 + (h - 1 - y) * stride;
    for (let x = 0; x < w; x++) {
      const at = (y * w + x) * c;
      const [r, g, b] = c >= 3 ? [bytes[at]!, bytes[at + 1]!, bytes[at + 2]!] : [bytes[at]!, bytes[at]!, bytes[at]!];
      buf[row + x * 3] = b;
      buf[row + x * 3 + 1] = g;
      buf[row + x * 3 + 2] = r;
    }
  }
  return `data:image/bmp;base64,${buf.toString('base64')}`;
}

/** An image of `imageBytes` as an <img>, scaled up with sharp pixels. */
function pixelImage(b64: string, h: number, w: number, c: number, scale: number, title = ''): string {
  return `<img src="${bmpDataUri(decodeBytes(b64), h, w, c)}" width="${w * scale}" height="${h * scale}" alt="${esc(title)}" title="${esc(title)}" style="image-rendering:pixelated;margin:1px">`;
}

/** The first-layer filters of an arm as a grid of small images. */
export function filterGrid(title: string, filters: NonNullable<Pictures['filters']>): string {
  const { size, channels, images } = filters;
  const scale = Math.max(4, Math.floor(36 / size));
  const cells = images.map((b, i) => pixelImage(b, size, size, channels >= 3 ? 3 : 1, scale, `filter ${i + 1}`)).join('');
  return `<figure><figcaption>${esc(title)}</figcaption><div style="max-width:${8 * (size * scale + 2)}px;line-height:0">${cells}</div></figure>`;
}

/** Training images (top row) and their two views (rows below). */
export function augmentationPreview(title: string, preview: NonNullable<Pictures['preview']>): string {
  const [h, w, c] = preview.shape;
  const row = (label: string, imgs: string[]) =>
    imgs.length
      ? `<tr><th style="text-align:right;font-weight:normal">${esc(label)}</th><td>${imgs.map((b) => pixelImage(b, h, w, c, 2)).join('')}</td></tr>`
      : '';
  return `<figure><figcaption>${esc(title)}</figcaption><table style="border:0">${row('image', preview.images)}${preview.views
    .map((v, i) => row(`view ${i + 1}`, v))
    .join('')}</table></figure>`;
}

/** A 2-D scatter (PCA of the test embeddings) coloured by label, with a legend. */
export function labelScatter(title: string, scatter: NonNullable<Pictures['scatter']>): string {
  const W = 420;
  const H = 340;
  const m = { l: 20, r: 120, t: 28, b: 20 };
  const [xs, ys] = [scatter.x, scatter.y];
  if (xs.length === 0) return `<figure><figcaption>${esc(title)}</figcaption><p>no data</p></figure>`;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (v: number) => m.l + ((v - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const sy = (v: number) => H - m.b - ((v - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const classes = [...new Set(scatter.labels)].sort((a, b) => a - b);
  const colour = (k: number) => (k < COLORS.length ? COLORS[k]! : viridis(k / Math.max(1, classes.length - 1)));
  const name = (k: number) => scatter.classNames?.[k] ?? `class ${k}`;
  const dots = xs
    .map(
      (x, i) =>
        `<circle cx="${sx(x).toFixed(1)}" cy="${sy(ys[i]!).toFixed(1)}" r="2.2" fill="${colour(scatter.labels[i]!)}" fill-opacity="0.75"><title>${esc(name(scatter.labels[i]!))}</title></circle>`,
    )
    .join('');
  const legend = classes
    .map(
      (k, i) =>
        `<circle cx="${W - m.r + 14}" cy="${m.t + i * 16}" r="4" fill="${colour(k)}"/><text x="${W - m.r + 22}" y="${m.t + i * 16 + 4}">${esc(name(k))}</text>`,
    )
    .join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}">
<text x="${m.l}" y="16" font-size="13" font-weight="bold">${esc(title)}</text><rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#ccc"/>${dots}${legend}
<text x="${(m.l + W - m.r) / 2}" y="${H - 4}" text-anchor="middle">PC 1</text></svg></figure>`;
}

/** The image-model pictures of every arm that has them: filters, the augmentation preview, the embedding scatter. */
function imageSection(r: RunResults): string {
  const arms = r.arms.filter((a) => a.pictures?.filters || a.pictures?.preview || a.pictures?.scatter);
  if (arms.length === 0) return '';
  const filters = arms
    .filter((a) => a.pictures!.filters)
    .map((a) => filterGrid(`${a.name} (seed ${a.pictures!.seed})`, a.pictures!.filters!));
  // One preview per distinct view distribution (arms sharing an augmentation show the same views).
  const seen = new Set<string>();
  const previews = arms
    .filter((a) => a.pictures!.preview)
    .filter((a) => {
      const key = JSON.stringify(a.pictures!.preview!.views);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((a) => augmentationPreview(`${a.name}: the two views of six training images`, a.pictures!.preview!));
  const scatters = arms
    .filter((a) => a.pictures!.scatter)
    .map((a) => labelScatter(`${a.name}: test embeddings, first two principal components`, a.pictures!.scatter!));
  return `${filters.length ? `<h3>First-layer filters</h3><p>Each small image is one filter of the encoder's first convolution (min–max scaled per filter), at the first seed: edge and blob detectors show as oriented light/dark patterns, an untrained encoder's filters as noise.</p>\n${filters.join('\n')}` : ''}
${previews.length ? `<h3>Augmentation preview</h3><p>What the encoder is asked to match: six training images (top) and their two augmented views.</p>\n${previews.join('\n')}` : ''}
${scatters.length ? `<h3>Embeddings</h3><p>Test images embedded by the frozen encoder (eval mode), projected on the first two principal components and coloured by class: classes that separate here are easy for the probe.</p>\n${scatters.join('\n')}` : ''}`;
}

/** The "what was learned" section: per arm (first seed) the |cos| heatmap, then dense mass and spectra. */
function learnedSection(r: RunResults): string {
  const arms = r.arms.filter((a) => a.pictures);
  if (arms.length === 0) return '';
  // The same colour per arm as in the curves below.
  const armColor = (name: string) => COLORS[r.arms.findIndex((a) => a.name === name) % COLORS.length]!;
  const maps = arms
    .filter((a) => a.pictures!.absCos?.length)
    .map((a) => {
      const cos = absCosRows(a.pictures!.absCos!);
      const order = diagonalOrder(cos);
      return heatmap(`${a.name} (seed ${a.pictures!.seed})`, cos, {
        rowOrder: order.rows,
        colOrder: order.cols,
        xLabel: 'atom M_j (best matched first)',
        yLabel: 'neuron w_i (matched to atom)',
      });
    })
    .join('\n');
  const dense = arms.filter((a) => a.pictures!.denseMass?.length);
  const denseChart = dense.length
    ? lineChart(
        'Dense mass per neuron, sorted (share of ‖w_i‖² in span(H))',
        dense.map((a) => {
          const v = [...a.pictures!.denseMass!].sort((x, y) => y - x);
          return { name: a.name, color: armColor(a.name), x: v.map((_, i) => i + 1), y: v };
        }),
        { xLabel: 'neuron rank', yLabel: 'dense mass', yMin: 0, yMax: 1 },
      )
    : '';
  const spectra = arms.filter((a) => a.pictures!.spectrum?.length);
  // log10(λ_k / λ_1), floored at 1e-8 so an exact zero (collapse) stays on the plot.
  const spectrumChart = spectra.length
    ? lineChart(
        'Eigenvalue spectrum of the representation (collapse: a cliff)',
        spectra.map((a) => {
          const ev = a.pictures!.spectrum!;
          const top = ev[0]! > 0 ? ev[0]! : 1;
          return {
            name: a.name,
            color: armColor(a.name),
            x: ev.map((_, i) => i + 1),
            y: ev.map((v) => Math.log10(Math.max(v / top, 1e-8))),
          };
        }),
        { xLabel: 'eigenvalue index k', yLabel: 'log10 λ_k / λ_1' },
      )
    : '';
  return `<h2>What was learned</h2>
${imageSection(r)}
${maps ? `<p>|cos(w_i, M_j)| between each neuron and each dictionary atom, at the first seed. Atoms are matched one-to-one with neurons (Hungarian assignment, maximum total |cos|) and sorted by their match, so a recovered dictionary shows as a bright diagonal; unmatched neurons follow below.</p>\n${maps}` : ''}
${denseChart}${spectrumChart}`;
}

/** Metrics shown in the final table, in catalogue order, with labels; only those present are shown. */
export const TABLE_METRICS: Array<[key: string, label: string]> = metricCatalogue.filter((m) => m.table).map((m) => [m.key, m.label]);

/** ↑ when higher is better, ↓ when lower is better (catalogue direction). */
const arrow = (key: string) => ({ higher: ' ↑', lower: ' ↓', neutral: '' })[metricInfo(key)?.direction ?? 'neutral'];

export interface ReportOptions {
  /** How the run's setting differs from the one the checks were calibrated for (`calibrationNotes`). */
  notes?: CalibrationNote[];
}

export function renderReport(exp: Experiment, r: RunResults, options: ReportOptions = {}): string {
  const verdict = verdictOf(r, options.notes);
  const present = TABLE_METRICS.filter(([k]) => r.arms.some((a) => a.mean[k] !== undefined));
  const pm = (a: RunResults['arms'][number], k: string) =>
    a.seeds.length > 1 ? `${formatMetric(k, a.mean[k])} ± ${formatMetric(k, a.std[k])}` : formatMetric(k, a.mean[k]);
  const table = `<table><thead><tr><th>arm</th>${present.map(([k, l]) => `<th title="${esc(metricInfo(k)?.description ?? '')}">${esc(l + arrow(k))}</th>`).join('')}<th>steps/s</th></tr></thead><tbody>
${r.arms.map((a) => `<tr><td>${esc(a.name)}</td>${present.map(([k]) => `<td>${pm(a, k)}</td>`).join('')}<td>${fmt(meanOf(a.seeds.map((s) => s.stepsPerSecond)), 0)}</td></tr>`).join('\n')}
</tbody></table>`;
  const checks = r.checks.length
    ? `<ul class="checks">${r.checks
        .map(
          (c) =>
            `<li class="${c.pass ? 'pass' : 'fail'}"><b>${c.pass ? 'PASS' : 'FAIL'}</b> ${esc(c.description)} — ${esc(c.metric)} ${esc(c.op)} ${c.reference ? `${esc(c.than ? `'${c.than}'` : 'initial value')}${c.value ? ` + ${c.value}` : ''} (${c.reference.map((v) => fmt(v)).join(', ')})` : c.value}: observed ${c.observed.map((v) => fmt(v)).join(', ')} (${c.aggregate === 'mean' ? 'mean over seeds' : 'every seed'})</li>`,
        )
        .join('')}</ul>`
    : '';
  // The y axis spans the metric's natural range when the catalogue gives one (e.g. [0, 1] for a fraction).
  const curve = (key: string, title: string, yLabel: string) => {
    const range = metricInfo(key)?.format.range;
    return r.arms.some((a) => a.curves.metrics[key])
      ? lineChart(
          title,
          r.arms.filter((a) => a.curves.metrics[key]).map((a) => ({ name: a.name, x: a.curves.steps, y: a.curves.metrics[key]! })),
          {
            yLabel,
            ...(range ? { yMin: range[0], yMax: range[1] } : {}),
          },
        )
      : '';
  };
  const cvKeys = ['crossView.atoms', 'crossView.noise', 'crossView.dense'].filter((k) => r.arms.some((a) => a.mean[k] !== undefined));
  const figures = [
    curve('atomRecovery.fraction', 'Atoms recovered (a_j > 0.8) over training', 'fraction of atoms'),
    curve('atomRecovery.median', 'Median atom recovery a_j = max_i |cos(w_i, M_j)|', 'median a_j'),
    curve('denseMass.mean', 'Dense mass: share of ‖w_i‖² in span(H)', 'mean dense mass'),
    curve('knn.accuracy', 'kNN accuracy on held-out samples', 'accuracy'),
    curve('knn.top1', 'Online kNN monitor: weighted kNN top-1 (k = 200) on test images', 'accuracy'),
    curve('stdOfNormalized', 'Std of the L2-normalised output (collapse → 0)', 'std'),
    curve('stdOfNormalized.projection', 'Std of the L2-normalised projection (collapse → 0)', 'std'),
    curve('hltmBestCorrelation.mean', 'Best |corr| of hidden units with the latent nodes', 'mean over nodes'),
    curve('r2.mean', 'R² of a linear map from features to latents', 'R²'),
    curve('mcc', 'Mean correlation coefficient (matched latents)', 'MCC'),
    curve('commutatorNorm', 'Normalised commutator ‖[F, W_p]‖ / (‖F‖‖W_p‖)', 'norm'),
    lineChart(
      'Training loss',
      r.arms.map((a) => ({ name: a.name, x: a.loss.steps, y: a.loss.values })),
      { yLabel: 'loss' },
    ),
    cvKeys.length
      ? barChart(
          'Cross-view correlation of ⟨w, x⁺⟩ and ⟨w, x⁺⁺⟩ by feature type',
          cvKeys.map((k) => k.replace('crossView.', '')),
          r.arms.map((a) => ({ name: a.name, values: cvKeys.map((k) => a.mean[k] ?? Number.NaN) })),
          { yLabel: 'Pearson correlation' },
        )
      : '',
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title ?? r.experiment)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1180px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
figure{display:inline-block;margin:0.5em}.checks li{margin:.3em 0}.pass b{color:#1a7f37}.fail b{color:#c62828}.notes{color:#9a6700}.claim{background:#f6f8fa;padding:.8em 1em;border-left:4px solid #1f77b4}
code{background:#f3f3f3;padding:1px 4px}</style></head><body>
<h1>${esc(r.title ?? r.experiment)}</h1>
${r.claim ? `<p class="claim"><b>Claim.</b> ${esc(r.claim)}</p>` : ''}
<h2>Verdict: ${{ 'no-checks': 'no checks', shown: '<span style="color:#1a7f37">the run shows the claim</span>', 'not-shown': '<span style="color:#c62828">the run does not show the claim</span>', 'not-applicable': '<span style="color:#9a6700">checks not applicable to this setting</span>' }[verdict.status]}</h2>
${verdict.notes.length ? `<p class="notes">${esc(verdict.line)}</p><ul class="notes">${verdict.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${checks}
${r.description ? `<p>${esc(r.description)}</p>` : ''}
<p>${r.steps} steps · seeds ${r.seeds.join(', ')} · backend ${esc([...new Set(r.arms.flatMap((a) => a.seeds.map((s) => s.backend)))].join(', '))} · generated ${esc(r.generatedAt)}. Every number below comes from this run (<code>results.json</code>, <code>metrics.jsonl</code>).</p>
<h2>Final results${r.seeds.length > 1 ? ' (mean ± std over seeds)' : ''}</h2>
${table}
${glossary(present.map(([k]) => k))}
${learnedSection(r)}
<h2>Plots</h2>
${figures}
<h2>Configuration</h2>
<pre>${esc(JSON.stringify(exp, null, 2))}</pre>
</body></html>
`;
}

/** What each column of the table means (catalogue descriptions), with which way is better. */
function glossary(keys: string[]): string {
  const rows = keys.flatMap((k) => {
    const m = metricInfo(k);
    return m ? [`<dt><code>${esc(k)}</code> — ${esc(m.label + arrow(k))}</dt><dd>${esc(m.description)}</dd>`] : [];
  });
  return rows.length
    ? `<details class="glossary"><summary>What the columns mean (↑ higher is better, ↓ lower is better)</summary><dl>${rows.join('')}</dl></details>`
    : '';
}

function meanOf(v: number[]): number {
  return v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
}
