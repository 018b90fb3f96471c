import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

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
