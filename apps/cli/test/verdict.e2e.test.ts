// End-to-end: the exit code and the verdict's words when --steps overrides the setting a config's
// checks were calibrated for, and that `contrastive report` remembers it (config.json meta).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtBin, runAsync } from './run-cli';

// A missing build fails here (builtBin throws), it does not skip.
const bin = builtBin();
const dir = mkdtempSync(join(tmpdir(), 'contrastive-verdict-'));
const config = {
  name: 'tiny-verdict',
  steps: 60,
  batchSize: 32,
  evalEvery: 30,
  evalSamples: 256,
  data: { type: 'sparseCoding', ambientDim: 32, latentDim: 8, sparsity: 0.1, noiseToSignal: 4 },
  encoder: { type: 'symmetricRelu', width: 8 },
  optimizer: { type: 'sgd', lr: 0.05 },
  arms: [{ name: 'masking', augment: { type: 'complementaryMask', keepProb: 0.5 } }],
  // Cannot hold: the loss is positive.
  checks: [{ description: 'impossible', arm: 'masking', metric: 'loss', op: '<', value: 0 }],
};
const configPath = join(dir, 'tiny.json');
writeFileSync(configPath, JSON.stringify(config));
const env = { ...process.env, CI: '1', COLUMNS: '80' };

describe('verdict and exit code (built binary)', () => {
  it('--steps below the calibrated steps: exit 3, and the verdict says why; report keeps it', async () => {
    const out = join(dir, 'short');
    const r = await runAsync(
      process.execPath,
      [bin, 'run', configPath, '--steps', '30', '--out', out, '--workers', '0', '--backend', 'cpu', '--quiet'],
      env,
    );
    expect(r.status, r.stderr).toBe(3);
    expect(r.stdout).toContain('note: checks were calibrated for 60 steps; this run used 30');
    expect(r.stdout).toContain('Checks not applicable');
    expect(r.stderr).not.toMatch(/step \d+\/30/); // --quiet: no progress
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('checks were calibrated for 60 steps; this run used 30');
    const again = await runAsync(process.execPath, [bin, 'report', out, '--json'], env);
    expect(again.status, again.stderr).toBe(3);
    expect(JSON.parse(again.stdout).verdict).toMatchObject({ status: 'not-applicable', code: 3 });
  });

  it('in the calibrated setting a failed check is exit 2: the claim is not shown', async () => {
    const r = await runAsync(
      process.execPath,
      [bin, 'run', configPath, '--out', join(dir, 'full'), '--workers', '0', '--backend', 'cpu'],
      env,
    );
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toContain('The run does NOT show the claim.');
    expect(r.stdout).not.toContain('note:');
  });
});
