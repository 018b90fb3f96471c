import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './load';

/** What the wasm backend exposes to kernels (tfjs-backend-wasm's BackendWasm, the parts used here). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
type Fallback = (args: KernelArgs) => tf.TensorInfo;

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

/** The 13 fields of csrc's `cn_conv_shape`, or undefined for what the native kernels do not do (NCHW, dilation > 1). */
function convShape(xShape: number[], filterShape: number[], attrs: ConvAttrs): Int32Array | undefined {
  const dil = attrs.dilations ?? 1;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || (Array.isArray(dil) ? dil[0] !== 1 || dil[1] !== 1 : dil !== 1)) return undefined;
  const c = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return Int32Array.from([
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outHeight,
    c.outWidth,
    c.outChannels,
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    c.padInfo.top,
    c.padInfo.left,
  ]);
}

const size = (shape: readonly number[]) => tf.util.sizeFromShape(shape as number[]);

/** Conv2D: im2col + native GEMM (tfjs-backend-wasm's XNNPACK convolution is ~4× slower here). */
export function conv2d(addon: NativeAddon, args: KernelArgs, fallback: Fallback): tf.TensorInfo {
  const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const shape =
    x.dtype === 'float32' && filter.dtype === 'float32' ? convShape(x.shape, filter.shape, args.attrs as unknown as ConvAttrs) : undefined;
  if (!shape) return fallback(args);
  const backend = args.backend as WasmBackendLike;
  const out = backend.makeOutput([shape[0]!, shape[4]!, shape[5]!, shape[6]!], 'float32');
  if (size(out.shape) === 0) return out;
  // Views after makeOutput: allocating may grow (and so replace) the wasm heap.
  addon.conv2d(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(filter), backend.typedArrayFromHeap(out), shape);
  return out;
}

/** Conv2DBackpropInput (the gradient of Conv2D w.r.t. x): native GEMM + col2im (tfjs-backend-wasm's is a scalar loop). */
export function conv2dBackpropInput(addon: NativeAddon, args: KernelArgs, fallback: Fallback): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs;
  const shape = dy.dtype === 'float32' && filter.dtype === 'float32' ? convShape(attrs.inputShape!, filter.shape, attrs) : undefined;
  if (!shape) return fallback(args);
  const backend = args.backend as WasmBackendLike;
  const out = backend.makeOutput([...attrs.inputShape!], 'float32');
  if (size(out.shape) === 0) return out;
  addon.conv2dBackpropInput(backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(filter), backend.typedArrayFromHeap(out), shape);
  return out;
}

/**
 * Conv2DBackpropFilter (the gradient of Conv2D w.r.t. the filter): im2col + native GEMM. The wasm
 * backend has no such kernel (tfjs-backend-wasm 4.22), so what this one does not handle is an error.
 */
export function conv2dBackpropFilter(addon: NativeAddon, args: KernelArgs, fallback: Fallback | undefined): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs;
  const shape = x.dtype === 'float32' && dy.dtype === 'float32' ? convShape(x.shape, attrs.filterShape!, attrs) : undefined;
  if (!shape) {
    if (fallback) return fallback(args);
    throw new Error(
      `Conv2DBackpropFilter (@contrastive/native on wasm): only float32 NHWC with dilation 1 is supported, got ${x.dtype} ${attrs.dataFormat ?? 'NHWC'} dilations ${JSON.stringify(attrs.dilations ?? 1)}`,
    );
  }
  const backend = args.backend as WasmBackendLike;
  const out = backend.makeOutput([...attrs.filterShape!], 'float32');
  if (size(out.shape) === 0) return out;
  addon.conv2dBackpropFilter(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(out), shape);
  return out;
}

/**
 * Name of the fused training-mode batch-norm kernel this package adds to the wasm backend: inputs
 * `{ x [..., C], gamma [C], beta [C] }`, attrs `{ eps, relu? }` (relu: a ReLU after it), outputs
 * `[y, xhat, mean, variance (biased), invStd]`. `@contrastive/nets`' batch norm runs it when the
 * active backend has it (the name is the contract; nets does not depend on this package).
 */
export const BATCH_NORM_TRAIN = 'ContrastiveBatchNormTrain';
/** Its gradient: inputs `{ dy, xhat, gamma, invStd }`, plus the output `y` after a ReLU (its mask), → `[dx, dgamma, dbeta]`. */
export const BATCH_NORM_TRAIN_GRAD = 'ContrastiveBatchNormTrainGrad';

function checkFloat32(name: string, inputs: Record<string, tf.TensorInfo>): void {
  for (const [k, t] of Object.entries(inputs))
    if (t.dtype !== 'float32') throw new Error(`${name} (@contrastive/native on wasm): '${k}' must be float32, got ${t.dtype}`);
}

/** Fused batch norm (training mode), 3 passes over x instead of the composed ops' ~8. */
export function batchNormTrain(addon: NativeAddon, args: KernelArgs): tf.TensorInfo[] {
  const { x, gamma, beta } = args.inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  checkFloat32(BATCH_NORM_TRAIN, { x, gamma, beta });
  const c = x.shape[x.shape.length - 1]!;
  if (gamma.shape.join() !== `${c}` || beta.shape.join() !== `${c}` || size(x.shape) < 2 * c) {
    throw new Error(
      `${BATCH_NORM_TRAIN}: expected x [..., C] with ≥ 2 rows and gamma, beta [C]; got x [${x.shape}], gamma [${gamma.shape}], beta [${beta.shape}]`,
    );
  }
  const backend = args.backend as WasmBackendLike;
  const outs = [x.shape, x.shape, [c], [c], [c]].map((s) => backend.makeOutput([...s], 'float32'));
  const v = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t);
  const attrs = args.attrs as { eps: number; relu?: boolean };
  addon.batchNormTrain(
    v(x),
    v(gamma),
    v(beta),
    attrs.eps,
    attrs.relu === true,
    ...(outs.map(v) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array]),
  );
  return outs;
}

/** The gradient of `batchNormTrain`: dx = (dy − mean(dy) − x̂·mean(dy·x̂))·γ·invStd, dγ = Σ dy·x̂, dβ = Σ dy. */
export function batchNormTrainGrad(addon: NativeAddon, args: KernelArgs): tf.TensorInfo[] {
  const { dy, xhat, gamma, invStd, y } = args.inputs as Record<'dy' | 'xhat' | 'gamma' | 'invStd', tf.TensorInfo> & { y?: tf.TensorInfo };
  checkFloat32(BATCH_NORM_TRAIN_GRAD, { dy, xhat, gamma, invStd, ...(y ? { y } : {}) });
  const c = gamma.shape[0]!;
  if (
    dy.shape.join() !== xhat.shape.join() ||
    dy.shape[dy.shape.length - 1] !== c ||
    invStd.shape.join() !== `${c}` ||
    (y !== undefined && y.shape.join() !== dy.shape.join())
  ) {
    throw new Error(
      `${BATCH_NORM_TRAIN_GRAD}: expected dy, xhat [..., C] and gamma, invStd [C]; got dy [${dy.shape}], xhat [${xhat.shape}], gamma [${gamma.shape}], invStd [${invStd.shape}]`,
    );
  }
  const backend = args.backend as WasmBackendLike;
  const outs = [dy.shape, [c], [c]].map((s) => backend.makeOutput([...s], 'float32'));
  const v = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t);
  addon.batchNormTrainGrad(
    v(dy),
    v(xhat),
    v(gamma),
    v(invStd),
    y ? v(y) : null,
    ...(outs.map(v) as [Float32Array, Float32Array, Float32Array]),
  );
  return outs;
}

/** CropAndResize, bilinear, float32 (random resized crop, horizontal flip): one native loop; 'nearest' and other dtypes stay on tfjs. */
export function cropAndResize(addon: NativeAddon, args: KernelArgs, fallback: Fallback): tf.TensorInfo {
  const { image, boxes, boxInd } = args.inputs as Record<'image' | 'boxes' | 'boxInd', tf.TensorInfo>;
  const { method, extrapolationValue, cropSize } = args.attrs as { method: string; extrapolationValue: number; cropSize: [number, number] };
  if (method !== 'bilinear' || image.dtype !== 'float32' || boxes.dtype !== 'float32' || boxInd.dtype !== 'int32') return fallback(args);
  const [batch, h, w, c] = image.shape as [number, number, number, number];
  const n = boxes.shape[0]!;
  const backend = args.backend as WasmBackendLike;
  const out = backend.makeOutput([n, cropSize[0], cropSize[1], c], 'float32');
  if (size(out.shape) === 0) return out;
  addon.cropAndResize(
    backend.typedArrayFromHeap(image),
    backend.typedArrayFromHeap(boxes),
    backend.typedArrayFromHeap(boxInd) as unknown as Int32Array, // the heap view of an int32 tensor
    backend.typedArrayFromHeap(out),
    Int32Array.from([batch, h, w, c, n, cropSize[0], cropSize[1]]),
    extrapolationValue,
  );
  return out;
}
