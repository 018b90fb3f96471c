import type { Experiment, JobSpec } from './config';
import type { JobEvent } from './job';

/**
 * Progress display: a redrawn status line on a TTY, plain lines (every 10 % of a job) otherwise.
 */
export function createProgress(exp: Experiment, stream: NodeJS.WriteStream) {
  const total = exp.arms.length * exp.seeds.length * exp.steps;
  const steps = new Map<string, number>();
  const lastLogged = new Map<string, number>();
  const latest = new Map<string, string>();
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  const started = performance.now();
  let lastDraw = 0;
  const key = (j: JobSpec) => `${j.arm} (seed ${j.seed})`;
  return {
    update(job: JobSpec, e: JobEvent) {
      const k = key(job);
      if (e.type === 'start') steps.set(k, e.step);
      if (e.type === 'step') steps.set(k, e.step);
      if (e.type === 'eval') {
        const rec = e.metrics['atomRecovery.fraction'];
        latest.set(k, rec === undefined ? '' : ` atoms ${(rec * 100).toFixed(0)}%`);
      }
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 100 && e.type !== 'eval') return;
        lastDraw = now;
        const done = [...steps.values()].reduce((s, v) => s + v, 0);
        const frac = done / total;
        const width = 24;
        const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
        const elapsed = (now - started) / 1000;
        const running = [...steps.entries()].filter(([, s]) => s < exp.steps).map(([name]) => `${name}${latest.get(name) ?? ''}`).slice(0, 2).join(' | ');
        stream.write(`\r\x1b[K${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${elapsed.toFixed(0)}s  ${running}`);
      } else if (e.type === 'step' || e.type === 'start') {
        const decile = Math.floor((10 * (steps.get(k) ?? 0)) / exp.steps);
        if ((lastLogged.get(k) ?? -1) < decile) {
          lastLogged.set(k, decile);
          const loss = e.type === 'step' ? ` loss ${e.loss.toFixed(4)}` : e.step > 0 ? ' (resumed)' : '';
          stream.write(`${k}: step ${steps.get(k)}/${exp.steps}${loss}${latest.get(k) ?? ''}\n`);
        }
      }
    },
    done() {
      if (tty) stream.write('\r\x1b[K');
    },
  };
}
