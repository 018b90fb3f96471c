import { describe, expect, it } from 'vitest';
import { alignment, alignmentSync, uniformity, uniformitySync } from './alignment-uniformity';
import { normalMatrix, rngOf } from './test-fixtures';

const eye = (d: number, scale = 1) => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? scale : 0)));

describe('uniformity (Wang & Isola 2020, docs/science/alignment-uniformity.md §6)', () => {
  it('closed forms: antipodal pair −4t, identical points 0, orthonormal basis −2t, regular tetrahedron −t·8/3', async () => {
    expect(
      await uniformity([
        [0.6, 0.8],
        [-0.6, -0.8],
      ]),
    ).toBeCloseTo(-8, 12); // ‖x − y‖² = 4, t = 2
    expect(
      await uniformity(
        [
          [0.6, 0.8],
          [-0.6, -0.8],
        ],
        { t: 0.5 },
      ),
    ).toBeCloseTo(-2, 12);
    expect(uniformitySync(Array.from({ length: 5 }, () => [0.3, 0.4, 0.5]))).toBe(0);
    expect(uniformitySync(eye(7))).toBeCloseTo(-4, 12);
    // Tetrahedron vertices on S²: pairwise ‖x_i − x_j‖² = 2 + 2/3.
    const s = 1 / Math.sqrt(3);
    const tet = [
      [s, s, s],
      [s, -s, -s],
      [-s, s, -s],
      [-s, -s, s],
    ];
    expect(uniformitySync(tet)).toBeCloseTo((-2 * 8) / 3, 12);
  });

  it('normalize projects onto the sphere first', () => {
    expect(uniformitySync(eye(4, 5), { normalize: true })).toBeCloseTo(-4, 12);
    expect(uniformitySync(eye(4, 5))).toBeCloseTo(-2 * 50, 9); // ‖5e_i − 5e_j‖² = 50: stable, no log(0)
  });

  it('random unit vectors in d = 128: log E exp(−4(1 − cos)) ≈ −4 + 8/d = −3.9375', () => {
    // cos ≈ N(0, 1/d) between independent uniform unit vectors, so E e^{4cos} ≈ e^{8/d}.
    const u = uniformitySync(normalMatrix(rngOf(61), 400, 128), { normalize: true });
    expect(Math.abs(u - (-4 + 8 / 128))).toBeLessThan(0.02);
  });

  it('needs two rows', () => {
    expect(() => uniformitySync([[1, 0]])).toThrow(/'x'.*at least 2 rows/);
  });
});

describe('alignment', () => {
  it('mean ‖a − b‖^α: 0 for identical views, 4 (α = 2) and 2 (α = 1) for antipodal unit pairs', async () => {
    const a = eye(3);
    const b = a.map((r) => r.map((v) => -v));
    expect(await alignment(a, a)).toBe(0);
    expect(await alignment(a, b)).toBeCloseTo(4, 14);
    expect(alignmentSync(a, b, { alpha: 1 })).toBeCloseTo(2, 14);
    // Mixed distances 1 and 3: mean of squares 5, mean of cubes 14.
    expect(alignmentSync([[0], [0]], [[1], [3]])).toBeCloseTo(5, 14);
    expect(alignmentSync([[0], [0]], [[1], [3]], { alpha: 3 })).toBeCloseTo(14, 12);
    expect(alignmentSync([[3, 4]], [[0, 10]], { normalize: true })).toBeCloseTo(0.4, 14); // (0.6,0.8) vs (0,1): 0.36 + 0.04
  });

  it('names the mismatched view and rejects α ≤ 0', () => {
    expect(() => alignmentSync([[1, 2]], [[1, 2, 3]])).toThrow(/'b' has dim = 3 .* but 'a' has dim = 2/);
    expect(() => alignmentSync([[1]], [[1]], { alpha: 0 })).toThrow(/options\.alpha/);
  });
});
