import '@tensorflow/tfjs';
// The CLI depends on the wasm backend: imported here, it is registered whatever the install layout.
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend as pickBackend } from '@contrastive/core';
import { useNativeKernels, useNativeWasmKernels } from '@contrastive/native';

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/**
 * Picks the tfjs backend for this process (or worker thread) with core's `selectBackend`. Order
 * for `auto`: tfjs-node (`tensorflow`) when the user has installed `@tensorflow/tfjs-node`, else
 * wasm (SIMD; the fast default in Node), else the pure-JS `cpu`. `CONTRASTIVE_BACKEND` or
 * `--backend` overrides; an explicit backend that cannot start is an error.
 */
export async function selectBackend(requested?: string): Promise<string> {
  // Registers the native kernels in core's registry: the bit-exact fillNormal/fillBernoulli (same
  // numbers, only faster) and the fused contrastive step contrastiveMethod picks up.
  // CONTRASTIVE_NATIVE=0 (`--no-native`) leaves everything on tfjs/JS.
  useNativeKernels();
  const want = (requested ?? process.env.CONTRASTIVE_BACKEND ?? 'auto') as BackendName;
  if (!BACKENDS.includes(want)) {
    throw new Error(`unknown backend '${want}': expected one of ${BACKENDS.join(', ')}`);
  }
  let backend: string;
  try {
    // nativeKernels: false — registered above from the CLI's own dependency, in every layout.
    ({ backend } = await pickBackend({ prefer: want === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [want], nativeKernels: false }));
  } catch (e) {
    if (want === 'tensorflow')
      throw new Error(`backend 'tensorflow' needs @tensorflow/tfjs-node installed next to contrastive (${(e as Error).message})`);
    throw e;
  }
  // tf.matMul, tf.exp, tf.transpose natively, in place in the wasm heap (same results up to rounding).
  if (backend === 'wasm') useNativeWasmKernels();
  return backend;
}
