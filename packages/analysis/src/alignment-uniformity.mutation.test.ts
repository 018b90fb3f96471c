// Uniformity's log-sum-exp is taken around the LARGEST exponent (Wang & Isola 2020,
// log mean_{i<j} exp(−t‖x_i − x_j‖²)): with exponents −0.5, −1800 and −1740.5 the last pair's is
// not the largest, and shifting by it would overflow exp(1740) to Infinity.
import { describe, expect, it } from 'vitest';
import { uniformitySync } from './alignment-uniformity';

describe('uniformity, widely spread exponents', () => {
  it('x = (0, 0.5, 30), t = 2: log((e^−0.5 + e^−1800 + e^−1740.5)/3) = −0.5 − ln 3 in float64', () => {
    // Pairs in torch.pdist order: (0, 1) ‖·‖² = 0.25, (0, 2) 900, (1, 2) 870.25; times −t = −0.5, −1800, −1740.5.
    // e^−1799.5 and e^−1740 vanish next to 1 in float64.
    expect(uniformitySync([[0], [0.5], [30]])).toBeCloseTo(-0.5 - Math.log(3), 14);
  });
});
