// ESLint flat config: correctness rules only; layout is Prettier's job (eslint-config-prettier
// turns off every stylistic rule that would fight it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/build/**',
      '**/.turbo/**',
      'runs/**',
      'docs/api/**',
      '**/coverage/**',
      '**/reports/**',
      '**/.stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // Intentional in validation helpers and tfjs kernel glue, where types come from outside.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Libraries use tfjs-core functional ops only (README, Developing): `a.mul(b)` needs tfjs's chained-op side effects.
      'no-restricted-syntax': 'off',
      eqeqeq: ['error', 'smart'],
      'prefer-const': 'error',
    },
  },
  prettier,
);
