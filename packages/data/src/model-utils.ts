import { assertNumber, ContrastiveError, InvalidArgumentError } from '@contrastive/core';

/** Throws unless `batchSize` is a positive integer. */
export function checkBatchSize(op: string, batchSize: unknown): asserts batchSize is number {
  assertNumber(op, 'batchSize', batchSize, { min: 1, integer: true });
}

/** Throws a clear error when a disposed model is used. */
export function checkAlive(op: string, disposed: boolean): void {
  if (disposed) throw new ContrastiveError({ op, message: 'the data model has been disposed' });
}

/** Throws an InvalidArgumentError for a cross-field constraint on options. */
export function invalidOption(op: string, key: string, expected: string, actual: unknown): never {
  throw new InvalidArgumentError({ op, argument: `options.${key}`, expected, actual });
}
