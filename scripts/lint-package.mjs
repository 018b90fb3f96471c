#!/usr/bin/env node
// Packaging lint for one package (run from its directory): publint --strict, then
// "are the types wrong" on the exact tarball `pnpm pack` produces (what npm users install).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Resolve the workspace's own binaries so the script also works outside `pnpm run`.
const bin = (name) => join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', name);

const run = (cmd, args) => execFileSync(bin(cmd), args, { stdio: 'inherit' });
const dir = mkdtempSync(join(tmpdir(), 'contrastive-lint-'));
try {
  run('publint', ['--strict']);
  execFileSync(bin('pnpm'), ['pack', '--pack-destination', dir], { stdio: 'ignore' });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error('pnpm pack produced no tarball');
  run('attw', [join(dir, tgz)]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
