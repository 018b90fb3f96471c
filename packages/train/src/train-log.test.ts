// The universal train loggers on a real run: every line and row is checked against the events
// train() emitted (the same numbers, once each), and withLoggers passes the events on unchanged.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { linearNet, toyData, toyMethod, toyNoise } from './testing/toy';
import { train, type TrainEvent } from './train';
import {
  consoleLogger,
  csvHeader,
  csvLogger,
  csvRows,
  formatTrainEvent,
  jsonLinesLogger,
  metricsRow,
  type TrainLogger,
  withLoggers,
} from './train-log';

const options = (name: string) => ({
  data: toyData(8),
  augment: toyNoise(0.1),
  method: toyMethod(linearNet(8, 4, 3, name)),
  optimizer: { type: 'sgd' as const, lr: 0.05 },
  schedule: { type: 'cosine' as const },
  steps: 6,
  batchSize: 16,
  evalEvery: 3,
  evaluate: ({ step }: { step: number }) => ({ 'toy.step': step, 'toy.half': step / 2 }),
});

async function run(name: string, ...loggers: TrainLogger[]) {
  const events: TrainEvent[] = [];
  const opts = options(name);
  const before = tf.memory().numTensors;
  const gen = withLoggers(train(opts), ...loggers);
  let r = await gen.next();
  while (!r.done) {
    events.push(r.value);
    r = await gen.next();
  }
  const leaked = tf.memory().numTensors - before;
  opts.method.dispose();
  return { events, history: r.value!, leaked };
}

describe('train loggers', () => {
  it('withLoggers passes every event on unchanged and returns the history', async () => {
    await run('log-warm'); // tfjs caches a few scalars at first use
    const seen: TrainEvent[] = [];
    const closed: string[] = [];
    const { events, history, leaked } = await run('log-pass', { log: (e) => void seen.push(e), close: () => void closed.push('a') });
    expect(seen).toEqual(events);
    expect(events.map((e) => e.type)).toEqual(['start', 'eval', 'step', 'step', 'step', 'eval', 'step', 'step', 'step', 'eval', 'end']);
    expect(history.loss).toHaveLength(6);
    expect(history.loss).toEqual(events.filter((e) => e.type === 'step').map((e) => (e as { loss: number }).loss));
    expect(closed).toEqual(['a']);
    expect(leaked).toBe(0);
  });

  it('closes the loggers and ends training when the consumer breaks early', async () => {
    const closed: string[] = [];
    let steps = 0;
    for await (const e of withLoggers(train(options('log-break')), { log: () => undefined, close: () => void closed.push('x') })) {
      if (e.type === 'step' && ++steps === 2) break;
    }
    expect(closed).toEqual(['x']);
  });

  it('consoleLogger prints the start, every `every`-th step, the last step, each evaluation and the end', async () => {
    const lines: string[] = [];
    const { events } = await run('log-console', consoleLogger({ every: 4, digits: 3, write: (l) => void lines.push(l) }));
    const step = (n: number) => events.find((e) => e.type === 'step' && e.step === n) as { loss: number; lr: number };
    const r = (v: number) => String(Number(v.toPrecision(3)));
    expect(lines).toEqual([
      'start: 6 steps',
      'eval step 0  toy.step 0  toy.half 0',
      'eval step 3  toy.step 3  toy.half 1.5',
      `step 4/6  loss ${r(step(4).loss)}  lr ${r(step(4).lr)}`,
      `step 6/6  loss ${r(step(6).loss)}  lr ${r(step(6).lr)}`,
      'eval step 6  toy.step 6  toy.half 3',
      `done: 6 steps (last loss ${r(step(6).loss)})`,
    ]);
    // The cosine schedule: lr at step 4 is 0.05 · ½(1 + cos(π · 3/6)) = 0.025.
    expect(lines).toContain(`step 4/6  loss ${r(step(4).loss)}  lr 0.025`);
  });

  it('formatTrainEvent: resumed start, abort, optional checkpoint lines, prefix', () => {
    expect(formatTrainEvent({ type: 'start', step: 1200, steps: 3000, resumed: true })).toBe('resumed at step 1200 of 3000');
    expect(formatTrainEvent({ type: 'checkpoint', step: 5 })).toBeUndefined();
    expect(formatTrainEvent({ type: 'checkpoint', step: 5 }, { checkpoints: true, prefix: '[a] ' })).toBe('[a] checkpoint saved at step 5');
    expect(formatTrainEvent({ type: 'end', step: 7, aborted: true, history: { loss: [2.5, 1.23456], evals: [] } })).toBe(
      'aborted at step 7; checkpoint saved (last loss 1.235)',
    );
    expect(formatTrainEvent({ type: 'step', step: 1, steps: 2, loss: Number.NaN, lr: 0.1 })).toBe('step 1/2  loss NaN  lr 0.1');
  });

  it('jsonLinesLogger writes the CLI metrics.jsonl rows: loss/lr per step, metrics per evaluation', async () => {
    let text = '';
    const { events } = await run(
      'log-jsonl',
      jsonLinesLogger((t) => void (text += t), { fields: { arm: 'toy', seed: 0 }, every: 2 }),
    );
    const rows = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const expected = events.flatMap((e) =>
      e.type === 'step' && e.step % 2 === 0
        ? [{ arm: 'toy', seed: 0, step: e.step, loss: e.loss, lr: e.lr }]
        : e.type === 'eval'
          ? [{ arm: 'toy', seed: 0, step: e.step, ...e.metrics }]
          : [],
    );
    expect(rows).toEqual(expected);
    expect(rows).toHaveLength(6); // evals at 0, 3, 6; steps 2, 4, 6
    expect(Object.keys(rows[0]!)).toEqual(['arm', 'seed', 'step', 'toy.step', 'toy.half']);
  });

  it('csvLogger writes long rows whose pivot gives back every scalar', async () => {
    let text = '';
    const { events } = await run(
      'log-csv',
      csvLogger((t) => void (text += t), { fields: { arm: 'a,b' } }),
    );
    const [head, ...lines] = text.trimEnd().split('\n');
    expect(head).toBe('arm,step,name,value');
    expect(head).toBe(csvHeader({ arm: 'a,b' }));
    const got = new Map<string, number>();
    for (const line of lines) {
      expect(line.startsWith('"a,b",')).toBe(true);
      const [, step, name, value] = line.slice('"a,b",'.length - 1).split(',');
      got.set(`${step}/${name}`, Number(value));
    }
    const want = new Map<string, number>();
    for (const e of events) {
      if (e.type === 'step') want.set(`${e.step}/loss`, e.loss).set(`${e.step}/lr`, e.lr);
      if (e.type === 'eval') for (const [k, v] of Object.entries(e.metrics)) want.set(`${e.step}/${k}`, v);
    }
    expect(got).toEqual(want);
    expect(lines).toHaveLength(6 * 2 + 3 * 2);
  });

  it('non-finite values are null in JSON and empty in CSV; quotes are doubled', () => {
    const e: TrainEvent = { type: 'eval', step: 4, metrics: { a: Number.NaN, b: Number.POSITIVE_INFINITY } };
    expect(metricsRow(e)).toEqual({ step: 4, a: null, b: null });
    expect(csvRows(e, { fields: { run: 'say "hi"' } })).toEqual(['"say ""hi""",4,a,', '"say ""hi""",4,b,']);
    expect(metricsRow({ type: 'checkpoint', step: 4 })).toBeUndefined();
  });

  it('bad options are errors naming the option', () => {
    expect(() => metricsRow({ type: 'checkpoint', step: 1 }, { fields: { step: 1 } })).toThrow(InvalidArgumentError);
    expect(() => metricsRow({ type: 'checkpoint', step: 1 }, { fields: { step: 1 } })).toThrow(/fields\.step/);
    expect(() => metricsRow({ type: 'eval', step: 1, metrics: { arm: 1 } }, { fields: { arm: 'x' } })).toThrow(/metrics\.arm/);
    expect(() => consoleLogger({ every: 0 })).toThrow(/every/);
    expect(() => jsonLinesLogger(() => undefined, { evry: 2 } as never)).toThrow(/evry/);
    expect(() => withLoggers(train(options('log-bad')), {} as never).next()).rejects.toThrow(/loggers\[0\]/);
  });
});
