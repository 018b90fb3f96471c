import { createRng, setFillBernoulliKernel, setFillNormalKernel } from '@contrastive/core';
import { afterEach, expect, it } from 'vitest';
import { installNativeRng, nativeFillNormalKernel } from './rng-kernels';
import { loadNative } from './load';

afterEach(() => {
  setFillNormalKernel(undefined);
  setFillBernoulliKernel(undefined);
});

it('is bit-identical to the JavaScript polar method, float32 and float64, and leaves the same state', () => {
  const pure = createRng('stream');
  const fast = createRng('stream');
  expect(installNativeRng()).toBe(true);
  const cases: Array<[number, number, number, 'f32' | 'f64']> = [
    [1_000_003, 0.3, 2, 'f32'],
    [65_537, 0, 1, 'f64'],
    [64, -1, 0.5, 'f32'],
    [4096, 0, 1e-3, 'f64'],
  ];
  for (const [n, mean, std, kind] of cases) {
    const make = () => (kind === 'f32' ? new Float32Array(n) : new Float64Array(n));
    const b = fast.fillNormal(make(), mean, std);
    setFillNormalKernel(undefined);
    const a = pure.fillNormal(make(), mean, std);
    installNativeRng();
    let diff = 0;
    for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) diff++;
    expect(diff, `${kind} n=${n}`).toBe(0);
    expect(fast.getState()).toEqual(pure.getState());
  }
  // the streams stay in step afterwards (uint32 draws use the restored words)
  expect(fast.nextUint32()).toBe(pure.nextUint32());
});

it('fillBernoulli is bit-identical too (p = ½ bit path and the threshold path)', () => {
  const pure = createRng('coins');
  const fast = createRng('coins');
  for (const [n, p, kind] of [
    [65_537, 0.5, 'f32'],
    [1000, 0.3, 'f64'],
    [99, 0.5, 'f64'],
    [4096, 0.9, 'f32'],
  ] as const) {
    const make = () => (kind === 'f32' ? new Float32Array(n) : new Float64Array(n));
    installNativeRng();
    const b = fast.fillBernoulli(make(), p);
    setFillBernoulliKernel(undefined);
    setFillNormalKernel(undefined);
    const a = pure.fillBernoulli(make(), p);
    expect(Array.from(b), `${kind} n=${n} p=${p}`).toEqual(Array.from(a));
    expect(fast.getState()).toEqual(pure.getState());
  }
  expect(fast.nextUint32()).toBe(pure.nextUint32());
});

it("uses V8's log: equal to Math.log across (0, 1) and at the edges", () => {
  const log = loadNative()!.log;
  const r = createRng('log');
  for (let i = 0; i < 200_000; i++) {
    const x = r.uniform() ** (1 + 20 * r.uniform());
    expect(log(x)).toBe(Math.log(x));
  }
  for (const x of [1, 0.5, 1 - 2 ** -30, 2 ** -1074, 5e-324, 1e-310, 0, 2, 1e300]) expect(log(x)).toBe(Math.log(x));
  expect(log(-1)).toBeNaN();
});

it('exposes the kernel for explicit use', () => {
  const kernel = nativeFillNormalKernel()!;
  const state = new Uint32Array([1, 2, 3, 4]);
  const out = new Float32Array(1000);
  kernel(state, out, 0, 1);
  expect(Array.from(state)).not.toEqual([1, 2, 3, 4]);
  const mean = out.reduce((s, v) => s + v, 0) / out.length;
  expect(Math.abs(mean)).toBeLessThan(0.15);
});
