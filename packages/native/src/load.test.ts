import { expect, it } from 'vitest';
import { loadNative, nativeInfo } from './load';

// The machines this project builds on have a C compiler and Node's headers (the addon is
// compiled by `build`), so a missing addon is a failure here, not a skip. CONTRASTIVE_NATIVE=0
// is the documented way to test the fallback.
const disabled = process.env['CONTRASTIVE_NATIVE'] === '0';

it('loads the compiled addon and reports its SIMD width', () => {
  const info = nativeInfo();
  if (disabled) {
    expect(info.available).toBe(false);
    expect(info.reason).toMatch(/CONTRASTIVE_NATIVE=0/);
    expect(loadNative()).toBeUndefined();
    return;
  }
  expect(info.available, info.reason).toBe(true);
  expect(['avx512', 'avx2-fma', 'avx', 'sse2']).toContain(info.simd);
  expect(info.path).toMatch(/build[/\\]contrastive\.node$/);
  expect(typeof loadNative()?.sgemm).toBe('function');
});
