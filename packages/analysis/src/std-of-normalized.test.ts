import { describe, expect, it } from 'vitest';
import { stdOfNormalized, stdOfNormalizedSync } from './std-of-normalized';
import { normalMatrix, rngOf } from './test-fixtures';

describe('stdOfNormalized', () => {
  it('≈ 1/√dim for isotropic Gaussian outputs (each coordinate of a uniform unit vector has variance 1/dim)', async () => {
    const s = await stdOfNormalized(normalMatrix(rngOf(31), 4000, 64));
    expect(Math.abs(s - 1 / 8)).toBeLessThan(0.004);
  });

  it('is 0 for collapsed outputs, whatever their scale', () => {
    const rows = [0.5, 2, 7, 0.01].map((c) => [c * 1, c * -2, c * 3]);
    expect(stdOfNormalizedSync(rows)).toBeLessThan(1e-15);
  });

  it('closed form on the identity: channels [1,0] and [0,1] have std √½ (unbiased) or ½ (biased)', () => {
    const eye = [
      [1, 0],
      [0, 1],
    ];
    expect(stdOfNormalizedSync(eye)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(stdOfNormalizedSync(eye, { unbiased: false })).toBeCloseTo(0.5, 14);
  });

  it('rejects non-matrices and unknown options', () => {
    expect(() => stdOfNormalizedSync([1, 2, 3] as never)).toThrow(/'z\[0\]'/);
    expect(() => stdOfNormalizedSync([[1]], { unbias: true } as never)).toThrow(/options/);
  });
});
