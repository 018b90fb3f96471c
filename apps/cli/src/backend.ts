import * as tf from '@tensorflow/tfjs';
import { useNativeKernels, useNativeWasmKernels } from '@contrastive/native';

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/**
 * Picks the tfjs backend for this process (or worker thread). Order for `auto`: tfjs-node
 * (`tensorflow`) when the user has installed `@tensorflow/tfjs-node`, else wasm (SIMD; the
 * fast default in Node), else the pure-JS `cpu`. `CONTRASTIVE_BACKEND` or `--backend` overrides.
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
  if (want === 'tensorflow' || want === 'auto') {
    const name = '@tensorflow/tfjs-node';
    try {
      await import(/* @vite-ignore */ name);
      if (await tf.setBackend('tensorflow')) {
        await tf.ready();
        return 'tensorflow';
      }
    } catch (e) {
      if (want === 'tensorflow') {
        throw new Error(`backend 'tensorflow' needs @tensorflow/tfjs-node installed next to contrastive (${(e as Error).message})`);
      }
    }
  }
  if (want === 'wasm' || want === 'auto') {
    await import('@tensorflow/tfjs-backend-wasm');
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        // tf.matMul, tf.exp, tf.transpose natively, in place in the wasm heap (same results up to rounding).
        useNativeWasmKernels();
        return 'wasm';
      }
    } catch (e) {
      if (want === 'wasm') throw e;
    }
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('could not initialise the cpu backend');
  await tf.ready();
  return 'cpu';
}
