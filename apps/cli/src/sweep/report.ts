// The sweep report: phase diagrams of one metric (a heatmap over two grid axes, a line plot with
// error bars over one), a table of every point, the checks. Self-contained HTML with inline SVG.
import { formatMetric, formatNumber, metricInfo } from '@contrastive/analysis';
import { describeValue } from '../errors';
import { COLORS, esc, niceTicks, viridis } from '../report';
import { canonicalJson, type SweepAxis } from './expand';
import type { SweepPointRow, SweepResults } from './run';

/** An axis value as a short label (numbers to 3 significant digits). */
const label = (v: unknown) =>
  typeof v === 'number'
    ? Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6
      ? String(Number(v.toPrecision(4)))
      : formatNumber(v, 3)
    : typeof v === 'string'
      ? v
      : describeValue(v);
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** The metric's colour range: the catalogue's natural range (a fraction → [0, 1]) or the data's. */
function valueRange(metric: string, values: number[]): [number, number] {
  const range = metricInfo(metric)?.format.range;
  if (range) return [range[0], range[1]];
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return hi - lo < 1e-12 ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/**
 * A heatmap of `metric` (mean over seeds) with `x` across and `y` up, one cell per pair of values
 * (evenly spaced, in the axis' order), with a colour legend.
 */
export function heatmap(
  title: string,
  metric: string,
  x: SweepAxis,
  y: SweepAxis,
  cell: (xv: unknown, yv: unknown) => SweepPointRow | undefined,
): string {
  const W = 600;
  const H = 360;
  const m = { l: 80, r: 110, t: 30, b: 50 };
  const cw = (W - m.l - m.r) / x.values.length;
  const ch = (H - m.t - m.b) / y.values.length;
  const means = x.values.flatMap((xv) => y.values.map((yv) => cell(xv, yv)?.mean[metric] ?? Number.NaN));
  const [lo, hi] = valueRange(metric, means);
  const t = (v: number) => (v - lo) / (hi - lo);
  const rects = x.values
    .flatMap((xv, i) =>
      y.values.map((yv, j) => {
        const p = cell(xv, yv);
        const v = p?.mean[metric] ?? Number.NaN;
        const px = m.l + i * cw;
        const py = H - m.b - (j + 1) * ch;
        const fill = Number.isFinite(v) ? viridis(t(v)) : '#ddd';
        const sd = p && p.seeds.length > 1 ? ` ± ${formatMetric(metric, p.std[metric])}` : '';
        const text =
          cw >= 34 && ch >= 14 && Number.isFinite(v)
            ? `<text x="${(px + cw / 2).toFixed(1)}" y="${(py + ch / 2 + 4).toFixed(1)}" text-anchor="middle" fill="${t(v) > 0.6 ? '#000' : '#fff'}">${esc(formatNumber(v, 2))}</text>`
            : '';
        return `<rect x="${px.toFixed(1)}" y="${py.toFixed(1)}" width="${cw.toFixed(1)}" height="${ch.toFixed(1)}" fill="${fill}"><title>${esc(`${x.path} = ${label(xv)}, ${y.path} = ${label(yv)}: ${formatMetric(metric, v)}${sd}`)}</title></rect>${text}`;
      }),
    )
    .join('');
  const xt = x.values
    .map(
      (v, i) =>
        `<line x1="${m.l + (i + 0.5) * cw}" x2="${m.l + (i + 0.5) * cw}" y1="${H - m.b}" y2="${H - m.b + 4}" stroke="#333"/><text x="${m.l + (i + 0.5) * cw}" y="${H - m.b + 16}" text-anchor="middle">${esc(label(v))}</text>`,
    )
    .join('');
  const yt = y.values
    .map(
      (v, j) =>
        `<line x1="${m.l - 4}" x2="${m.l}" y1="${H - m.b - (j + 0.5) * ch}" y2="${H - m.b - (j + 0.5) * ch}" stroke="#333"/><text x="${m.l - 6}" y="${H - m.b - (j + 0.5) * ch + 4}" text-anchor="end">${esc(label(v))}</text>`,
    )
    .join('');
  // Legend: a vertical gradient bar with ticks of the metric's values.
  const lx = W - m.r + 24;
  const lh = H - m.t - m.b;
  const stops = Array.from({ length: 11 }, (_, k) => `<stop offset="${k * 10}%" stop-color="${viridis(k / 10)}"/>`).join('');
  const gid = `g${Math.abs(hashCode(title)).toString(36)}`;
  const ly = (v: number) => H - m.b - t(v) * lh;
  const lt = niceTicks(lo, hi, 5)
    .filter((v) => v >= lo - 1e-9 && v <= hi + 1e-9)
    .map(
      (v) =>
        `<line x1="${lx + 14}" x2="${lx + 18}" y1="${ly(v)}" y2="${ly(v)}" stroke="#333"/><text x="${lx + 21}" y="${ly(v) + 4}">${esc(formatNumber(v, 2))}</text>`,
    )
    .join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}">
<defs><linearGradient id="${gid}" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>
<text x="${m.l}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>${rects}${xt}${yt}
<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>
<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(x.path)}</text><text transform="translate(16,${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(y.path)}</text>
<rect x="${lx}" y="${m.t}" width="14" height="${lh}" fill="url(#${gid})" stroke="#333"/>${lt}<text transform="translate(${lx + 62},${(m.t + H - m.b) / 2}) rotate(90)" text-anchor="middle">${esc(metric)}</text>
</svg></figure>`;
}

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

export interface ErrorSeries {
  name: string;
  /** One entry per x value: mean and std over seeds (NaN when missing). */
  mean: number[];
  std: number[];
}

/**
 * `metric` (mean ± std over seeds as error bars) against the values of `x`: on a linear or log
 * scale for numbers, evenly spaced for other values. One series per value of another axis.
 */
export function errorBarPlot(title: string, metric: string, x: SweepAxis, series: ErrorSeries[]): string {
  const W = 600;
  const H = 320;
  const m = { l: 60, r: 190, t: 30, b: 46 };
  const numeric = x.values.every((v) => typeof v === 'number' && Number.isFinite(v));
  const log = numeric && x.log === true && x.values.every((v) => (v as number) > 0);
  const xs = x.values.map((v, i) => (numeric ? (log ? Math.log10(v as number) : (v as number)) : i));
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const pad = x1 > x0 ? 0 : 0.5;
  const sx = (v: number) => m.l + 10 + ((v - x0 + pad) / (x1 - x0 + 2 * pad)) * (W - m.l - m.r - 20);
  const all = series.flatMap((s) => s.mean.flatMap((v, i) => [v - (s.std[i] ?? 0), v + (s.std[i] ?? 0)])).filter(Number.isFinite);
  const range = metricInfo(metric)?.format.range;
  let [y0, y1] = range
    ? [Math.min(range[0], ...all), Math.max(range[1], ...all)]
    : all.length
      ? [Math.min(...all), Math.max(...all)]
      : [0, 1];
  if (y1 - y0 < 1e-12) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const sy = (v: number) => H - m.b - ((v - y0) / (y1 - y0)) * (H - m.t - m.b);
  const grid = niceTicks(y0, y1)
    .map(
      (t) =>
        `<line x1="${m.l}" x2="${W - m.r}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/><text x="${m.l - 6}" y="${sy(t) + 4}" text-anchor="end">${esc(formatNumber(t, 2))}</text>`,
    )
    .join('');
  const xt = x.values
    .map(
      (v, i) =>
        `<line x1="${sx(xs[i]!)}" x2="${sx(xs[i]!)}" y1="${H - m.b}" y2="${H - m.b + 4}" stroke="#333"/><text x="${sx(xs[i]!)}" y="${H - m.b + 16}" text-anchor="middle">${esc(label(v))}</text>`,
    )
    .join('');
  const lines = series
    .map((s, k) => {
      const c = COLORS[k % COLORS.length];
      const pts = xs.map((xv, i) => [xv, s.mean[i]!, s.std[i] ?? 0] as const).filter(([, v]) => Number.isFinite(v));
      const d = pts.map(([xv, v], j) => `${j ? 'L' : 'M'}${sx(xv).toFixed(1)},${sy(v).toFixed(1)}`).join('');
      const bars = pts
        .map(([xv, v, sd]) => {
          const px = sx(xv).toFixed(1);
          const dot = `<circle cx="${px}" cy="${sy(v).toFixed(1)}" r="3" fill="${c}"><title>${esc(`${s.name ? `${s.name}, ` : ''}${formatMetric(metric, v)} ± ${formatMetric(metric, sd)}`)}</title></circle>`;
          if (!(sd > 0)) return dot;
          const [a, b] = [sy(v - sd).toFixed(1), sy(v + sd).toFixed(1)];
          return `<line x1="${px}" x2="${px}" y1="${a}" y2="${b}" stroke="${c}"/><line x1="${Number(px) - 4}" x2="${Number(px) + 4}" y1="${a}" y2="${a}" stroke="${c}"/><line x1="${Number(px) - 4}" x2="${Number(px) + 4}" y1="${b}" y2="${b}" stroke="${c}"/>${dot}`;
        })
        .join('');
      const key = s.name
        ? `<rect x="${W - m.r + 10}" y="${m.t + k * 18}" width="12" height="3" fill="${c}"/><text x="${W - m.r + 26}" y="${m.t + k * 18 + 5}">${esc(s.name)}</text>`
        : '';
      return `<path d="${d}" fill="none" stroke="${c}" stroke-width="2"/>${bars}${key}`;
    })
    .join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="${esc(title)}">
<text x="${m.l}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>${grid}${xt}
<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#333"/>
<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(x.path)}${log ? ' (log scale)' : ''}</text><text transform="translate(14,${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(metricInfo(metric)?.label ?? metric)}</text>
${lines}</svg></figure>`;
}

/** Every combination of the values of `axes` (the slices of a diagram over the other axes). */
function combinations(axes: SweepAxis[]): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const a of axes) out = out.flatMap((c) => a.values.map((v) => ({ ...c, [a.path]: v })));
  return out;
}

/** The phase diagrams of `metric`: heatmaps over the first two grid axes and line plots over the first (per slice of the rest). */
export function phaseDiagrams(r: SweepResults, metric: string, maxSlices = 12): string {
  const grid = r.axes.filter((a) => a.kind === 'grid');
  if (grid.length === 0) return '<p>No grid axes: see the table.</p>';
  const find = (values: Record<string, unknown>) => r.points.find((p) => Object.entries(values).every(([k, v]) => same(p.values[k], v)));
  const [x, y, ...rest] = grid;
  const slices = combinations(rest).slice(0, maxSlices);
  const figures: string[] = [];
  for (const slice of slices) {
    const suffix = Object.keys(slice).length
      ? ` (${Object.entries(slice)
          .map(([k, v]) => `${k} = ${label(v)}`)
          .join(', ')})`
      : '';
    const name = metricInfo(metric)?.label ?? metric;
    if (y) figures.push(heatmap(`${name}${suffix}`, metric, x!, y, (xv, yv) => find({ ...slice, [x!.path]: xv, [y.path]: yv })));
    const series: ErrorSeries[] = (y ? y.values : [undefined]).map((yv) => {
      const rows = x!.values.map((xv) => find({ ...slice, [x!.path]: xv, ...(y ? { [y.path]: yv } : {}) }));
      return {
        name: y ? `${y.path} = ${label(yv)}` : '',
        mean: rows.map((p) => p?.mean[metric] ?? Number.NaN),
        std: rows.map((p) => p?.std[metric] ?? Number.NaN),
      };
    });
    figures.push(
      errorBarPlot(
        `${name} against ${x!.path}${suffix}${r.seeds.length > 1 ? ` (mean ± std over ${r.seeds.length} seeds)` : ''}`,
        metric,
        x!,
        series,
      ),
    );
  }
  const more =
    combinations(rest).length > maxSlices
      ? `<p>${combinations(rest).length - maxSlices} more slices are in <code>results.json</code>.</p>`
      : '';
  return figures.join('\n') + more;
}

export function renderSweepReport(r: SweepResults, metric = r.metric): string {
  const title = r.title ?? `Sweep ${r.sweep}`;
  const axes = r.axes.map((a) => a.path);
  const keys = [metric, ...r.checks.map((c) => c.metric)].filter((k, i, all) => all.indexOf(k) === i);
  const pm = (p: SweepPointRow, k: string) =>
    p.seeds.length > 1 ? `${formatMetric(k, p.mean[k])} ± ${formatMetric(k, p.std[k])}` : formatMetric(k, p.mean[k]);
  const table = `<table><thead><tr>${axes.map((a) => `<th>${esc(a)}</th>`).join('')}${keys.map((k) => `<th title="${esc(metricInfo(k)?.description ?? '')}">${esc(metricInfo(k)?.label ?? k)}</th>`).join('')}<th>seeds</th><th>point</th></tr></thead><tbody>
${r.points.map((p) => `<tr>${axes.map((a) => `<td>${esc(label(p.values[a]))}</td>`).join('')}${keys.map((k) => `<td>${pm(p, k)}</td>`).join('')}<td>${p.seeds.length}</td><td><code>${p.id}</code></td></tr>`).join('\n')}
</tbody></table>`;
  const checks = r.checks.length
    ? `<ul class="checks">${r.checks
        .map((c) => {
          const where =
            Object.entries(c.where)
              .map(([k, v]) => `${k} = ${label(v)}`)
              .join(', ') || 'every point';
          return `<li class="${c.pass ? 'pass' : 'fail'}"><b>${c.pass ? 'PASS' : 'FAIL'}</b> ${esc(c.description)} — ${esc(c.metric)} ${esc(c.op)} ${c.value} at ${esc(where)}: observed ${c.observed.map((o) => esc(formatNumber(o.mean))).join(', ')} (mean over seeds)</li>`;
        })
        .join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1280px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
figure{display:inline-block;margin:0.5em}.checks li{margin:.3em 0}.pass b{color:#1a7f37}.fail b{color:#c62828}.claim{background:#f6f8fa;padding:.8em 1em;border-left:4px solid #1f77b4}
code{background:#f3f3f3;padding:1px 4px}</style></head><body>
<h1>${esc(title)}</h1>
${r.claim ? `<p class="claim"><b>Question.</b> ${esc(r.claim)}</p>` : ''}
${r.checks.length ? `<h2>Verdict: ${r.passed ? '<span style="color:#1a7f37">every check passes</span>' : '<span style="color:#c62828">a check fails</span>'}</h2>${checks}` : ''}
${r.description ? `<p>${esc(r.description)}</p>` : ''}
<p>${r.points.length} points × ${r.seeds.length} seed(s) = ${r.jobs.length} jobs of ${r.steps} steps · axes ${esc(axes.join(' × ') || 'none')} · backend ${esc([...new Set(r.jobs.map((j) => j.backend))].join(', '))} · generated ${esc(r.generatedAt)}. Every number comes from this sweep (<code>results.json</code>).</p>
<h2>Phase diagrams: ${esc(metricInfo(metric)?.label ?? metric)} (<code>${esc(metric)}</code>)</h2>
${phaseDiagrams(r, metric)}
<h2>Points${r.seeds.length > 1 ? ' (mean ± std over seeds)' : ''}</h2>
${table}
</body></html>
`;
}
