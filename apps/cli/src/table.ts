// What the terminal shows at the end of a run: the results table, the claim, the checks and the
// verdict, laid out to fit the terminal's width (string-width measures what a cell occupies on
// screen, wrap-ansi wraps prose; both handle wide and combining characters that `.length` miscounts).
import { formatMetric, metricInfo } from '@contrastive/analysis';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { TABLE_METRICS } from './report';
import type { RunResults } from './results';
import { type CalibrationNote, verdictOf } from './verdict';

export interface TableOptions {
  /** Terminal width in columns; every line printed is at most this wide (default 80). */
  columns?: number;
  /** Show every metric of the catalogue's table set, not only the ones the checks are about (default false). */
  wide?: boolean;
  /** How the run's setting differs from the one the checks were calibrated for (`calibrationNotes`). */
  notes?: CalibrationNote[];
}

/** The width of a terminal stream, or 80 when it is not a terminal (a pipe, a file, CI). */
export function terminalColumns(stream: { columns?: number; isTTY?: boolean } = process.stdout): number {
  return stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : 80;
}

/**
 * `text` wrapped at spaces to `width` columns; continuation lines start with `indent` (a hanging
 * indent); a paragraph keeps its leading spaces. A word wider than a line is cut.
 */
export function wrap(text: string, width: number, indent = ''): string {
  const out: string[] = [];
  // No break inside "≥ 90 %": a comparison sign keeps its number, a unit its value (no-break spaces).
  const glued = text.replace(/ (%)(?=[\s,.;:)]|$)/g, '\u00a0$1').replace(/([≥≤<>=≈]) (?=[-\d])/g, '$1\u00a0');
  for (const para of glued.split('\n')) {
    const lead = /^ */.exec(para)![0];
    let line = lead;
    let empty = true;
    // Words with the spaces before them: spacing inside a line is kept ('name   summary').
    for (const [, gap, word] of para.slice(lead.length).matchAll(/( *)([^ ]+)/g)) {
      const candidate = empty ? line + word! : `${line}${gap || ' '}${word}`;
      if (stringWidth(candidate) <= width) {
        line = candidate;
        empty = false;
        continue;
      }
      if (!empty) {
        out.push(line);
        line = indent;
      }
      // A word wider than the line: cut it, each piece filling the rest of a line.
      let rest = word!;
      while (stringWidth(line + rest) > width) {
        let piece = '';
        for (const ch of rest) {
          if (stringWidth(line + piece + ch) > width && piece) break;
          piece += ch;
        }
        out.push(line + piece);
        line = indent;
        rest = rest.slice(piece.length);
      }
      line += rest;
      empty = false;
    }
    out.push(line);
  }
  return out.join('\n');
}

/** Cuts `s` to `width` columns, marking the cut with '…'. */
export function truncate(s: string, width: number): string {
  if (stringWidth(s) <= width) return s;
  let out = '';
  for (const ch of s) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

const padStart = (s: string, w: number) => ' '.repeat(Math.max(0, w - stringWidth(s))) + s;
const padEnd = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - stringWidth(s)));

/**
 * A metric's cell: `mean ± std` with the catalogue's decimals; the mean alone for one seed; '–' when
 * missing; a std below the display precision prints as `± 0` (not `± 3.93e-16`).
 */
export function metricCell(key: string, mean: number | undefined, std: number | undefined, seeds: number): string {
  if (mean === undefined || !Number.isFinite(mean)) return '–';
  const m = formatMetric(key, mean);
  if (seeds < 2 || std === undefined || !Number.isFinite(std)) return m;
  const digits = metricInfo(key)?.format.digits ?? 3;
  if (!m.includes('e') && Math.abs(std) < 0.5 * 10 ** -digits) return `${m} ± 0`;
  // Same notation as the mean: fixed decimals next to a fixed mean (0.001, not 7.57e-4).
  return `${m} ± ${m.includes('e') ? formatMetric(key, std) : Math.abs(std).toFixed(digits)}`;
}

/**
 * The metrics the compact table shows: those the checks are about (catalogue order), or, without
 * checks, the first four of the table set the run produced.
 */
export function compactMetrics(r: RunResults): string[] {
  const present = TABLE_METRICS.map(([k]) => k).filter((k) => r.arms.some((a) => a.mean[k] !== undefined));
  const checked = present.filter((k) => r.checks.some((c) => c.metric === k));
  const extra = r.checks
    .map((c) => c.metric)
    .filter((k, i, all) => !present.includes(k) && all.indexOf(k) === i && r.arms.some((a) => a.mean[k] !== undefined));
  return checked.length + extra.length > 0 ? [...checked, ...extra] : present.slice(0, 4);
}

/**
 * A grid with a label column and right-aligned data columns; headers wrap onto several lines, and
 * columns that do not fit `columns` go to further blocks (each repeating the label column).
 */
export function grid(corner: string, labels: string[], headers: string[], cells: string[][], columns: number): string[] {
  const gap = 2;
  const cellW = headers.map((_, j) => Math.max(1, ...cells.map((row) => stringWidth(row[j] ?? ''))));
  const maxLabel = Math.max(stringWidth(corner), ...labels.map((s) => stringWidth(s)));
  // Headers on one line when everything fits; else each wraps to its column's cells, but at least to
  // 12 columns (and never wider than itself).
  const full = headers.map((h, j) => Math.max(cellW[j]!, stringWidth(h)));
  const colW =
    maxLabel + full.reduce((s, w) => s + gap + w, 0) <= columns
      ? full
      : headers.map((h, j) => Math.min(columns - 2, Math.max(cellW[j]!, Math.min(stringWidth(h), Math.max(12, cellW[j]!)))));
  const labelW = Math.min(maxLabel, Math.max(12, columns - gap - Math.max(...colW, 1)));
  const blocks: number[][] = [];
  let current: number[] = [];
  let used = labelW;
  headers.forEach((_, j) => {
    if (current.length > 0 && used + gap + colW[j]! > columns) {
      blocks.push(current);
      current = [];
      used = labelW;
    }
    current.push(j);
    used += gap + colW[j]!;
  });
  if (current.length) blocks.push(current);
  const out: string[] = [];
  blocks.forEach((block, b) => {
    if (b > 0) out.push('');
    const wrapped = block.map((j) => wrapAnsi(headers[j]!, colW[j]!, { hard: true, trim: true }).split('\n'));
    const depth = Math.max(1, ...wrapped.map((w) => w.length));
    for (let line = 0; line < depth; line++) {
      // Headers sit on the bottom lines, next to the rule, like a spreadsheet's.
      const first = line === depth - 1 ? truncate(corner, labelW) : '';
      const cellsOf = block.map((j, i) => padStart(wrapped[i]![line - (depth - wrapped[i]!.length)] ?? '', colW[j]!));
      out.push([padEnd(first, labelW), ...cellsOf].join(' '.repeat(gap)).trimEnd());
    }
    out.push(['-'.repeat(labelW), ...block.map((j) => '-'.repeat(colW[j]!))].join(' '.repeat(gap)));
    labels.forEach((label, i) => {
      out.push(
        [padEnd(truncate(label, labelW), labelW), ...block.map((j) => padStart(cells[i]![j] ?? '', colW[j]!))]
          .join(' '.repeat(gap))
          .trimEnd(),
      );
    });
  });
  return out;
}

/**
 * The results table: arms as rows and metrics as columns; when that is too wide for `columns` and
 * there are few arms (≤ 4), transposed (metrics as rows); otherwise split into blocks that fit.
 */
export function formatResultsTable(r: RunResults, options: TableOptions = {}): string {
  const columns = Math.max(40, options.columns ?? 80);
  const keys = options.wide ? TABLE_METRICS.map(([k]) => k).filter((k) => r.arms.some((a) => a.mean[k] !== undefined)) : compactMetrics(r);
  const label = (k: string) => metricInfo(k)?.label ?? k;
  const cells = r.arms.map((a) => keys.map((k) => metricCell(k, a.mean[k], a.std[k], a.seeds.length)));
  const multi = r.arms.some((a) => a.seeds.length > 1);
  const corner = multi ? 'arm (mean ± std)' : 'arm';
  const normal = grid(
    corner,
    r.arms.map((a) => a.name),
    keys.map(label),
    cells,
    columns,
  );
  const fits = (lines: string[]) => !lines.includes('') && lines.every((l) => stringWidth(l) <= columns);
  if (fits(normal) || r.arms.length > 4) return normal.join('\n');
  const transposed = grid(
    multi ? 'metric (mean ± std)' : 'metric',
    keys.map(label),
    r.arms.map((a) => a.name),
    keys.map((_, i) => cells.map((row) => row[i]!)),
    columns,
  );
  return (fits(transposed) || transposed.length < normal.length ? transposed : normal).join('\n');
}

/** One check as text: verdict, description, observed values and what they were compared with. */
export function formatCheck(c: RunResults['checks'][number]): string {
  const f = (v: number) => formatMetric(c.metric, v);
  const bound = c.reference
    ? `${c.than ? `'${c.than}'` : 'initial'}${c.value ? ` + ${c.value}` : ''} = ${c.reference.map(f).join(', ')}`
    : String(c.value);
  return `${c.pass ? 'PASS' : 'FAIL'}  ${c.description}: ${c.metric} = ${c.observed.map(f).join(', ')} (${c.op} ${bound}${c.aggregate === 'mean' && c.observed.length > 1 ? ', mean over seeds' : ''})`;
}

/** The final report in the terminal: title, table, claim, checks and verdict, every line ≤ `columns`. */
export function formatTable(r: RunResults, options: TableOptions = {}): string {
  const columns = Math.max(40, options.columns ?? 80);
  const lines = [
    wrap(r.title ?? r.experiment, columns),
    `${r.steps} steps · seed${r.seeds.length > 1 ? 's' : ''} ${r.seeds.join(', ')}`,
    '',
    formatResultsTable(r, { ...options, columns }),
  ];
  if (!options.wide) lines.push(wrap('(the metrics the checks are about; --wide shows all)', columns));
  if (r.claim) lines.push('', wrap(`Claim: ${r.claim}`, columns, '  '));
  if (r.checks.length) lines.push('');
  for (const c of r.checks) lines.push(wrap(formatCheck(c), columns, '      '));
  const v = verdictOf(r, options.notes);
  if (v.notes.length) lines.push('', ...v.notes.map((n) => wrap(`note: ${n}`, columns, '      ')));
  if (r.checks.length) lines.push(wrap(v.line, columns));
  return lines.join('\n');
}
