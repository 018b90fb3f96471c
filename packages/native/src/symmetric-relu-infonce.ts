import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, assertShapes, filledTensor, InvalidArgumentError } from '@contrastive/core';
import { checkArray, checkDim, requireNative } from './errors';
import { tensorValues } from './tensor-values';

/** Options of `symmetricReluInfoNCE`. */
export interface SymmetricReluInfoNCEOptions {
  /** Threshold b ≥ 0 of h = u − clip(u, −b, b). */
  threshold: number;
  /** InfoNCE temperature τ > 0. */
  temperature: number;
}

function checkOptions(op: string, o: SymmetricReluInfoNCEOptions | undefined): void {
  if (!o || typeof o !== 'object')
    throw new InvalidArgumentError({ op, argument: 'options', expected: '{ threshold, temperature }', actual: o });
  assertNumber(op, 'options.threshold', o.threshold, { min: 0 });
  assertNumber(op, 'options.temperature', o.temperature, { min: 0, exclusiveMin: true });
}

/**
 * The fused feature-decoupling step on plain arrays: the loss ℓ and ∂ℓ/∂W of
 *   ℓ = mean_i [ −s_ii/τ + log Σ_j exp(s_ij/τ) ],  s = h1·h2ᵀ,  h_k = softThreshold(x_k Wᵀ, b)
 * i.e. `infoNCELoss(symmetricRelu(x1), symmetricRelu(x2), { temperature: τ, normalize: false })`
 * of Wen & Li 2021, forward and backward in one native call (6 GEMMs, a vectorised exp, no
 * intermediate ever leaves the cache-resident scratch).
 *
 * @param x1 [batch, inputDim] view 1
 * @param x2 [batch, inputDim] view 2
 * @param weight W [width, inputDim]
 * @returns the loss and ∂ℓ/∂W [width, inputDim] (written into `out` when given)
 */
export function symmetricReluInfoNCE(
  x1: Float32Array,
  x2: Float32Array,
  weight: Float32Array,
  dims: { batch: number; inputDim: number; width: number },
  options: SymmetricReluInfoNCEOptions,
  out?: Float32Array,
): {
  /** The InfoNCE loss of the batch. */
  loss: number;
  /** dLoss/dW [width, inputDim] (written into `out` when given). */
  gradient: Float32Array;
} {
  const op = 'symmetricReluInfoNCE';
  const { batch: B, inputDim: d1, width: m } = dims ?? ({} as never);
  checkDim(op, 'dims.batch', B);
  checkDim(op, 'dims.inputDim', d1);
  checkDim(op, 'dims.width', m);
  checkArray(op, 'x1', x1, B * d1, `[batch=${B}, inputDim=${d1}]`);
  checkArray(op, 'x2', x2, B * d1, `[batch=${B}, inputDim=${d1}]`);
  checkArray(op, 'weight', weight, m * d1, `[width=${m}, inputDim=${d1}]`);
  checkOptions(op, options);
  const gradient = out ?? new Float32Array(m * d1);
  checkArray(op, 'out', gradient, m * d1, `[width=${m}, inputDim=${d1}]`);
  const loss = requireNative(op).symmetricReluInfoNCE(x1, x2, weight, B, d1, m, options.threshold, options.temperature, gradient);
  return { loss, gradient };
}

/**
 * The same as a tfjs op: a scalar whose gradient w.r.t. `weight` is the native closed form. The
 * views are constants of the op (data, as in training), so no gradient flows to them; use the
 * composed `symmetricReluLayer` + `infoNCELoss` when you need one.
 *
 * @param x1 [batch, inputDim]
 * @param x2 [batch, inputDim]
 * @param weight W [width, inputDim]
 * @returns scalar loss
 */
export function symmetricReluInfoNCELoss(
  x1: tf.Tensor2D,
  x2: tf.Tensor2D,
  weight: tf.Tensor2D,
  options: SymmetricReluInfoNCEOptions,
): tf.Scalar {
  const op = 'symmetricReluInfoNCELoss';
  assertShapes(op, [
    ['x1', x1, ['batch', 'inputDim']],
    ['x2', x2, ['batch', 'inputDim']],
    ['weight', weight, ['width', 'inputDim']],
  ]);
  checkOptions(op, options);
  requireNative(op);
  const [B, d1] = x1.shape;
  const m = weight.shape[0];
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [w, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    // The gradient is written straight into its tensor (in place in the wasm heap); the views of
    // the inputs are taken after that tensor is allocated (allocating may move the wasm heap) and
    // are valid for the native call, which allocates nothing in JS or tfjs.
    let loss = 0;
    const dW = filledTensor<tf.Rank.R2>([m, d1], (out) => {
      const [a, b, wv] = [x1, x2, w].map(tensorValues);
      loss = symmetricReluInfoNCE(a!, b!, wv!, { batch: B, inputDim: d1, width: m }, options, out).loss;
    });
    save([dW]);
    return { value: tf.scalar(loss), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0]!)] };
  });
  return f(weight) as tf.Scalar;
}

/** Options of `symmetricReluInfoNCEStep`. */
export interface SymmetricReluInfoNCEStepOptions extends SymmetricReluInfoNCEOptions {
  /** The SGD step size lr > 0. */
  learningRate: number;
  /** Rescale every row of W to unit norm after the update (`symmetricRelu({ unitNormRows: true })`). */
  unitNormRows: boolean;
}

/**
 * How the backend sums a row of squares in `tf.sum(tf.square(W), 1)`: tfjs-backend-wasm in a float32
 * accumulator left to right, tfjs-backend-cpu in a JavaScript double. Another backend's order is not
 * known here.
 */
const ROW_SUM_IN_DOUBLE: Record<string, 0 | 1> = { wasm: 0, cpu: 1 };

/**
 * One whole plain-SGD training step of the fused loss, in one native call and without the tape:
 * the loss at W, W ← W − lr·∂ℓ/∂W, then (unitNormRows) each row of W divided by max(‖w_i‖, 1e-12),
 * rounded exactly as `symmetricReluInfoNCELoss` under `tf.variableGrads`, the plain SGD update
 * `tf.sub(W, tf.mul(g, lr))` and `symmetricRelu`'s row renormalisation on this backend (wasm or cpu),
 * so a run gives the same numbers either way. The new W is written into a fresh tensor that is
 * assigned to `weight`: a tensor still holding the old W (a clone shares its buffer) keeps it.
 *
 * @param x1 [batch, inputDim] view 1
 * @param x2 [batch, inputDim] view 2
 * @param weight W [width, inputDim], updated
 * @returns the loss at the old W as float32 (as the tape path's scalar holds it); W is left
 *   unchanged when it is not finite. Undefined, touching nothing, on a backend other than wasm or
 *   cpu (whose row sums this step cannot reproduce): take the tape path there.
 */
export function symmetricReluInfoNCEStep(
  x1: tf.Tensor2D,
  x2: tf.Tensor2D,
  weight: tf.Variable<tf.Rank.R2>,
  options: SymmetricReluInfoNCEStepOptions,
): number | undefined {
  const op = 'symmetricReluInfoNCEStep';
  assertShapes(op, [
    ['x1', x1, ['batch', 'inputDim']],
    ['x2', x2, ['batch', 'inputDim']],
    ['weight', weight, ['width', 'inputDim']],
  ]);
  checkOptions(op, options);
  assertNumber(op, 'options.learningRate', options.learningRate, { min: 0, exclusiveMin: true });
  if (typeof options.unitNormRows !== 'boolean')
    throw new InvalidArgumentError({ op, argument: 'options.unitNormRows', expected: 'a boolean', actual: options.unitNormRows });
  const native = requireNative(op);
  const acc64 = ROW_SUM_IN_DOUBLE[tf.getBackend()];
  if (acc64 === undefined) return undefined;
  const [B, d1] = x1.shape;
  const m = weight.shape[0];
  let loss = Number.NaN;
  // As in symmetricReluInfoNCELoss: the views of the inputs are taken after the output is allocated.
  const next = filledTensor<tf.Rank.R2>([m, d1], (out) => {
    const [a, b, w] = [x1, x2, weight].map(tensorValues);
    loss = native.symmetricReluInfoNCESgd(
      a!,
      b!,
      w!,
      B,
      d1,
      m,
      options.threshold,
      options.temperature,
      options.learningRate,
      options.unitNormRows ? 1 : 0,
      acc64,
      out,
    );
  });
  if (Number.isFinite(loss)) weight.assign(next);
  next.dispose();
  return Math.fround(loss);
}
