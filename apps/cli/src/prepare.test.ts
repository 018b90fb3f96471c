import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { failure, prepareRun } from './prepare';

const dir = mkdtempSync(join(tmpdir(), 'prepare-'));
const tiny = {
  name: 'tiny',
  steps: 10,
  batchSize: 8,
  data: { type: 'sparseCoding', ambientDim: 16, latentDim: 4 },
  encoder: { type: 'symmetricRelu', width: 8 },
  optimizer: { type: 'sgd', lr: 0.1 },
  arms: [{ name: 'a' }, { name: 'b', augment: { type: 'complementaryMask' } }],
};
let n = 0;
function config(patch: Record<string, unknown> = {}): string {
  const p = join(dir, `c${n++}.json`);
  writeFileSync(p, JSON.stringify({ ...tiny, ...patch }));
  return p;
}
/** The line and exit code bin.ts would print for `argv`, and whether the run directory appeared. */
async function fails(argv: string[]): Promise<string> {
  const out = join(dir, `out${n++}`);
  try {
    await prepareRun(['--out', out, '--backend', 'cpu', ...argv]);
  } catch (e) {
    const { code, line } = failure(e);
    expect(code).toBe(1);
    expect(line).not.toContain('\n');
    expect(existsSync(out)).toBe(false);
    return line;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('prepareRun: every check before anything is written', () => {
  it('accepts a valid run and leaves no tensors behind after building every arm', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const p = await prepareRun(['run', config(), '--seeds', '0,1', '--backend', 'cpu']);
    expect(p.experiment.seeds).toEqual([0, 1]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad seeds, numbers and options naming the flag', async () => {
    const c = config();
    expect(await fails(['run', c, '--seeds', '0,0'])).toBe("contrastive: --seeds: seed 0 is listed twice in '0,0'; seeds must differ");
    expect(await fails(['run', c, '--seeds', ''])).toMatch(
      /^contrastive: --seeds: expected a comma-separated list of seeds like 0,1,2, got '' \(an empty entry\)$/,
    );
    expect(await fails(['run', c, '--seeds', '0,,1'])).toMatch(/--seeds: .*got '0,,1' \(an empty entry\)/);
    expect(await fails(['run', c, '--seeds', '-1'])).toMatch(/unknown option|--seeds/);
    expect(await fails(['run', c, '--steps', '1e3'])).toBe("contrastive: --steps: expected a whole number ≥ 1, got '1e3'");
    expect(await fails(['run', c, '--workers', '-'])).toMatch(/--workers: expected a whole number/);
    expect(await fails(['run', c, '--seed', '1', '--seeds', '2'])).toMatch(/--seed and --seeds: give one of them/);
    expect(await fails(['run', c, '--stesp', '3'])).toBe("contrastive: unknown option '--stesp'; did you mean '--steps'?");
    expect(await fails(['run', c, '--losses', 'infonce'])).toMatch(/--losses applies to compare only/);
    expect(await fails(['run', c, 'other.yaml'])).toMatch(/unexpected argument 'other\.yaml'/);
    expect(await fails(['compare', '--losses', 'infonce,simclr,infonce'])).toMatch(/--losses: .* names a loss twice/);
    expect(await fails(['compare', '--losses', 'infonse'])).toMatch(/--losses: unknown loss 'infonse'/);
    expect(await fails(['run', 'hltm', '--size', 'huge'])).toMatch(/--size: expected 'small' or 'large', got 'huge'/);
    await expect(prepareRun(['run', c, '--restart-job', 'a-seed0', '--backend', 'cpu'])).rejects.toThrow(/--restart-job needs --out/);
    expect(await fails(['run', c, '--out', join(dir, 'r'), '--restart-job', 'a-seed1'])).toMatch(
      /--restart-job: no job 'a-seed1' in tiny; did you mean 'a-seed0'\?$/,
    );
    expect(existsSync(join(dir, 'r'))).toBe(false);
    expect(await fails(['run', 'hltm', '--seeds', '0,\u001b[2J'])).toMatch(/--seeds: .*'\\u001b\[2J'/);
  });

  it('rejects an unknown backend, from the flag or the environment', async () => {
    expect(await fails(['run', config(), '--backend', 'gpu'])).toMatch(/--backend: expected one of auto, tensorflow, wasm, cpu, got 'gpu'/);
    const saved = process.env['CONTRASTIVE_BACKEND'];
    process.env['CONTRASTIVE_BACKEND'] = 'webgpu';
    try {
      await expect(prepareRun(['run', config()])).rejects.toThrow(/CONTRASTIVE_BACKEND: expected one of .* got 'webgpu'/);
    } finally {
      if (saved === undefined) delete process.env['CONTRASTIVE_BACKEND'];
      else process.env['CONTRASTIVE_BACKEND'] = saved;
    }
  });

  it("reports the packages' own option errors (found by building the arms) before the run directory exists", async () => {
    // latentDim > ambientDim: only sparseCoding's factory knows.
    expect(await fails(['run', config({ data: { type: 'sparseCoding', ambientDim: 4, latentDim: 8 } })])).toMatch(
      /arm 'a': data: sparseCoding: .*latentDim/,
    );
    // More classes than atoms: only labeledSparseCoding's factory knows.
    expect(
      await fails(['run', config({ arms: [{ name: 'a', data: { type: 'labeledSparseCoding', latentDim: 4, numClasses: 8 } }] })]),
    ).toMatch(/arm 'a': data: labeledSparseCoding: .*numClasses/);
  });

  it('refuses to resume a run directory with a changed config, naming the first difference', async () => {
    const run = join(dir, 'existing');
    const c = config();
    const p = await prepareRun(['run', c, '--backend', 'cpu']);
    mkdirSync(run);
    writeFileSync(join(run, 'config.json'), JSON.stringify({ experiment: p.experiment, meta: {} }));
    await expect(prepareRun(['run', c, '--out', run, '--backend', 'cpu'])).resolves.toBeTruthy();
    const changed = config({ arms: [{ name: 'a' }, { name: 'b', augment: { type: 'complementaryMask', keepProb: 0.3 } }] });
    await expect(prepareRun(['run', changed, '--out', run, '--backend', 'cpu'])).rejects.toThrow(
      /--out: .*existing holds a run of a different config \(they differ at arms\[1\]\.augment\.keepProb\)/,
    );
  });

  it('clamps --workers to the jobs and cores, with a note', async () => {
    const p = await prepareRun(['run', config(), '--workers', '50', '--backend', 'cpu']);
    const expected = Math.min(2, availableParallelism());
    expect(p.workers).toBe(expected);
    expect(p.notes).toEqual([
      `note: --workers 50 → ${expected} (2 jobs, ${availableParallelism()} core${availableParallelism() === 1 ? '' : 's'})`,
    ]);
  });
});
