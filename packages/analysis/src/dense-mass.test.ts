import { describe, expect, it } from 'vitest';
import { denseMass, denseMassSync, residualMass, residualMassSync } from './dense-mass';
import { normalMatrix, orthonormalColumns, rngOf, transposed } from './test-fixtures';

describe('denseMass / residualMass', () => {
  const [d1, k] = [96, 8];
  const h = orthonormalColumns(rngOf(11), d1, k);

  it('is 1 for neurons inside span(H) and 0 without a dense basis', async () => {
    const r = await denseMass(transposed(h), h);
    r.perNeuron.forEach((v) => expect(v).toBeCloseTo(1, 12));
    const none = await denseMass(transposed(h), null);
    expect(none).toEqual({ perNeuron: new Array(k).fill(0), mean: 0, median: 0 });
    expect(denseMassSync(transposed(h), undefined).mean).toBe(0);
  });

  it('random neurons: mean share ≈ k/d1 = 0.0833 (Beta(k/2, (d1−k)/2), sd of the mean of 300 ≈ 0.0022)', () => {
    const r = denseMassSync(normalMatrix(rngOf(12), 300, d1), h);
    expect(Math.abs(r.mean - k / d1)).toBeLessThan(0.011);
  });

  it('residualMass ρ = 1 − d/d1 for random neurons and 0 for atoms (docs/science/feature-decoupling.md §1.6 metric 3)', async () => {
    const m = orthonormalColumns(rngOf(13), d1, 24);
    const random = await residualMass(normalMatrix(rngOf(14), 300, d1), m);
    // Beta mean 1 − 24/96 = 0.75; per-neuron sd ≈ 0.044, mean of 300 ≈ 0.0026.
    expect(Math.abs(random.mean - 0.75)).toBeLessThan(0.013);
    residualMassSync(transposed(m), m).perNeuron.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-12));
  });

  it('names a mismatched basis', () => {
    expect(() => denseMassSync(normalMatrix(rngOf(0), 3, 10), normalMatrix(rngOf(0), 9, 2))).toThrow(/'denseBasis' has inputDim = 9/);
  });
});
