import { InvalidArgumentError } from '@contrastive/core';

/**
 * A malformed input file or byte buffer: the message starts with the source (file name) and the
 * place (row, record, image) so the user can open the file at the right line.
 */
export function formatError(op: string, source: string, where: string, problem: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError({
    op,
    argument: source,
    expected: 'well-formed input',
    actual: where,
    message: `${source}${where ? ` ${where}` : ''}: ${problem}`,
    cause,
  });
}
