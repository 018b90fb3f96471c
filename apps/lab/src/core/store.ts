import { type Experiment, type JobResult, type RunResults, summarize } from './cli';
import type { Embedding } from './image-session';
import type { BackendInfo, LabJob, WorkerToMain } from './protocol';
import type { Heatmap } from './session';

export type RunStatus = 'running' | 'paused' | 'done' | 'stopped' | 'error';

export interface JobState {
  arm: string;
  seed: number;
  steps: number;
  /** Steps done. */
  step: number;
  /** Loss of every step done, step 1 first. */
  loss: number[];
  evals: Array<{ step: number; metrics: Record<string, number> }>;
  heatmap?: Heatmap;
  /** Image runs: the latest 2-D embedding scatter of test images. */
  embedding?: Embedding;
  /** Steps/s of the last training slice. */
  stepsPerSecond: number;
  result?: JobResult;
}

export interface RunState {
  id: string;
  kind: 'decoupling' | 'compare' | 'images';
  /** Short description (settings), shown above the run's plots. */
  label: string;
  /** The settings the run was started with (the UI's own record). */
  settings: Record<string, unknown>;
  /** The experiment (a comparison's) whose jobs this run trains; summarize() needs it. */
  experiment?: Experiment;
  jobs: JobState[];
  /** Index of the job training now. */
  active: number;
  status: RunStatus;
  error?: string;
  /** performance.now() at start and at the first trained step (time to first step). */
  startedAt: number;
  firstStepAt?: number;
}

export interface LabState {
  backend?: BackendInfo;
  runs: RunState[];
  /** Console and worker errors seen by the page. */
  errors: string[];
}

/**
 * The page's record of every run, fed by the worker's messages. Plain data (the e2e tests read it
 * as `window.__lab.state`), updated by `apply`, observed with `subscribe`.
 */
export function createRunStore(now: () => number = () => performance.now()) {
  const state: LabState = { runs: [], errors: [] };
  const listeners = new Set<(s: LabState) => void>();
  const notify = () => listeners.forEach((l) => l(state));
  const find = (id: string) => state.runs.find((r) => r.id === id);

  return {
    state,
    subscribe(listener: (s: LabState) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Records a new run (before its 'run' message goes to the worker). */
    add(run: {
      id: string;
      kind: RunState['kind'];
      label: string;
      settings: Record<string, unknown>;
      jobs: LabJob[];
      experiment?: Experiment;
    }): RunState {
      for (const r of state.runs) if (r.status === 'running' || r.status === 'paused') r.status = 'stopped';
      const rs: RunState = {
        id: run.id,
        kind: run.kind,
        label: run.label,
        settings: run.settings,
        ...(run.experiment ? { experiment: run.experiment } : {}),
        jobs: run.jobs.map((j) => ({ arm: j.arm, seed: j.seed, steps: j.steps, step: 0, loss: [], evals: [], stepsPerSecond: 0 })),
        active: 0,
        status: 'running',
        startedAt: now(),
      };
      state.runs.push(rs);
      notify();
      return rs;
    },
    apply(m: WorkerToMain): void {
      if (m.type === 'ready') state.backend = m.backend;
      else if (m.type === 'error') {
        state.errors.push(m.message);
        const r = m.runId ? find(m.runId) : undefined;
        if (r) {
          r.status = 'error';
          r.error = m.message;
        }
      } else if ('runId' in m) {
        const r = find(m.runId);
        if (!r) return;
        const job = 'job' in m ? r.jobs[m.job] : undefined;
        switch (m.type) {
          case 'job-start':
            r.active = m.job;
            break;
          case 'progress':
            if (!job) return;
            r.firstStepAt ??= now();
            // Steps arrive in order; `fromStep` places them (1-based) so nothing is counted twice.
            job.loss.length = m.fromStep - 1;
            job.loss.push(...m.losses);
            job.step = m.step;
            if (m.stepsPerSecond > 0) job.stepsPerSecond = m.stepsPerSecond;
            break;
          case 'eval':
            if (!job) return;
            job.evals.push({ step: m.step, metrics: m.metrics });
            if (m.heatmap) job.heatmap = m.heatmap;
            if (m.embedding) job.embedding = m.embedding;
            break;
          case 'job-done':
            if (job) job.result = m.result;
            break;
          case 'run-done':
            r.status = 'done';
            break;
          case 'paused':
            if (r.status === 'running') r.status = 'paused';
            break;
          case 'resumed':
            if (r.status === 'paused') r.status = 'running';
            break;
          case 'stopped':
            if (r.status !== 'done' && r.status !== 'error') r.status = 'stopped';
            break;
        }
      }
      notify();
    },
    /** Records an error seen by the page itself. */
    error(message: string): void {
      state.errors.push(message);
      notify();
    },
    run(id: string): RunState | undefined {
      return find(id);
    },
  };
}
export type RunStore = ReturnType<typeof createRunStore>;

/** Latest value of `metric` in a job's evaluations. */
export function latest(job: JobState, metric: string): number | undefined {
  for (let i = job.evals.length - 1; i >= 0; i--) {
    const v = job.evals[i]!.metrics[metric];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** A finished run as the CLI's results.json (the same object `contrastive compare` writes). */
export function runResults(run: RunState): RunResults | undefined {
  if (!run.experiment) return undefined;
  const results = run.jobs.map((j) => j.result).filter((r): r is JobResult => r !== undefined);
  if (results.length !== run.jobs.length) return undefined;
  return summarize(run.experiment, results);
}
