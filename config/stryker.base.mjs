// Shared StrykerJS settings for the numeric packages (run from a package directory by
// scripts/mutation.mjs). Incremental: the result file is committed, so a run re-tests only the
// mutants whose code or covering tests changed since it was written.

/**
 * @param {{ mutate?: string[] }} [options]
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function strykerConfig(options = {}) {
  return {
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner'],
    vitest: { configFile: 'vitest.config.ts' },
    mutate: options.mutate ?? [
      'src/**/*.ts',
      '!src/**/*.test.ts',
      '!src/**/test-fixtures.ts',
      '!src/test-fixtures/**',
      '!src/testing/**',
      '!src/index.ts',
    ],
    // Types are checked by tsc; mutants that only break types are not interesting.
    ignoreStatic: true,
    coverageAnalysis: 'perTest',
    incremental: true,
    incrementalFile: 'reports/stryker-incremental.json',
    reporters: ['html', 'clear-text', 'progress', 'json'],
    htmlReporter: { fileName: 'reports/mutation/index.html' },
    jsonReporter: { fileName: 'reports/mutation/mutation.json' },
    thresholds: { high: 90, low: 85, break: 85 },
    concurrency: 2,
    timeoutMS: 60_000,
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
  };
}
