import { defineConfig } from 'vitest/config';
import { sharedConfig } from '@contrastive/test-utils/vitest';

// Left out under StrykerJS only (each would rerun for every mutant it covers): the full
// Fashion-MNIST load (70 000 images, ≈ 15 s) and the raw-pixel probe (that load plus a linear
// probe, ≈ 15 s). The quick MNIST and fixture tests cover the same loader code.
export default defineConfig(
  sharedConfig({ mutationExclude: ['src/npm-data.fashion.test.ts', 'src/raw-pixel-probe.test.ts'] }),
);
