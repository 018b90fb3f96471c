import type * as tf from '@tensorflow/tfjs-core';
import { assertFinite, assertShapes, InvalidArgumentError } from '@contrastive/core';

/**
 * Validates embeddings that share a batch and a feature dimension (row i of each is one sample):
 * rank 2, equal shapes, finite values. Returns the batch size and the dimension.
 *
 * @param args `[name, tensor]` pairs, each [batch, dim]
 */
export function checkEmbeddings(op: string, args: ReadonlyArray<readonly [string, unknown]>, minBatch = 1): { batch: number; dim: number } {
  const sizes = assertShapes(
    op,
    args.map(([name, x]) => [name, x, ['batch', 'dim']] as [string, unknown, ['batch', 'dim']]),
  );
  for (const [name, x] of args) assertFinite(op, name, x as tf.Tensor);
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
  return { batch, dim: sizes.get('dim')! };
}
