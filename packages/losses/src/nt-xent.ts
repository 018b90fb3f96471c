import * as tf from '@tensorflow/tfjs-core';
import { parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { checkEmbeddings, checkLogitScale } from './checks';
import { l2Normalize } from './l2-normalize';
import { supConFromContrast } from './sup-con';

/** The options of `ntXentLoss(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const ntXentLossOptionsSchema = z.strictObject({
  /** Softmax temperature τ. Default 0.1 (google-research/simclr `--temperature` default; SupContrast's SimCLR recipe uses 0.5). */
  temperature: z._default(z.number().check(z.positive()), 0.1),
  /** L2-normalise the embeddings first (cosine similarity, F.normalize eps 1e-12). Default true. */
  normalize: z._default(z.boolean(), true),
});
/** Options of `ntXentLoss` (the input of its schema: a field with a default may be omitted). */
export type NtXentLossOptions = z.input<typeof ntXentLossOptionsSchema>;

/**
 * NT-Xent, the SimCLR loss (Chen et al. 2020): the 2N embeddings of both views are anchors; each
 * anchor's positive is the other view of its sample and its 2N − 2 negatives are all other
 * embeddings, so every softmax runs over 2N − 1 terms. Averaged over the 2N anchors, i.e. exactly
 * `supConLoss(stack([a, b], 1), { temperature, normalize })` without labels (HobbitLong/SupContrast).
 * (google-research/simclr sums the a- and b-anchor means, i.e. returns twice this value.)
 *
 * @param a [batch, dim] view 1
 * @param b [batch, dim] view 2; row i of a and b is a positive pair
 * @returns scalar loss; log(2N − 1) when all embeddings coincide
 */
export function ntXentLoss(a: tf.Tensor2D, b: tf.Tensor2D, options?: NtXentLossOptions): tf.Scalar {
  const op = 'ntXentLoss';
  const o = parseOptions(op, ntXentLossOptionsSchema, options ?? {});
  const { batch, dim, maxAbs } = checkEmbeddings(op, [
    ['a', a],
    ['b', b],
  ]);
  checkLogitScale(op, ['a', 'b'], maxAbs as [number, number] | undefined, dim, o.temperature, o.normalize);
  return tf.tidy(() => {
    let contrast = tf.cast(tf.concat([a, b], 0), 'float32') as tf.Tensor2D;
    if (o.normalize) contrast = l2Normalize(contrast, -1);
    return supConFromContrast(contrast, {
      batch,
      views: 2,
      anchorCount: 2,
      mask: null,
      temperature: o.temperature,
      scale: 1,
      variant: 'out',
    });
  });
}
