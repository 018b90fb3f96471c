import { InvalidArgumentError, NonFiniteValueError, ShapeMismatchError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { atomRecovery, atomRecoverySync } from './atom-recovery';
import { normalMatrix, orthonormalColumns, rngOf, transposed } from './test-fixtures';

describe('atomRecovery', () => {
  it('W = Mᵀ recovers every atom exactly (cos 1, fraction 1), also with rescaled and sign-flipped rows', async () => {
    const m = orthonormalColumns(rngOf(1), 64, 16);
    const w = transposed(m);
    const r = await atomRecovery(w, m);
    r.perAtom.forEach((a) => expect(a).toBeCloseTo(1, 12));
    expect(r.bestNeuron).toEqual(Array.from({ length: 16 }, (_, j) => j));
    expect(r.fraction).toBe(1);
    expect(r.min).toBeCloseTo(1, 12);
    // Neuron i = −3·M_i: |cos| is invariant to sign and scale (the symmetric-ReLU neuron is odd).
    const flipped = { ...w, data: w.data.map((v) => -3 * v) };
    expect((await atomRecovery(flipped, m)).min).toBeCloseTo(1, 12);
  });

  it('random neurons recover nothing: median ≈ 2.55/√d1 (order statistic), max below the union bound', async () => {
    // d1 = 256, m = 64 neurons, d = 32 atoms. cos(w, M_j) ≈ N(0, 1/d1) for a random direction, so
    // a_j = max of m |N(0,1/d1)|: median where (2Φ(x√d1) − 1)^m = ½, x√d1 = 2.549 ⇒ 0.159.
    // Union bound: P(max_ij |cos| > t) ≤ 2md·exp(−d1 t²/2) = 0.01 at t = 0.318.
    const [d1, m, d] = [256, 64, 32];
    const r = await atomRecovery(normalMatrix(rngOf(2), m, d1), orthonormalColumns(rngOf(3), d1, d));
    expect(r.fraction).toBe(0);
    expect(r.median).toBeGreaterThan(0.13);
    expect(r.median).toBeLessThan(0.19);
    expect(Math.max(...r.perAtom)).toBeLessThan(0.318);
  });

  it('fraction counts atoms strictly above the threshold', () => {
    // Two atoms e1, e2 in R²; one neuron at 30° from e1: |cos| = cos 30° = 0.866 with e1, 0.5 with e2.
    const w = [[Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)]];
    const m = [
      [1, 0],
      [0, 1],
    ];
    const r = atomRecoverySync(w, m);
    expect(r.perAtom[0]).toBeCloseTo(Math.sqrt(3) / 2, 14);
    expect(r.perAtom[1]).toBeCloseTo(0.5, 14);
    expect(r.fraction).toBe(0.5);
    expect(atomRecoverySync(w, m, { threshold: 0.9 }).fraction).toBe(0);
    expect(atomRecoverySync(w, m, { threshold: 0.4 }).fraction).toBe(1);
    expect(r.median).toBeCloseTo((Math.sqrt(3) / 2 + 0.5) / 2, 14);
  });

  it('zero neurons give cos 0, not NaN', () => {
    const r = atomRecoverySync([[0, 0]], [[1], [0]]);
    expect(r.perAtom).toEqual([0]);
  });

  it('names the mismatched arguments, bad options and non-finite values', async () => {
    await expect(atomRecovery(normalMatrix(rngOf(0), 4, 10), normalMatrix(rngOf(0), 12, 3))).rejects.toThrow(
      /'dictionary' has inputDim = 12 .* but 'weights' has inputDim = 10/,
    );
    expect(() => atomRecoverySync([[1, 2]], [[1], [2]], { threshold: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => atomRecoverySync([[1, 2]], [[1], [2]], { threshold: 1.5 })).toThrow(/options\.threshold/);
    expect(() => atomRecoverySync([[1, Number.NaN]], [[1], [2]])).toThrow(NonFiniteValueError);
    expect(() => atomRecoverySync([[1, Number.NaN]], [[1], [2]])).toThrow(/'weights' contains NaN at flat index 1/);
    expect(() => atomRecoverySync([[1, 2], [3]], [[1], [2]])).toThrow(ShapeMismatchError);
    expect(() => atomRecoverySync({ rows: 2, cols: 2, data: [1, 2, 3] }, [[1], [2]])).toThrow(
      /'weights\.data' must have rows·cols = 2·2 = 4 entries, got 3/,
    );
    expect(() => atomRecoverySync('w' as never, [[1], [2]])).toThrow(/'weights'/);
  });
});
