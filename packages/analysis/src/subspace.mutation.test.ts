// Subspace shares (dense / residual mass, neuron purity's span share) and |cos| (atom recovery) at
// their documented bounds: |cos| ≤ 1 and shares in [0, 1] even where float64 rounding lands just
// above 1, zero rows give 0 (not NaN), and the span of a non-orthonormal or numerically
// rank-deficient basis (eigenvalues of its Gram matrix above rtol·λ_max, rtol = 1e-10).
import { describe, expect, it } from 'vitest';
import { atomRecoverySync } from './atom-recovery';
import { denseMassSync, residualMass, residualMassSync } from './dense-mass';
import { neuronPuritySync } from './neuron-purity';
import { orthonormalBasis, shareInSpan } from './subspace';
import { rngOf } from './test-fixtures';

const col = (v: number[]) => v.map((x) => [x]); // a single atom as a [d1, 1] column

describe('|cos| and shares stay within [0, 1]', () => {
  // v̂ = v/‖v‖ for v = (0.1, 2, 0.3) has Σ v̂_i² = 1.0000000000000002 in float64.
  const v = [0.1, 2, 0.3];

  it('a neuron equal to its atom has |cos| exactly 1, so a threshold of 1 recovers nothing ("strictly above")', () => {
    const r = atomRecoverySync([v], col(v));
    expect(r.perAtom).toEqual([1]);
    expect(atomRecoverySync([v], col(v), { threshold: 1 }).fraction).toBe(0);
    expect(atomRecoverySync([v.map((x) => -3 * x)], col(v)).perAtom).toEqual([1]);
    const p = neuronPuritySync([v], col(v));
    expect(p.purity).toEqual([1]);
    expect(p.topAtomShare).toEqual([1]);
    expect(p.spanShare[0]).toBeLessThanOrEqual(1);
    expect(p.spanShare[0]).toBeGreaterThan(1 - 1e-14);
  });

  it('shares of 200 random vectors inside a random 3-dimensional span are in [1 − 1e-14, 1]', () => {
    const rng = rngOf(3);
    const basis = { rows: 7, cols: 3, data: rng.fillNormal(new Float64Array(21)) };
    const w = new Float64Array(200 * 7);
    for (let i = 0; i < 200; i++) {
      const c = [rng.normal(), rng.normal(), rng.normal()];
      for (let k = 0; k < 7; k++) w[i * 7 + k] = c.reduce((s, cj, j) => s + cj * basis.data[k * 3 + j]!, 0);
    }
    const shares = shareInSpan({ rows: 200, cols: 7, data: w }, orthonormalBasis(basis));
    expect(Math.max(...shares)).toBeLessThanOrEqual(1);
    expect(Math.min(...shares)).toBeGreaterThan(1 - 1e-14);
    const dense = denseMassSync({ rows: 200, cols: 7, data: w }, basis);
    expect(Math.max(...dense.perNeuron)).toBeLessThanOrEqual(1);
    const residual = residualMassSync({ rows: 200, cols: 7, data: w }, basis);
    expect(Math.min(...residual.perNeuron)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...residual.perNeuron)).toBeLessThan(1e-14);
  });

  it('zero neurons and zero atoms give |cos| 0 and share 0, never NaN', () => {
    const r = atomRecoverySync(
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      col(v),
    );
    expect(r.perAtom).toEqual([0]);
    expect(r.bestNeuron).toEqual([0]);
    expect(atomRecoverySync([v], col([0, 0, 0])).perAtom).toEqual([0]);
    expect(denseMassSync([[0, 0, 0], v], col(v)).perNeuron[0]).toBe(0);
    expect(neuronPuritySync([[0, 0, 0]], col(v)).spanShare).toEqual([0]);
  });
});

describe('the span of a non-orthonormal, rank-deficient basis', () => {
  // Columns e₁, e₁ + e₂, 2e₁ of R⁴: rank 2, span {e₁, e₂}.
  const basis = [
    [1, 1, 2],
    [0, 1, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];

  it('orthonormalBasis keeps exactly the rank (2 columns, orthonormal, spanning e₁ and e₂)', () => {
    const q = orthonormalBasis({ rows: 4, cols: 3, data: Float64Array.from(basis.flat()) });
    expect(q.rows).toBe(4);
    expect(q.cols).toBe(2);
    // QᵀQ = I and QQᵀ = diag(1, 1, 0, 0).
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 2; b++) {
        let s = 0;
        for (let i = 0; i < 4; i++) s += q.data[i * 2 + a]! * q.data[i * 2 + b]!;
        expect(s).toBeCloseTo(a === b ? 1 : 0, 13);
      }
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) {
        const p = q.data[i * 2]! * q.data[j * 2]! + q.data[i * 2 + 1]! * q.data[j * 2 + 1]!;
        expect(p).toBeCloseTo(i === j && i < 2 ? 1 : 0, 13);
      }
  });

  it('dense and residual mass by hand: shares 1/2, 1, 0, 1/4 (mean 0.4375, median 0.375)', async () => {
    const w = [
      [1, 1, 1, 1], // 2 of 4 inside
      [3, -4, 0, 0], // inside
      [0, 0, 5, 0], // outside
      [1, 0, 1, 1.4142135623730951], // ‖·‖² = 4, 1 inside
    ];
    const d = denseMassSync(w, basis);
    [0.5, 1, 0, 0.25].forEach((s, i) => expect(d.perNeuron[i]).toBeCloseTo(s, 14));
    expect(d.mean).toBeCloseTo(1.75 / 4, 14);
    expect(d.median).toBeCloseTo((0.25 + 0.5) / 2, 14);
    const r = await residualMass(w, basis);
    [0.5, 0, 1, 0.75].forEach((s, i) => expect(r.perNeuron[i]).toBeCloseTo(s, 14));
    expect(r.mean).toBeCloseTo(2.25 / 4, 14);
    expect(r.median).toBeCloseTo(0.625, 14);
    // An odd count: the middle value.
    expect(denseMassSync(w.slice(0, 3), basis).median).toBeCloseTo(0.5, 14);
  });

  it('numerical rank: a column 1e-6 away from another adds nothing (λ ratio 2.5e-13 < 1e-10); 1e-4 away it does (2.5e-9)', () => {
    const near = (eps: number) => [
      [1, 1],
      [0, eps],
      [0, 0],
    ];
    expect(orthonormalBasis({ rows: 3, cols: 2, data: Float64Array.from(near(1e-6).flat()) }).cols).toBe(1);
    expect(orthonormalBasis({ rows: 3, cols: 2, data: Float64Array.from(near(1e-4).flat()) }).cols).toBe(2);
    expect(denseMassSync([[0, 1, 0]], near(1e-6)).perNeuron[0]).toBeLessThan(1e-10);
    expect(denseMassSync([[0, 1, 0]], near(1e-4)).perNeuron[0]).toBeCloseTo(1, 6);
    // A custom rtol moves the cut: at 1e-14 the 1e-6 column counts.
    expect(orthonormalBasis({ rows: 3, cols: 2, data: Float64Array.from(near(1e-6).flat()) }, 1e-14).cols).toBe(2);
    // An all-zero basis spans nothing.
    expect(orthonormalBasis({ rows: 3, cols: 2, data: new Float64Array(6) }).cols).toBe(0);
  });
});
