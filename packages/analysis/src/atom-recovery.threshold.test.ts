import { describe, expect, it } from 'vitest';
import { atomRecoverySync } from './atom-recovery';
import { neuronPuritySync } from './neuron-purity';

// docs/science/feature-decoupling.md §1.6: an atom counts as recovered when a_j = max_i |cos(w_i, M_j)|
// is *strictly above* the threshold (0.8 by default). Cosines here are exact in float64:
// w = (4, 3) against e₁ gives 4/5 and against e₂ gives 3/5.
describe('atomRecovery at the threshold', () => {
  const dictionary = [
    [1, 0],
    [0, 1],
  ]; // [inputDim 2, atoms 2]: columns e₁, e₂

  it('a_j equal to the threshold is not recovered; just above it is', () => {
    const at = atomRecoverySync([[4, 3]], dictionary);
    expect(at.perAtom[0]).toBe(0.8); // exact: 4/5
    expect(at.perAtom[1]).toBeCloseTo(0.6, 15);
    expect(at.fraction).toBe(0); // 0.8 is not > 0.8
    // Two neurons exactly at the threshold for both atoms: still nothing recovered.
    expect(
      atomRecoverySync(
        [
          [4, 3],
          [3, 4],
        ],
        dictionary,
      ).fraction,
    ).toBe(0);
    expect(atomRecoverySync([[4, 3]], dictionary, { threshold: 0.79 }).fraction).toBe(0.5);
    expect(atomRecoverySync([[4, 3]], dictionary, { threshold: 0.59 }).fraction).toBe(1);
  });

  it('the default threshold is 0.8 and signs do not matter (|cos|)', () => {
    expect(atomRecoverySync([[-4, 3]], dictionary).threshold).toBe(0.8);
    expect(atomRecoverySync([[-4, -3]], dictionary).perAtom[0]).toBe(0.8);
    expect(
      atomRecoverySync(
        [
          [1, 0],
          [0, -1],
        ],
        dictionary,
      ).fraction,
    ).toBe(1);
  });

  it('ties pick the lowest neuron index; summaries are exact', () => {
    const r = atomRecoverySync(
      [
        [3, 4],
        [4, 3],
        [4, 3],
      ],
      dictionary,
    );
    expect(r.bestNeuron).toEqual([1, 0]);
    expect(r.median).toBeCloseTo(0.8, 15);
    expect(r.min).toBeCloseTo(0.8, 15);
    expect(r.mean).toBeCloseTo(0.8, 15);
  });

  it('neuron purity takes the max over atoms per neuron', () => {
    const p = neuronPuritySync(
      [
        [4, 3],
        [0, 2],
      ],
      dictionary,
    );
    expect(p.purity[0]).toBe(0.8);
    expect(p.purity[1]).toBe(1);
    expect(p.topAtom).toEqual([0, 1]);
    expect(p.topAtomShare[0]).toBeCloseTo(0.64, 15);
  });
});
