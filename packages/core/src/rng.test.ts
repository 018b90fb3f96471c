import { describe, expect, it } from 'vitest';
import { createRng, hashSeed } from './rng';
import { InvalidArgumentError } from './errors';

describe('createRng', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 100 }, () => a.nextUint32());
    const xb = Array.from({ length: 100 }, () => b.nextUint32());
    const xc = Array.from({ length: 100 }, () => c.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(createRng('run-a').uniform()).toBe(createRng('run-a').uniform());
  });

  it('has the moments of U[0,1) and N(0,1) (n = 200k; 5-sigma bounds)', () => {
    const rng = createRng(1);
    const n = 200_000;
    const u = rng.fillUniform(new Float64Array(n));
    const z = rng.fillNormal(new Float64Array(n));
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const varOf = (a: Float64Array, m: number) => a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length;
    const mu = mean(u);
    expect(Math.abs(mu - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(varOf(u, mu) - 1 / 12)).toBeLessThan(0.002);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const mz = mean(z);
    expect(Math.abs(mz)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(varOf(z, mz) - 1)).toBeLessThan(0.02);
    // Gaussian fourth moment is 3.
    const kurt = z.reduce((s, v) => s + v ** 4, 0) / n;
    expect(Math.abs(kurt - 3)).toBeLessThan(0.1);
  });

  it('bernoulli frequency matches p', () => {
    const rng = createRng(7);
    const out = rng.fillBernoulli(new Float32Array(100_000), 0.1);
    const freq = out.reduce((s, v) => s + v, 0) / out.length;
    expect(Math.abs(freq - 0.1)).toBeLessThan(5 * Math.sqrt(0.09 / 100_000));
    let k = 0;
    for (let i = 0; i < 100_000; i++) if (rng.bernoulli(0.3)) k++;
    expect(Math.abs(k / 100_000 - 0.3)).toBeLessThan(0.01);
  });

  it('fillBernoulli(½) (one bit per entry) has frequency ½ and uncorrelated neighbours', () => {
    const out = createRng(11).fillBernoulli(new Float32Array(100_003), 0.5);
    const n = out.length;
    const freq = out.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(freq - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / n));
    let both = 0;
    for (let i = 1; i < n; i++) both += out[i]! * out[i - 1]!;
    expect(Math.abs(both / (n - 1) - 0.25)).toBeLessThan(5 * Math.sqrt(0.1875 / n));
    expect(out.every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('int is unbiased and permutation is a permutation', () => {
    const rng = createRng(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    const p = rng.permutation(50);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const arr = ['a', 'b', 'c', 'd'];
    expect(rng.shuffle([...arr]).sort()).toEqual(arr);
  });

  it('fork depends on the seed and key only, not on consumption', () => {
    const a = createRng(5);
    const f1 = a.fork('masks').uniform();
    a.uniform();
    a.normal();
    const f2 = a.fork('masks').uniform();
    expect(f1).toBe(f2);
    expect(a.fork('masks').uniform()).not.toBe(a.fork('data').uniform());
    expect(a.fork(1).uniform()).not.toBe(a.fork('1').uniform());
  });

  it('getState/createRng(state) continues the exact stream, including a cached normal', () => {
    const a = createRng(9);
    a.normal();
    const state = structuredClone(a.getState());
    const next = [a.normal(), a.uniform(), a.nextUint32()];
    const b = createRng(state);
    expect([b.normal(), b.uniform(), b.nextUint32()]).toEqual(next);
  });

  it('rejects bad seeds and bad int bounds with a clear error', () => {
    expect(() => createRng(Number.NaN)).toThrow(/createRng: invalid argument 'seed': expected a finite number or a string, got NaN/);
    expect(() => createRng(Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => createRng(1).int(0)).toThrow(/positive integer/);
  });

  it('hashSeed separates nearby numbers', () => {
    expect(hashSeed(1)).not.toBe(hashSeed(1.5));
    expect(hashSeed(0)).not.toBe(hashSeed(2 ** 32));
  });
});

describe('pluggable fill kernels', () => {
  it('route fills of ≥ 64 values through the kernel with the live state words, and shorter ones not', async () => {
    const { setFillNormalKernel, setFillBernoulliKernel } = await import('./rng');
    const seen: number[][] = [];
    setFillNormalKernel((state, out, mean) => {
      seen.push(Array.from(state));
      out.fill(mean);
      state[0] = 0xffffffff; // the kernel's advanced words must come back as the generator's state
      state.set([1, 2, 3], 1);
    });
    setFillBernoulliKernel((state, out) => {
      out.fill(1);
      state.set([5, 6, 7, 8]);
    });
    try {
      const r = createRng(3);
      const words = r.getState().s.map((w) => w >>> 0);
      expect(Array.from(r.fillNormal(new Float32Array(64), 0.25)).every((v) => v === 0.25)).toBe(true);
      expect(seen).toEqual([words]);
      expect(r.getState().s).toEqual([-1, 1, 2, 3]);
      r.fillNormal(new Float32Array(63)); // below the threshold: JavaScript path
      expect(seen).toHaveLength(1);
      expect(Array.from(r.fillBernoulli(new Float64Array(100), 0.5)).every((v) => v === 1)).toBe(true);
      expect(r.getState().s).toEqual([5, 6, 7, 8]);
    } finally {
      setFillNormalKernel(undefined);
      setFillBernoulliKernel(undefined);
    }
  });
});

describe('Rng.drawWith', () => {
  it('hands out the xoshiro128** words and continues from where the kernel leaves them', () => {
    const a = createRng(42);
    const b = createRng(42);
    // A "kernel" that does what a native sampler does: two draws of the same generator, on the words.
    const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
    const drawn = a.drawWith!((s) => {
      const out: number[] = [];
      for (let i = 0; i < 2; i++) {
        out.push((rotl(Math.imul(s[1]!, 5) >>> 0, 7) * 9) >>> 0);
        const t = (s[1]! << 9) >>> 0;
        s[2]! ^= s[0]!;
        s[3]! ^= s[1]!;
        s[1]! ^= s[2]!;
        s[0]! ^= s[3]!;
        s[2]! ^= t;
        s[3] = rotl(s[3]!, 11);
      }
      return out;
    });
    expect(drawn).toEqual([b.nextUint32(), b.nextUint32()]);
    expect(a.getState()).toEqual(b.getState());
    expect(a.nextUint32()).toBe(b.nextUint32());
  });
});
