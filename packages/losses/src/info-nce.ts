import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { checkEmbeddings, checkLogitScale } from './checks';
import { l2Normalize } from './l2-normalize';

/** The options of `infoNCELoss(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const infoNCELossOptionsSchema = z.strictObject({
  /** Softmax temperature τ: logits are similarities / τ. Default 0.1. */
  temperature: z._default(z.number().check(z.positive()), 0.1),
  /**
   * L2-normalise a and b first (F.normalize, eps 1e-12). Default: true for similarity 'cosine',
   * false for 'dot'. `normalize: false` alone means raw inner products.
   */
  normalize: z.optional(z.boolean()),
  /** Average the a→b and b→a cross-entropies (CLIP-style). Default false: a→b only. */
  symmetric: z._default(z.boolean(), false),
  /** 'cosine' (normalised) or 'dot' (raw inner products). Default: 'cosine' unless normalize is false. */
  similarity: z.optional(z.enum(['cosine', 'dot'])),
});
/** Options of `infoNCELoss` (the input of its schema: a field with a default may be omitted). */
export type InfoNCELossOptions = z.input<typeof infoNCELossOptionsSchema>;

/**
 * InfoNCE (van den Oord et al. 2018; the form of CPC/MoCo/CLIP): the cross-entropy of the logits
 * a·bᵀ/τ with the diagonal as targets, so the negatives of a_i are the other rows of b:
 *   ℓ = mean_i [ −s_ii/τ + log Σ_j exp(s_ij/τ) ]   (= F.cross_entropy(a @ b.T / τ, arange(B)))
 * `symmetric` averages it with the same loss on the transposed logits.
 *
 * Hot path of the flagship experiments (B = 256..512): one customGrad whose gradient is the
 * closed form ∂ℓ/∂logits = (softmax − I)/B, mapped back through the product (and the
 * normalisation by `l2Normalize`'s own closed form) without forming it: B×B work is one exp and
 * one transpose per direction. The forward subtracts the row max.
 *
 * @param a [batch, dim] anchors
 * @param b [batch, dim] positives: row i of b is the positive of row i of a
 * @returns scalar loss; log(B) when all logits are equal
 */
export function infoNCELoss(a: tf.Tensor2D, b: tf.Tensor2D, options?: InfoNCELossOptions): tf.Scalar {
  const op = 'infoNCELoss';
  const o = parseOptions(op, infoNCELossOptionsSchema, options ?? {});
  if (o.similarity !== undefined && o.normalize !== undefined && o.normalize !== (o.similarity === 'cosine')) {
    throw new InvalidArgumentError({
      op,
      argument: 'options.normalize',
      expected: `${o.similarity === 'cosine'} with similarity '${o.similarity}'`,
      actual: o.normalize,
      message: `options.normalize = ${o.normalize} contradicts options.similarity = '${o.similarity}' ('cosine' normalises, 'dot' does not)`,
    });
  }
  const normalize = o.normalize ?? (o.similarity ?? 'cosine') === 'cosine';
  const {
    batch: B,
    dim,
    maxAbs,
  } = checkEmbeddings(op, [
    ['a', a],
    ['b', b],
  ]);
  const tau = o.temperature;
  checkLogitScale(op, ['a', 'b'], maxAbs as [number, number] | undefined, dim, tau, normalize);
  const symmetric = o.symmetric;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, y, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const L = tf.matMul(tf.mul(x, 1 / tau), tf.transpose(y)); // [B, B] logits
    const diag = tf.mul(tf.sum(tf.mul(x, y), 1), 1 / tau); // positives s_ii/τ
    // Row softmax P = E/S (E = exp(L − max), S its row sums), kept factored: the gradient only
    // needs P·y and Pᵀ·x, which are (E·y)/S and Eᵀ·(x/S), so no B×B division, no identity matrix.
    const mRow = tf.max(L, 1, true);
    const Erow = tf.exp(tf.sub(L, mRow));
    const Srow = tf.sum(Erow, 1, true); // [B, 1]
    let loss = tf.mean(tf.sub(tf.reshape(tf.add(mRow, tf.log(Srow)), [B]), diag));
    const saved: tf.Tensor[] = [x, y, Erow, Srow];
    if (symmetric) {
      // Column softmax: P_col[i, j] = E_col[i, j]/S_col[j].
      const mCol = tf.max(L, 0, true);
      const Ecol = tf.exp(tf.sub(L, mCol));
      const Scol = tf.sum(Ecol, 0, true); // [1, B]
      loss = tf.mul(tf.add(loss, tf.mean(tf.sub(tf.reshape(tf.add(mCol, tf.log(Scol)), [B]), diag))), 0.5);
      saved.push(Ecol, tf.reshape(Scol, [B, 1]));
    }
    save(saved);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) => {
        const [xs, ys, Er, Sr, Ec, Sc] = s as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D?, tf.Tensor2D?];
        // ∂ℓ/∂L = (P − I)/B (averaged over the K = 1 or 2 directions); L = x yᵀ/τ, so
        // dx = (P y − y)/(Bτ), dy = (Pᵀ x − x)/(Bτ). Explicit transposes: matMul flags are slow on wasm.
        let Py = tf.div(tf.matMul(Er, ys), Sr);
        let PTx = tf.matMul(tf.transpose(Er), tf.div(xs, Sr));
        let k = 1;
        if (Ec && Sc) {
          Py = tf.add(Py, tf.matMul(Ec, tf.div(ys, Sc)));
          PTx = tf.add(PTx, tf.div(tf.matMul(tf.transpose(Ec), xs), Sc));
          k = 2;
        }
        const c = tf.mul(dy, 1 / (k * B * tau));
        return [tf.mul(tf.sub(Py, k === 1 ? ys : tf.mul(ys, k)), c), tf.mul(tf.sub(PTx, k === 1 ? xs : tf.mul(xs, k)), c)];
      },
    };
  });
  return tf.tidy(() => {
    let x = tf.cast(a, 'float32') as tf.Tensor2D;
    let y = tf.cast(b, 'float32') as tf.Tensor2D;
    if (normalize) {
      x = l2Normalize(x, -1);
      y = l2Normalize(y, -1);
    }
    return f(x, y) as tf.Scalar;
  });
}
