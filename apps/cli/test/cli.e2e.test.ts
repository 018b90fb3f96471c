// End-to-end: the built `contrastive` binary, in worker threads, on a small experiment.
// Kills a run mid-way (SIGKILL: no chance to clean up) and checks that running the same command
// again resumes from the checkpoints and ends with exactly the results of an uninterrupted run.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtBin, runAsync } from './run-cli';
import { tinyDecoupling } from '../src/test-fixtures/tiny-decoupling';

const bin = builtBin();
const dir = mkdtempSync(join(tmpdir(), 'contrastive-e2e-'));
const config = tinyDecoupling({
  evalEvery: 50,
  checkpointEvery: 25,
  evalSamples: 512,
  checks: [{ description: 'runs', arm: 'masking', metric: 'loss', op: '>', value: 0 }],
});
const configPath = join(dir, 'tiny.json');
writeFileSync(configPath, JSON.stringify(config));

const run = (out: string, extra: string[] = []) =>
  runAsync(process.execPath, [bin, 'run', configPath, '--out', out, '--workers', '2', '--backend', 'wasm', ...extra], {
    ...process.env,
    CI: '1',
  });

function stripVolatile(results: Record<string, unknown>) {
  const r = JSON.parse(JSON.stringify(results));
  delete r.generatedAt;
  delete r.runDir;
  delete r.seconds;
  for (const arm of r.arms)
    for (const s of arm.seeds) {
      delete s.seconds;
      delete s.stepsPerSecond;
    }
  return r;
}

describe('contrastive (built binary)', () => {
  it('run writes the run directory, prints the table and --json results', async () => {
    const out = join(dir, 'full');
    const r = await run(out, ['--json']);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.arms.map((a: { name: string }) => a.name)).toEqual(['none', 'masking']);
    for (const f of ['config.json', 'metrics.jsonl', 'results.json', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readdirSync(join(out, 'checkpoints'))).toHaveLength(2);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.arm === 'masking' && 'atomRecovery.median' in l).map((l) => l.step)).toEqual([
      0, 50, 100, 150, 200, 250, 300, 350, 400,
    ]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('--no-native trains on plain tfjs; the default run used the fused native step, to the same numbers', async () => {
    const r = await run(join(dir, 'tfjs'), ['--json', '--no-native']);
    expect(r.status, r.stderr).toBe(0);
    type Arm = { name: string; mean: Record<string, number>; seeds: Array<{ engine: string }> };
    const tfjs = JSON.parse(r.stdout) as { arms: Arm[] };
    const native = JSON.parse(readFileSync(join(dir, 'full', 'results.json'), 'utf8')) as { arms: Arm[] };
    expect(tfjs.arms.flatMap((a) => a.seeds.map((s) => s.engine))).toEqual(['tfjs', 'tfjs']);
    expect(native.arms.flatMap((a) => a.seeds.map((s) => s.engine))).toEqual(['native', 'native']);
    // Same data, masks and initial weights; float32 rounding only (400 SGD steps).
    for (const [i, arm] of native.arms.entries()) {
      expect(Math.abs(arm.mean['loss']! - tfjs.arms[i]!.mean['loss']!), arm.name).toBeLessThan(1e-3);
      expect(Math.abs(arm.mean['atomRecovery.median']! - tfjs.arms[i]!.mean['atomRecovery.median']!), arm.name).toBeLessThan(1e-3);
    }
  });

  it('a killed run resumes to exactly the same results', async () => {
    const out = join(dir, 'killed');
    const child: ChildProcess = spawn(process.execPath, [bin, 'run', configPath, '--out', out, '--workers', '2', '--backend', 'wasm'], {
      stdio: 'ignore',
    });
    // Wait until both jobs have checkpointed past step 50 (of 400), then kill without warning.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        try {
          const steps = ['none-seed0', 'masking-seed0'].map((id) => {
            const p = join(out, 'checkpoints', `${id}.json`);
            return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')).step : 0;
          });
          if (steps.every((s: number) => s >= 50)) {
            clearInterval(timer);
            child.kill('SIGKILL');
            resolve();
          }
        } catch {
          // A checkpoint is being renamed into place; try again.
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('run finished before it could be killed'));
      });
    });
    expect(existsSync(join(out, 'results.json'))).toBe(false);
    const resumed = await run(out);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Resuming');
    const a = stripVolatile(JSON.parse(readFileSync(join(dir, 'full', 'results.json'), 'utf8')));
    const b = stripVolatile(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    expect(b).toEqual(a);
    // metrics.jsonl has no duplicate (arm, seed, step, kind) rows after the resume.
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    const keys = rows.map((l) => {
      const o = JSON.parse(l);
      return `${o.arm}/${o.seed}/${o.step}/${'loss' in o && !('atomRecovery.median' in o) ? 'loss' : 'eval'}`;
    });
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('bad input gets a clear error and exit code 1, not a stack trace', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...config, arms: [{ name: 'x', augment: { type: 'blur' } }] }));
    const r = spawnSync(process.execPath, [bin, 'run', bad], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^contrastive: .*bad\.json: arms\[0\]\.augment\.type: unknown type 'blur'.*\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const r2 = spawnSync(process.execPath, [bin, 'run', configPath, '--steps', 'many'], { encoding: 'utf8' });
    expect(r2.status).toBe(1);
    expect(r2.stderr).toBe("contrastive: --steps: expected a whole number ≥ 1, got 'many'\n");
    const r3 = spawnSync(process.execPath, [bin, 'list'], { encoding: 'utf8' });
    expect(r3.stdout).toContain('feature-decoupling');
    expect(r3.stdout).toMatch(/Sweep presets[^\n]*\n {2}masking-phase .*\n[^]* {2}simsiam-phase [^]* {2}supcon-batch /);
  });
});
