/**
 * Optional compiled kernels for Node (SIMD GEMM, the fused symmetric-ReLU + InfoNCE step, bit-exact random fills), installed into core's kernel registry.
 *
 * @packageDocumentation
 * @module @contrastive/native
 */
export { installNativeRng, nativeFillBernoulliKernel, nativeFillNormalKernel } from './rng-kernels';
export { loadNative, type NativeAddon, type NativeInfo, nativeInfo } from './load';
export { sgemm, type SgemmOptions } from './sgemm';
export { sparseCodingSample } from './sparse-coding-sample';
export { supConNativeLoss, type SupConKernelOptions } from './sup-con';
export {
  symmetricReluInfoNCE,
  type SymmetricReluInfoNCEOptions,
  symmetricReluInfoNCELoss,
  symmetricReluInfoNCEStep,
  type SymmetricReluInfoNCEStepOptions,
} from './symmetric-relu-infonce';
export { disableNativeKernels, type NativeKernelsInfo, useNativeKernels } from './use-native-kernels';
export { restoreWasmKernels, useNativeWasmKernels } from './wasm-kernels';
export { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from './conv-kernels';
