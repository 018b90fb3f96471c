/** The message `f` throws, or 'no error' (so a test can compare whole messages with `toBe`). */
export function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

/**
 * The error a function throws or rejects with (sync or async), or a promise (or value) rejects
 * with, for assertions on its fields; fails the test when nothing is thrown.
 */
export async function rejectionOf<E extends Error = Error & { code?: string; argument?: string }>(f: unknown): Promise<E> {
  try {
    await (typeof f === 'function' ? f() : f);
  } catch (e) {
    return e as E;
  }
  throw new Error('rejectionOf: no error was thrown');
}
