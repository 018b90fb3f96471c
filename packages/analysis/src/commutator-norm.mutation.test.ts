// The normalised commutator ‖AB − BA‖_F / (‖A‖_F‖B‖_F) on matrices whose norms are not 1, so the
// scale is a product, not a ratio (hand computation below).
import { describe, expect, it } from 'vitest';
import { commutatorNormSync } from './commutator-norm';

describe('commutatorNorm, normalised', () => {
  it('A = 2·E₁₂, B = diag(1, −1): ‖[A, B]‖ = 4, ‖A‖‖B‖ = 2√2, ratio √2', () => {
    // AB = [[0, −2], [0, 0]], BA = [[0, 2], [0, 0]], AB − BA = [[0, −4], [0, 0]].
    const a = [
      [0, 2],
      [0, 0],
    ];
    const b = [
      [1, 0],
      [0, -1],
    ];
    expect(commutatorNormSync(a, b)).toBe(4);
    expect(commutatorNormSync(a, b, { normalize: true })).toBeCloseTo(Math.SQRT2, 14);
  });
});
