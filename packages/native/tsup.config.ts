import { join } from 'node:path';
import { defineConfig } from 'tsup';
import { packageConfig } from '../../config/tsup.base';

// Node: shims give the CJS build import.meta.url, which locates build/ next to dist/.
// Browser (the `browser` export condition): the same API with src/load.browser.ts in place of the
// Node loader, so no Node built-in is reachable and every kernel reports itself unavailable.
const [node] = packageConfig({ shims: true, platform: 'node' });
export default defineConfig([
  node!,
  {
    ...node!,
    entry: { browser: 'src/index.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    shims: false,
    platform: 'browser',
    esbuildPlugins: [
      {
        name: 'browser-loader',
        setup(build) {
          build.onResolve({ filter: /^\.\/load$/ }, (args) => ({ path: join(args.resolveDir, 'load.browser.ts') }));
        },
      },
    ],
  },
]);
