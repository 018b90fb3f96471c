import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Rng, type SparseCodingSampleKernel, type SparseCodingSampleOptions } from '@contrastive/core';
import { checkDim, requireNative } from './errors';
import { nativeMatMulActive } from './wasm-kernels';

/** What the wasm backend exposes for writing outputs in place (tfjs-backend-wasm's BackendWasm). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * One batch of `@contrastive/data`'s `sparseCoding` model in one native call (the registry's
 * `sparseCodingSample`): the codes z, the noise ξ and ζ drawn from `rng` in `sample()`'s order with
 * the bit-exact native samplers, dense = ζ Hᵀ and x = (z Mᵀ + ξ) + dense with the same GEMM calls
 * as the native `tf.matMul`, straight into four tensors in the wasm heap: the same bits as the
 * tfjs path, without its JavaScript loop, kernel dispatch and intermediate tensors.
 *
 * @returns { x [B, d1], z [B, d], noise [B, d1], dense [B, d1] } (the caller owns them), or
 *   undefined, without drawing, unless the backend is wasm with the native `tf.matMul`
 *   (`useNativeWasmKernels()`) and `rng` hands out its state (`Rng.drawWith`): elsewhere
 *   `tf.matMul` rounds differently and the tfjs path must run.
 */
export const sparseCodingSample: SparseCodingSampleKernel = (rng: Rng, o: SparseCodingSampleOptions) => {
  const op = 'sparseCodingSample';
  if (tf.getBackend() !== 'wasm' || !nativeMatMulActive() || typeof rng?.drawWith !== 'function') return undefined;
  const native = requireNative(op);
  const { batch: B, latentDim: d, ambientDim: d1, denseRank: k } = o;
  checkDim(op, 'options.batch', B);
  checkDim(op, 'options.latentDim', d);
  checkDim(op, 'options.ambientDim', d1);
  if (!Number.isInteger(k) || k < 0)
    throw new InvalidArgumentError({ op, argument: 'options.denseRank', expected: 'an integer ≥ 0', actual: k });
  const shapeOf = (t: tf.Tensor | null) => (t ? `[${t.shape}] ${t.dtype}` : t);
  if (o.dictionaryT?.dtype !== 'float32' || o.dictionaryT.shape.join() !== `${d},${d1}`)
    throw new InvalidArgumentError({
      op,
      argument: 'options.dictionaryT',
      expected: `float32 [${d}, ${d1}]`,
      actual: shapeOf(o.dictionaryT),
    });
  if (k > 0 ? o.denseBasisT?.dtype !== 'float32' || o.denseBasisT.shape.join() !== `${k},${d1}` : o.denseBasisT !== null)
    throw new InvalidArgumentError({
      op,
      argument: 'options.denseBasisT',
      expected: k > 0 ? `float32 [${k}, ${d1}]` : 'null (denseRank 0)',
      actual: shapeOf(o.denseBasisT),
    });
  const backend = tf.backend() as unknown as WasmBackendLike;
  const infos = [
    backend.makeOutput([B, d1], 'float32'),
    backend.makeOutput([B, d], 'float32'),
    backend.makeOutput([B, d1], 'float32'),
    backend.makeOutput([B, d1], 'float32'),
  ] as const;
  // Views after every allocation (allocating may grow, and so replace, the wasm heap); the native
  // call allocates nothing in the heap.
  const [x, z, noise, dense] = infos.map((i) => backend.typedArrayFromHeap(i));
  const mT = backend.typedArrayFromHeap(o.dictionaryT);
  const hT = o.denseBasisT ? backend.typedArrayFromHeap(o.denseBasisT) : null;
  rng.drawWith((state) =>
    native.sparseCodingSample(state, B, d, d1, k, o.half, o.full, o.noiseStd, o.denseStd, mT, hT, z!, noise!, dense!, x!),
  );
  const [tx, tz, tn, td] = infos.map((i) => tf.engine().makeTensorFromTensorInfo(i) as tf.Tensor2D);
  return { x: tx!, z: tz!, noise: tn!, dense: td! };
};
