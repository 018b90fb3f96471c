import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { loadFrom, loadNative, nativeInfo, warnUnavailableOnce } from './load';

// The machines this project builds on have a C compiler and Node's headers (the addon is
// compiled by `build`), so a missing addon is a failure here, not a skip. CONTRASTIVE_NATIVE=0
// is the documented way to test the fallback.
const disabled = process.env['CONTRASTIVE_NATIVE'] === '0';
const pkg = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'contrastive-native-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the package's build inputs in a scratch directory, built with `env`. */
function buildCopy(name: string, env: Record<string, string>): string {
  const root = join(scratch, name);
  cpSync(join(pkg, 'scripts'), join(root, 'scripts'), { recursive: true });
  cpSync(join(pkg, 'csrc'), join(root, 'csrc'), { recursive: true });
  execFileSync(process.execPath, [join(root, 'scripts', 'build-addon.mjs')], { env: { ...process.env, ...env }, stdio: 'pipe' });
  return join(root, 'build');
}

it('loads the compiled addon: the AVX-512 variant exactly when cpuid reports AVX-512, else the baseline', () => {
  const info = nativeInfo();
  if (disabled) {
    expect(info.available).toBe(false);
    expect(info.reason).toMatch(/CONTRASTIVE_NATIVE=0/);
    expect(loadNative()).toBeUndefined();
    return;
  }
  expect(info.available, info.reason).toBe(true);
  const addon = loadNative()!;
  expect(typeof addon.sgemm).toBe('function');
  expect(info.variant).toBe(addon.cpu.avx512 ? 'avx512' : 'baseline');
  expect(info.simd).toBe(addon.cpu.avx512 ? 'avx512' : 'sse2');
  expect(info.path).toMatch(/build[/\\]contrastive-(avx512|baseline)\.node$/);
});

it('the build is portable: no -march=native, a baseline that every CPU of the arch runs, and a record of what was built', () => {
  const script = readFileSync(join(pkg, 'scripts', 'build-addon.mjs'), 'utf8');
  expect(script).not.toMatch(/'-march=native'|\?\? 'native'/); // neither as a flag nor as a default
  const build = JSON.parse(readFileSync(join(pkg, 'build', 'build-info.json'), 'utf8'));
  expect(build.status).toBe('built');
  expect(build.variants[0]).toBe('baseline');
  if (process.arch === 'x64') expect(build.variants).toContain('avx512');
});

it('without the AVX-512 file (a tree from an older compiler) the baseline loads and computes the same GEMM', () => {
  if (disabled) return;
  const dir = buildCopy('baseline-only', {});
  rmSync(join(dir, 'contrastive-avx512.node'), { force: true });
  const { addon, info } = loadFrom([dir]);
  expect(info).toMatchObject({ available: true, variant: 'baseline', simd: process.arch === 'x64' ? 'sse2' : expect.any(String) });
  // [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]
  const c = new Float32Array(4);
  addon!.sgemm(0, 0, 2, 2, 2, 1, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, c);
  expect(Array.from(c)).toEqual([19, 22, 43, 50]);
}, 300_000); // compiles both variants of the whole addon: minutes on a loaded machine

it('a skipped build is recorded at install and reported once, with its reason, when the kernels are first loaded', () => {
  const dir = buildCopy('no-compiler', { CC: '/nonexistent/cc' });
  expect(existsSync(join(dir, 'contrastive-baseline.node'))).toBe(false);
  const build = JSON.parse(readFileSync(join(dir, 'build-info.json'), 'utf8'));
  expect(build.status).toBe('skipped');
  expect(build.reason).toMatch(/\/nonexistent\/cc failed on csrc\/rng\.c/);
  const { addon, info } = loadFrom([dir]);
  expect(addon).toBeUndefined();
  expect(info.reason).toMatch(/install-time build was skipped: \/nonexistent\/cc failed/);
  expect(info.buildMessages).toEqual(build.messages);
  if (disabled) return;
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    // The real addon loaded above without a warning, so this thread has not warned yet.
    expect(warnUnavailableOnce(info)).toBe(true);
    expect(warnUnavailableOnce(info)).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(
      /native kernels are unavailable, tfjs is used instead: the install-time build was skipped.*\n@contrastive\/native: build skipped/s,
    );
  } finally {
    warn.mockRestore();
  }
});
