import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The raw addon (csrc/addon.c). Use the checked wrappers of this package instead. */
export interface NativeAddon {
  /** SIMD width the addon was compiled for: 'avx512', 'avx2-fma', 'avx' or 'sse2'. */
  readonly simd: string;
  sgemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number, A: Float32Array, B: Float32Array, beta: number, C: Float32Array): void;
  symmetricReluInfoNCE(x1: Float32Array, x2: Float32Array, w: Float32Array, B: number, d1: number, m: number, threshold: number, tau: number, dW: Float32Array): number;
  fillNormal(state: Uint32Array, out: Float32Array | Float64Array, mean: number, std: number): void;
  fillBernoulli(state: Uint32Array, out: Float32Array | Float64Array, p: number): void;
  log(x: number): number;
  exp(x: Float32Array, y: Float32Array): void;
  transpose(x: Float32Array, y: Float32Array, batch: number, rows: number, cols: number): void;
}

export interface NativeInfo {
  /** Whether the compiled kernels loaded. */
  available: boolean;
  /** Path of the addon looked for. */
  path: string;
  /** SIMD width compiled for, when available. */
  simd?: string;
  /** Why not, when unavailable. */
  reason?: string;
}

let cached: { addon: NativeAddon | undefined; info: NativeInfo } | undefined;

function addonPath(): string {
  // src/ (tests, `source` condition) and dist/ (built) both sit next to build/.
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'contrastive.node');
}

function load(): { addon: NativeAddon | undefined; info: NativeInfo } {
  const path = addonPath();
  if (process.env['CONTRASTIVE_NATIVE'] === '0') return { addon: undefined, info: { available: false, path, reason: 'disabled by CONTRASTIVE_NATIVE=0' } };
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    return { addon, info: { available: true, path, simd: addon.simd } };
  } catch (e) {
    return { addon: undefined, info: { available: false, path, reason: `not built or not loadable (${(e as Error).message.split('\n')[0]})` } };
  }
}

/**
 * The compiled kernels, or `undefined` when the addon was not built (no C compiler or Node headers
 * at install) or `CONTRASTIVE_NATIVE=0` is set. Loaded once per thread.
 */
export function loadNative(): NativeAddon | undefined {
  cached ??= load();
  return cached.addon;
}

/** Whether the native kernels are available, and why not. */
export function nativeInfo(): NativeInfo {
  cached ??= load();
  return { ...cached.info };
}
