import { defineConfig } from 'vitest/config';
import { sharedConfig } from '@contrastive/test-utils/vitest';
export default defineConfig(sharedConfig({ testTimeout: 1_800_000, include: ['scratch/**/*.test.ts'] }));
