// End-to-end: `contrastive sweep` through the built binary, in worker threads: a sweep file with a
// relative base config, --json, a rerun that trains nothing, SIGKILL mid-sweep then a resume that
// ends with the numbers of an uninterrupted sweep, and bad input rejected with exit code 1.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtBin, runAsync, writeTinySweep } from './run-cli';

const bin = builtBin();
const dir = mkdtempSync(join(tmpdir(), 'contrastive-sweep-e2e-'));
const sweepFile = writeTinySweep(dir, { name: 'tiny-sweep', steps: 200, evalEvery: 100 });
const env = { ...process.env, CI: '1' };
const sweep = (out: string, ...extra: string[]) =>
  runAsync(process.execPath, [bin, 'sweep', sweepFile, '--out', out, '--workers', '2', '--backend', 'wasm', '--json', ...extra], env);
const volatile = (r: { jobs: Array<Record<string, unknown>> }) =>
  r.jobs.map(({ seconds: _s, stepsPerSecond: _p, resumedFrom: _r, ...j }) => j);

describe('contrastive sweep (built binary)', () => {
  it('runs, reuses every job on a rerun, and resumes after SIGKILL with the same numbers', async () => {
    const a = join(dir, 'a');
    const first = await sweep(a);
    expect(first.status, first.stderr).toBe(0);
    const r1 = JSON.parse(first.stdout);
    expect([r1.trained, r1.reused, r1.points.length]).toEqual([4, 0, 4]);
    const again = JSON.parse((await sweep(a)).stdout);
    expect([again.trained, again.reused]).toEqual([0, 4]);
    expect(volatile(again)).toEqual(volatile(r1));

    // Kill -9 once the first job has written a checkpoint (renamed into place, not a temporary file), then run the same command again.
    const b = join(dir, 'b');
    const child = spawn(process.execPath, [bin, 'sweep', sweepFile, '--out', b, '--workers', '2', '--backend', 'wasm'], {
      env,
      stdio: 'ignore',
    });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(join(b, 'checkpoints')) && readdirSync(join(b, 'checkpoints')).some((f) => /^[0-9a-f]{16}-seed\d+\.json$/.test(f))) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    await new Promise((resolve) => child.on('close', resolve));
    const resumed = await sweep(b);
    expect(resumed.status, resumed.stderr).toBe(0);
    const r2 = JSON.parse(resumed.stdout);
    expect(r2.trained + r2.reused).toBe(4);
    expect(r2.jobs.some((j: { resumedFrom: number }) => j.resumedFrom > 0)).toBe(true);
    expect(volatile(r2)).toEqual(volatile(r1));
  });

  it('rejects a bad axis value before writing anything (exit 1, one line)', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nbase: base.json\naxes:\n  augment.keepProb: [0.5, 1.5]\n');
    const out = join(dir, 'bad-out');
    const r = await runAsync(process.execPath, [bin, 'sweep', bad, '--out', out], env);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/point \(augment.keepProb = 1.5\)/);
    expect(existsSync(out)).toBe(false);
    const m = await runAsync(process.execPath, [bin, 'sweep', sweepFile, '--metric', 'atomRecovery', '--out', out], env);
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/--metric/);
  });
});
