import { describe, expect, it } from 'vitest';
import { mcc, mccSync } from './mcc';
import { normalMatrix, rngOf } from './test-fixtures';

describe('mcc (Zimmermann et al. permutation_disentanglement, docs/science/latent-recovery.md §5.3)', () => {
  const rng = rngOf(111);
  const [n, k] = [1000, 5];
  const z = { rows: n, cols: k, data: rng.fillUniform(new Float64Array(n * k)) };

  it('= 1 for latents permuted, sign-flipped, rescaled and shifted; the assignment inverts the permutation', async () => {
    const perm = [3, 0, 4, 1, 2]; // column j of h is latent perm[j]
    const scale = [2, -1, -0.5, 3, -7];
    const h = {
      rows: n,
      cols: k,
      data: Float64Array.from({ length: n * k }, (_, t) => scale[t % k]! * z.data[Math.floor(t / k) * k + perm[t % k]!]! + (t % k)),
    };
    const r = await mcc(z, h);
    expect(r.mcc).toBeCloseTo(1, 12);
    r.assignment.forEach((j, i) => expect(perm[j]).toBe(i));
    expect(r.correlation[3]![0]).toBeCloseTo(1, 12); // latent 3 ↔ column 0 with scale +2
    expect(r.correlation[0]![1]).toBeCloseTo(-1, 12); // latent 0 ↔ column 1 with scale −1
  });

  it('independent features score near 0 (|corr| ~ 1/√n = 0.03 per entry)', () => {
    expect(mccSync(z, normalMatrix(rng, n, k)).mcc).toBeLessThan(0.1);
  });

  it('noisy copies with correlation 0.8 score ≈ 0.8; extra feature columns are allowed', () => {
    // h_j = z_j/sd(z) + e with Var e chosen so corr = 0.8: Var e = 1/0.64 − 1 = 0.5625 (z ~ U(0,1), sd = √(1/12)).
    const sd = Math.sqrt(1 / 12);
    const h = { rows: n, cols: k + 2, data: new Float64Array(n * (k + 2)) };
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k + 2; j++) h.data[i * (k + 2) + j] = (j < k ? z.data[i * k + j]! / sd : 0) + rng.normal(0, 0.75);
    }
    const r = mccSync(z, h);
    expect(Math.abs(r.mcc - 0.8)).toBeLessThan(0.04); // sd of each corr ≈ 0.36/√n = 0.011
    expect(r.assignment).toEqual([0, 1, 2, 3, 4]);
    expect(r.perDim).toHaveLength(k);
  });

  it('names the mismatched batch', () => {
    expect(() => mccSync([[1], [2]], [[1]])).toThrow(/'b' has batch = 1 .* but 'a' has batch = 2/);
  });
});
