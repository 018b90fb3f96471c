// Progress of a run. On a terminal, one line redrawn by cli-progress (throttled redraws, cursor
// handling, clear on completion) whose text is cut to the terminal's width, so a redraw never wraps
// and never leaves a stale line behind; elsewhere (pipes, CI) plain lines, one per 10 % of a job.
import { SingleBar } from 'cli-progress';
import type { Experiment, JobSpec } from './config';
import type { JobEvent } from './job';
import { truncate } from './table';

/** What the progress line shows. */
export interface ProgressState {
  /** Steps done over all jobs / steps of all jobs, in [0, 1]. */
  fraction: number;
  elapsedSeconds: number;
  jobsDone: number;
  jobs: number;
  /** Jobs in flight: name (`arm (seed n)`) and, when evaluated, the share of atoms recovered. */
  running: Array<{ name: string; step: number; steps: number; atoms?: number }>;
}

const duration = (s: number) =>
  s < 60
    ? `${s.toFixed(0)}s`
    : s < 3600
      ? `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`
      : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;

/**
 * The progress line, at most `columns − 1` columns wide (the last column is left free: writing it
 * makes some terminals wrap on the next character). Pure, for snapshot tests.
 */
export function formatProgressLine(p: ProgressState, columns: number): string {
  const width = Math.max(20, columns) - 1;
  const barWidth = Math.max(10, Math.min(30, Math.floor(width / 4)));
  const filled = Math.round(Math.min(1, Math.max(0, p.fraction)) * barWidth);
  const bar = '█'.repeat(filled) + '░'.repeat(barWidth - filled);
  const eta = p.fraction > 0.02 && p.fraction < 1 ? ` · eta ${duration((p.elapsedSeconds * (1 - p.fraction)) / p.fraction)}` : '';
  const head = `${bar} ${(p.fraction * 100).toFixed(0).padStart(3)}% · ${p.jobsDone}/${p.jobs} jobs · ${duration(p.elapsedSeconds)}${eta}`;
  const jobs = p.running
    .map((j) => `${j.name} ${Math.round((100 * j.step) / j.steps)}%${j.atoms === undefined ? '' : ` atoms ${(j.atoms * 100).toFixed(0)}%`}`)
    .join(' | ');
  return truncate(jobs ? `${head} · ${jobs}` : head, width);
}

export interface ProgressOptions {
  /** Print nothing (default false). */
  quiet?: boolean;
  /** Redraw one line (true) or print plain lines (false); default: whether `stream` is a terminal and not CI. */
  tty?: boolean;
}

/** Progress display for a run: `update` with every job event, `done` at the end (also on error). */
export function createProgress(exp: Experiment, stream: NodeJS.WriteStream, options: ProgressOptions = {}) {
  const total = exp.arms.length * exp.seeds.length * exp.steps;
  const jobs = exp.arms.length * exp.seeds.length;
  const steps = new Map<string, number>();
  const lastLogged = new Map<string, number>();
  const atoms = new Map<string, number>();
  const finished = new Set<string>();
  const tty = options.tty ?? (Boolean(stream.isTTY) && !process.env['CI']);
  const started = performance.now();
  const key = (j: JobSpec) => `${j.arm} (seed ${j.seed})`;
  const state = (): ProgressState => ({
    fraction: [...steps.values()].reduce((s, v) => s + v, 0) / total,
    elapsedSeconds: (performance.now() - started) / 1000,
    jobsDone: finished.size,
    jobs,
    running: [...steps.entries()]
      .filter(([name, s]) => s < exp.steps && !finished.has(name))
      .map(([name, s]) => ({ name, step: s, steps: exp.steps, ...(atoms.has(name) ? { atoms: atoms.get(name)! } : {}) })),
  });
  // cli-progress re-reads the width at every redraw (a resized terminal is followed). linewrap: true
  // (cut to the width) never sends "autowrap off", which a killed process would leave behind.
  const bar =
    tty && !options.quiet
      ? new SingleBar({
          stream,
          format: (_opts, params) => formatProgressLine(state(), params.maxWidth),
          fps: 8,
          hideCursor: false,
          clearOnComplete: true,
          linewrap: true,
          etaBuffer: 1,
        })
      : undefined;
  let barStarted = false;
  const stopBar = () => {
    if (bar && barStarted) {
      bar.stop();
      barStarted = false;
    }
  };
  // On Ctrl-C the line is cleared before anyone prints "stopping…" (prepended: it runs before the
  // CLI's own handler). cli-progress restores the cursor to where the bar began when it stops, so
  // stopping it after other output would overwrite that output.
  if (bar) {
    process.prependListener('SIGINT', stopBar);
    process.prependListener('SIGTERM', stopBar);
  }
  return {
    update(job: JobSpec, e: JobEvent) {
      if (options.quiet) return;
      const k = key(job);
      if (e.type === 'start' || e.type === 'step') steps.set(k, e.step);
      if (e.type === 'eval') {
        const rec = e.metrics['atomRecovery.fraction'];
        if (rec !== undefined) atoms.set(k, rec);
      }
      if (e.type === 'end' || e.type === 'result') finished.add(k);
      if (bar) {
        if (!barStarted) {
          bar.start(total, 0);
          barStarted = true;
        }
        bar.update([...steps.values()].reduce((s, v) => s + v, 0));
      } else if (e.type === 'step' || e.type === 'start') {
        const decile = Math.floor((10 * (steps.get(k) ?? 0)) / exp.steps);
        if ((lastLogged.get(k) ?? -1) < decile) {
          lastLogged.set(k, decile);
          const loss = e.type === 'step' ? ` loss ${e.loss.toFixed(4)}` : e.step > 0 ? ' (resumed)' : '';
          const rec = atoms.get(k);
          stream.write(`${k}: step ${steps.get(k)}/${exp.steps}${loss}${rec === undefined ? '' : ` atoms ${(rec * 100).toFixed(0)}%`}\n`);
        }
      }
    },
    /** Clears the progress line (nothing of it stays on screen). */
    done() {
      stopBar();
      process.removeListener('SIGINT', stopBar);
      process.removeListener('SIGTERM', stopBar);
    },
  };
}
