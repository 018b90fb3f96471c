#!/usr/bin/env node
// Compiles csrc/*.c into build/contrastive.node with the machine's C compiler and Node's own
// headers (no node-gyp, no download). -march=native: the addon is built where it runs.
// A machine without a compiler or headers gets a warning and no addon; @contrastive/native then
// reports `available: false` and callers fall back to tfjs. CONTRASTIVE_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'contrastive.node');
const skip = (why) => {
  console.warn(`@contrastive/native: ${why}; the native kernels are unavailable and tfjs is used instead.`);
  process.exit(0);
};
if (process.env.CONTRASTIVE_NATIVE === '0') skip('CONTRASTIVE_NATIVE=0');
const headerDirs = [
  join(dirname(process.execPath), '..', 'include', 'node'),
  ...(process.env.npm_config_nodedir ? [join(process.env.npm_config_nodedir, 'include', 'node')] : []),
  '/usr/include/node',
  '/usr/local/include/node',
];
const headers = headerDirs.find((d) => existsSync(join(d, 'node_api.h')));
if (!headers) skip(`node_api.h not found (looked in ${headerDirs.join(', ')})`);
const cc = process.env.CC ?? 'cc';
const march = process.env.CONTRASTIVE_NATIVE_MARCH ?? 'native';
mkdirSync(join(root, 'build'), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
const common = ['-O3', `-march=${march}`, '-fPIC', '-std=gnu11', '-fvisibility=hidden', '-I', headers];
const objs = [];
for (const [file, extra] of [['rng.c', ['-ffp-contract=off', '-fno-math-errno']], ['kernels.c', ['-ffp-contract=fast']], ['addon.c', []]]) {
  const obj = join(root, 'build', file.replace(/\.c$/, '.o'));
  const r = spawnSync(cc, [...common, ...extra, '-c', join(root, 'csrc', file), '-o', obj], { stdio: 'inherit' });
  if (r.error || r.status !== 0) skip(`${cc} failed on csrc/${file}${r.error ? ` (${r.error.message})` : ''}`);
  objs.push(obj);
}
const link = spawnSync(cc, ['-shared', '-o', tmp, ...objs, '-lm'], { stdio: 'inherit' });
if (link.error || link.status !== 0) skip(`${cc} failed to link`);
renameSync(tmp, out);
for (const o of objs) rmSync(o, { force: true });
console.log(`@contrastive/native: built ${out}`);
