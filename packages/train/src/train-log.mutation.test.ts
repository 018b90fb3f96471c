// The loggers' rows and lines for hand-made events, each expected row written out by hand: JSON
// lines and CSV (RFC 4180 quoting) rows with fields, `every` thinning, the console lines of every
// event kind, the header switch, and withLoggers over a bare iterator (its return value is the
// history) and on a throwing run (loggers closed, the error passed on).
import { describe, expect, it, vi } from 'vitest';
import type { TrainHistory } from './checkpoint';
import type { TrainEvent } from './train';
import {
  consoleLogger,
  csvCell,
  csvHeader,
  csvLogger,
  csvRows,
  formatTrainEvent,
  jsonLinesLogger,
  metricsRow,
  withLoggers,
} from './train-log';

const step = (n: number, loss = 0.5, lr = 0.1): TrainEvent => ({ type: 'step', step: n, steps: 10, loss, lr });
const evalAt = (n: number, metrics: Record<string, number>): TrainEvent => ({ type: 'eval', step: n, metrics });

describe('train loggers on hand-made events (mutation)', () => {
  it('metricsRow: fields first, every-th step rows, eval rows, nothing for other events', () => {
    expect(metricsRow(step(4), { fields: { arm: 'a' }, every: 2 })).toEqual({ arm: 'a', step: 4, loss: 0.5, lr: 0.1 });
    expect(Object.keys(metricsRow(step(4), { fields: { arm: 'a' } })!)).toEqual(['arm', 'step', 'loss', 'lr']);
    expect(metricsRow(step(3), { every: 2 })).toBeUndefined();
    expect(metricsRow(step(3, Number.NaN, Number.NEGATIVE_INFINITY))).toEqual({ step: 3, loss: null, lr: null });
    expect(metricsRow(evalAt(3, { acc: 0.75 }), { every: 2, fields: { seed: 1 } })).toEqual({ seed: 1, step: 3, acc: 0.75 });
    expect(metricsRow({ type: 'start', step: 0, steps: 3, resumed: false })).toBeUndefined();
    expect(metricsRow({ type: 'end', step: 3, history: { loss: [], evals: [] }, aborted: false })).toBeUndefined();
    expect(() => metricsRow(step(1), { fields: { loss: 1 } })).toThrow(
      'metricsRow: invalid argument \'fields.loss\': expected a key other than step, loss, lr, got "loss"',
    );
    expect(() => metricsRow(step(1), { fields: { lr: 1 } })).toThrow(/fields\.lr/);
    expect(() => metricsRow(evalAt(1, { step: 2 }))).toThrow(
      'metricsRow: invalid argument \'metrics.step\': expected a metric name other than step and the fields, got "step"',
    );
  });

  it('csvCell quotes a comma, a quote, CR or LF (quotes doubled); csvHeader and csvRows in long form', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "x"')).toBe('"say ""x"""');
    expect(csvCell('l1\nl2')).toBe('"l1\nl2"');
    expect(csvCell('l1\rl2')).toBe('"l1\rl2"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(3)).toBe('3');
    expect(csvCell(false)).toBe('false');
    expect(csvHeader()).toBe('step,name,value');
    expect(csvHeader({ arm: 'x', 'a,b': 1 })).toBe('arm,"a,b",step,name,value');
    expect(csvRows(step(2, 0.25, 0.5), { fields: { arm: 'm' } })).toEqual(['m,2,loss,0.25', 'm,2,lr,0.5']);
    expect(csvRows(step(3), { every: 2 })).toEqual([]);
    expect(csvRows(evalAt(5, { 'k,nn': 0.5 }))).toEqual(['5,"k,nn",0.5']);
    expect(csvRows({ type: 'checkpoint', step: 1 })).toEqual([]);
    expect(() => csvRows(step(1), { fields: { step: 1 } })).toThrow("csvRows: invalid argument 'fields.step'");
  });

  it('jsonLinesLogger and csvLogger write whole lines; the CSV header once, or never with header: false', async () => {
    let json = '';
    const j = jsonLinesLogger((t) => void (json += t), { every: 2 });
    for (const e of [step(1), step(2), evalAt(2, { a: 1 }), { type: 'checkpoint', step: 2 } as TrainEvent]) await j.log(e);
    expect(json).toBe('{"step":2,"loss":0.5,"lr":0.1}\n{"step":2,"a":1}\n');
    const writes: string[] = [];
    const c = csvLogger((t) => void writes.push(t), { fields: { run: 'r' } });
    await c.log({ type: 'start', step: 0, steps: 2, resumed: false });
    await c.log(step(1));
    await c.log(step(2));
    expect(writes).toEqual(['run,step,name,value\n', 'r,1,loss,0.5\nr,1,lr,0.1\n', 'r,2,loss,0.5\nr,2,lr,0.1\n']);
    const bare: string[] = [];
    const noHeader = csvLogger((t) => void bare.push(t), { header: false });
    await noHeader.log({ type: 'checkpoint', step: 1 });
    await noHeader.log(step(1));
    expect(bare).toEqual(['1,loss,0.5\n1,lr,0.1\n']);
    expect(() => csvLogger(() => undefined, { fields: { lr: 'x' } })).toThrow("csvLogger: invalid argument 'fields.lr'");
    expect(() => jsonLinesLogger(() => undefined, { fields: { step: 'x' } })).toThrow("jsonLinesLogger: invalid argument 'fields.step'");
  });

  it('formatTrainEvent: every kind of event, significant digits, metrics-free evaluations, an empty history', () => {
    expect(formatTrainEvent({ type: 'start', step: 0, steps: 30, resumed: false })).toBe('start: 30 steps');
    expect(formatTrainEvent(step(7, 0.123456, 0.000123456), { digits: 2 })).toBe('step 7/10  loss 0.12  lr 0.00012');
    expect(formatTrainEvent(step(7, 1234.5, 1))).toBe('step 7/10  loss 1235  lr 1');
    expect(formatTrainEvent(evalAt(4, {}))).toBe('eval step 4');
    expect(formatTrainEvent(evalAt(4, { a: 1 / 3, b: Number.NaN }), { digits: 3 })).toBe('eval step 4  a 0.333  b NaN');
    expect(formatTrainEvent({ type: 'end', step: 9, history: { loss: [], evals: [] }, aborted: false })).toBe('done: 9 steps');
    expect(formatTrainEvent({ type: 'end', step: 9, history: { loss: [3, 2.5], evals: [] }, aborted: false }, { prefix: '> ' })).toBe(
      '> done: 9 steps (last loss 2.5)',
    );
    expect(formatTrainEvent({ type: 'end', step: 2, history: { loss: [], evals: [] }, aborted: true })).toBe(
      'aborted at step 2; checkpoint saved',
    );
    expect(() => formatTrainEvent(step(1), { digits: 0 })).toThrow(/formatTrainEvent: invalid argument 'options\.digits'/);
  });

  it('consoleLogger: a step line every `every` steps and at the last step; checkpoints only when asked; default every 100', () => {
    const lines: string[] = [];
    const c = consoleLogger({ every: 3, write: (l) => void lines.push(l), checkpoints: true, prefix: '# ' });
    for (let n = 1; n <= 10; n++) c.log(step(n));
    c.log({ type: 'checkpoint', step: 10 });
    expect(lines).toEqual([
      '# step 3/10  loss 0.5  lr 0.1',
      '# step 6/10  loss 0.5  lr 0.1',
      '# step 9/10  loss 0.5  lr 0.1',
      '# step 10/10  loss 0.5  lr 0.1',
      '# checkpoint saved at step 10',
    ]);
    const quiet: string[] = [];
    const d = consoleLogger({ write: (l) => void quiet.push(l) });
    for (const n of [1, 99, 100, 101]) d.log({ type: 'step', step: n, steps: 1000, loss: 1, lr: 1 });
    d.log({ type: 'checkpoint', step: 100 });
    expect(quiet).toEqual(['step 100/1000  loss 1  lr 1']);
  });

  it('withLoggers over a bare iterator returns its history; a throwing run closes the loggers and rethrows', async () => {
    const history: TrainHistory = { loss: [1], evals: [] };
    const events: TrainEvent[] = [step(1)];
    const iterator: AsyncIterator<TrainEvent, TrainHistory> = {
      next: async () => (events.length ? { done: false, value: events.shift()! } : { done: true, value: history }),
    };
    const seen: TrainEvent[] = [];
    const gen = withLoggers(iterator, { log: (e) => void seen.push(e) });
    const got: TrainEvent[] = [];
    let r = await gen.next();
    while (!r.done) {
      got.push(r.value);
      r = await gen.next();
    }
    expect(r.value).toBe(history);
    expect(seen).toEqual([step(1)]);
    expect(got).toEqual([step(1)]);

    // An end event's history is returned when the run's own return value is empty.
    const endHistory: TrainHistory = { loss: [2], evals: [] };
    async function* ends(): AsyncGenerator<TrainEvent, void> {
      yield { type: 'end', step: 1, history: endHistory, aborted: false };
    }
    const g2 = withLoggers(ends());
    let r2 = await g2.next();
    while (!r2.done) r2 = await g2.next();
    expect(r2.value).toBe(endHistory);

    const closed: string[] = [];
    let returned = false;
    const failing: AsyncIterator<TrainEvent, TrainHistory> = {
      next: async () => {
        throw new Error('diverged');
      },
      return: async () => {
        returned = true;
        return { done: true, value: history };
      },
    };
    await expect(withLoggers(failing, { log: () => undefined, close: () => void closed.push('a') }).next()).rejects.toThrow('diverged');
    expect(closed).toEqual(['a']);
    expect(returned).toBe(true);
    await expect(withLoggers(failing, { log: 1 } as never).next()).rejects.toThrow(
      "withLoggers: invalid argument 'loggers[0]': expected a TrainLogger ({ log(event) })",
    );
    await expect(withLoggers(failing, { log: () => undefined }, null as never).next()).rejects.toThrow(/loggers\[1\]/);
  });

  it('every entry point names itself when its options are invalid', () => {
    const bad = { every: 0 };
    const sink = () => undefined;
    for (const [op, f] of [
      ['metricsRow', () => metricsRow(step(1), bad)],
      ['consoleLogger', () => consoleLogger(bad)],
      ['jsonLinesLogger', () => jsonLinesLogger(sink, bad)],
      ['csvRows', () => csvRows(step(1), bad)],
      ['csvLogger', () => csvLogger(sink, bad)],
    ] as const) {
      expect(f, op).toThrow(new RegExp(`^${op}: invalid argument 'options\\.every'`));
    }
  });

  it('consoleLogger writes to console.log unless given a writer', () => {
    const spy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      consoleLogger().log({ type: 'start', step: 0, steps: 3, resumed: false });
      expect(spy.mock.calls).toEqual([['start: 3 steps']]);
    } finally {
      spy.mockRestore();
    }
  });

  it('withLoggers: a null logger is refused by index; a finished run is not returned; a run without return() can be left early', async () => {
    await expect(withLoggers((async function* () {})(), null as never).next()).rejects.toThrow(
      "withLoggers: invalid argument 'loggers[0]': expected a TrainLogger ({ log(event) }), got null",
    );
    // A TrainLogger is an object: a function that happens to carry a log method is refused too.
    const fn = Object.assign(() => undefined, { log: () => undefined });
    await expect(withLoggers((async function* () {})(), fn as never).next()).rejects.toThrow(
      "withLoggers: invalid argument 'loggers[0]': expected a TrainLogger ({ log(event) }), got ",
    );
    let returns = 0;
    const events: TrainEvent[] = [step(1)];
    const finite: AsyncIterator<TrainEvent, TrainHistory> = {
      next: async () => (events.length ? { done: false, value: events.shift()! } : { done: true, value: { loss: [], evals: [] } }),
      return: async () => (returns++, { done: true, value: { loss: [], evals: [] } }),
    };
    for await (const _ of withLoggers(finite)) void _;
    expect(returns).toBe(0);
    // No return() (a hand-written iterator may omit it): breaking out must not throw.
    const endless: AsyncIterator<TrainEvent, TrainHistory> = { next: async () => ({ done: false, value: step(1) }) };
    let seen = 0;
    for await (const _ of withLoggers(endless)) if (++seen === 2) break;
    expect(seen).toBe(2);
  });

  it("withLoggers returns the last end event's history, not that of events after it", async () => {
    const endHistory: TrainHistory = { loss: [4], evals: [] };
    async function* trailing(): AsyncGenerator<TrainEvent, void> {
      yield { type: 'end', step: 1, history: endHistory, aborted: false };
      yield { type: 'checkpoint', step: 1 };
    }
    const g = withLoggers(trailing());
    let r = await g.next();
    while (!r.done) r = await g.next();
    expect(r.value).toBe(endHistory);
  });
});
