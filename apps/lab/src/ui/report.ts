// The report of a finished run: a CLI results.json dropped on the page, or a comparison run in it.
import type { RunResults } from '../core/cli';
import { el } from './dom';
import { lineChart, type Point } from './plots';

const fmt = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(3);

/** Metrics worth a curve, in this order, when the run has them. */
const PREFERRED = [
  'atomRecovery.fraction',
  'atomRecovery.median',
  'knn.accuracy',
  'stdOfNormalized',
  'neuronPurity.median',
  'denseMass.mean',
  'linearProbe.testAccuracy',
];

export function renderReport(target: HTMLElement, results: RunResults): void {
  target.replaceChildren();
  target.append(el('h2', {}, results.title ?? results.experiment));
  if (results.claim) target.append(el('p', { class: 'intro' }, `Claim: ${results.claim}`));
  target.append(el('p', { class: 'status' }, `${results.arms.length} arms · seeds ${results.seeds.join(', ')} · ${results.steps} steps`));

  if (results.checks.length) {
    const rows = results.checks.map((c) =>
      el(
        'tr',
        {},
        el('td', { class: c.pass ? 'pass' : 'fail' }, c.pass ? 'pass' : 'FAIL'),
        el('td', {}, c.description),
        el('td', {}, c.observed.map((v) => fmt(v)).join(', ')),
      ),
    );
    target.append(
      el('h3', {}, `Checks: ${results.passed ? 'all pass' : 'some fail'}`),
      el(
        'table',
        { 'data-testid': 'checks' },
        el('tr', {}, el('th', {}, ''), el('th', {}, 'check'), el('th', {}, 'observed (per seed)')),
        ...rows,
      ),
    );
  }

  const keys = [...new Set(results.arms.flatMap((a) => Object.keys(a.mean)))];
  const shown = [...PREFERRED.filter((k) => keys.includes(k)), 'loss'].filter((k) => keys.includes(k));
  const head = el('tr', {}, el('th', {}, 'arm'), ...shown.map((k) => el('th', {}, k)));
  const body = results.arms.map((a) =>
    el(
      'tr',
      {},
      el('td', {}, a.name),
      ...shown.map((k) => el('td', {}, `${fmt(a.mean[k])}${a.seeds.length > 1 ? ` ± ${fmt(a.std[k])}` : ''}`)),
    ),
  );
  target.append(el('h3', {}, 'Final metrics (mean ± std over seeds)'), el('table', { 'data-testid': 'finals' }, head, ...body));

  const charts = el('div', { class: 'charts' });
  const loss: Point[] = results.arms.flatMap((a) =>
    a.loss.steps.map((s, i) => ({ x: s, y: a.loss.values[i] ?? Number.NaN, series: a.name })),
  );
  charts.append(el('figure', {}, lineChart(loss, { title: 'training loss', y: 'loss', width: 420, height: 220 })));
  const curveKeys = PREFERRED.filter((k) => results.arms.some((a) => a.curves.metrics[k]));
  for (const k of curveKeys) {
    const pts: Point[] = results.arms.flatMap((a) =>
      (a.curves.metrics[k] ?? []).map((v, i) => ({ x: a.curves.steps[i] ?? i, y: v ?? Number.NaN, series: a.name })),
    );
    charts.append(el('figure', {}, lineChart(pts, { title: k, y: k, width: 420, height: 220 })));
  }
  target.append(charts);
}
