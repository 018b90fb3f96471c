import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, parseOptions, type Rng, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { checkApply, type ConfiguredAugmentation, ownStream } from './view-utils';

/** The options of `identity(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const identityOptionsSchema = z.strictObject({
  /** Number of views (≥ 1). Default 2. */
  views: z._default(z.int().check(z.gte(1)), 2),
  /** Accepted (and ignored, identity draws nothing) so every factory takes the same `{ views, seed }`. */
  seed: z.optional(seedSchema),
});
/** Options of `identity` (the input of its schema: a field with a default may be omitted). */
export type IdentityOptions = z.input<typeof identityOptionsSchema>;
/** The options of `identity` with every default filled in (the augmentation's or model's `options`). */
export type IdentityResolvedOptions = z.output<typeof identityOptionsSchema>;
/** The augmentation `identity(options)` returns: `apply` makes its views; `options` holds the resolved options. */
export type IdentityAugmentation = ConfiguredAugmentation<'identity', IdentityResolvedOptions>;

/**
 * No augmentation: `views` copies of x (the "no aug" arm of docs/science/feature-decoupling.md §1.2/§1.7, where every
 * direction has cross-view correlation 1). Copies (`tf.clone`), so the caller may dispose each
 * view independently of x. Uses no randomness. Takes vectors [batch, dim] or images
 * [batch, h, w, c] (the "no augmentation" arm of an image ablation).
 */
export function identity(options: IdentityOptions = {}): IdentityAugmentation {
  const op = 'identity';
  const o = parseOptions(op, identityOptionsSchema, options);
  const unused = ownStream(0, op);
  const check = (name: string, x: unknown, rng: unknown) => {
    if (!(x instanceof tf.Tensor) || x.rank !== 4) return checkApply(name, x, rng, unused);
    if (x.dtype !== 'float32')
      throw new InvalidArgumentError({ op: name, argument: 'x', expected: 'a float32 tensor', actual: `dtype '${x.dtype}'` });
    if (rng !== undefined && (typeof rng !== 'object' || rng === null || typeof (rng as Rng).nextUint32 !== 'function'))
      throw new InvalidArgumentError({ op: name, argument: 'rng', expected: 'an Rng from createRng(seed), or undefined', actual: rng });
    return undefined;
  };
  return {
    name: op,
    views: o.views,
    options: o,
    apply(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D[] {
      check(`${op}.apply`, x, rng);
      return Array.from({ length: o.views }, () => tf.clone(x));
    },
    transform(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D {
      check(`${op}.transform`, x, rng);
      return tf.clone(x);
    },
  };
}
