// Shared vitest settings for every package (plain JS so vitest can load it without a build).
import { fileURLToPath } from 'node:url';
import { configDefaults } from 'vitest/config';

// vite's defaults for Node, with `source` first.
const conditions = ['source', 'module', 'node', 'development|production'];
const setup = fileURLToPath(new URL('./src/setup.ts', import.meta.url));

/**
 * @param {{ testTimeout?: number, include?: string[], mutationExclude?: string[] }} [options]
 *   `mutationExclude`: test files left out under StrykerJS only (long training runs that cover many
 *   mutants and would cost hours); leaving tests out can only lower the measured score.
 * @returns {import('vitest/config').UserConfig}
 */
export function sharedConfig(options = {}) {
  const mutation = process.env.CONTRASTIVE_MUTATION === '1';
  return {
    // Tests run on `src` through the `source` export condition: no build needed.
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      include: options.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      exclude: [...configDefaults.exclude, ...(mutation ? (options.mutationExclude ?? []) : [])],
      setupFiles: [setup],
      testTimeout: options.testTimeout ?? 60_000,
      hookTimeout: 60_000,
      pool: 'forks',
      // Under StrykerJS (scripts/mutation.mjs sets CONTRASTIVE_MUTATION=1) test files share one
      // module graph, so tfjs is loaded once per worker instead of once per file and mutant: the
      // mutants switch at run time, and static ones are skipped (ignoreStatic).
      isolate: !mutation,
      poolOptions: { forks: { maxForks: 2, minForks: 1 } },
      reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    },
  };
}
