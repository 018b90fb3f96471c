// Exact messages of the kernel registry and of setChecks' partial updates.
import { describe, expect, it } from 'vitest';
import { getChecks, setChecks } from './checks';
import { getKernel, registerKernel, registeredKernels, unregisterKernel } from './kernel-registry';

describe('kernel registry messages', () => {
  it('names the op, the argument and the known slots', () => {
    expect(() => registerKernel('nope' as never, (() => {}) as never)).toThrow(
      'registerKernel: invalid argument \'name\': expected one of fillNormal, fillBernoulli, sgemm, symmetricReluInfoNCE, symmetricReluInfoNCEStep, sparseCodingSample, supCon, got "nope"',
    );
    expect(() => unregisterKernel('sgem' as never)).toThrow(
      'unregisterKernel: invalid argument \'name\': expected one of fillNormal, fillBernoulli, sgemm, symmetricReluInfoNCE, symmetricReluInfoNCEStep, sparseCodingSample, supCon, got "sgem"',
    );
    expect(() => registerKernel('sgemm', 1 as never)).toThrow("registerKernel: invalid argument 'kernel': expected a function, got 1");
  });

  it('every slot name is accepted and listed with its provider', () => {
    const before = registeredKernels();
    const names = [
      'fillNormal',
      'fillBernoulli',
      'sgemm',
      'symmetricReluInfoNCE',
      'symmetricReluInfoNCEStep',
      'sparseCodingSample',
      'supCon',
    ] as const;
    const previous = names.map((n) => getKernel(n));
    try {
      names.forEach((n) => registerKernel(n, (() => {}) as never, { provider: `p-${n}` }));
      expect(registeredKernels()).toEqual(Object.fromEntries(names.map((n) => [n, `p-${n}`])));
    } finally {
      names.forEach((n, i) => (previous[i] ? registerKernel(n, previous[i] as never, { provider: before[n] }) : unregisterKernel(n)));
    }
    expect(registeredKernels()).toEqual(before);
  });
});

describe('setChecks', () => {
  it('leaves a setting it is not given unchanged, and returns the previous settings', () => {
    const start = getChecks();
    try {
      setChecks({ finite: false });
      expect(setChecks({})).toEqual({ finite: false });
      expect(getChecks()).toEqual({ finite: false });
    } finally {
      setChecks(start);
    }
    expect(getChecks()).toEqual(start);
  });
});
