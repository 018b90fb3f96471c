/** The message `f` throws, or 'no error' (so a test can compare whole messages with `toBe`). */
export function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}
