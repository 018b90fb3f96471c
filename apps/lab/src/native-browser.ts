// Browser stand-in for @contrastive/native (aliased in vite.config.ts). The native addon is
// Node-only, but @contrastive/train's contrastive method imports its default entry, whose loader
// reaches node:module/node:path/node:url and `process` at module level: in a page that would throw
// before the method could fall back to tfjs. Here the addon is simply absent, so `kernels: 'auto'`
// takes the tfjs path, exactly as `contrastive run --no-native` does in Node.
import type { NativeAddon, NativeInfo } from '../../../packages/native/src/load';

export type { NativeAddon, NativeInfo };

export function loadNative(): NativeAddon | undefined {
  return undefined;
}

export function nativeInfo(): NativeInfo {
  return { available: false, path: '', reason: 'the native addon is Node-only (browser build of the lab)' };
}

export function symmetricReluInfoNCELoss(): never {
  throw new Error('symmetricReluInfoNCELoss: the native addon is Node-only');
}
