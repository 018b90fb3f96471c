import { defineConfig } from 'vitest/config';

// No tfjs setup here: the tests drive separate npm projects, bundles and a browser through child
// processes. The global setup packs and installs the libraries once for every file.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
});
