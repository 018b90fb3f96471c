import { describe, expect, it } from 'vitest';
import { neuronPurity, neuronPuritySync } from './neuron-purity';
import { column, normalMatrix, orthonormalColumns, rngOf } from './test-fixtures';

describe('neuronPurity', () => {
  // Orthonormal [M | H] in R^32: 4 atoms, 3 dense directions.
  const q = orthonormalColumns(rngOf(5), 32, 7);
  const cols = Array.from({ length: 7 }, (_, j) => column(q, j));
  const pick = (from: number, to: number) =>
    Array.from({ length: 32 }, (_, i) => Array.from({ length: to - from }, (_, j) => cols[from + j]![i]!));
  const m = pick(0, 4);
  const h = pick(4, 7);
  const mix = (...terms: Array<[number, number]>) =>
    Array.from({ length: 32 }, (_, i) => terms.reduce((s, [c, j]) => s + c * cols[j]![i]!, 0));

  it('separates pure, mixed and dense neurons (closed-form shares of unit-norm combinations)', async () => {
    const w = [
      mix([2, 1]), // pure atom 1 (scaled)
      mix([Math.SQRT1_2, 0], [-Math.SQRT1_2, 2]), // equal mixture of atoms 0 and 2
      mix([0.6, 3], [0.8, 5]), // 0.36 of the mass on atom 3, 0.64 dense
      mix([1, 6]), // dense only
    ];
    const r = await neuronPurity(w, m, { denseBasis: h });
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 12));
    close(r.spanShare, [1, 1, 0.36, 0]);
    close(r.topAtomShare, [1, 0.5, 0.36, 0]);
    close(r.purity, [1, Math.SQRT1_2, 0.6, 0]);
    close(r.denseShare!, [0, 0, 0.64, 1]);
    expect([r.topAtom[0], r.topAtom[2]]).toEqual([1, 3]);
    expect([0, 2]).toContain(r.topAtom[1]); // an exact tie, decided by rounding
    expect(r.summary.spanShare.mean).toBeCloseTo((1 + 1 + 0.36) / 4, 12);
    expect(r.summary.spanShare.median).toBeCloseTo((1 + 0.36) / 2, 12);
    expect(neuronPuritySync(w, m).denseShare).toBeNull();
  });

  it('span share is exact for a non-orthonormal, rank-deficient dictionary', () => {
    // Columns 3·M_0, M_0 + M_1, M_1 (rank 2): a neuron along M_1 lies fully in the span; its top atom
    // is the column M_1 itself (cos 1).
    const skew = Array.from({ length: 32 }, (_, i) => [3 * cols[0]![i]!, cols[0]![i]! + cols[1]![i]!, cols[1]![i]!]);
    const r = neuronPuritySync([mix([1, 1]), mix([0.6, 0], [0.8, 2])], skew);
    expect(r.spanShare[0]).toBeCloseTo(1, 10);
    expect(r.topAtom[0]).toBe(2);
    expect(r.spanShare[1]).toBeCloseTo(0.36, 10);
  });

  it('random neurons have E[spanShare] = d/d1 (uniform direction, Beta(d/2, (d1−d)/2) mean)', () => {
    // d = 16, d1 = 128: mean 0.125, per-neuron sd 0.041, so the mean of 200 neurons has sd 0.0029.
    const r = neuronPuritySync(normalMatrix(rngOf(7), 200, 128), orthonormalColumns(rngOf(8), 128, 16));
    expect(Math.abs(r.summary.spanShare.mean - 0.125)).toBeLessThan(0.015);
  });

  it('checks the dense basis shape against the weights', () => {
    expect(() => neuronPuritySync([mix([1, 0])], m, { denseBasis: [[1], [2]] })).toThrow(
      /'options\.denseBasis' has inputDim = 2 .* but 'weights' has inputDim = 32/,
    );
    expect(() => neuronPuritySync([mix([1, 0])], m, { denseBasis: 'H' as never })).toThrow(/options\.denseBasis/);
  });
});
