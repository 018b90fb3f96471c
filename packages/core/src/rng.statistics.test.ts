import { describe, expect, it } from 'vitest';
import { createRng } from './rng';

// Statistical tests of the seeded streams with fixed seeds, so they cannot flake: each statistic is
// compared with the bound its null distribution puts on it at a tiny false-alarm rate (the bounds
// are a few times the standard error), for the seeds below.

/** Upper 0.1 % point of χ² with k degrees of freedom (Wilson–Hilferty approximation). */
function chiSquareUpper(k: number, z = 3.09): number {
  const h = 2 / (9 * k);
  return k * (1 - h + z * Math.sqrt(h)) ** 3;
}

describe('Rng statistics', () => {
  /**
   * Pearson's statistic over the position × value counts of `trials` permutations of n items. For
   * uniform permutations E = n(n − 1), and (n − 1)/n times the statistic is asymptotically χ² with
   * (n − 1)² degrees of freedom (every row and column of the count matrix sums to `trials`).
   */
  function positionStatistic(draw: () => ArrayLike<number>, n: number, trials: number): number {
    const counts = new Float64Array(n * n);
    for (let t = 0; t < trials; t++) {
      const p = draw();
      for (let pos = 0; pos < n; pos++) counts[pos * n + p[pos]!]!++;
    }
    const expected = trials / n;
    return (counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0) * (n - 1)) / n;
  }

  it('permutation: every value is equally likely at every position (χ² over 8×8 cells)', () => {
    const n = 8;
    for (const seed of [0, 1, 2]) {
      const rng = createRng(seed);
      expect(
        positionStatistic(() => rng.permutation(n), n, 16_000),
        `seed ${seed}`,
      ).toBeLessThan(chiSquareUpper((n - 1) ** 2));
    }
    // The test has the power to see the classic off-by-one shuffle (j drawn from [0, n) at every i).
    const rng = createRng(0);
    const biased = () => {
      const out = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(n);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    };
    expect(positionStatistic(biased, n, 16_000)).toBeGreaterThan(3 * chiSquareUpper((n - 1) ** 2));
  });

  it('permutation: all 24 orderings of 4 items are equally frequent (χ², 23 dof)', () => {
    const rng = createRng(7);
    const counts = new Map<string, number>();
    const trials = 24_000;
    for (let t = 0; t < trials; t++) {
      const key = Array.from(rng.permutation(4)).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - 1000) ** 2 / 1000, 0);
    expect(chi2).toBeLessThan(chiSquareUpper(23));
  });

  it('normal: mean 0, variance 1, no lag-1 correlation, and the polar method’s spare is used once', () => {
    for (const seed of [11, 12]) {
      const rng = createRng(seed);
      const n = 200_000;
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = rng.normal();
      const mean = x.reduce((s, v) => s + v, 0) / n;
      const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
      let lag = 0;
      for (let i = 1; i < n; i++) lag += (x[i]! - mean) * (x[i - 1]! - mean);
      const rho = lag / ((n - 1) * variance);
      const se = 1 / Math.sqrt(n);
      expect(Math.abs(mean), `seed ${seed} mean`).toBeLessThan(4 * se);
      expect(Math.abs(variance - 1), `seed ${seed} variance`).toBeLessThan(4 * Math.SQRT2 * se);
      expect(Math.abs(rho), `seed ${seed} lag-1`).toBeLessThan(4 * se);
      // A spare returned twice shows as exact repeats of consecutive values.
      let repeats = 0;
      for (let i = 1; i < n; i++) if (x[i] === x[i - 1]) repeats++;
      expect(repeats).toBe(0);
      // Fourth moment of N(0, 1) is 3 (catches a uniform or a wrongly scaled polar transform).
      const kurt = x.reduce((s, v) => s + (v - mean) ** 4, 0) / n / variance ** 2;
      expect(Math.abs(kurt - 3), `seed ${seed} kurtosis`).toBeLessThan(0.06);
    }
  });

  it('uniform and int: flat histograms (χ²) and int(n) covers [0, n)', () => {
    const rng = createRng(5);
    const bins = 50;
    const counts = new Float64Array(bins);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[Math.floor(rng.uniform() * bins)]!++;
    expect(counts.reduce((s, c) => s + (c - n / bins) ** 2 / (n / bins), 0)).toBeLessThan(chiSquareUpper(bins - 1));
    const k = 7;
    const ints = new Float64Array(k);
    for (let i = 0; i < 70_000; i++) ints[rng.int(k)]!++;
    expect(ints.every((c) => c > 0)).toBe(true);
    expect(ints.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0)).toBeLessThan(chiSquareUpper(k - 1));
  });

  it('bernoulli(p): frequency within 4 standard errors of p', () => {
    const rng = createRng(9);
    for (const p of [0.05, 0.5, 0.9]) {
      let hits = 0;
      const n = 50_000;
      for (let i = 0; i < n; i++) if (rng.bernoulli(p)) hits++;
      expect(Math.abs(hits / n - p), `p = ${p}`).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
  });
});
