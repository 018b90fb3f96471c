/** An Error naming the operation, the path and the real errno (e.g. `EROFS`), with the cause kept. */
export function fsError(op: string, path: string, cause: unknown): Error {
  const code = (cause as NodeJS.ErrnoException)?.code;
  const detail = cause instanceof Error ? cause.message : String(cause);
  const err = new Error(`cannot ${op} ${path}${code ? ` (${code})` : ''}: ${detail}`, { cause }) as NodeJS.ErrnoException;
  if (code) err.code = code;
  return err;
}
