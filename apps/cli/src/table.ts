import { fmt, TABLE_METRICS } from './report';
import type { RunResults } from './results';

/** Plain-text final table plus the check verdicts (what the terminal shows at the end of a run). */
export function formatTable(r: RunResults): string {
  const present = TABLE_METRICS.filter(([k]) => r.arms.some((a) => a.mean[k] !== undefined));
  const head = ['arm', ...present.map(([, l]) => l)];
  const rows = r.arms.map((a) => [a.name, ...present.map(([k]) => (a.seeds.length > 1 ? `${fmt(a.mean[k])}±${fmt(a.std[k])}` : fmt(a.mean[k])))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = [r.title ?? r.experiment, line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (r.claim) lines.push('', `Claim: ${r.claim}`);
  for (const c of r.checks) lines.push(`${c.pass ? 'PASS' : 'FAIL'}  ${c.description}: ${c.metric} = ${c.observed.map((v) => fmt(v)).join(', ')} (${c.op} ${c.reference ? `${c.than ? `'${c.than}'` : 'initial'}${c.value ? ` + ${c.value}` : ''} = ${c.reference.map((v) => fmt(v)).join(', ')}` : c.value})`);
  if (r.checks.length) lines.push(r.passed ? 'The run shows the claim.' : 'The run does NOT show the claim.');
  return lines.join('\n');
}
