// The browser build's loader (package.json `browser` condition): no addon can load in a browser, so
// every native kernel reports unavailable and nothing here touches a Node built-in. The checked
// wrappers (sgemm, symmetricReluInfoNCE…) then throw their "unavailable" error naming the op, and
// useNativeKernels() returns { available: false, reason } and registers nothing.
import type { NativeAddon, NativeInfo } from './load';

export type { NativeAddon, NativeInfo } from './load';

const REASON = 'the native kernels are a Node.js addon and cannot load in a browser; use the wasm or webgpu backend there';

/** Always `undefined` in a browser. */
export function loadNative(): NativeAddon | undefined {
  return undefined;
}

/** `{ available: false, reason }` in a browser. */
export function nativeInfo(): NativeInfo {
  return { available: false, path: '', reason: REASON };
}
