import { defineConfig } from 'tsup';

// The app runs from its build: the bin plus the worker-thread entry (one tfjs engine per worker).
// Workspace packages and tfjs stay external (resolved from node_modules at run time).
export default defineConfig({
  entry: { bin: 'src/bin.ts', worker: 'src/worker.ts', index: 'src/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  dts: false,
  banner: { js: '' },
  external: [/^@tensorflow\//, /^@contrastive\//, 'zod', 'yaml'],
});
