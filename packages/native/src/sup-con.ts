import * as tf from '@tensorflow/tfjs-core';
import { filledTensor, InvalidArgumentError, type SupConKernelOptions } from '@contrastive/core';
import { checkArray, checkDim, requireNative } from './errors';
import { tensorValues } from './tensor-values';

export type { SupConKernelOptions } from '@contrastive/core';

function checkOptions(op: string, contrastRows: number, o: SupConKernelOptions): void {
  if (!o || typeof o !== 'object') {
    throw new InvalidArgumentError({
      op,
      argument: 'options',
      expected: '{ batch, views, anchorCount, mask, labels, temperature, scale, variant }',
      actual: o,
    });
  }
  checkDim(op, 'options.batch', o.batch);
  checkDim(op, 'options.views', o.views);
  checkDim(op, 'options.anchorCount', o.anchorCount);
  if (o.batch * o.views !== contrastRows) {
    throw new InvalidArgumentError({
      op,
      argument: 'contrast',
      expected: `views·batch = ${o.views * o.batch} rows`,
      actual: `${contrastRows} rows`,
    });
  }
  if (o.anchorCount > o.views)
    throw new InvalidArgumentError({ op, argument: 'options.anchorCount', expected: `≤ views = ${o.views}`, actual: o.anchorCount });
  if (o.batch * o.views < 2)
    throw new InvalidArgumentError({ op, argument: 'contrast', expected: 'views·batch ≥ 2 rows', actual: contrastRows });
  if (o.mask) checkArray(op, 'options.mask', o.mask, o.batch * o.batch, `[batch=${o.batch}, batch=${o.batch}]`);
  if (o.labels && !(o.labels instanceof Float64Array && o.labels.length === o.batch)) {
    throw new InvalidArgumentError({ op, argument: 'options.labels', expected: `a Float64Array [batch=${o.batch}]`, actual: o.labels });
  }
  for (const k of ['temperature', 'scale'] as const) {
    if (!(typeof o[k] === 'number' && o[k] > 0 && Number.isFinite(o[k])))
      throw new InvalidArgumentError({ op, argument: `options.${k}`, expected: 'a finite number > 0', actual: o[k] });
  }
  if (o.variant !== 'out' && o.variant !== 'in')
    throw new InvalidArgumentError({ op, argument: 'options.variant', expected: "'out' or 'in'", actual: o.variant });
}

/**
 * SupCon (Khosla et al. 2020, Eq. 2 `out` / Eq. 3 `in`; HobbitLong/SupContrast `losses.py` with
 * PR #142) on the view-major contrast matrix, forward and closed-form backward in one native call:
 * the logits A Cᵀ/τ are turned row by row into ∂ℓ/∂logits in place (one vectorised pass: masked
 * max, exp, sums, positives from the mask / labels / SimCLR pairs), and ∂ℓ/∂C = (G + Gᵀ)C (all views
 * anchors) or Gᵀ A + [G C; 0] is one or two GEMMs. The same function as `@contrastive/losses`'
 * composed path (`supConFromContrast`), float32 rounding aside; `supConLoss` and `ntXentLoss` use
 * it through core's kernel registry (slot `supCon`) once `useNativeKernels()` has run.
 *
 * Memory: one [anchors, views·batch] float32 matrix (16 MB at 1024×2, 256 MB at 4096×2), kept per
 * thread up to 64 MB and allocated per call above.
 *
 * @param contrast [views·batch, dim]
 * @returns scalar loss; its gradient w.r.t. `contrast` is the native closed form
 */
export function supConNativeLoss(contrast: tf.Tensor2D, options: SupConKernelOptions): tf.Scalar {
  const op = 'supConNativeLoss';
  if (!(contrast instanceof tf.Tensor) || contrast.rank !== 2) {
    throw new InvalidArgumentError({ op, argument: 'contrast', expected: 'a rank-2 tf.Tensor [views·batch, dim]', actual: contrast });
  }
  const [K, D] = contrast.shape;
  checkOptions(op, K, options);
  checkDim(op, 'contrast dim', D);
  const addon = requireNative(op);
  const { batch: B, anchorCount, mask, labels, temperature, scale, variant } = options;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [C, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const x = C.dtype === 'float32' ? C : tf.cast(C, 'float32');
    // ∂ℓ/∂C is written straight into its tensor; the view of C is taken after that allocation.
    let loss = 0;
    const grad = filledTensor<tf.Rank.R2>([K, D], (dC) => {
      loss = addon.supCon(
        tensorValues(x),
        K,
        D,
        anchorCount * B,
        B,
        mask,
        mask ? null : labels,
        temperature,
        scale,
        variant === 'in' ? 1 : 0,
        dC,
      );
    });
    if (x !== C) x.dispose();
    save([grad]);
    return { value: tf.scalar(loss), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0]!)] };
  });
  return f(contrast) as tf.Scalar;
}
