// Runs once before every packaging test file: packs each library exactly as it would be published
// (`pnpm pack` rewrites workspace:/catalog: ranges) and installs the tarballs with npm into a
// scratch project outside the workspace, next to @tensorflow/tfjs and its wasm backend, the way a
// user's app would. The test files get the scratch directory through `inject('scratch')`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export const root = join(import.meta.dirname, '..', '..', '..');
export const libraries = ['core', 'data', 'datasets', 'augment', 'nets', 'losses', 'analysis', 'native', 'train'] as const;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Scratch directory: packs/<lib>.tgz and app/ (every library installed with npm). */
    scratch: string;
  }
}

export function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_loglevel: 'error', ...env },
  });
}

/** The tfjs version of the workspace, so the scratch apps use the same one. */
export function tfjsVersion(): string {
  return JSON.parse(readFileSync(join(root, 'node_modules', '@tensorflow', 'tfjs', 'package.json'), 'utf8')).version;
}

/** The tarball of each library in `scratch/packs`. */
export function tarballs(scratch: string): Record<string, string> {
  const packs = join(scratch, 'packs');
  const out: Record<string, string> = {};
  for (const f of readdirSync(packs)) out[f.replace(/^contrastive-/, '').replace(/-\d+\.\d+\.\d+.*\.tgz$/, '')] = join(packs, f);
  return out;
}

export default function setup(project: TestProject): () => void {
  const scratch = mkdtempSync(join(tmpdir(), 'contrastive-packaging-'));
  const packs = join(scratch, 'packs');
  for (const lib of libraries) sh('pnpm', ['pack', '--pack-destination', packs], join(root, 'packages', lib));
  const tgz = tarballs(scratch);
  const app = join(scratch, 'app');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0', type: 'commonjs' }));
  const v = tfjsVersion();
  sh(
    'npm',
    ['install', '--no-audit', '--no-fund', `@tensorflow/tfjs@${v}`, `@tensorflow/tfjs-backend-wasm@${v}`, ...libraries.map((l) => tgz[l]!)],
    app,
  );
  project.provide('scratch', scratch);
  return () => rmSync(scratch, { recursive: true, force: true });
}
