import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { parseExperiment } from './config';
import { createProgress, formatProgressLine, type ProgressState } from './progress';

const state: ProgressState = {
  fraction: 0.4213,
  elapsedSeconds: 83,
  jobsDone: 4,
  jobs: 15,
  running: [
    { name: 'complementary masking (seed 1)', step: 1200, steps: 3000, atoms: 0.41 },
    { name: 'dense: masking + jitter (seed 0)', step: 300, steps: 3000 },
  ],
};

const exp = parseExperiment({
  name: 'tiny',
  steps: 100,
  batchSize: 8,
  data: { type: 'sparseCoding' },
  encoder: { type: 'symmetricRelu', width: 8 },
  optimizer: { type: 'sgd', lr: 0.1 },
  seeds: [0, 1],
  arms: [{ name: 'a rather long arm name to overflow the line' }, { name: 'another rather long arm name' }],
});

/** A terminal stand-in: records what is written. */
function fakeStream(columns: number, isTTY: boolean) {
  const chunks: string[] = [];
  return {
    chunks,
    stream: {
      isTTY,
      columns,
      write: (s: string) => (chunks.push(s), true),
      on: () => undefined,
      removeListener: () => undefined,
    } as unknown as NodeJS.WriteStream,
  };
}

describe('progress', () => {
  it.each([80, 120])('the line fits %i columns', (columns) => {
    const line = formatProgressLine(state, columns);
    expect(stringWidth(line)).toBeLessThanOrEqual(columns - 1);
    expect(line).toMatchSnapshot();
  });

  it('redraws one line within the width on a terminal and clears it at the end', async () => {
    const { chunks, stream } = fakeStream(60, true);
    const p = createProgress(exp, stream, { tty: true });
    for (const seed of [0, 1]) {
      const job = { arm: exp.arms[0]!.name, seed } as Parameters<typeof p.update>[0];
      p.update(job, { type: 'start', step: 0 } as never);
      for (let step = 1; step <= 100; step++) {
        p.update(job, { type: 'step', step, loss: 1 } as never);
        if (step % 20 === 0) await new Promise((r) => setTimeout(r, 30));
      }
    }
    // Ctrl-C clears the line first (before the CLI prints "stopping…"); done() removes the listeners.
    const sigint = process.listeners('SIGINT')[0] as () => void;
    const before = chunks.length;
    sigint();
    // eslint-disable-next-line no-control-regex
    expect(chunks.slice(before).join('')).toMatch(/\x1b\[2K$/);
    p.done();
    expect(process.listeners('SIGINT')).not.toContain(sigint);
    const text = chunks.join('');
    // Nothing but carriage returns / escape sequences separate redraws: no newline, no wrapped line.
    expect(text).not.toContain('\n');
    // eslint-disable-next-line no-control-regex
    const drawn = text.split(/\r|\x1b\[[0-9;]*[A-Za-z]/).filter(Boolean);
    expect(drawn.length).toBeGreaterThan(1);
    for (const d of drawn) expect(stringWidth(d)).toBeLessThanOrEqual(59);
    // The last thing written clears the line (cursor to column 0, erase line).
    expect(text.endsWith('\x1b[2K') || text.endsWith('\x1b[0K') || text.endsWith('\x1b[K')).toBe(true);
  });

  it('prints plain lines (the first step, then one per 10 % of a job) when not a terminal, and nothing with quiet', () => {
    const plain = fakeStream(80, false);
    const p = createProgress(exp, plain.stream);
    const job = { arm: exp.arms[1]!.name, seed: 0 } as Parameters<typeof p.update>[0];
    for (let step = 1; step <= 100; step++) p.update(job, { type: 'step', step, loss: 0.5 } as never);
    p.done();
    expect(plain.chunks).toHaveLength(11); // step 1, then every 10 steps
    expect(plain.chunks[1]).toBe('another rather long arm name (seed 0): step 10/100 loss 0.5000\n');
    const quiet = fakeStream(80, true);
    const q = createProgress(exp, quiet.stream, { quiet: true, tty: true });
    for (let step = 1; step <= 100; step++) q.update(job, { type: 'step', step, loss: 0.5 } as never);
    q.done();
    expect(quiet.chunks).toEqual([]);
  });
});
