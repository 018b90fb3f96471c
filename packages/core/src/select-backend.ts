import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from './errors';

/** The tfjs backends `selectBackend` knows how to set up. */
export type BackendName = 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

const KNOWN: readonly BackendName[] = ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * The npm package that registers each backend. In Node `selectBackend` imports it when it is
 * installed; in a browser bundle import it yourself (bundlers only include static imports).
 */
const PACKAGES: Record<BackendName, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  webgl: '@tensorflow/tfjs-backend-webgl',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** Options of `selectBackend`. */
export interface SelectBackendOptions {
  /**
   * Backends to try, in order; the first that initialises wins. Default: in Node
   * `['tensorflow', 'wasm', 'cpu']`, in a browser `['webgpu', 'webgl', 'wasm', 'cpu']`.
   */
  prefer?: BackendName[];
  /**
   * Node: when `@contrastive/native` is installed, call its `useNativeKernels()` (compiled GEMM,
   * fused contrastive step, samplers; same numbers, several times faster). Default true.
   */
  nativeKernels?: boolean;
  /** Print the one-time warning when falling back to the slow pure-JavaScript `cpu` backend. Default true. */
  warn?: boolean;
}

/** What `selectBackend` chose and why. */
export interface SelectedBackend {
  /** The backend now active (`tf.getBackend()`). */
  backend: BackendName;
  /** Whether `@contrastive/native`'s kernels were registered. */
  nativeKernels: boolean;
  /** Each backend tried before the chosen one, and why it was passed over. */
  skipped: Array<{
    /** The backend passed over. */
    backend: BackendName;
    /** Why (not registered, failed to initialise, …). */
    reason: string;
  }>;
}

let warnedCpu = false;

/** Node.js (not a browser, not a worker of one). Read off `globalThis` so no Node types or built-ins are needed. */
function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Imports an optional package by a computed name. A bundler sees no literal specifier, so it
 * neither fails on a package that is not installed nor pulls one in. In Node it resolves from this
 * package first, then from the application's directory (`process.cwd()`): under pnpm's strict
 * layout the app's own dependencies are not visible from here. (Internal; exported for tests.)
 */
export async function importOptional(name: string): Promise<Record<string, unknown>> {
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as Record<string, unknown>;
  } catch (e) {
    const fromApp = resolveFromApp(name);
    if (!fromApp) throw e;
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ fromApp)) as Record<string, unknown>;
  }
}

/** `name` resolved from the app's directory as a file URL, or undefined. Node ≥ 20.16 (`process.getBuiltinModule`, no static import of a built-in). */
function resolveFromApp(name: string): string | undefined {
  const p = (globalThis as { process?: { cwd?: () => string; getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = p?.getBuiltinModule?.('node:module') as { createRequire(path: string): { resolve(id: string): string } } | undefined;
  const url = p?.getBuiltinModule?.('node:url') as { pathToFileURL(path: string): { href: string } } | undefined;
  if (!mod || !url || !p?.cwd) return undefined;
  try {
    return url.pathToFileURL(mod.createRequire(`${p.cwd()}/`).resolve(name)).href;
  } catch {
    return undefined;
  }
}

/** A module-not-found error (ESM or CommonJS resolution), as opposed to a package that failed to load. */
function notFound(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (package|module)/.test(message(e));
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/**
 * Picks and initialises the fastest tfjs backend available, so a library user does not silently
 * train on the pure-JavaScript `cpu` backend (measured on the flagship run: 88 s on cpu, 8.3 s on
 * wasm, 3.9 s on wasm with the native kernels, for the same 400 steps).
 *
 * Node: `tensorflow` when `@tensorflow/tfjs-node` is installed, else `wasm` when
 * `@tensorflow/tfjs-backend-wasm` is installed (plus `@contrastive/native`'s kernels when that is
 * installed), else `cpu` with a one-time warning saying what to install. Browser: the first of
 * `webgpu`, `webgl`, `wasm`, `cpu` that is registered (import the backend packages you want) and
 * initialises. A backend already registered (you imported its package) is used without an import.
 * No package here depends on a backend: the optional ones are imported only when present.
 *
 * @example
 * import { selectBackend } from '@contrastive/core';
 * const { backend } = await selectBackend(); // 'wasm' after `npm i @tensorflow/tfjs-backend-wasm`
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const node = isNode();
  const prefer = options.prefer ?? (node ? ['tensorflow', 'wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu']);
  if (!Array.isArray(prefer) || prefer.length === 0 || prefer.some((b) => !KNOWN.includes(b))) {
    throw new InvalidArgumentError({
      op: 'selectBackend',
      argument: 'options.prefer',
      expected: `a non-empty array of ${KNOWN.join(', ')}`,
      actual: prefer,
    });
  }
  const skipped: SelectedBackend['skipped'] = [];
  for (const backend of prefer) {
    if (!tf.findBackendFactory(backend)) {
      if (!node) {
        skipped.push({ backend, reason: `not registered: import '${PACKAGES[backend]}' in your bundle` });
        continue;
      }
      try {
        await importOptional(PACKAGES[backend]);
      } catch (e) {
        skipped.push({
          backend,
          reason: notFound(e) ? `${PACKAGES[backend]} is not installed` : `${PACKAGES[backend]} failed to load (${message(e)})`,
        });
        continue;
      }
      if (!tf.findBackendFactory(backend)) {
        skipped.push({
          backend,
          reason: `${PACKAGES[backend]} loaded but registered no '${backend}' backend (a second copy of @tensorflow/tfjs-core?)`,
        });
        continue;
      }
    }
    let ok = false;
    try {
      ok = await tf.setBackend(backend);
      if (ok) await tf.ready();
    } catch (e) {
      skipped.push({ backend, reason: `failed to initialise (${message(e)})` });
      continue;
    }
    if (!ok) {
      skipped.push({ backend, reason: 'failed to initialise' });
      continue;
    }
    const nativeKernels = node && (options.nativeKernels ?? true) ? await useNative() : false;
    // A fallback to cpu warns; an explicit `prefer: ['cpu']` is the user's choice.
    if (backend === 'cpu' && (options.prefer === undefined || skipped.length > 0) && (options.warn ?? true) && !warnedCpu) {
      warnedCpu = true;
      console.warn(
        node
          ? "selectBackend: training on tfjs's pure-JavaScript 'cpu' backend, about 10× slower than wasm. Install @tensorflow/tfjs-backend-wasm (and @contrastive/native for the compiled kernels), or @tensorflow/tfjs-node."
          : "selectBackend: training on tfjs's pure-JavaScript 'cpu' backend. Import '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu' or '@tensorflow/tfjs-backend-wasm' in your bundle.",
      );
    }
    return { backend, nativeKernels, skipped };
  }
  throw new InvalidArgumentError({
    op: 'selectBackend',
    argument: 'options.prefer',
    expected: 'at least one backend that initialises',
    actual: prefer,
    message: `no backend could be initialised: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`,
  });
}

/** Registers `@contrastive/native`'s kernels when that package is installed and its addon loads. */
async function useNative(): Promise<boolean> {
  let mod: Record<string, unknown>;
  try {
    mod = await importOptional('@contrastive/native');
  } catch {
    return false; // not installed: an opt-in plugin
  }
  const use = mod['useNativeKernels'] as (() => { available: boolean }) | undefined;
  return typeof use === 'function' ? use().available : false;
}
