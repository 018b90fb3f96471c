import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/**
 * Runs a command asynchronously and collects its output. (spawnSync would block the vitest worker's
 * event loop for the whole run, and vitest reports "Timeout calling onTaskUpdate".)
 */
export function runAsync(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * The built CLI (`apps/cli/dist/bin.js`). End-to-end suites must never pass by skipping: without a
 * build this throws, so the suite fails and says how to build (turbo builds before the cli tests).
 */
export function builtBin(): string {
  const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build the CLI first (pnpm build, or pnpm test, which builds)`);
  return bin;
}

/**
 * Writes the tiny sweep both sweep e2e suites run (a one-arm masking base config in `dir/base.json`,
 * keepProb × temperature, seed 0) and returns the sweep file's path.
 */
export function writeTinySweep(dir: string, options: { name: string; steps: number; evalEvery: number }): string {
  writeFileSync(
    join(dir, 'base.json'),
    JSON.stringify({
      name: 'tiny',
      steps: options.steps,
      batchSize: 32,
      evalEvery: options.evalEvery,
      checkpointEvery: 20,
      evalSamples: 128,
      data: { type: 'sparseCoding', ambientDim: 32, latentDim: 4, sparsity: 0.25, noiseToSignal: 1 },
      encoder: { type: 'symmetricRelu', width: 8 },
      method: { type: 'contrastive', loss: 'infonce', temperature: 0.1, normalize: false },
      optimizer: { type: 'sgd', lr: 0.05 },
      arms: [{ name: 'masking', augment: { type: 'complementaryMask', keepProb: 0.5 } }],
    }),
  );
  const sweepFile = join(dir, 'sweep.yaml');
  writeFileSync(
    sweepFile,
    [
      `name: ${options.name}`,
      'base: base.json',
      'axes:',
      '  augment.keepProb: [0.3, 0.5]',
      '  method.temperature: [0.1, 0.2]',
      'seeds: [0]',
      'metric: atomRecovery.median',
      '',
    ].join('\n'),
  );
  return sweepFile;
}

/**
 * `contrastive run <preset> --json` on wasm in CI mode, with what every preset test checks first:
 * no usage error (exit 1) and no failed check. Returns the exit status and the parsed results.
 */
export async function runPreset(bin: string, preset: string, out: string): Promise<{ status: number | null; json: any }> {
  const r = await runAsync(process.execPath, [bin, 'run', preset, '--out', out, '--json', '--backend', 'wasm'], {
    ...process.env,
    CI: '1',
  });
  expect(r.status, r.stderr).not.toBe(1);
  const json = JSON.parse(r.stdout);
  const failed = json.checks.filter((c: { pass: boolean }) => !c.pass).map((c: unknown) => JSON.stringify(c));
  expect(failed, failed.join('\n')).toEqual([]);
  return { status: r.status, json };
}
