import { defineConfig } from 'vitest/config';
import { sharedConfig } from '@contrastive/test-utils/vitest';

// decoupling.test.ts reproduces the decoupling table of feature-decoupling.md §1.2 on 8 000-sample
// sparse-coding simulations (≈ 100 s): under StrykerJS it would rerun for every mutant it covers
// (hours), so it is left out there only; the unit tests of each augmentation cover the same code.
export default defineConfig(sharedConfig({ mutationExclude: ['src/decoupling.test.ts'] }));
