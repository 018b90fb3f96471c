import * as tf from '@tensorflow/tfjs-core';
import { loadNative, type NativeAddon } from './load';

/** What the wasm backend exposes to kernels (tfjs-backend-wasm's BackendWasm, the parts used here). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

let original: tf.KernelConfig | undefined;

function batchMatMul(addon: NativeAddon, args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
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
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !original || !(sameOuter || (ra === 2 && batchB >= 1) || (rb === 2 && batchA >= 1))) {
    return original!.kernelFunc(args as never) as tf.TensorInfo;
  }
  const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const K = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const K2 = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (K !== K2) return original.kernelFunc(args as never) as tf.TensorInfo;
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

/**
 * Replaces the wasm backend's BatchMatMul (XNNPACK, 128-bit wasm SIMD, ~13 GMAC/s here) with the
 * native GEMM (AVX-512/AVX2-FMA, ~40–50 GMAC/s), reading and writing the tensors in place in the
 * wasm heap: every `tf.matMul` and every matMul gradient on wasm gets faster, results equal up
 * to float32 rounding. Returns whether it was installed (false without the addon). Idempotent;
 * `restoreWasmMatMul()` puts tfjs's kernel back.
 */
export function useNativeWasmMatMul(): boolean {
  const addon = loadNative();
  if (!addon) return false;
  if (original) return true;
  const current = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (!current) return false; // the wasm backend is not imported
  original = current;
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel({
    kernelName: tf.BatchMatMul,
    backendName: 'wasm',
    ...(current.setupFunc ? { setupFunc: current.setupFunc } : {}),
    kernelFunc: (args) => batchMatMul(addon, args as never),
  });
  return true;
}

/** Puts tfjs's own wasm BatchMatMul back (after `useNativeWasmMatMul`). */
export function restoreWasmMatMul(): void {
  if (!original) return;
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel(original);
  original = undefined;
}
