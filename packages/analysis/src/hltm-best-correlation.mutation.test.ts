// HLTM best correlation (Tian et al. 2020, luckmatters ssl/hltm corr_summary; THEORY.md) at its edges:
// per latent node the max over its own units of |Pearson r|, recomputed here in plain float64 loops;
// the unitsPerNode block bounds, ties, constant latents, the per-level means and the error texts.
import { describe, expect, it } from 'vitest';
import { hltmBestCorrelation, hltmBestCorrelationSync } from './hltm-best-correlation';
import { rngOf } from './test-fixtures';

/** Pearson r of two columns, float64, written out: Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²); 0 if one is constant. */
function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}
const col = (rows: number[][], j: number) => rows.map((r) => r[j]!);

/** Bernoulli(½) latents, each column guaranteed to have both values. */
function latentsOf(seed: number, n: number, nodes: number): number[][] {
  const rng = rngOf(seed);
  const s = Array.from({ length: n }, () => Array.from({ length: nodes }, () => (rng.bernoulli(0.5) ? 1 : 0)));
  for (let mu = 0; mu < nodes; mu++) {
    s[0]![mu] = 0;
    s[1]![mu] = 1;
  }
  return s;
}

describe('hltmBestCorrelation at its edges', () => {
  it('unitsPerNode: node μ sees only columns μ·k … (μ+1)·k − 1, not its neighbour’s first unit', () => {
    const n = 40;
    const s = latentsOf(3, n, 2);
    const rng = rngOf(4);
    // Node 0's block: a noisy copy of s₀ and a dead (constant) unit. Node 1's block starts with an
    // exact copy of s₀ (|r| = 1 with node 0, if node 0 could see it), then a noisy copy of s₁.
    const hidden = s.map((r) => [r[0]! + rng.normal(0, 1), 7, r[0]!, r[1]! + rng.normal(0, 0.3)]);
    const r = hltmBestCorrelationSync(hidden, s, { unitsPerNode: 2 });
    const r0 = Math.abs(pearson(col(hidden, 0), col(s, 0)));
    const r1 = Math.max(Math.abs(pearson(col(hidden, 2), col(s, 1))), Math.abs(pearson(col(hidden, 3), col(s, 1))));
    expect(r0).toBeLessThan(0.9); // far from the 1 node 0 would get from column 2
    expect(r.perNode[0]).toBeCloseTo(r0, 12);
    expect(r.perNode[1]).toBeCloseTo(r1, 12);
    expect(r.bestUnit).toEqual([0, 3]);
    expect(r.mean).toBeCloseTo((r0 + r1) / 2, 12);
  });

  it('ties keep the first unit: s and −s are equally selective (|r| = 1), the first wins', () => {
    const s = latentsOf(5, 12, 1);
    const hidden = s.map(([v]) => [7, -v!, v!, -v!]);
    const r = hltmBestCorrelationSync(hidden, s);
    expect(r.perNode[0]).toBeCloseTo(1, 12);
    expect(r.bestUnit).toEqual([1]);
  });

  it('two samples are enough (n = 2 gives |r| = 1 for any non-constant pair)', () => {
    const r = hltmBestCorrelationSync(
      [
        [0, 5],
        [1, 5],
      ],
      [[0], [1]],
    );
    expect(r.perNode[0]).toBeCloseTo(1, 12);
    expect(r.bestUnit).toEqual([0]);
    expect(r.mean).toBeCloseTo(1, 12);
  });

  it('every latent constant: perNode all null and the mean 0, not NaN', async () => {
    const r = await hltmBestCorrelation(
      [
        [1, 2],
        [3, 5],
        [4, 4],
      ],
      [
        [1, 0],
        [1, 0],
        [1, 0],
      ],
      { levels: [0, 1] },
    );
    expect(r.perNode).toEqual([null, null]);
    expect(r.bestUnit).toEqual([-1, -1]);
    expect(r.mean).toBe(0);
    expect(r.perLevel).toEqual([]);
  });

  it('perLevel: ascending levels whatever their order, constant latents left out of mean and count', () => {
    const n = 30;
    const s = latentsOf(8, n, 5);
    for (const row of s) row[3] = 1; // node 3 (level 0) is constant
    const rng = rngOf(9);
    const hidden = s.map((r) => r.map((v, mu) => v + rng.normal(0, 0.4 + 0.3 * mu)));
    const levels = [2, 0, 1, 0, 1];
    const r = hltmBestCorrelationSync(hidden, s, { levels });
    const best = [0, 1, 2, 4].map((mu) => Math.max(...[0, 1, 2, 3, 4].map((u) => Math.abs(pearson(col(hidden, u), col(s, mu))))));
    const [b0, b1, b2, b4] = best as [number, number, number, number];
    expect(r.perNode[3]).toBeNull();
    expect(r.perLevel!.map((e) => e.level)).toEqual([0, 1, 2]);
    expect(r.perLevel!.map((e) => e.count)).toEqual([1, 2, 1]);
    expect(r.perLevel![0]!.mean).toBeCloseTo(b1, 12);
    expect(r.perLevel![1]!.mean).toBeCloseTo((b2 + b4) / 2, 12);
    expect(r.perLevel![2]!.mean).toBeCloseTo(b0, 12);
    expect(r.mean).toBeCloseTo((b0 + b1 + b2 + b4) / 4, 12);
  });

  it('error texts: fewer than 2 samples, one level per node', () => {
    expect(() => hltmBestCorrelationSync([[1, 2]], [[0]])).toThrow(
      `hltmBestCorrelation: invalid argument 'hidden': expected at least 2 samples (rows), got "1 row"`,
    );
    expect(() =>
      hltmBestCorrelationSync(
        [
          [1, 2],
          [2, 1],
        ],
        [[0], [1]],
        { levels: [0, 1] },
      ),
    ).toThrow(`hltmBestCorrelation: invalid argument 'options.levels': expected one level per latent node (1), got "2 levels"`);
  });
});
