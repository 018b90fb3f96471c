import { defineConfig } from 'tsup';
import { packageConfig } from '../../config/tsup.base';

// Two entries: the default one is platform-neutral (browser and Node); `/node` holds the
// Node-only file checkpoint store, so no Node built-in is reachable from the default entry.
// `node:` imports stay as written (external, protocol kept) in the `/node` entry.
export default defineConfig(
  packageConfig({
    entry: ['src/index.ts', 'src/node.ts'],
    external: [/^@tensorflow\//, /^@contrastive\//, 'zod', /^node:/],
    removeNodeProtocol: false,
  }),
);
