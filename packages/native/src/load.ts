import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maybeChecked } from './checked-addon';

/** The raw addon (csrc/addon.c). Use the checked wrappers of this package instead. */
export interface NativeAddon {
  /** SIMD width the addon was compiled for: 'avx512' or 'sse2' (the x86-64 baseline; also the name non-x86 builds report). */
  readonly simd: string;
  /** What this CPU runs (cpuid), read from the baseline build to pick a variant. */
  readonly cpu: {
    /** The CPU has AVX2. */
    avx2: boolean;
    /** The CPU has AVX-512F. */
    avx512: boolean;
  };
  /** C = alpha · op(A) · op(B) + beta · C, row-major float32 (BLAS sgemm conventions). */
  sgemm(
    transA: number,
    transB: number,
    M: number,
    N: number,
    K: number,
    alpha: number,
    A: Float32Array,
    B: Float32Array,
    beta: number,
    C: Float32Array,
  ): void;
  /** The fused symmetric-ReLU + InfoNCE forward and backward pass: returns the loss, writes dW. */
  symmetricReluInfoNCE(
    x1: Float32Array,
    x2: Float32Array,
    w: Float32Array,
    B: number,
    d1: number,
    m: number,
    threshold: number,
    tau: number,
    dW: Float32Array,
  ): number;
  /**
   * One plain-SGD step of that loss: wOut = w − lr·dW, then (renorm ≠ 0) every row divided by
   * max(‖row‖, 1e-12), its squares summed in float32 (acc64 = 0) or double (acc64 = 1). Returns the
   * loss; wOut is not written when it is not finite.
   */
  symmetricReluInfoNCESgd(
    x1: Float32Array,
    x2: Float32Array,
    w: Float32Array,
    B: number,
    d1: number,
    m: number,
    threshold: number,
    tau: number,
    lr: number,
    renorm: number,
    acc64: number,
    wOut: Float32Array,
  ): number;
  /** One sparseCoding batch (z, ξ, ζ drawn from `state`, advanced in place; dense = ζ hT; x = z mT + ξ + dense). */
  sparseCodingSample(
    state: Uint32Array,
    B: number,
    d: number,
    d1: number,
    k: number,
    half: number,
    full: number,
    noiseStd: number,
    denseStd: number,
    mT: Float32Array,
    hT: Float32Array | null,
    z: Float32Array,
    noise: Float32Array,
    dense: Float32Array,
    x: Float32Array,
  ): void;
  /** Normal samples from the xoshiro128** `state` (advanced in place), bit-identical to core's JavaScript stream. */
  fillNormal(state: Uint32Array, out: Float32Array | Float64Array, mean: number, std: number): void;
  /** 0/1 samples with P(1) = p from `state` (advanced in place), bit-identical to core's stream. */
  fillBernoulli(state: Uint32Array, out: Float32Array | Float64Array, p: number): void;
  /** Fused SupCon loss over features C [K·nA? rows, D]; writes dL/dC into dC and returns the loss. */
  supCon(
    C: Float32Array,
    K: number,
    D: number,
    nA: number,
    B: number,
    mask: Float32Array | null,
    labels: Float64Array | null,
    tau: number,
    scale: number,
    variantIn: number,
    dC: Float32Array,
  ): number;
  /** fdlibm's natural log (the same bits as V8's `Math.log`). */
  log(x: number): number;
  /** y = exp(x) elementwise. */
  exp(x: Float32Array, y: Float32Array): void;
  /** Transposes `batch` row-major [rows, cols] matrices of x into y. */
  transpose(x: Float32Array, y: Float32Array, batch: number, rows: number, cols: number): void;
  /** NHWC convolution and its gradients (csrc/conv.c); shape: the 13 fields of `cn_conv_shape`. */
  conv2d(x: Float32Array, w: Float32Array, y: Float32Array, shape: Int32Array): void;
  /** dL/dx of `conv2d` from dy (same `shape` fields). */
  conv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, shape: Int32Array): void;
  /** dL/dw of `conv2d` from x and dy (same `shape` fields). */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, shape: Int32Array): void;
  /** Training-mode batch norm over rows [n, C] and its gradient (csrc/batch-norm.c). */
  batchNormTrain(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    eps: number,
    relu: boolean,
    y: Float32Array,
    xhat: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    invStd: Float32Array,
  ): void;
  /** TensorFlow's bilinear CropAndResize, NHWC (csrc/crop-and-resize.c); dims [batch, H, W, C, boxes, cropH, cropW]. */
  cropAndResize(
    image: Float32Array,
    boxes: Float32Array,
    boxInd: Int32Array,
    out: Float32Array,
    dims: Int32Array,
    extrapolation: number,
  ): void;
  /** The gradient of `batchNormTrain`: dx, dγ, dβ from dy and the saved normalised x and 1/σ. */
  batchNormTrainGrad(
    dy: Float32Array,
    xhat: Float32Array,
    gamma: Float32Array,
    invStd: Float32Array,
    y: Float32Array | null,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
  ): void;
}

/** Whether the compiled kernels are available, and why not. */
export interface NativeInfo {
  /** Whether the compiled kernels loaded. */
  available: boolean;
  /** Path of the addon loaded (or of the build directory looked in). */
  path: string;
  /** SIMD width compiled for, when available. */
  simd?: string;
  /** The ISA variant loaded: 'avx512' or the portable 'baseline'. */
  variant?: string;
  /** Why not, when unavailable. */
  reason?: string;
  /** The install-time build messages (build/build-info.json), e.g. why the build was skipped. */
  buildMessages?: string[];
}

/** build/build-info.json, written by scripts/build-addon.mjs. */
interface BuildInfo {
  status: 'built' | 'skipped';
  variants: string[];
  messages: string[];
  reason?: string;
}

let cached: { addon: NativeAddon | undefined; info: NativeInfo } | undefined;
let warned = false;

/**
 * Where build/ is: next to src/ or dist/ (this file), or, when this file was bundled into an
 * application, in the installed package that the bundle's location resolves.
 */
function buildDirs(): string[] {
  const here = join(dirname(fileURLToPath(import.meta.url)), '..', 'build');
  const dirs = [here];
  try {
    const pkg = createRequire(import.meta.url).resolve('@contrastive/native/package.json');
    const installed = join(dirname(pkg), 'build');
    if (installed !== here) dirs.push(installed);
  } catch {
    // not resolvable from here: only `here` is looked in
  }
  return dirs;
}

function readBuildInfo(dir: string): BuildInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'build-info.json'), 'utf8')) as BuildInfo;
  } catch {
    return undefined;
  }
}

/** Loads the best variant this CPU runs from the first of `dirs` holding a build (internal; exported for tests). */
export function loadFrom(dirs: string[]): { addon: NativeAddon | undefined; info: NativeInfo } {
  const dir = dirs.find((d) => existsSync(join(d, 'contrastive-baseline.node'))) ?? dirs.find((d) => existsSync(d)) ?? dirs[0]!;
  if (process.env['CONTRASTIVE_NATIVE'] === '0')
    return { addon: undefined, info: { available: false, path: dir, reason: 'disabled by CONTRASTIVE_NATIVE=0' } };
  const build = readBuildInfo(dir);
  const buildMessages = build?.messages ?? [];
  const baseline = join(dir, 'contrastive-baseline.node');
  if (!existsSync(baseline)) {
    const reason =
      build?.status === 'skipped'
        ? `the install-time build was skipped: ${build.reason}`
        : `not built (no ${baseline}; run \`node scripts/build-addon.mjs\` in @contrastive/native)`;
    return { addon: undefined, info: { available: false, path: dir, reason, buildMessages } };
  }
  const req = createRequire(import.meta.url);
  try {
    const base = req(baseline) as NativeAddon;
    // The AVX-512 build only where cpuid says it runs: a tree copied to an older CPU falls back.
    const best = base.cpu.avx512 && build?.variants.includes('avx512') ? join(dir, 'contrastive-avx512.node') : undefined;
    const loaded = best && existsSync(best) ? (req(best) as NativeAddon) : base;
    const variant = loaded === base ? 'baseline' : 'avx512';
    // CONTRASTIVE_NATIVE_CHECK=1: every call checks it wrote only inside its array arguments.
    const addon = maybeChecked(loaded);
    return { addon, info: { available: true, path: loaded === base ? baseline : best!, simd: addon.simd, variant, buildMessages } };
  } catch (e) {
    return {
      addon: undefined,
      info: { available: false, path: baseline, reason: `not loadable (${(e as Error).message.split('\n')[0]})`, buildMessages },
    };
  }
}

/**
 * Says once per thread, on stderr, why the kernels are unavailable, with the install-time build
 * messages (npm hides install output). Silent when CONTRASTIVE_NATIVE=0 asked for it. Returns
 * whether it printed (internal; exported for tests).
 */
export function warnUnavailableOnce(info: NativeInfo): boolean {
  if (info.available || warned || process.env['CONTRASTIVE_NATIVE'] === '0') return false;
  warned = true;
  const messages = info.buildMessages?.length ? `\n${info.buildMessages.join('\n')}` : '';
  console.warn(`@contrastive/native: the native kernels are unavailable, tfjs is used instead: ${info.reason}${messages}`);
  return true;
}

/** Loads once per thread; the first load that finds no kernels says why. */
function loaded(): { addon: NativeAddon | undefined; info: NativeInfo } {
  if (!cached) {
    cached = loadFrom(buildDirs());
    warnUnavailableOnce(cached.info);
  }
  return cached;
}

/**
 * The compiled kernels, or `undefined` when the addon was not built (no C compiler or Node headers
 * at install) or `CONTRASTIVE_NATIVE=0` is set. Loaded once per thread.
 */
export function loadNative(): NativeAddon | undefined {
  return loaded().addon;
}

/** Whether the native kernels are available, which build was loaded, and why not. */
export function nativeInfo(): NativeInfo {
  return { ...loaded().info };
}
