import { defineConfig } from 'tsup';
import { packageConfig } from '../../config/tsup.base';

// shims: the CJS build gets import.meta.url, which locates build/contrastive.node next to dist/.
export default defineConfig(packageConfig({ shims: true, platform: 'node' }));
