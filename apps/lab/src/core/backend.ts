import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendInfo, BackendRequest } from './protocol';

const g = globalThis as unknown as {
  navigator?: { gpu?: { requestAdapter(): Promise<unknown> }; hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
  OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown };
};

interface Gl {
  getExtension(name: string): { UNMASKED_RENDERER_WEBGL: number } | null;
  getParameter(p: number): unknown;
}

/** A software rasteriser (SwiftShader, llvmpipe): WebGL there is several times slower than wasm. */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
}

/**
 * What this browser can run, without initialising anything heavy. `auto` is the first entry;
 * software WebGL is listed for the picker but not taken by `auto`.
 */
async function probe(): Promise<{ available: string[]; auto: string[] }> {
  const out: string[] = [];
  let softwareGl = false;
  try {
    if (g.navigator?.gpu && (await g.navigator.gpu.requestAdapter())) out.push('webgpu');
  } catch {
    // no adapter: no WebGPU
  }
  try {
    const gl = g.OffscreenCanvas ? (new g.OffscreenCanvas(1, 1).getContext('webgl2') as Gl | null) : null;
    if (gl) {
      out.push('webgl');
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      softwareGl = info !== null && isSoftwareRenderer(String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)));
    }
  } catch {
    // no WebGL 2 in workers here
  }
  if (typeof WebAssembly === 'object') out.push('wasm');
  out.push('cpu');
  return { available: out, auto: softwareGl ? out.filter((b) => b !== 'webgl') : out };
}

/**
 * Initialises the tfjs backend in the lab's worker: `auto` takes WebGPU, then WebGL (on a GPU, not a software rasteriser), then wasm.
 * The wasm binaries are served by the site under `wasmPath` (copied there at build time); the
 * threaded SIMD build is used when the page is cross-origin isolated (COOP/COEP headers), with
 * `threads` threads (default: the cores).
 */
export async function initBrowserBackend(options: { backend: BackendRequest; wasmPath?: string; threads?: number }): Promise<BackendInfo> {
  const { available, auto } = await probe();
  const isolated = g.crossOriginIsolated === true;
  const logicalCores = g.navigator?.hardwareConcurrency ?? 1;
  if (options.wasmPath) setWasmPaths(options.wasmPath);
  if (isolated && options.threads !== undefined) {
    // tfjs-backend-wasm caps its pool at navigator.hardwareConcurrency / 2, read when the module
    // starts (one thread per physical core, backend.cc `init_with_threads_count`): on 2 logical
    // cores that is 1. An explicit request (`?threads=N`) lets the engine see 2N logical cores.
    const nav = g.navigator;
    if (nav && options.threads * 2 > logicalCores)
      Object.defineProperty(nav, 'hardwareConcurrency', { value: options.threads * 2, configurable: true });
  }
  if (isolated) setThreadsCount(options.threads ?? g.navigator?.hardwareConcurrency ?? 2);
  const order = options.backend === 'auto' ? auto : [options.backend];
  let name: string | undefined;
  for (const b of order) {
    if (!available.includes(b)) continue;
    if (b === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
    if (await tf.setBackend(b).catch(() => false)) {
      await tf.ready();
      name = b;
      break;
    }
  }
  if (!name) throw new Error(`backend '${options.backend}' is not available in this browser (available: ${available.join(', ')})`);
  const wasmThreads = name === 'wasm' ? Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) : false;
  return {
    name,
    threads: name === 'wasm' ? getThreadsCount() : 1,
    wasmThreads,
    cores: logicalCores,
    crossOriginIsolated: isolated,
    available,
  };
}
