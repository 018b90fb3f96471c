import type * as tf from '@tensorflow/tfjs-core';
import { assertNonEmpty, assertShapes, checkFinite, InvalidArgumentError } from '@contrastive/core';

/**
 * Largest intermediate a loss may reach: float32's maximum is 3.4e38, and the sums over a batch
 * and the log-sum-exp need a margin. Beyond it the loss would be ±Infinity or NaN.
 */
export const FLOAT32_SAFE = 1e38;

/**
 * Validates embeddings that share a batch and a feature dimension (row i of each is one sample):
 * rank 2, equal shapes, no zero-size dimension, finite values (the scan is skipped after
 * `setChecks({ finite: false })`). Returns the batch size, the dimension and each tensor's largest
 * |value| (`undefined` when the scan is off), for `checkScale`.
 *
 * @param args `[name, tensor]` pairs, each [batch, dim]
 */
export function checkEmbeddings(
  op: string,
  args: ReadonlyArray<readonly [string, unknown]>,
  minBatch = 1,
): { batch: number; dim: number; maxAbs: number[] | undefined } {
  const sizes = assertShapes(
    op,
    args.map(([name, x]) => [name, x, ['batch', 'dim']] as [string, unknown, ['batch', 'dim']]),
  );
  for (const [name, x] of args) assertNonEmpty(op, name, (x as tf.Tensor).shape);
  const maxAbs: number[] = [];
  for (const [name, x] of args) {
    const m = checkFinite(op, name, x as tf.Tensor);
    if (m !== undefined) maxAbs.push(m);
  }
  const batch = sizes.get('batch')!;
  if (batch < minBatch) {
    throw new InvalidArgumentError({
      op,
      argument: args[0]![0],
      expected: `at least ${minBatch} rows (batch ≥ ${minBatch})`,
      actual: (args[0]![1] as tf.Tensor).shape,
      message: `'${args[0]![0]}' has batch = ${batch}, but ${op} needs batch ≥ ${minBatch}`,
    });
  }
  return { batch, dim: sizes.get('dim')!, maxAbs: maxAbs.length === args.length ? maxAbs : undefined };
}

/**
 * Refuses inputs so large that the loss would overflow float32 (and come out NaN or ±Infinity
 * without a word). `bound` is an upper bound of the loss's largest intermediate, computed by the
 * caller from the `maxAbs` of `checkEmbeddings`; nothing is checked when the scan is off.
 *
 * @param what  the intermediate, e.g. `the logits a·bᵀ/τ`
 * @param fix   what the user can do, e.g. `normalise the features (normalize: true)`
 */
export function checkScale(op: string, argument: string, maxAbs: number | undefined, bound: number, what: string, fix: string): void {
  if (maxAbs === undefined || !(bound > FLOAT32_SAFE)) return;
  throw new InvalidArgumentError({
    op,
    argument,
    expected: `entries small enough that ${what} stays within float32 (≤ ${FLOAT32_SAFE.toExponential(0)})`,
    actual: `max |${argument}| = ${maxAbs.toPrecision(3)}`,
    message: `'${argument}' has entries up to ${maxAbs.toPrecision(3)}: ${what} could reach ${bound.toPrecision(3)}, beyond float32 (3.4e38), so the loss would be NaN or Infinity; ${fix}`,
  });
}

/**
 * `checkScale` for similarity logits: with `normalize` the squared norms ‖x‖² ≤ max|x|²·dim must
 * be finite; without it the logits |x·y|/τ ≤ max|x|·max|y|·dim/τ.
 */
export function checkLogitScale(
  op: string,
  names: readonly [string, string],
  maxAbs: readonly [number, number] | undefined,
  dim: number,
  temperature: number,
  normalize: boolean,
): void {
  if (!maxAbs) return;
  const [ma, mb] = maxAbs;
  const i = ma >= mb ? 0 : 1;
  if (normalize) {
    checkScale(op, names[i], maxAbs[i], maxAbs[i] ** 2 * dim, 'the squared norms', 'rescale the features');
  } else {
    checkScale(
      op,
      names[i],
      maxAbs[i],
      (ma * mb * dim) / temperature,
      `the logits ${names[0]}·${names[1]}ᵀ/τ`,
      'L2-normalise them (normalize: true) or rescale them',
    );
  }
}

/** `checkEmbeddings` for inputs that are L2-normalised inside the loss: their squared norms must stay finite. */
export function checkNormScale(op: string, args: ReadonlyArray<readonly [string, unknown]>): { batch: number; dim: number } {
  const { batch, dim, maxAbs } = checkEmbeddings(op, args);
  maxAbs?.forEach((m, i) => checkScale(op, args[i]![0], m, m ** 2 * dim, 'the squared norms', 'rescale the features'));
  return { batch, dim };
}
