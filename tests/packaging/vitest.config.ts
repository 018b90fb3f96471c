import { defineConfig } from 'vitest/config';

// No tfjs setup here: the test drives a separate npm project through child processes.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
});
