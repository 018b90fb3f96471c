#!/usr/bin/env node
// Packaging lint for one package (run from its directory): publint --strict, then
// "are the types wrong" on the exact tarball `pnpm pack` produces (what npm users install).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const dir = mkdtempSync(join(tmpdir(), 'contrastive-lint-'));
try {
  run('publint', ['--strict']);
  execFileSync('pnpm', ['pack', '--pack-destination', dir], { stdio: 'ignore' });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error('pnpm pack produced no tarball');
  run('attw', [join(dir, tgz)]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
