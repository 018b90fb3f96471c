// Core's kernel registry is process-wide: tests that register stand-ins put back what was there.
import { getKernel, type KernelName, registerKernel, unregisterKernel } from '@contrastive/core';

/**
 * Remembers the kernels registered under `names` now; the returned function restores exactly that
 * (re-registers them, or unregisters a name that had none). Use it in `afterEach`.
 */
export function kernelRestorer(...names: KernelName[]): () => void {
  const saved = names.map((name) => [name, getKernel(name)] as const);
  return () => {
    for (const [name, kernel] of saved) {
      if (kernel) registerKernel(name, kernel as never);
      else unregisterKernel(name);
    }
  };
}
