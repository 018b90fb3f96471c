// Test-only fault injection: `CONTRASTIVE_FAULT=<boundary>:<n>[,<boundary>:<n>…]` makes the process
// SIGKILL itself the n-th time (1-based) it passes that write boundary, so the fault-injection suite
// can kill a run exactly between two writes. Unset (always, outside tests) it costs one Map lookup.
//
// Boundaries (all in the main thread, counted over every job of the process):
//   after-checkpoint  a job's checkpoint file is on disk (the worker reported it)
//   before-job        a job finished training; its jobs/<id>.json is not written yet
//   after-job         a job's jobs/<id>.json is on disk
//   after-results     results.json is on disk, report.html is not

export type FaultBoundary = 'after-checkpoint' | 'before-job' | 'after-job' | 'after-results';

let plan: Map<string, number> | undefined;
const seen = new Map<string, number>();

function parse(): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (process.env.CONTRASTIVE_FAULT ?? '').split(',')) {
    if (!part.trim()) continue;
    const [name, n] = part.trim().split(':');
    out.set(name!, n === undefined ? 1 : Number(n));
  }
  return out;
}

/** Kills this process with SIGKILL (no cleanup, like a power cut) when the plan says so. */
export function faultPoint(boundary: FaultBoundary): void {
  plan ??= parse();
  if (plan.size === 0) return;
  const count = (seen.get(boundary) ?? 0) + 1;
  seen.set(boundary, count);
  if (plan.get(boundary) === count) process.kill(process.pid, 'SIGKILL');
}
