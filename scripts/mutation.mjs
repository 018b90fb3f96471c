#!/usr/bin/env node
// `pnpm test:mutation [package …]`: StrykerJS over the numeric packages, one after the other, on the
// cpu backend (the mutants are the same on every backend; cpu is the quickest to start). Each
// package must reach the break threshold (85 %); reports land in packages/<name>/reports/mutation/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const all = ['core', 'augment', 'nets', 'losses', 'train', 'analysis', 'datasets'];
// Package names, then any Stryker flags passed through (e.g. `--mutate src/x.ts --concurrency 1`).
const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith('--'));
const names = firstFlag === -1 ? args : args.slice(0, firstFlag);
const flags = firstFlag === -1 ? [] : args.slice(firstFlag);
const wanted = names.length ? names : all;
const stryker = join(root, 'node_modules', '.bin', 'stryker');
const results = [];
for (const name of wanted) {
  const dir = join(root, 'packages', name);
  if (!existsSync(join(dir, 'stryker.config.mjs'))) {
    if (names.length) throw new Error(`packages/${name} has no stryker.config.mjs`);
    continue;
  }
  console.log(`\n== mutation testing @contrastive/${name} ==`);
  const r = spawnSync(stryker, ['run', ...flags], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, CONTRASTIVE_TEST_BACKENDS: 'cpu', CONTRASTIVE_MUTATION: '1' },
  });
  results.push([name, r.status]);
}
for (const [name, status] of results) console.log(`${status === 0 ? 'ok  ' : 'FAIL'} @contrastive/${name}`);
process.exit(results.some(([, s]) => s !== 0) ? 1 : 0);
