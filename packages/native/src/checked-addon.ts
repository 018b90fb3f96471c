import type { NativeAddon } from './load';

/** Bytes guarded on each side of every typed-array argument (dlmalloc's chunk headers sit there). */
const GUARD = 64;

type View = ArrayBufferView & { readonly buffer: ArrayBufferLike };

function isView(v: unknown): v is View {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** [a, b) minus every range in `own`: the pieces left, possibly none. */
function minus(a: number, b: number, own: Array<[number, number]>): Array<[number, number]> {
  let pieces: Array<[number, number]> = [[a, b]];
  for (const [s, e] of own)
    pieces = pieces.flatMap(([x, y]): Array<[number, number]> =>
      e <= x || s >= y
        ? [[x, y]]
        : [
            [x, Math.max(x, s)],
            [Math.min(y, e), y],
          ],
    );
  return pieces.filter(([x, y]) => y > x);
}

/**
 * Wraps every function of the addon so that each call checks it wrote nothing outside its
 * typed-array arguments: the `GUARD` bytes before and after each argument (minus what other
 * arguments own) are copied before the call and compared after it. A kernel that writes past a
 * view's end in the wasm heap overwrites the next malloc chunk's header, which tfjs-backend-wasm
 * only notices much later (a "memory access out of bounds" in `disposeData`); this names the kernel
 * at the call that did it. Enabled by CONTRASTIVE_NATIVE_CHECK=1 (see `loadNative`); costs a copy
 * of ≤ 128 bytes per argument per call.
 *
 * @throws Error naming the function, the argument and the first byte changed.
 */
export function checkedAddon<T extends object>(addon: T): T {
  // A copy, not a Proxy: an addon's exports are read-only, non-configurable properties, which a
  // Proxy's `get` must return unchanged.
  const wrapped: Record<string, unknown> = {};
  for (const name of Object.keys(addon)) {
    const value = (addon as Record<string, unknown>)[name];
    wrapped[name] =
      typeof value !== 'function'
        ? value
        : (...args: unknown[]) => {
            const byBuffer = new Map<ArrayBufferLike, Array<{ index: number; view: View }>>();
            args.forEach((a, index) => {
              if (!isView(a)) return;
              const list = byBuffer.get(a.buffer) ?? [];
              list.push({ index, view: a });
              byBuffer.set(a.buffer, list);
            });
            const saved: Array<{ bytes: Uint8Array; start: number; copy: Uint8Array; near: string }> = [];
            for (const [buffer, list] of byBuffer) {
              const bytes = new Uint8Array(buffer);
              // Bytes another argument owns may legitimately be written: they are not guarded.
              const own = list.map(({ view: v }): [number, number] => [v.byteOffset, v.byteOffset + v.byteLength]);
              for (const { index, view } of list) {
                const [s, e] = [view.byteOffset, view.byteOffset + view.byteLength];
                const sides: Array<[string, number, number]> = [
                  ['before', Math.max(0, s - GUARD), s],
                  ['after', e, Math.min(bytes.byteLength, e + GUARD)],
                ];
                for (const [side, a, b] of sides)
                  for (const [x, y] of minus(a, b, own))
                    saved.push({ bytes, start: x, copy: bytes.slice(x, y), near: `${side} argument ${index}` });
              }
            }
            const result = (value as (...a: unknown[]) => unknown).apply(addon, args);
            for (const { bytes, start, copy, near } of saved) {
              if (bytes.byteLength === 0) continue; // the buffer was detached (a grown wasm heap): nothing to compare
              for (let i = 0; i < copy.length; i++) {
                if (bytes[start + i] !== copy[i])
                  throw new Error(
                    `contrastive-native: ${name} wrote outside its arguments: byte ${start + i} (${near}) changed from ${copy[i]} to ${bytes[start + i]}`,
                  );
              }
            }
            return result;
          };
  }
  return wrapped as T;
}

/** `addon`, wrapped by `checkedAddon` when CONTRASTIVE_NATIVE_CHECK=1. */
export function maybeChecked(addon: NativeAddon): NativeAddon {
  return process.env['CONTRASTIVE_NATIVE_CHECK'] === '1' ? checkedAddon(addon) : addon;
}
