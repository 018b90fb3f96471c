import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe } from 'vitest';

export type TestBackend = 'cpu' | 'wasm';

/** Backends every numeric suite runs on; `CONTRASTIVE_TEST_BACKENDS=cpu` narrows it. */
export function testBackends(): TestBackend[] {
  const env = process.env.CONTRASTIVE_TEST_BACKENDS;
  if (!env) return ['cpu', 'wasm'];
  return env.split(',').map((b) => b.trim()) as TestBackend[];
}

/** Switches the global tfjs engine to `backend` and waits until it is ready. */
export async function useBackend(backend: TestBackend): Promise<void> {
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`tfjs backend '${backend}' failed to initialise`);
  await tf.ready();
}

/**
 * Runs `suite` once per backend (cpu and wasm by default), each inside its own `describe` whose
 * `beforeAll` selects the backend. Tests in the suite use the global `tf` as usual.
 */
export function describeBackends(name: string, suite: (backend: TestBackend) => void, backends: TestBackend[] = testBackends()): void {
  for (const backend of backends) {
    describe(`${name} [${backend}]`, () => {
      beforeAll(async () => {
        await useBackend(backend);
      });
      suite(backend);
    });
  }
}
