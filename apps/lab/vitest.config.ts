import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '@contrastive/test-utils/vitest';

// One file at a time: the two e2e suites each drive chromium and train in Node, and their
// responsiveness checks and speed numbers would otherwise compete for the same 2 cores.
export default defineConfig(mergeConfig(sharedConfig({ testTimeout: 300_000 }), { test: { fileParallelism: false } }));
