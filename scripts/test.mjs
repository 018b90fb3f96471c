#!/usr/bin/env node
// The README's test command: builds, typechecks, lints (publint + attw) and tests every package
// through turbo, then prints one summary line over all vitest runs ("tests: N passed, N failed").
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const groups = ['packages', 'apps', 'tests'];
const resultFiles = () =>
  groups.flatMap((g) =>
    existsSync(join(root, g))
      ? readdirSync(join(root, g))
          .map((d) => join(root, g, d, '.vitest-results.json'))
          .filter((f) => existsSync(f))
      : [],
  );

// Stale results from an earlier run must not be counted.
for (const f of resultFiles()) rmSync(f);

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1', DO_NOT_TRACK: '1' };
const tasks = ['build', 'typecheck', 'lint', 'test', 'test:pack'];
// The workspace's own turbo, so the script also works when run with plain `node`.
const turboBin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'turbo.cmd' : 'turbo');
const turbo = spawnSync(
  existsSync(turboBin) ? turboBin : 'turbo',
  ['run', ...tasks, '--continue', '--concurrency=2', '--output-logs=new-only', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env,
    shell: process.platform === 'win32',
  },
);

// Code lint (ESLint) and formatting (Prettier) over the whole tree, from the workspace's own binaries.
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
// TypeDoc (typedoc.json): the API reference of every library into docs/api/, warnings as errors,
// so an exported symbol or option without a doc comment fails the run.
const codeChecks = [
  ['eslint', ['.', '--max-warnings=0']],
  ['prettier', ['--check', '.', '--log-level=warn']],
  ['typedoc', []],
].map(([name, args]) => {
  const r = spawnSync(bin(name), args, { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (r.status !== 0) console.log(`\n${name} failed: see the output above (pnpm lint:code, pnpm format, pnpm docs:api).`);
  return r.status ?? 1;
});

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const file of resultFiles()) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  for (const suite of r.testResults ?? []) {
    for (const t of suite.assertionResults ?? []) if (t.status === 'failed') failures.push(`${suite.name}: ${t.fullName}`);
    if ((suite.assertionResults ?? []).length === 0 && suite.status === 'failed') failures.push(`${suite.name}: ${suite.message}`);
  }
}
if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
const code = (turbo.status ?? 1) || codeChecks.find((c) => c !== 0) || 0;
if ((turbo.status ?? 1) !== 0 && failed === 0) console.log('\nturbo failed (build, typecheck or lint): see the output above.');
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code !== 0 ? code : failed > 0 ? 1 : 0);
