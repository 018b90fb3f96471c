import * as tf from '@tensorflow/tfjs-core';
import {
  BATCH_NORM_TRAIN,
  BATCH_NORM_TRAIN_GRAD,
  batchNormTrain,
  batchNormTrainGrad,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  cropAndResize,
} from './conv-kernels';
import { loadNative, type NativeAddon } from './load';

/** What the wasm backend exposes to kernels (tfjs-backend-wasm's BackendWasm, the parts used here). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** tfjs's own wasm kernels we replaced, by name: the fallback for what ours do not handle. */
const originals = new Map<string, tf.KernelConfig>();

function fallback(name: string, args: KernelArgs): tf.TensorInfo {
  return originals.get(name)!.kernelFunc(args as never) as tf.TensorInfo;
}

function batchMatMul(addon: NativeAddon, args: KernelArgs): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA: boolean; transposeB: boolean };
  const backend = args.backend as WasmBackendLike;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const sameOuter = a.shape.slice(0, -2).join() === b.shape.slice(0, -2).join();
  // Anything unusual (non-float32, general broadcasting) goes to tfjs's own kernel, which also
  // produces tfjs's own error messages.
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !(sameOuter || (ra === 2 && batchB >= 1) || (rb === 2 && batchA >= 1))) {
    return fallback(tf.BatchMatMul, args);
  }
  const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const K = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const K2 = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (K !== K2) return fallback(tf.BatchMatMul, args);
  const outer = ra >= rb ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  const batch = Math.max(batchA, batchB);
  const out = backend.makeOutput([...outer, M, N], 'float32');
  if (M * N === 0) return out;
  // Views after makeOutput: allocating may grow (and so replace) the wasm heap.
  const av = backend.typedArrayFromHeap(a);
  const bv = backend.typedArrayFromHeap(b);
  const ov = backend.typedArrayFromHeap(out);
  for (let i = 0; i < batch; i++) {
    const ia = batchA === 1 ? 0 : i;
    const ib = batchB === 1 ? 0 : i;
    addon.sgemm(
      transposeA ? 1 : 0,
      transposeB ? 1 : 0,
      M,
      N,
      K,
      1,
      batchA === 1 && batch === 1 ? av : av.subarray(ia * M * K, (ia + 1) * M * K),
      batchB === 1 && batch === 1 ? bv : bv.subarray(ib * K * N, (ib + 1) * K * N),
      0,
      batch === 1 ? ov : ov.subarray(i * M * N, (i + 1) * M * N),
    );
  }
  return out;
}

/** e^x: tfjs's wasm Exp is scalar std::exp (~7 ns per value); the native one is vectorised. */
function exp(addon: NativeAddon, args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype !== 'float32') return fallback(tf.Exp, args);
  const backend = args.backend as WasmBackendLike;
  const out = backend.makeOutput(x.shape.slice(), 'float32');
  if (tf.util.sizeFromShape(x.shape) > 0) addon.exp(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out));
  return out;
}

/** Transposes that swap the last two axes (matrix transposes, the common case) in 16×16 tiles. */
function transpose(addon: NativeAddon, args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const perm = ((args.attrs ?? {}) as { perm: number[] }).perm;
  const r = x.shape.length;
  const swapsLastTwo = r >= 2 && perm.length === r && perm.every((p, i) => p === (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
  if (x.dtype !== 'float32' || !swapsLastTwo) return fallback(tf.Transpose, args);
  const backend = args.backend as WasmBackendLike;
  const rows = x.shape[r - 2]!;
  const cols = x.shape[r - 1]!;
  const out = backend.makeOutput(
    perm.map((p) => x.shape[p]!),
    'float32',
  );
  const batch = tf.util.sizeFromShape(x.shape.slice(0, -2));
  if (batch * rows * cols > 0) addon.transpose(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), batch, rows, cols);
  return out;
}

/**
 * Identity without a copy: the output shares the input's buffer (reference-counted, as the wasm
 * Reshape kernel already does; tensors are immutable). tfjs clones every tensor a gradient saves
 * through Identity, and the wasm one copies it (~10 % of the issue-12 CNN step).
 */
function identity(_addon: NativeAddon, args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return fallback(tf.Identity, args);
  (args.backend as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

const KERNELS: Array<[string, (addon: NativeAddon, args: KernelArgs) => tf.TensorInfo]> = [
  [tf.BatchMatMul, batchMatMul],
  [tf.Exp, exp],
  [tf.Transpose, transpose],
  [tf.Conv2D, (addon, args) => conv2d(addon, args, (a) => fallback(tf.Conv2D, a))],
  [tf.Conv2DBackpropInput, (addon, args) => conv2dBackpropInput(addon, args, (a) => fallback(tf.Conv2DBackpropInput, a))],
  [tf.Identity, identity],
  [tf.CropAndResize, (addon, args) => cropAndResize(addon, args, (a) => fallback(tf.CropAndResize, a))],
];

/** Kernels the wasm backend lacks (tfjs-backend-wasm 4.22), added beside its own; `restoreWasmKernels` removes them. */
const ADDED: Array<[string, (addon: NativeAddon, args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]]> = [
  [tf.Conv2DBackpropFilter, (addon, args) => conv2dBackpropFilter(addon, args, undefined)],
  [BATCH_NORM_TRAIN, batchNormTrain],
  [BATCH_NORM_TRAIN_GRAD, batchNormTrainGrad],
];
const added = new Set<string>();

/**
 * Replaces three of the wasm backend's kernels with native ones that read and write the tensors in
 * place in the wasm heap: `BatchMatMul` (XNNPACK's 128-bit wasm SIMD, ~13 GMAC/s here → the native
 * GEMM, ~40–50), `Exp` (scalar → vectorised, ~7×) and matrix `Transpose`. Every `tf.matMul`,
 * `tf.exp`, `tf.transpose` and their gradients on wasm get faster; results equal tfjs's up to
 * float32 rounding (exp within 2 ulp). What they do not handle (other dtypes, general
 * broadcasting or permutations) goes to tfjs's own kernel. The 2-D convolution too: `Conv2D` and
 * `Conv2DBackpropInput` are replaced and `Conv2DBackpropFilter`, which the wasm backend lacks, is
 * added (NHWC, dilation 1: im2col/col2im + the native GEMM, csrc/conv.c), so `tf.conv2d` and its
 * gradient run natively; bilinear `CropAndResize` (the augmentations' crops and flips) too; `Identity` shares its input's buffer instead of copying it; and a fused training-mode batch norm and its gradient are added
 * (`ContrastiveBatchNormTrain`, `ContrastiveBatchNormTrainGrad`, which `@contrastive/nets` uses
 * when present). Returns the kernels installed (none
 * without the addon or the wasm backend). Idempotent; `restoreWasmKernels()` undoes it.
 */
export function useNativeWasmKernels(): string[] {
  const addon = loadNative();
  if (!addon) return [];
  const installed: string[] = [];
  for (const [name, impl] of KERNELS) {
    if (originals.has(name)) {
      installed.push(name);
      continue;
    }
    const current = tf.getKernel(name, 'wasm');
    if (!current) continue; // the wasm backend is not imported
    originals.set(name, current);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      ...(current.setupFunc ? { setupFunc: current.setupFunc } : {}),
      kernelFunc: (args) => impl(addon, args as never),
    });
    installed.push(name);
  }
  if (!tf.getKernel(tf.Conv2D, 'wasm')) return installed; // the wasm backend is not imported
  for (const [name, impl] of ADDED) {
    if (!added.has(name)) {
      if (tf.getKernel(name, 'wasm')) continue; // a later tfjs-backend-wasm has its own
      tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: (args) => impl(addon, args as never) });
      added.add(name);
    }
    installed.push(name);
  }
  return installed;
}

/** Whether `tf.matMul` on the wasm backend is currently the native GEMM (after `useNativeWasmKernels`). */
export function nativeMatMulActive(): boolean {
  return originals.has(tf.BatchMatMul);
}

/** Puts tfjs's own wasm kernels back (after `useNativeWasmKernels`). */
export function restoreWasmKernels(): void {
  for (const [name, config] of originals) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
  }
  originals.clear();
  for (const name of added) tf.unregisterKernel(name, 'wasm');
  added.clear();
}
