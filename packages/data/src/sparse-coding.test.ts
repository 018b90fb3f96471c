import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { sparseCoding } from './sparse-coding';

/** Column j of a row-major [rows, cols] array. */
function column(a: Float64Array, rows: number, cols: number, j: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, i) => a[i * cols + j]!);
}
function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

describe('sparseCoding ground truth', () => {
  it('M has orthonormal columns, H is orthonormal and ⟂ M (Gram–Schmidt in float64)', () => {
    const [d1, d, k] = [128, 16, 4];
    const data = sparseCoding({ ambientDim: d1, latentDim: d, denseRank: k, seed: 3 });
    const m = data.dictionaryValues();
    const h = data.denseBasisValues();
    const cols = [...Array.from({ length: d }, (_, j) => column(m, d1, d, j)), ...Array.from({ length: k }, (_, j) => column(h, d1, k, j))];
    for (let a = 0; a < cols.length; a++) {
      for (let b = 0; b < cols.length; b++) expect(Math.abs(dot(cols[a]!, cols[b]!) - (a === b ? 1 : 0))).toBeLessThan(1e-12);
    }
    expect(data.dictionary.shape).toEqual([d1, d]);
    expect(data.denseBasis!.shape).toEqual([d1, k]);
    expectClose(data.dictionary, m, { atol: 1e-7, rtol: 0 });
    data.dispose();
  });

  it('atoms are delocalised: max|M_ij| ≈ 0.18 at d1 = 512, d = 64 (docs/science/feature-decoupling.md §1.1)', () => {
    // For orthonormal Gaussian columns, entries are ≈ N(0, 1/d1); the max of 32768 such is ≈ 4.1/√512 = 0.18.
    const data = sparseCoding({ ambientDim: 512, latentDim: 64, seed: 0 });
    const max = data.dictionaryValues().reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    expect(max).toBeGreaterThan(0.14);
    expect(max).toBeLessThan(0.26);
    data.dispose();
  });

  it('is a deterministic function of the seed, and M does not depend on denseRank', () => {
    const a = sparseCoding({ ambientDim: 64, latentDim: 8, seed: 'run-a' });
    const b = sparseCoding({ ambientDim: 64, latentDim: 8, denseRank: 3, seed: 'run-a' });
    const c = sparseCoding({ ambientDim: 64, latentDim: 8, seed: 'run-b' });
    expect(a.dictionaryValues()).toEqual(b.dictionaryValues());
    expect(a.dictionaryValues()).not.toEqual(c.dictionaryValues());
    expect(a.denseBasis).toBeNull();
    expect(a.denseStd).toBe(0);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('noiseStd follows σ² = r·p·d/d1 (docs/science/feature-decoupling.md §1.1)', () => {
    const data = sparseCoding({ ambientDim: 512, latentDim: 64, sparsity: 0.1, noiseToSignal: 4 });
    expect(data.noiseStd).toBeCloseTo(Math.sqrt((4 * 0.1 * 64) / 512), 12);
    expect(data.signalEnergy).toBeCloseTo(6.4, 12);
    data.dispose();
  });
});

describe('sparseCoding samples', () => {
  it('x = z Mᵀ + ξ + Hζ exactly, with the stated distributions (n = 4000, 5σ bounds)', () => {
    const [d1, d, k, p, r, s] = [128, 16, 4, 0.2, 2, 0.5];
    const B = 4000;
    const data = sparseCoding({ ambientDim: d1, latentDim: d, sparsity: p, noiseToSignal: r, denseRank: k, denseScale: s, seed: 1 });
    const { x, z, noise, dense } = data.sample(B);
    expect(x.shape).toEqual([B, d1]);
    expect(z.shape).toEqual([B, d]);
    const [xv, zv, nv, dv] = [x, z, noise, dense].map((t) => t.dataSync() as Float32Array) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const m = data.dictionaryValues();
    const h = data.denseBasisValues();
    // Reconstruction in float64 from the returned parts (float32 rounding only).
    let maxErr = 0;
    for (let b = 0; b < 50; b++) {
      for (let i = 0; i < d1; i++) {
        let v = nv[b * d1 + i]! + dv[b * d1 + i]!;
        for (let j = 0; j < d; j++) v += zv[b * d + j]! * m[i * d + j]!;
        maxErr = Math.max(maxErr, Math.abs(v - xv[b * d1 + i]!));
      }
    }
    expect(maxErr).toBeLessThan(1e-5);
    // z ∈ {−1, 0, 1}, P(+1) = P(−1) = p/2: binomial counts within 5σ.
    const N = B * d;
    const plus = zv.filter((v) => v === 1).length;
    const minus = zv.filter((v) => v === -1).length;
    expect(plus + minus + zv.filter((v) => v === 0).length).toBe(N);
    for (const count of [plus, minus]) expect(Math.abs(count - (N * p) / 2)).toBeLessThan(5 * Math.sqrt(N * (p / 2) * (1 - p / 2)));
    // ξ: per-coordinate variance σ²; the variance estimate has relative SE √(2/N).
    const nVar = dot(nv, nv) / nv.length;
    expect(Math.abs(nVar / data.noiseStd ** 2 - 1)).toBeLessThan(5 * Math.sqrt(2 / nv.length));
    // Dense part: lies in span(H) (zero after projecting H out) and E‖Hζ‖² = k·s².
    const row = new Float64Array(d1);
    let resid = 0;
    let energy = 0;
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < d1; i++) row[i] = dv[b * d1 + i]!;
      energy += dot(row, row);
      for (let j = 0; j < k; j++) {
        const hj = column(h, d1, k, j);
        const c = dot(row, hj);
        for (let i = 0; i < d1; i++) row[i]! -= c * hj[i]!;
      }
      resid = Math.max(resid, Math.sqrt(dot(row, row)));
    }
    expect(resid).toBeLessThan(1e-5);
    // ‖Hζ‖²/s² ~ χ²_k: mean k, variance 2k.
    expect(Math.abs(energy / B / s ** 2 - k)).toBeLessThan(5 * Math.sqrt((2 * k) / B));
    tf.dispose([x, z, noise, dense]);
    data.dispose();
  });

  it('the isotropic noise has energy ratio E‖ξ‖²/E‖Mz‖² = r', () => {
    const data = sparseCoding({ ambientDim: 256, latentDim: 32, sparsity: 0.1, noiseToSignal: 4, seed: 2 });
    const { x, z, noise, dense } = data.sample(2000);
    const zv = z.dataSync();
    const nv = noise.dataSync();
    // ‖Mz‖² = ‖z‖² because M has orthonormal columns.
    const ratio = dot(nv, nv) / dot(zv, zv);
    // ‖z‖² ~ Bin(64000, 0.1): relative SE ≈ 1.2 %; the noise energy is far tighter.
    expect(ratio).toBeGreaterThan(4 * (1 - 5 * 0.012));
    expect(ratio).toBeLessThan(4 * (1 + 5 * 0.012));
    tf.dispose([x, z, noise, dense]);
    data.dispose();
  });
});

describeBackends('sparseCoding', () => {
  it('gives identical samples for a seed, and for an rng in the same state', () => {
    const opts = { ambientDim: 64, latentDim: 8, denseRank: 2, seed: 11 };
    const a = sparseCoding(opts);
    const b = sparseCoding(opts);
    const sa = a.sample(32);
    const sb = b.sample(32);
    for (const key of ['x', 'z', 'noise', 'dense'] as const) expect(sa[key].dataSync()).toEqual(sb[key].dataSync());
    const next = a.sample(32);
    expect(next.z.dataSync()).not.toEqual(sa.z.dataSync());
    const state = createRng(5).getState();
    const r1 = a.sample(16, createRng(state));
    const r2 = b.sample(16, createRng(state));
    expect(r1.x.dataSync()).toEqual(r2.x.dataSync());
    // A given rng leaves the model's own stream untouched: b's next own sample equals a's second.
    const bNext = b.sample(32);
    expect(bNext.x.dataSync()).toEqual(next.x.dataSync());
    tf.dispose([sa, sb, next, r1, r2, bNext]);
    a.dispose();
    b.dispose();
  });

  it('does not leak tensors, and dispose frees the ground truth', async () => {
    const before = tf.memory().numTensors;
    const data = sparseCoding({ ambientDim: 64, latentDim: 8, denseRank: 2 });
    await expectNoLeak(() => data.sample(16));
    await expectNoLeak(() => data.sample(16, createRng(1)));
    await expectNoLeak(() => tf.tidy(() => data.sample(4).x));
    const noDense = sparseCoding({ ambientDim: 64, latentDim: 8 });
    await expectNoLeak(() => noDense.sample(16));
    data.dispose();
    noDense.dispose();
    data.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps its ground truth when built inside a tf.tidy', () => {
    let data!: ReturnType<typeof sparseCoding>;
    tf.tidy(() => {
      data = sparseCoding({ ambientDim: 32, latentDim: 4, denseRank: 1 });
    });
    expect(data.dictionary.isDisposed).toBe(false);
    const s = data.sample(2);
    tf.dispose(s);
    data.dispose();
    expect(data.dictionary.isDisposed).toBe(true);
  });
});

describe('sparseCoding errors', () => {
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['negative sparsity', { sparsity: -0.1 }, /options\.sparsity/],
    ['sparsity > 1', { sparsity: 1.5 }, /options\.sparsity/],
    ['NaN noiseToSignal', { noiseToSignal: NaN }, /options\.noiseToSignal.*NaN/],
    ['d > d1', { ambientDim: 16, latentDim: 32 }, /options\.latentDim.*≤ ambientDim \(16\).*32/],
    ['d + k > d1', { ambientDim: 16, latentDim: 12, denseRank: 5 }, /options\.denseRank.*≤ ambientDim − latentDim \(4\)/],
    ['fractional latentDim', { latentDim: 2.5 }, /options\.latentDim/],
    ['unknown key', { sparsty: 0.1 }, /sparsty/],
    ['infinite denseScale', { denseScale: Infinity }, /options\.denseScale/],
  ];
  for (const [what, options, message] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => sparseCoding(options)).toThrow(InvalidArgumentError);
      expect(() => sparseCoding(options)).toThrow(message);
    });
  }

  it('rejects a bad batch size and use after dispose', () => {
    const data = sparseCoding({ ambientDim: 16, latentDim: 4 });
    expect(() => data.sample(0)).toThrow(/batchSize.*≥ 1.*got 0/);
    expect(() => data.sample(2.5)).toThrow(/batchSize.*integer/);
    expect(() => data.sample(NaN)).toThrow(InvalidArgumentError);
    data.dispose();
    expect(() => data.sample(2)).toThrow(/disposed/);
  });
});
