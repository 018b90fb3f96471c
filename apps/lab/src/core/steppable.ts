// The part every lab session shares: pull a `train()` generator a few steps at a time (not pulling
// is a pause), keep the latest evaluation, and report the job as the CLI would.
import type { TrainEvent, TrainHistory } from '@contrastive/train';
import type { Evaluation, Session } from './session';

export interface SteppableOptions<S extends { arm: string; seed: number }> {
  spec: S;
  /** The running `train()` generator. */
  events: AsyncGenerator<TrainEvent, TrainHistory>;
  /** Steps in the job, and whether `step` is evaluated (its eval event follows its step event). */
  steps: number;
  evaluatedAt(step: number): boolean;
  /** What the job's `evaluate` callback left for the eval event being handled (heatmap, scatter). */
  takeExtras(): Pick<Evaluation, 'heatmap' | 'embedding'>;
  /** The result's `final.loss` is the mean of this many last losses. */
  lossTail: number;
  /** Frees what the job built (method, data) once the generator is closed. */
  dispose(): void;
  /** Name in error messages, e.g. 'lab image session'. */
  name: string;
}

export function steppableSession<S extends { arm: string; seed: number }>(o: SteppableOptions<S>): Session<S> {
  const { events } = o;
  let lastEval: Evaluation | undefined;
  let step = 0;
  let done = false;
  let disposed = false;
  let history: TrainHistory = { loss: [], evals: [] };
  let seconds = 0;
  return {
    spec: o.spec,
    get step() {
      return step;
    },
    get done() {
      return done;
    },
    get history() {
      return history;
    },
    get lastEval() {
      return lastEval;
    },
    async advance(maxSteps) {
      if (disposed) throw new Error(`${o.name}: advance() after dispose()`);
      const out: TrainEvent[] = [];
      const t0 = performance.now();
      let taken = 0;
      let awaitEval = false;
      try {
        while (!done) {
          const r = await events.next();
          if (r.done) {
            done = true;
            break;
          }
          const e = r.value;
          out.push(e);
          if (e.type === 'step') step = e.step;
          if (e.type === 'eval') {
            lastEval = { step: e.step, metrics: e.metrics, ...o.takeExtras() };
            if (awaitEval) break;
          }
          if (e.type === 'end') {
            history = e.history;
            done = true;
            break;
          }
          if (e.type === 'step' && ++taken >= maxSteps) {
            // When this step is evaluated, its eval event comes next: take it too, so that a
            // paused session shows the metrics of the step it stopped at.
            if (o.evaluatedAt(step) || step === o.steps) awaitEval = true;
            else break;
          }
        }
      } finally {
        seconds += (performance.now() - t0) / 1000;
      }
      return out;
    },
    result(backend) {
      const tail = history.loss.slice(-o.lossTail);
      return {
        arm: o.spec.arm,
        seed: o.spec.seed,
        backend,
        engine: 'tfjs',
        final: { ...(lastEval?.metrics ?? {}), loss: tail.reduce((s, v) => s + v, 0) / Math.max(1, tail.length) },
        history,
        seconds,
        stepsPerSecond: step / Math.max(seconds, 1e-9),
        resumedFrom: 0,
      };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      void events.return(history);
      o.dispose();
    },
  };
}
