import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Runs `fn` (after one warm-up call, so lazily created backend constants are not counted) and
 * asserts that `tf.memory().numTensors` is the same before and after. Returns `fn`'s result.
 * Tensors `fn` returns are disposed before counting.
 */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, repeats = 3): Promise<void> {
  const run = async () => {
    const out = await fn();
    tf.dispose(out as unknown as tf.TensorContainer);
  };
  await run();
  const before = tf.memory().numTensors;
  for (let i = 0; i < repeats; i++) await run();
  const after = tf.memory().numTensors;
  expect(after, `tensor count grew from ${before} to ${after}`).toBe(before);
}
