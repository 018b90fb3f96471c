#!/usr/bin/env node
// Compiles csrc/*.c into build/contrastive-<variant>.node with the machine's C compiler and Node's
// own headers (no node-gyp, no download). Portable: never -march=native. On x86-64 it builds a
// baseline (SSE2, runs on every x86-64 CPU) plus an AVX-512 variant; at load time the baseline's
// cpuid probe picks the best one this CPU runs, so a built tree copied to another machine (Docker
// multi-stage, CI caches) still works. Elsewhere it builds one baseline. No AVX2 variant: the
// kernels use 64-byte GCC vectors, which GCC splits and spills under AVX2 (measured on a Zen 4:
// sgemm 512³ at 0.8 GFLOP/s with -mavx2 -mfma, 0.6 with -march=x86-64-v3, 2.6 for the SSE2
// baseline, 86 for AVX-512).
// What happened is written to build/build-info.json; a skipped build (no compiler or headers,
// CONTRASTIVE_NATIVE=0) is reported again, once, when the kernels are first loaded, since npm
// hides install output. CONTRASTIVE_NATIVE_MARCH=<arch> builds one variant for that -march instead
// (your choice: such a tree runs only on CPUs with that ISA).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');
mkdirSync(buildDir, { recursive: true });
// A rebuild starts clean: no stale variant of an earlier build may be picked at load time.
for (const f of readdirSync(buildDir)) if (/\.(node|o|tmp)$/.test(f) || f === 'build-info.json') rmSync(join(buildDir, f), { force: true });

const info = {
  status: 'built',
  variants: [],
  messages: [],
  node: process.version,
  platform: platform(),
  arch: arch(),
  date: new Date().toISOString(),
};
const writeInfo = () => writeFileSync(join(buildDir, 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
const skip = (why) => {
  const message = `@contrastive/native: build skipped: ${why}; the native kernels are unavailable and tfjs is used instead.`;
  console.warn(message);
  info.status = 'skipped';
  info.reason = why;
  info.messages.push(message);
  writeInfo();
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

/** [variant, ISA flags]: the probe in csrc/addon.c checks exactly these features. */
const AVX512 = ['-mavx2', '-mfma', '-mavx512f', '-mavx512bw', '-mavx512dq', '-mavx512vl', '-mavx512cd'];
const variants = process.env.CONTRASTIVE_NATIVE_MARCH
  ? [['baseline', [`-march=${process.env.CONTRASTIVE_NATIVE_MARCH}`]]]
  : arch() === 'x64'
    ? [
        ['baseline', ['-march=x86-64', '-mtune=generic']],
        ['avx512', [...AVX512, '-mtune=generic']],
      ]
    : [['baseline', []]];

for (const [variant, isa] of variants) {
  const out = join(buildDir, `contrastive-${variant}.node`);
  const tmp = `${out}.${process.pid}.tmp`;
  // -Wno-psabi: the note that 64-byte vector arguments change the ABI without AVX-512 concerns
  // calls across compilers; ours are static inline functions of one translation unit.
  const common = ['-O3', ...isa, '-fPIC', '-std=gnu11', '-fvisibility=hidden', '-Wno-psabi', '-I', headers];
  const objs = [];
  let failed;
  for (const [file, extra] of [
    ['rng.c', ['-ffp-contract=off', '-fno-math-errno']],
    ['kernels.c', ['-ffp-contract=fast']],
    ['supcon.c', ['-ffp-contract=fast']],
    ['conv.c', ['-ffp-contract=fast']],
    ['batch-norm.c', ['-ffp-contract=fast']],
    ['crop-and-resize.c', ['-ffp-contract=off']],
    ['sgd-step.c', ['-ffp-contract=off', '-fno-math-errno']],
    ['sparse-coding.c', ['-ffp-contract=off']],
    ['conv-addon.c', []],
    ['addon.c', []],
  ]) {
    const obj = join(buildDir, `${variant}-${file.replace(/\.c$/, '.o')}`);
    const r = spawnSync(cc, [...common, ...extra, '-c', join(root, 'csrc', file), '-o', obj], { encoding: 'utf8' });
    if (r.stderr) process.stderr.write(r.stderr);
    if (r.error || r.status !== 0) {
      failed = `${cc} failed on csrc/${file} (${variant})${r.error ? `: ${r.error.message}` : r.stderr ? `: ${r.stderr.trim().split('\n')[0]}` : ''}`;
      break;
    }
    objs.push(obj);
  }
  if (!failed) {
    const link = spawnSync(cc, ['-shared', '-o', tmp, ...objs, '-lm'], { encoding: 'utf8' });
    if (link.error || link.status !== 0)
      failed = `${cc} failed to link (${variant})${link.stderr ? `: ${link.stderr.trim().split('\n')[0]}` : ''}`;
    else renameSync(tmp, out);
  }
  for (const o of objs) rmSync(o, { force: true });
  if (failed) {
    // Without the baseline nothing loads; a missing ISA variant (an old compiler) only costs speed.
    if (variant === 'baseline') skip(failed);
    info.messages.push(`@contrastive/native: ${failed}; the ${variant} variant is not built.`);
    console.warn(info.messages.at(-1));
    continue;
  }
  info.variants.push(variant);
}
writeInfo();
console.log(`@contrastive/native: built ${info.variants.map((v) => `contrastive-${v}.node`).join(', ')} in ${buildDir}`);
