import * as tf from '@tensorflow/tfjs-core';
import { createRng, getKernel, InvalidArgumentError, registerKernel, unregisterKernel } from '@contrastive/core';
import { ntXentLoss, supConLoss, type SupConLossOptions } from '@contrastive/losses';
import { describeBackends, expectClose, expectNoLeak, type SupConRefOptions, supConReference } from '@contrastive/test-utils';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { supConNativeLoss } from './sup-con';

const randn = (seed: number, n: number) => createRng(seed).fillNormal(new Float32Array(n));

/** ∂/∂x of the float64 reference by central differences in float64 (eps 1e-6). */
function referenceGradient(x: Float32Array, shape: [number, number, number], o: SupConRefOptions): Float64Array {
  const x64 = Float64Array.from(x);
  const g = new Float64Array(x.length);
  const eps = 1e-6;
  for (let i = 0; i < x.length; i++) {
    const v = x64[i]!;
    x64[i] = v + eps;
    const plus = supConReference(x64, shape, o);
    x64[i] = v - eps;
    const minus = supConReference(x64, shape, o);
    x64[i] = v;
    g[i] = (plus - minus) / (2 * eps);
  }
  return g;
}

/** The composed tfjs path of @contrastive/losses: the registry slot emptied for the call. */
function composed<T>(fn: () => T): T {
  const k = unregisterKernel('supCon');
  try {
    return fn();
  } finally {
    if (k) registerKernel('supCon', k, { provider: 'test' });
  }
}

beforeEach(() => {
  registerKernel('supCon', supConNativeLoss, { provider: 'test' });
});
afterEach(() => {
  unregisterKernel('supCon');
});

describeBackends('native SupCon (registry slot supCon)', () => {
  // Every option of supConLoss, and anchors without a positive: V = 1 with unique labels, and a
  // mask row that is all zero (SupContrast PR #142: ℓ_r = 0, still in the mean and in the others'
  // denominators).
  const [B, V, D] = [5, 2, 4];
  const maskValues = Float32Array.from([1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0.5, 0, 1, 1, 0, 0, 1, 0, 0, 0]);
  const cases: Array<[string, [number, number, number], SupConRefOptions]> = [];
  for (const variant of ['out', 'in'] as const) {
    for (const contrastMode of ['all', 'one'] as const) {
      const common = { variant, contrastMode, temperature: 0.3, baseTemperature: 0.2 };
      cases.push([`simclr ${variant} ${contrastMode}`, [B, V, D], common]);
      cases.push([`labels ${variant} ${contrastMode}`, [B, V, D], { ...common, labels: [0, 1, 0, 2, 1] }]);
      cases.push([`mask ${variant} ${contrastMode} (row 3 without positive)`, [B, V, D], { ...common, mask: maskValues }]);
      cases.push([`raw ${variant} ${contrastMode}`, [B, V, D], { ...common, normalize: false, labels: [1, 1, 2, 2, 2] }]);
    }
    cases.push([`V = 1, unique labels 0 and 3 (no positive), ${variant}`, [4, 1, 3], { variant, temperature: 0.6, labels: [0, 1, 1, 3] }]);
    cases.push([`V = 3, ${variant}`, [3, 3, 4], { variant, temperature: 0.5, labels: [2, 2, 7] }]);
  }
  const toOptions = (o: SupConRefOptions, maskTensor?: tf.Tensor2D): SupConLossOptions => ({
    ...(o.variant ? { variant: o.variant } : {}),
    ...(o.contrastMode ? { contrastMode: o.contrastMode } : {}),
    ...(o.temperature ? { temperature: o.temperature } : {}),
    ...(o.baseTemperature ? { baseTemperature: o.baseTemperature } : {}),
    ...(o.normalize === false ? { normalize: false } : {}),
    ...(o.labels ? { labels: o.labels } : {}),
    ...(o.mask ? { mask: maskTensor! } : {}),
  });

  it('supConLoss goes through the registered kernel', () => {
    let calls = 0;
    registerKernel('supCon', (c, o) => (calls++, supConNativeLoss(c, o)), { provider: 'test' });
    const x = tf.tensor3d(randn(1, 4 * 2 * 3), [4, 2, 3]);
    tf.dispose([supConLoss(x), ntXentLoss(tf.reshape(tf.slice(x, [0, 0, 0], [4, 1, 3]), [4, 3]), tf.ones([4, 3]))]);
    expect(calls).toBe(2);
    x.dispose();
  });

  it('loss equals the float64 port of losses.py and ∂ℓ/∂features its float64 central differences, every option', () => {
    for (const [name, shape, ref] of cases) {
      const x = randn(name.length, shape[0] * shape[1] * shape[2]);
      const xt = tf.tensor3d(x, shape);
      const mask = ref.mask ? tf.tensor2d(ref.mask as Float32Array, [shape[0], shape[0]]) : undefined;
      const opts = toOptions(ref, mask);
      const value = supConLoss(xt, opts);
      const g = tf.grad((t: tf.Tensor) => supConLoss(t as tf.Tensor3D, opts))(xt);
      try {
        expectClose(value, supConReference(x, shape, ref), { atol: 1e-5, rtol: 1e-5 });
        expectClose(g, Array.from(referenceGradient(x, shape, ref)), { atol: 2e-5, rtol: 1e-3 });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
      tf.dispose([xt, value, g, ...(mask ? [mask] : [])]);
    }
  });

  it('equals the composed tfjs path (loss and gradient) at 64×2×16 with labels, τ = 0.07', () => {
    const x = tf.tensor3d(randn(9, 64 * 2 * 16), [64, 2, 16]);
    const labels = Array.from({ length: 64 }, (_, i) => i % 7);
    for (const variant of ['out', 'in'] as const) {
      for (const lab of [labels, undefined]) {
        const opts: SupConLossOptions = { variant, temperature: 0.07, ...(lab ? { labels: lab } : {}) };
        const f = (t: tf.Tensor) => supConLoss(t as tf.Tensor3D, opts);
        const [ln, gn] = tf.tidy(() => [f(x).dataSync()[0]!, tf.grad(f)(x).dataSync()]);
        const [lt, gt] = composed(() => tf.tidy(() => [f(x).dataSync()[0]!, tf.grad(f)(x).dataSync()]));
        expectClose(ln, lt as number, { atol: 1e-5, rtol: 1e-5 });
        expectClose(Array.from(gn as Float32Array), Array.from(gt as Float32Array), { atol: 1e-6, rtol: 1e-3 });
      }
    }
    x.dispose();
  });

  it('no NaN or Inf at τ = 0.01 with aligned and antipodal features (logits ±100), out and in', () => {
    const x = new Float32Array(4 * 2 * 3);
    for (let i = 0; i < 8; i++) x.set(i === 7 ? [-1, 0, 0] : [1, 1e-4 * i, 0], i * 3);
    const f = tf.tensor3d(x, [4, 2, 3]);
    for (const variant of ['out', 'in'] as const) {
      for (const labels of [undefined, [0, 1, 0, 1]]) {
        const ref = { temperature: 0.01, variant, ...(labels ? { labels } : {}) };
        const opts = toOptions(ref);
        const loss = supConLoss(f, opts);
        const g = tf.grad((t: tf.Tensor) => supConLoss(t as tf.Tensor3D, opts))(f);
        expectClose(loss, supConReference(x, [4, 2, 3], ref), { atol: 1e-4, rtol: 1e-5 });
        expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
        tf.dispose([loss, g]);
      }
    }
    f.dispose();
  });

  it('every anchor without a positive: loss 0 and gradient 0', () => {
    const x = tf.tensor3d(randn(5, 4 * 1 * 3), [4, 1, 3]);
    for (const variant of ['out', 'in'] as const) {
      const f = (t: tf.Tensor) => supConLoss(t as tf.Tensor3D, { labels: [0, 1, 2, 3], variant });
      expect(tf.tidy(() => f(x).dataSync()[0])).toBe(0);
      expect(tf.tidy(() => Array.from(tf.grad(f)(x).dataSync())).every((v) => v === 0)).toBe(true);
    }
    x.dispose();
  });

  it('leaks no tensor (forward and gradient, both variants)', async () => {
    const x = tf.tensor3d(randn(2, 8 * 2 * 3), [8, 2, 3]);
    await expectNoLeak(() => supConLoss(x, { labels: [0, 1, 0, 1, 2, 2, 3, 0] }));
    await expectNoLeak(() =>
      tf.grad((t: tf.Tensor) => supConLoss(t as tf.Tensor3D, { variant: 'in', labels: [0, 1, 0, 1, 2, 2, 3, 0] }))(x),
    );
    await expectNoLeak(() => tf.grad((t: tf.Tensor) => supConLoss(t as tf.Tensor3D, { contrastMode: 'one' }))(x));
    x.dispose();
  });

  it('refuses inconsistent options by name', () => {
    const c = tf.ones([8, 3]) as tf.Tensor2D;
    const base = { batch: 4, views: 2, anchorCount: 2, mask: null, labels: null, temperature: 0.1, scale: 1, variant: 'out' as const };
    expect(() => supConNativeLoss(c, { ...base, batch: 3 })).toThrow(/contrast.*views·batch = 6 rows/s);
    expect(() => supConNativeLoss(c, { ...base, anchorCount: 3 })).toThrow(/options\.anchorCount/);
    expect(() => supConNativeLoss(c, { ...base, mask: new Float32Array(15) })).toThrow(/options\.mask.*16 values/s);
    expect(() => supConNativeLoss(c, { ...base, labels: Float64Array.of(1, 2) })).toThrow(/options\.labels/);
    expect(() => supConNativeLoss(c, { ...base, temperature: 0 })).toThrow(/options\.temperature/);
    expect(() => supConNativeLoss(c, { ...base, variant: 'mid' as never })).toThrow(InvalidArgumentError);
    c.dispose();
  });
});

it('is registered by useNativeKernels in the supCon slot', async () => {
  unregisterKernel('supCon');
  const { useNativeKernels, disableNativeKernels } = await import('./use-native-kernels');
  expect(useNativeKernels().kernels).toContain('supCon');
  expect(getKernel('supCon')).toBe(supConNativeLoss);
  disableNativeKernels();
  expect(getKernel('supCon')).toBeUndefined();
});
