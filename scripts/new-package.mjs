#!/usr/bin/env node
// Scaffolds packages/<name> with the shared package shape: `node scripts/new-package.mjs <name> "<description>" [dep ...]`
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [name, description = '', ...deps] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: node scripts/new-package.mjs <kebab-name> "<description>" [internal-dep ...]');
  process.exit(1);
}
const dir = join('packages', name);
if (existsSync(join(dir, 'package.json'))) {
  console.error(`${dir} already exists`);
  process.exit(1);
}
mkdirSync(join(dir, 'src'), { recursive: true });
const pkg = {
  name: `@contrastive/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': {
      source: './src/index.ts',
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'src', '!src/**/*.test.ts', 'README.md', 'CHANGELOG.md'],
  scripts: {
    build: 'tsup',
    typecheck: 'tsc --noEmit',
    lint: 'publint --strict && attw --pack . --quiet',
    test: 'vitest run',
  },
  dependencies: Object.fromEntries(deps.map((d) => [`@contrastive/${d}`, 'workspace:^'])),
  peerDependencies: { '@tensorflow/tfjs-core': 'catalog:peers', zod: 'catalog:peers' },
  devDependencies: {
    '@contrastive/test-utils': 'workspace:*',
    '@tensorflow/tfjs-core': 'catalog:',
    tsup: 'catalog:',
    typescript: 'catalog:',
    vitest: 'catalog:',
    zod: 'catalog:',
  },
  publishConfig: { access: 'public' },
};
if (deps.length === 0) delete pkg.dependencies;
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src'] }, null, 2)}\n`);
writeFileSync(join(dir, 'tsup.config.ts'), "export { default } from '../../config/tsup.base';\n");
writeFileSync(
  join(dir, 'vitest.config.ts'),
  "import { defineConfig } from 'vitest/config';\nimport { sharedConfig } from '@contrastive/test-utils/vitest';\n\nexport default defineConfig(sharedConfig());\n",
);
if (!existsSync(join(dir, 'src', 'index.ts'))) writeFileSync(join(dir, 'src', 'index.ts'), 'export {};\n');
if (!existsSync(join(dir, 'README.md'))) writeFileSync(join(dir, 'README.md'), `# @contrastive/${name}\n\n${description}\n`);
console.log(`created ${dir}`);
