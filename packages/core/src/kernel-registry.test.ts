import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { getKernel, registeredKernels, registerKernel, type SgemmKernel, unregisterKernel } from './kernel-registry';
import { createRng, setFillNormalKernel } from './rng';

/** A plain float64-accumulating reference GEMM (the BLAS definition), used as a registered kernel. */
const referenceSgemm: SgemmKernel = (tA, tB, M, N, K, alpha, A, B, beta, C) => {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (tA ? A[k * M + i]! : A[i * K + k]!) * (tB ? B[j * K + k]! : B[k * N + j]!);
      C[i * N + j] = alpha * s + (beta === 0 ? 0 : beta * C[i * N + j]!);
    }
  }
};

afterEach(() => {
  for (const name of [
    'fillNormal',
    'fillBernoulli',
    'sgemm',
    'symmetricReluInfoNCE',
    'symmetricReluInfoNCEStep',
    'sparseCodingSample',
    'supCon',
  ] as const)
    unregisterKernel(name);
});

describe('kernel registry', () => {
  it('registers, finds, lists and unregisters a kernel, returning the previous one', () => {
    expect(getKernel('sgemm')).toBeUndefined();
    expect(registerKernel('sgemm', referenceSgemm, { provider: 'test' })).toBeUndefined();
    const k = getKernel('sgemm')!;
    // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]]
    const c = new Float32Array(4);
    k(false, false, 2, 2, 2, 1, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, c);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
    // Aᵀ·B with A stored [K, M]: [[1,3],[2,4]] · B
    k(true, false, 2, 2, 2, 1, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 0, c);
    expect(Array.from(c)).toEqual([26, 30, 38, 44]);
    expect(registeredKernels()).toEqual({ sgemm: 'test' });
    const other: SgemmKernel = () => {};
    expect(registerKernel('sgemm', other)).toBe(referenceSgemm);
    expect(registeredKernels()).toEqual({ sgemm: 'user' });
    expect(unregisterKernel('sgemm')).toBe(other);
    expect(getKernel('sgemm')).toBeUndefined();
    expect(unregisterKernel('sgemm')).toBeUndefined();
    expect(registeredKernels()).toEqual({});
  });

  it('is one registry per realm, shared by every copy of core (bundled app + plugin from node_modules)', async () => {
    // A second instance of the module, as a bundle that inlines core next to node_modules' core.
    const copy = (await import(/* @vite-ignore */ `./kernel-registry.ts?copy=${Date.now()}`)) as typeof import('./kernel-registry');
    expect(copy.registerKernel).not.toBe(registerKernel);
    copy.registerKernel('sgemm', referenceSgemm, { provider: 'plugin' });
    expect(getKernel('sgemm')).toBe(referenceSgemm);
    expect(registeredKernels()).toEqual({ sgemm: 'plugin' });
  });

  it('rejects unknown slots and non-functions with a clear error', () => {
    expect(() => registerKernel('gemm' as never, referenceSgemm as never)).toThrow(InvalidArgumentError);
    expect(() => registerKernel('gemm' as never, referenceSgemm as never)).toThrow(
      /name.*fillNormal, fillBernoulli, sgemm, symmetricReluInfoNCE, symmetricReluInfoNCEStep, sparseCodingSample, supCon/s,
    );
    expect(() => registerKernel('sgemm', 42 as never)).toThrow(/kernel.*a function/s);
    expect(() => unregisterKernel('nope' as never)).toThrow(InvalidArgumentError);
  });

  it("Rng.fillNormal uses the 'fillNormal' slot; setFillNormalKernel is the same slot", () => {
    const kernel = (_s: Uint32Array, out: Float32Array | Float64Array) => void out.fill(7);
    registerKernel('fillNormal', kernel);
    expect(Array.from(createRng(1).fillNormal(new Float32Array(64))).every((v) => v === 7)).toBe(true);
    expect(setFillNormalKernel(undefined)).toBe(kernel);
    expect(getKernel('fillNormal')).toBeUndefined();
    // Without a kernel the JavaScript polar method runs: a reproducible stream, not the constant.
    const a = createRng(1).fillNormal(new Float32Array(64));
    expect(a.some((v) => v !== 7)).toBe(true);
    expect(Array.from(a)).toEqual(Array.from(createRng(1).fillNormal(new Float32Array(64))));
  });
});
