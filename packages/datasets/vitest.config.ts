import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../../config/vitest.shared.mjs';

export default defineConfig(sharedConfig());
