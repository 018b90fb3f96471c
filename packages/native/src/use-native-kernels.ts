import { installNativeRng } from './rng-kernels';
import { nativeInfo } from './load';
import { useNativeWasmKernels } from './wasm-kernels';

/**
 * Turns on every native kernel for this thread: the bit-exact `Rng.fillNormal`/`fillBernoulli`
 * and the native GEMM, exp and transpose behind the wasm backend's `tf.matMul`, `tf.exp` and
 * `tf.transpose`. (The fused contrastive step needs no call: the contrastive method picks it
 * itself.) Call after importing `@tensorflow/tfjs-backend-wasm`.
 * A no-op returning `{ available: false, reason }` when the addon is not built or
 * CONTRASTIVE_NATIVE=0.
 *
 * @example
 * import '@tensorflow/tfjs-backend-wasm';
 * await tf.setBackend('wasm');
 * useNativeKernels(); // { available: true, simd: 'avx512', rng: true, wasmKernels: ['BatchMatMul', 'Exp', 'Transpose'], … }
 */
export function useNativeKernels(): ReturnType<typeof nativeInfo> & { rng: boolean; wasmKernels: string[] } {
  const info = nativeInfo();
  return { ...info, rng: installNativeRng(), wasmKernels: useNativeWasmKernels() };
}
