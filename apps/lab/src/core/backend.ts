import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendInfo, BackendRequest } from './protocol';

const g = globalThis as unknown as {
  navigator?: { gpu?: { requestAdapter(): Promise<unknown> }; hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
  OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown };
};

/** What this browser can run, without initialising anything heavy. */
async function probe(): Promise<string[]> {
  const out: string[] = [];
  try {
    if (g.navigator?.gpu && (await g.navigator.gpu.requestAdapter())) out.push('webgpu');
  } catch {
    // no adapter: no WebGPU
  }
  try {
    if (g.OffscreenCanvas && new g.OffscreenCanvas(1, 1).getContext('webgl2')) out.push('webgl');
  } catch {
    // no WebGL 2 in workers here
  }
  if (typeof WebAssembly === 'object') out.push('wasm');
  out.push('cpu');
  return out;
}

/**
 * Initialises the tfjs backend in the lab's worker: `auto` takes WebGPU, then WebGL, then wasm.
 * The wasm binaries are served by the site under `wasmPath` (copied there at build time); the
 * threaded SIMD build is used when the page is cross-origin isolated (COOP/COEP headers), with
 * `threads` threads (default: the cores).
 */
export async function initBrowserBackend(options: { backend: BackendRequest; wasmPath?: string; threads?: number }): Promise<BackendInfo> {
  const available = await probe();
  const isolated = g.crossOriginIsolated === true;
  if (options.wasmPath) setWasmPaths(options.wasmPath);
  if (isolated) setThreadsCount(options.threads ?? g.navigator?.hardwareConcurrency ?? 2);
  const order = options.backend === 'auto' ? available : [options.backend];
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
    cores: g.navigator?.hardwareConcurrency ?? 1,
    crossOriginIsolated: isolated,
    available,
  };
}
