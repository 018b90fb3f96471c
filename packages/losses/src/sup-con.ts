import * as tf from '@tensorflow/tfjs-core';
import {
  assertFinite,
  assertNonEmpty,
  assertShape,
  checkFinite,
  getKernel,
  InvalidArgumentError,
  parseOptions,
  ShapeMismatchError,
} from '@contrastive/core';
import { checkLogitScale } from './checks';
import * as z from 'zod/mini';
import { l2Normalize } from './l2-normalize';

const isLabels = (v: unknown): boolean => v instanceof tf.Tensor || Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

/** The options of `supConLoss(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const supConLossOptionsSchema = z.strictObject({
  /**
   * Class label of each sample, [batch] (a tensor or an array of numbers). Samples with equal labels
   * are positives of each other: mask = eq(labels, labelsᵀ). Cannot be combined with `mask`.
   * Default: none.
   */
  labels: z.optional(z.custom<tf.Tensor1D | ArrayLike<number>>(isLabels, { message: 'expected a tf.Tensor or an array of numbers' })),
  /**
   * Explicit positive mask [batch, batch]: `mask[i][j]` weights sample j as a positive of anchor i.
   * It may be asymmetric and is used as given (the self entry is always dropped). Cannot be
   * combined with `labels`. With neither, mask = I: the SimCLR / NT-Xent loss.
   * Default: none.
   */
  mask: z.optional(z.custom<tf.Tensor2D>((v) => v instanceof tf.Tensor, { message: 'expected a tf.Tensor [batch, batch]' })),
  /** Softmax temperature τ. Default 0.07 (HobbitLong/SupContrast; the paper uses 0.1). */
  temperature: z._default(z.number().check(z.positive()), 0.07),
  /** τ_base: the loss is multiplied by τ/τ_base. Defaults to `temperature` (factor 1); the reference code uses 0.07. */
  baseTemperature: z.optional(z.number().check(z.positive())),
  /** 'all': every view is an anchor. 'one': only view 0 is an anchor, contrasted with all views. Default 'all'. */
  contrastMode: z._default(z.enum(['all', 'one']), 'all'),
  /** 'out': L_out^sup, Eq. 2 (the mean over positives outside the log; recommended). 'in': L_in^sup, Eq. 3. Default 'out'. */
  variant: z._default(z.enum(['out', 'in']), 'out'),
  /** L2-normalise each feature vector first (F.normalize, eps 1e-12). Default true; false uses the features as given, like the reference code. */
  normalize: z._default(z.boolean(), true),
});
/** Options of `supConLoss` (the input of its schema: a field with a default may be omitted). */
export type SupConLossOptions = z.input<typeof supConLossOptionsSchema>;

/** Internal: the SupCon objective on the contrast matrix (see `supConFromContrast`). */
export interface SupConCoreOptions {
  batch: number;
  views: number;
  /** `views` for contrastMode 'all', 1 for 'one'. */
  anchorCount: number;
  /** Positive mask [batch·batch] row-major, or null: then `labels`, or the identity (SimCLR). */
  mask: Float32Array | null;
  /** Labels [batch] (positives: equal labels), used when `mask` is null. */
  labels?: Float64Array | null;
  temperature: number;
  /** τ/τ_base. */
  scale: number;
  variant: 'out' | 'in';
}

/**
 * SupCon on the view-major contrast matrix `C` [views·batch, dim] (row v·batch + i is view v of
 * sample i, as `torch.cat(torch.unbind(features, 1))` in the reference), anchors = its first
 * anchorCount·batch rows. Forward follows HobbitLong/SupContrast `losses.py` (with PR #142) exactly;
 * the gradient is the closed form, so tfjs does not autograd a dozen [A, K] ops (and the slow
 * broadcasting `equal` of max/logSumExp on wasm).
 *
 * With logits L = A Cᵀ/τ, P_rk = softmax over k ≠ r of L_rk and |P(r)| = Σ_c M_rc:
 *   out: ℓ_r = −(τ/τ_b)·Σ_c M_rc log P_rc / |P(r)|,     ∂ℓ_r/∂L_rk = (τ/τ_b)(|P(r)|·P_rk − M_rk)/|P(r)|
 *   in:  ℓ_r = −(τ/τ_b)·log(Σ_c M_rc P_rc / |P(r)|),    ∂ℓ_r/∂L_rk = (τ/τ_b)(P_rk − Q_rk), Q = M·e^L normalised
 * where |P(r)| is replaced by 1 when it is < 1e-6 (no positive: ℓ_r = 0, still counted in the mean).
 *
 * With a `supCon` kernel in core's registry (`useNativeKernels()` of `@contrastive/native`) the
 * whole forward and backward is that one fused call; otherwise the composed tfjs ops below.
 */
export function supConFromContrast(contrast: tf.Tensor2D, o: SupConCoreOptions): tf.Scalar {
  const kernel = getKernel('supCon');
  if (kernel) return kernel(contrast, { ...o, labels: o.mask ? null : (o.labels ?? null) });
  const { batch: B, views: V, anchorCount, temperature: tau, scale, variant } = o;
  const mask = o.mask ?? (o.labels ? labelMask(o.labels) : null);
  const K = V * B;
  const nA = anchorCount * B;
  // The masks are built in JS: tf.tile is ~300 ms at [2048, 2048] on wasm, these copies ~10 ms.
  // M_rc = mask[r mod B][c mod B] (mask.repeat(anchor_count, V)), self entry c = r dropped,
  // divided by |P(r)| for variant 'out' (replaced by 1 below 1e-6, PR #142: such an anchor
  // contributes 0 but stays in the mean).
  const sumM = new Float64Array(nA);
  const hasPos: boolean[] = [];
  const den: number[] = [];
  const M = new Float32Array(nA * K);
  const rowB = new Float32Array(B);
  for (let r = 0; r < nA; r++) {
    const i = r % B;
    if (mask) rowB.set(mask.subarray(i * B, (i + 1) * B));
    else rowB.fill(0)[i] = 1;
    let s = 0;
    for (let j = 0; j < B; j++) s += rowB[j]!;
    s = s * V - rowB[i]!; // all views, minus the anchor itself
    sumM[r] = s;
    hasPos.push(s >= 1e-6);
    den.push(s >= 1e-6 ? s : 1);
    const scaleRow = variant === 'out' ? 1 / den[r]! : 1;
    if (scaleRow !== 1) for (let j = 0; j < B; j++) rowB[j] = rowB[j]! * scaleRow;
    for (let v = 0; v < V; v++) M.set(rowB, r * K + v * B);
    M[r * K + r] = 0;
  }
  // −Infinity on the self entry, excluded from A(r). (A finite −1e9 would stop excluding it once
  // raw logits exceed 1e9.) Every row keeps K − 1 ≥ 1 finite entries, so its max is finite.
  const penalty = new Float32Array(nA * K);
  for (let r = 0; r < nA; r++) penalty[r * K + r] = -Infinity;
  // Variant 'in': −Infinity off the positives of a row that has some (its max runs over them only).
  const posPenalty = variant === 'in' ? new Float32Array(nA * K) : null;
  if (posPenalty) {
    for (let r = 0; r < nA; r++) {
      if (!hasPos[r]) continue;
      for (let k = 0; k < K; k++) if (!(M[r * K + k]! > 0)) posPenalty[r * K + k] = -Infinity;
    }
  }
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [C, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const D = C.shape[1];
    const A = nA === K ? C : tf.slice(C, [0, 0], [nA, D]);
    const L = tf.matMul(tf.mul(A, 1 / tau), tf.transpose(C)); // [nA, K] logits
    // log Σ_{k≠r} exp(L_rk), shifted by the max over k ≠ r: never log(0), even at τ = 0.01.
    const Lm = tf.add(L, tf.tensor2d(penalty, [nA, K]));
    const m = tf.max(Lm, 1, true);
    const E = tf.exp(tf.sub(Lm, m)); // self entry is exactly 0
    const S = tf.sum(E, 1, true);
    const lse = tf.reshape(tf.add(m, tf.log(S)), [nA]);
    const Mt = tf.tensor2d(M, [nA, K]);
    let perAnchor: tf.Tensor;
    let G: tf.Tensor; // ∂ℓ_r/∂L_rk without the τ/τ_b factor
    if (variant === 'out') {
      // Σ_c M_rc log P_rc / |P(r)| = (Σ_c M_rc L_rc − |P(r)|·lse_r) / |P(r)|
      const Mn = Mt; // already divided by |P(r)|
      const ratio = tf.tensor1d(Array.from(sumM, (s, r) => s / den[r]!)); // 1, or ≈ 0 without positive
      perAnchor = tf.neg(tf.sub(tf.sum(tf.mul(Mn, L), 1), tf.mul(ratio, lse)));
      // G = ratio·P − M/|P(r)|, with P = E/S
      G = tf.sub(tf.mul(E, tf.div(tf.reshape(ratio, [nA, 1]), S)), Mn);
    } else {
      // log Σ_c M_rc e^{L_rc}, shifted by the max over the positives only (rows without a
      // positive get no penalty: their W is 0 through Mt and they are masked by hp).
      const hp = tf.tensor1d(hasPos.map((h) => (h ? 1 : 0)));
      const Lpos = tf.add(L, tf.tensor2d(posPenalty!, [nA, K]));
      const mPos = tf.max(Lpos, 1, true);
      const W = tf.mul(Mt, tf.exp(tf.sub(Lpos, mPos)));
      const wsum = tf.sum(W, 1);
      const safeW = tf.where(tf.cast(hp, 'bool'), wsum, tf.onesLike(wsum));
      const logNum = tf.add(tf.log(safeW), tf.reshape(mPos, [nA]));
      const inner = tf.sub(tf.sub(logNum, lse), tf.tensor1d(den.map(Math.log)));
      perAnchor = tf.neg(tf.mul(inner, hp));
      // G = P − Q, Q = W/ΣW (the softmax over the positives); 0 for an anchor without positive.
      const Q = tf.div(W, tf.reshape(safeW, [nA, 1]));
      G = tf.mul(tf.sub(tf.div(E, S), Q), tf.reshape(hp, [nA, 1]));
    }
    // Mean over anchors and the τ of L = A Cᵀ/τ folded into the saved G.
    save([C, tf.mul(G, scale / (nA * tau))]);
    return {
      value: tf.mul(tf.mean(perAnchor), scale),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [Cs, Gs] = saved as [tf.Tensor2D, tf.Tensor2D];
        const Gd = tf.mul(Gs, dy);
        if (nA === K) {
          // A = C: dC = G C + Gᵀ C.
          return [tf.matMul(tf.add(Gd, tf.transpose(Gd)), Cs)];
        }
        const As = tf.slice(Cs, [0, 0], [nA, Cs.shape[1]]);
        const dA = tf.matMul(Gd, Cs); // [nA, D]
        const dC = tf.matMul(tf.transpose(Gd), As); // [K, D]
        return [
          tf.add(
            dC,
            tf.pad(dA, [
              [0, K - nA],
              [0, 0],
            ]),
          ),
        ];
      },
    };
  });
  return f(contrast) as tf.Scalar;
}

/** mask[i·B + j] = 1 where labels i and j are equal. */
function labelMask(labels: ArrayLike<number>): Float32Array {
  const B = labels.length;
  const mask = new Float32Array(B * B);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) mask[i * B + j] = labels[i] === labels[j] ? 1 : 0;
  }
  return mask;
}

/** Labels [batch] (a rank-1 tensor or an array of numbers), checked, as float64. */
function checkLabels(op: string, labels: tf.Tensor | ArrayLike<number>, batch: number): Float64Array {
  // A [batch, 1] or [batch, k] tensor is refused rather than flattened: one label per sample.
  if (labels instanceof tf.Tensor && labels.rank !== 1) {
    throw new ShapeMismatchError({
      op,
      argument: 'options.labels',
      expected: `[${batch}]`,
      actual: labels.shape,
      message: `'options.labels' must be rank 1 [batch] = [${batch}] (one label per sample), got rank ${labels.rank} [${labels.shape.join(', ')}]`,
    });
  }
  const values = labels instanceof tf.Tensor ? labels.dataSync() : labels;
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number') {
      throw new InvalidArgumentError({
        op,
        argument: `options.labels.${i}`,
        expected: `a number (labels is [batch] = [${batch}])`,
        actual: values[i],
      });
    }
  }
  if (values.length !== batch) {
    throw new ShapeMismatchError({
      op,
      argument: 'options.labels',
      expected: `[${batch}] (one label per sample)`,
      actual: labels instanceof tf.Tensor ? labels.shape : [values.length],
      message: `'options.labels' has ${values.length} entries but 'features' has batch = ${batch}`,
    });
  }
  assertFinite(op, 'options.labels', values);
  return Float64Array.from(values);
}

/**
 * Supervised contrastive loss (Khosla et al. 2020, Eq. 2 `out` / Eq. 3 `in`), matching the authors'
 * reference `SupConLoss` (HobbitLong/SupContrast `losses.py`, docs/science/supcon.md §2.4):
 * - the denominator runs over all other views A(i) (positives and negatives, 2N−1 terms for V = 2);
 * - no labels and no mask ⇒ SimCLR / NT-Xent (positives = the other views of the same sample);
 * - an explicit mask is used as given, even if asymmetric; labels and mask together are an error;
 * - an anchor with no positive contributes 0 and still counts in the mean (PR #142);
 * - the loss is multiplied by temperature/baseTemperature and averaged over anchors and views.
 *
 * @param features [batch, views, dim] (extra trailing dims are flattened, as in the reference)
 * @returns scalar loss
 */
export function supConLoss(features: tf.Tensor3D, options?: SupConLossOptions): tf.Scalar {
  const op = 'supConLoss';
  const o = parseOptions(op, supConLossOptionsSchema, options ?? {});
  if (!(features instanceof tf.Tensor) || features.rank < 3) {
    assertShape(op, 'features', features, ['batch', 'views', 'dim']);
  }
  assertNonEmpty(op, 'features', features.shape);
  const [batch, views] = features.shape as number[] as [number, number];
  const dim = features.size / (batch * views);
  if (batch * views < 2) {
    throw new InvalidArgumentError({
      op,
      argument: 'features',
      expected: 'batch·views ≥ 2 (an anchor needs at least one other view to contrast with)',
      actual: features.shape,
      message: `'features' has shape [${features.shape.join(', ')}]: batch·views must be ≥ 2`,
    });
  }
  const maxAbs = checkFinite(op, 'features', features);
  checkLogitScale(op, ['features', 'features'], maxAbs === undefined ? undefined : [maxAbs, maxAbs], dim, o.temperature, o.normalize);
  if (o.labels !== undefined && o.mask !== undefined) {
    throw new InvalidArgumentError({
      op,
      argument: 'options',
      expected: 'at most one of labels and mask',
      actual: 'both',
      message: "cannot define both 'options.labels' and 'options.mask' (the reference raises the same error)",
    });
  }
  let mask: Float32Array | null = null;
  const labels = o.labels !== undefined ? checkLabels(op, o.labels, batch) : null;
  if (o.mask !== undefined) {
    assertShape(op, 'options.mask', o.mask, [batch, batch]);
    assertFinite(op, 'options.mask', o.mask);
    mask = Float32Array.from(o.mask.dataSync());
    // A negative weight would turn a positive into a repelled pair and the loss negative.
    const neg = mask.findIndex((v) => v < 0);
    if (neg >= 0) {
      throw new InvalidArgumentError({
        op,
        argument: 'options.mask',
        expected: 'non-negative weights',
        actual: mask[neg],
        message: `'options.mask' has a negative weight ${mask[neg]} at [${Math.floor(neg / batch)}, ${neg % batch}]; mask weights must be ≥ 0`,
      });
    }
  }
  const temperature = o.temperature;
  const scale = temperature / (o.baseTemperature ?? temperature);
  return tf.tidy(() => {
    const x = features.dtype === 'float32' ? features : tf.cast(features, 'float32');
    // View-major contrast matrix, as torch.cat(torch.unbind(features, 1)): transpose + reshape
    // (not unstack + concat, whose gradient fails for a single view in tfjs).
    let contrast = tf.reshape(tf.transpose(tf.reshape(x, [batch, views, dim]), [1, 0, 2]), [views * batch, dim]) as tf.Tensor2D;
    if (o.normalize) contrast = l2Normalize(contrast, -1);
    return supConFromContrast(contrast, {
      batch,
      views,
      anchorCount: o.contrastMode === 'all' ? views : 1,
      mask,
      labels,
      temperature,
      scale,
      variant: o.variant,
    });
  });
}
