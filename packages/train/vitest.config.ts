import { defineConfig } from 'vitest/config';
import { sharedConfig } from '@contrastive/test-utils/vitest';

export default defineConfig(
  sharedConfig({
    // Left out under StrykerJS only: every method trained a few steps with a conv encoder (23 s on
    // cpu); each method's own test file covers the same code with a dense encoder in a fraction of it.
    mutationExclude: ['src/methods/conv-encoders.test.ts'],
  }),
);
