import { defineConfig, type Options } from 'tsup';

/**
 * The one build config every package uses: ESM + CJS with `.d.ts`/`.d.cts`, no bundled
 * dependencies (tfjs and zod are peers, sibling packages are dependencies), tree-shakeable.
 */
export function packageConfig(overrides: Partial<Options> = {}): Options[] {
  return [
    {
      entry: ['src/index.ts'],
      format: ['esm', 'cjs'],
      dts: true,
      sourcemap: true,
      clean: true,
      treeshake: true,
      target: 'es2022',
      platform: 'neutral',
      // Never inline tfjs, zod or a sibling: a library bundling its own tfjs is a bug.
      external: [/^@tensorflow\//, /^@contrastive\//, 'zod'],
      ...overrides,
    },
  ];
}

export default defineConfig(packageConfig());
