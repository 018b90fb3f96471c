// createRng against an independent reference written from the published algorithms in BigInt
// arithmetic (no Math.imul, no int32 tricks): FNV-1a 32-bit (Fowler–Noll–Vo), the splitmix32 /
// MurmurHash3 fmix32 seeder, xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c),
// Box–Muller with a cached second value, Marsaglia's polar method, rejection-sampled integers,
// Fisher–Yates. Every draw of every method must match bit for bit, so a changed constant, bound
// or draw count anywhere shifts the stream and fails.
import { describe, expect, it } from 'vitest';
import { createRng, hashSeed, setFillBernoulliKernel, setFillNormalKernel } from './rng';

const M32 = (1n << 32n) - 1n;
const u32 = (x: bigint): bigint => x & M32;
const mul = (a: bigint, b: bigint): bigint => u32(a * b);
const rotl = (x: bigint, k: bigint): bigint => u32((x << k) | (x >> (32n - k)));

function fnv1a(key: string): number {
  let h = 0x811c9dc5n;
  for (const ch of key) {
    for (let i = 0; i < ch.length; i++) h = mul(h ^ BigInt(ch.charCodeAt(i)), 0x01000193n);
  }
  return Number(h);
}

/** hashSeed of a number: low and high 32-bit words and 32 bits of fraction, each mixed. */
function hashNumber(key: number): number {
  const lo = u32(BigInt(Math.trunc(key) % 2 ** 32 < 0 ? (Math.trunc(key) % 2 ** 32) + 2 ** 32 : Math.trunc(key) % 2 ** 32));
  const hi = u32(BigInt(Math.floor(key / 2 ** 32)));
  const frac = u32(BigInt(Math.floor((key - Math.floor(key)) * 2 ** 32)));
  return Number(mul(lo ^ 0x27d4eb2dn, 0x165667b1n) ^ mul(u32(hi + 0x61c88647n), 0x9e3779b1n) ^ frac);
}

class Reference {
  s: bigint[];
  spare: number | null = null;
  constructor(seed: number) {
    let a = BigInt(hashNumber(seed));
    const next = () => {
      a = u32(a + 0x9e3779b9n);
      let z = a;
      z = mul(z ^ (z >> 16n), 0x85ebca6bn);
      z = mul(z ^ (z >> 13n), 0xc2b2ae35n);
      return z ^ (z >> 16n);
    };
    this.s = [next(), next(), next(), next()];
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0n) this.s[0] = 1n;
  }
  u32(): number {
    const [s0, s1, s2, s3] = this.s as [bigint, bigint, bigint, bigint];
    const result = mul(rotl(mul(s1, 5n), 7n), 9n);
    const t = u32(s1 << 9n);
    let [n0, n1, n2, n3] = [s0, s1, s2, s3];
    n2 ^= n0;
    n3 ^= n1;
    n1 ^= n2;
    n0 ^= n3;
    n2 ^= t;
    n3 = rotl(n3, 11n);
    this.s = [n0, n1, n2, n3];
    return Number(result);
  }
  u01(): number {
    return this.u32() / 2 ** 32;
  }
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u = 1 - this.u01();
    const v = this.u01();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  int(n: number): number {
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.u32();
      if (x < limit) return x % n;
    }
  }
  polar(n: number): number[] {
    const out: number[] = [];
    while (out.length < n) {
      const u = this.u01() * 2 - 1;
      const v = this.u01() * 2 - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      out.push(u * f);
      if (out.length < n) out.push(v * f);
    }
    return out;
  }
}

describe('createRng matches a BigInt reference of xoshiro128** seeded by splitmix32', () => {
  it('hashSeed: FNV-1a for strings, the word mix for numbers (1 and 1.5 differ, large and negative seeds)', () => {
    for (const key of ['', 'a', 'contrastive', 'fork:string:x', 'ünïcode']) expect(hashSeed(key)).toBe(fnv1a(key));
    expect(fnv1a('a')).toBe(0xe40c292c); // the published FNV-1a 32-bit test vector
    for (const key of [0, 1, 1.5, 42, 2 ** 32 + 7, 2 ** 40 + 0.25, -3]) expect(hashSeed(key), String(key)).toBe(hashNumber(key));
  });

  it('nextUint32 over 64 draws for several seeds, and the state words', () => {
    for (const seed of [0, 1, 7, 123456789, 0.5, 2 ** 33]) {
      const rng = createRng(seed);
      const ref = new Reference(seed);
      for (let i = 0; i < 64; i++) expect(rng.nextUint32(), `seed ${seed} draw ${i}`).toBe(ref.u32());
      expect(rng.getState().s.map((w) => w >>> 0)).toEqual(ref.s.map(Number));
    }
    expect(createRng('abc').nextUint32()).toBe(new Reference(fnv1a('abc')).u32());
  });

  it('uniform, bernoulli (strict <), int (with rejection), normal (spare used once, with mean and std)', () => {
    const rng = createRng(3);
    const ref = new Reference(3);
    for (let i = 0; i < 8; i++) expect(rng.uniform(-2, 6)).toBe(-2 + 8 * ref.u01());
    expect(rng.uniform()).toBe(ref.u01());
    // bernoulli(p) at p exactly equal to the next draw's u: false (u < p fails).
    const peek = createRng(rng.getState());
    const p = peek.uniform();
    expect(rng.bernoulli(p)).toBe(false);
    ref.u01();
    expect(rng.bernoulli(p + 2 ** -33)).toBe(ref.u01() < p + 2 ** -33);
    // n = 2³¹ + 1: draws ≥ 2³¹ + 1 are rejected (about half of them).
    for (let i = 0; i < 16; i++) expect(rng.int(2 ** 31 + 1)).toBe(ref.int(2 ** 31 + 1));
    for (let i = 0; i < 16; i++) expect(rng.int(7)).toBe(ref.int(7));
    for (let i = 0; i < 9; i++) expect(rng.normal(1.5, 2)).toBeCloseTo(1.5 + 2 * ref.normal(), 12);
    expect(rng.nextUint32()).toBe(ref.u32());
  });

  it('shuffle and permutation are Fisher–Yates from the last index down, one int per swap', () => {
    const rng = createRng(11);
    const ref = new Reference(11);
    const fisherYates = (a: number[]) => {
      for (let i = a.length - 1; i > 0; i--) {
        const j = ref.int(i + 1);
        [a[i], a[j]] = [a[j]!, a[i]!];
      }
      return a;
    };
    expect(Array.from(rng.permutation(10))).toEqual(fisherYates([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(rng.shuffle(['a', 'b', 'c', 'd', 'e'])).toEqual(fisherYates(['a', 'b', 'c', 'd', 'e'] as never) as unknown);
    expect(Array.from(rng.permutation(1))).toEqual([0]);
    expect(rng.shuffle([])).toEqual([]);
    expect(rng.nextUint32()).toBe(ref.u32());
  });

  it('fillUniform, fillNormal (polar, odd lengths) and fillBernoulli (one bit per entry at p = ½, a threshold otherwise)', () => {
    const rng = createRng(5);
    const ref = new Reference(5);
    const fu = rng.fillUniform(new Float64Array(5), -1, 3);
    expect(Array.from(fu)).toEqual(Array.from({ length: 5 }, () => -1 + (4 / 2 ** 32) * ref.u32()));
    const fn = rng.fillNormal(new Float64Array(7), 0.5, 3);
    const polar = ref.polar(7);
    fn.forEach((v, i) => expect(v).toBeCloseTo(0.5 + 3 * polar[i]!, 12));
    // p = ½: entry j of each block of 32 is bit j of one draw; 40 entries take 2 draws.
    const half = rng.fillBernoulli(new Float64Array(40), 0.5);
    const w1 = ref.u32();
    const w2 = ref.u32();
    expect(Array.from(half)).toEqual(Array.from({ length: 40 }, (_, j) => (j < 32 ? (w1 >>> j) & 1 : (w2 >>> (j - 32)) & 1)));
    const third = rng.fillBernoulli(new Float64Array(9), 1 / 3);
    expect(Array.from(third)).toEqual(Array.from({ length: 9 }, () => (ref.u32() < 2 ** 32 / 3 ? 1 : 0)));
    // A threshold equal to the next draw: that draw gives 0.
    const next = createRng(rng.getState()).nextUint32();
    expect(Array.from(rng.fillBernoulli(new Float64Array(1), next / 2 ** 32))).toEqual([0]);
    ref.u32();
    expect(rng.nextUint32()).toBe(ref.u32());
  });

  it('a restored state continues the stream, spare included', () => {
    const rng = createRng(9);
    rng.normal();
    const copy = createRng(rng.getState());
    expect(copy.seed).toBe(9);
    expect([copy.normal(), copy.nextUint32()]).toEqual([rng.normal(), rng.nextUint32()]);
  });
});

describe('fill kernels are used from 64 values on, and the generator continues from the words they leave', () => {
  it('fillBernoulli and fillNormal', () => {
    const calls: string[] = [];
    // A "kernel" that writes known words and a constant: the generator must then continue from them.
    const words = [0x12345678, 0x9abcdef0, 0x0fedcba9, 0x87654321];
    const prevB = setFillBernoulliKernel((state, out, p) => {
      calls.push(`bernoulli ${out.length} ${p}`);
      out.fill(1);
      state.set(words);
    });
    const prevN = setFillNormalKernel((state, out, mean, std) => {
      calls.push(`normal ${out.length} ${mean} ${std}`);
      out.fill(mean);
      state.set(words);
    });
    try {
      const rng = createRng(1);
      const ref = new Reference(1);
      expect(Array.from(rng.fillBernoulli(new Float32Array(63), 0.25))).toEqual(
        Array.from({ length: 63 }, () => (ref.u32() < 2 ** 30 ? 1 : 0)),
      );
      const small = rng.fillNormal(new Float64Array(63));
      ref.polar(63).forEach((v, i) => expect(small[i]).toBeCloseTo(v, 12));
      expect(calls).toEqual([]);
      expect(Array.from(new Set(rng.fillBernoulli(new Float32Array(64), 0.25)))).toEqual([1]);
      ref.s = words.map(BigInt);
      expect(rng.nextUint32()).toBe(ref.u32());
      expect(Array.from(new Set(rng.fillNormal(new Float32Array(64), 2, 3)))).toEqual([2]);
      ref.s = words.map(BigInt);
      expect(rng.nextUint32()).toBe(ref.u32());
      expect(calls).toEqual(['bernoulli 64 0.25', 'normal 64 2 3']);
    } finally {
      setFillBernoulliKernel(prevB);
      setFillNormalKernel(prevN);
    }
  });
});
