import { defineConfig } from 'vitest/config';
import { sharedConfig } from '@contrastive/test-utils/vitest';

export default defineConfig(sharedConfig({ testTimeout: 300_000 }));
