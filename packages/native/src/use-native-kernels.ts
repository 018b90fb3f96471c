import { type KernelName, registeredKernels, registerKernel, unregisterKernel } from '@contrastive/core';
import { loadNative, nativeInfo } from './load';
import { nativeFillBernoulliKernel, nativeFillNormalKernel } from './rng-kernels';
import { sparseCodingSample } from './sparse-coding-sample';
import { supConNativeLoss } from './sup-con';
import { symmetricReluInfoNCELoss, symmetricReluInfoNCEStep } from './symmetric-relu-infonce';
import { restoreWasmKernels, useNativeWasmKernels } from './wasm-kernels';

/** The registry slots `useNativeKernels` fills. */
const SLOTS: readonly KernelName[] = [
  'fillNormal',
  'fillBernoulli',
  'sgemm',
  'symmetricReluInfoNCE',
  'symmetricReluInfoNCEStep',
  'sparseCodingSample',
  'supCon',
];
const PROVIDER = '@contrastive/native';

/** What `useNativeKernels` did. */
export type NativeKernelsInfo = ReturnType<typeof nativeInfo> & {
  /** Whether the bit-exact `Rng.fillNormal`/`fillBernoulli` kernels were registered. */
  rng: boolean;
  /** The core kernel-registry slots now served by this package. */
  kernels: KernelName[];
  /** The wasm-backend kernels replaced (empty when `@tensorflow/tfjs-backend-wasm` is not imported yet). */
  wasmKernels: string[];
};

/**
 * Turns on every native kernel for this thread. It registers, in `@contrastive/core`'s kernel
 * registry, the bit-exact `Rng.fillNormal`/`fillBernoulli`, the GEMM (`sgemm`) and the fused
 * symmetric-ReLU + InfoNCE step that `contrastiveMethod` picks up (`kernels: 'auto' | 'native'`) and
 * its whole plain-SGD training step (slot `symmetricReluInfoNCEStep`, `train`'s fused path), the
 * `sparseCoding` sampler of `@contrastive/data` (slot `sparseCodingSample`, on wasm),
 * the fused SupCon forward + backward that `supConLoss` and `ntXentLoss` pick up (slot `supCon`),
 * and replaces the wasm backend's `tf.matMul`, `tf.exp` and `tf.transpose` with native ones when
 * `@tensorflow/tfjs-backend-wasm` is imported (call it again after importing it, it is idempotent).
 * Without the addon (not built, `CONTRASTIVE_NATIVE=0`, or a browser) it registers nothing and
 * returns `{ available: false, reason }`; everything then runs on tfjs.
 *
 * @example
 * import '@tensorflow/tfjs-backend-wasm';
 * await tf.setBackend('wasm');
 * useNativeKernels(); // { available: true, simd: 'avx512', rng: true, kernels: [...], wasmKernels: ['BatchMatMul', 'Exp', 'Transpose', 'Conv2D', 'Conv2DBackpropInput', 'Identity', 'CropAndResize', 'Conv2DBackpropFilter', 'ContrastiveBatchNormTrain', 'ContrastiveBatchNormTrainGrad'] }
 */
export function useNativeKernels(): NativeKernelsInfo {
  const info = nativeInfo();
  const addon = loadNative();
  if (!addon) return { ...info, rng: false, kernels: [], wasmKernels: [] };
  const provider = `${PROVIDER} (${addon.simd})`;
  const fillNormal = nativeFillNormalKernel();
  const fillBernoulli = nativeFillBernoulliKernel();
  if (fillNormal) registerKernel('fillNormal', fillNormal, { provider });
  if (fillBernoulli) registerKernel('fillBernoulli', fillBernoulli, { provider });
  registerKernel('sgemm', (tA, tB, M, N, K, alpha, A, B, beta, C) => addon.sgemm(tA ? 1 : 0, tB ? 1 : 0, M, N, K, alpha, A, B, beta, C), {
    provider,
  });
  registerKernel('symmetricReluInfoNCE', symmetricReluInfoNCELoss, { provider });
  registerKernel('symmetricReluInfoNCEStep', symmetricReluInfoNCEStep, { provider });
  registerKernel('sparseCodingSample', sparseCodingSample, { provider });
  registerKernel('supCon', supConNativeLoss, { provider });
  return { ...info, rng: fillNormal !== undefined, kernels: nativeSlots(), wasmKernels: useNativeWasmKernels() };
}

/** The registry slots currently served by this package. */
function nativeSlots(): KernelName[] {
  const current = registeredKernels();
  return SLOTS.filter((s) => current[s]?.startsWith(PROVIDER));
}

/**
 * Undoes `useNativeKernels()`: empties the registry slots this package filled (a kernel some
 * other plugin registered since stays) and restores tfjs's own wasm kernels.
 */
export function disableNativeKernels(): void {
  for (const slot of nativeSlots()) unregisterKernel(slot);
  restoreWasmKernels();
}
