import { InvalidArgumentError } from './errors';
import { type FillBernoulliKernel, type FillNormalKernel, getKernel, registerKernel, unregisterKernel } from './kernel-registry';

/** Serialisable generator state, for checkpoints: restoring it continues the exact stream. */
export interface RngState {
  /** The seed the stream was created with (forks derive from it). */
  seed: number;
  /** The four 32-bit words of the xoshiro128** state. */
  s: [number, number, number, number];
  /** A cached second normal deviate of the last pair drawn, or null. */
  spare: number | null;
}

/**
 * A fast seeded pseudo-random generator (xoshiro128**, seeded by splitmix32). Everything random
 * in contrastive takes one, so the same seed gives the same numbers. `fork(key)` derives an
 * independent stream from the *seed* (not the current position), so adding a consumer to one
 * stream never shifts another.
 */
export interface Rng {
  /** The seed this stream was created with. */
  readonly seed: number;
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform float in [low, high). */
  uniform(low?: number, high?: number): number;
  /** Gaussian sample (Box–Muller). */
  normal(mean?: number, std?: number): number;
  /** true with probability p. */
  bernoulli(p: number): boolean;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T>(array: T[]): T[];
  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): Int32Array;
  /** Fills `out` with uniform values in [low, high) (default [0, 1)) and returns it. */
  fillUniform<A extends Float32Array | Float64Array>(out: A, low?: number, high?: number): A;
  /** Fills `out` with Gaussian values (default mean 0, std 1) and returns it. */
  fillNormal<A extends Float32Array | Float64Array>(out: A, mean?: number, std?: number): A;
  /** Fills with 1 (probability p) or 0. */
  fillBernoulli<A extends Float32Array | Float64Array>(out: A, p: number): A;
  /** An independent generator derived deterministically from this one's seed and `key`. */
  fork(key: string | number): Rng;
  /** Snapshot of the current position. */
  getState(): RngState;
  /**
   * Hands the four xoshiro128** state words to `kernel`, which draws from this same stream and
   * advances them in place (a native sampler bit-identical to the JavaScript draws, as the
   * 'fillNormal' kernel slot does); the stream then continues from where it left them.
   */
  drawWith?<T>(kernel: (state: Uint32Array) => T): T;
}

const TWO_POW_32 = 4294967296;

// The kernel types live in the kernel registry; re-exported here where they always were.
export type { FillBernoulliKernel, FillNormalKernel } from './kernel-registry';

const kernelState = new Uint32Array(4);
/** Below this many values a native call costs more than it saves. */
const KERNEL_MIN_LENGTH = 64;

/**
 * Installs (or, with `undefined`, removes) the kernel of `Rng.fillBernoulli` (≥ 64 values): the
 * registry slot 'fillBernoulli' (see `registerKernel`). Returns the previous one.
 */
export function setFillBernoulliKernel(kernel: FillBernoulliKernel | undefined): FillBernoulliKernel | undefined {
  return kernel ? registerKernel('fillBernoulli', kernel) : unregisterKernel('fillBernoulli');
}

/**
 * Installs (or, with `undefined`, removes) the kernel every `Rng.fillNormal` of at least 64
 * values uses: the registry slot 'fillNormal' (see `registerKernel`). Returns the previous one.
 * (`setFillBernoulliKernel` does the same for `fillBernoulli`.)
 */
export function setFillNormalKernel(kernel: FillNormalKernel | undefined): FillNormalKernel | undefined {
  return kernel ? registerKernel('fillNormal', kernel) : unregisterKernel('fillNormal');
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a hash of a string to 32 bits, so string seeds and fork keys work. */
export function hashSeed(key: string | number): number {
  if (typeof key === 'number') {
    // Mix integer and fractional bits: 1 and 1.5 must differ.
    const lo = key >>> 0;
    const hi = Math.floor(key / TWO_POW_32) >>> 0;
    const frac = Math.floor((key - Math.floor(key)) * TWO_POW_32) >>> 0;
    return (Math.imul(lo ^ 0x27d4eb2d, 0x165667b1) ^ Math.imul(hi + 0x61c88647, 0x9e3779b1) ^ frac) >>> 0;
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function validSeed(seed: unknown): number {
  if (typeof seed === 'number' && Number.isFinite(seed)) return seed;
  if (typeof seed === 'string') return hashSeed(seed);
  throw new InvalidArgumentError({ op: 'createRng', argument: 'seed', expected: 'a finite number or a string', actual: seed });
}

/** Creates a generator from a seed (any finite number or a string), or from a saved state. */
export function createRng(seedOrState: number | string | RngState): Rng {
  if (typeof seedOrState === 'object' && seedOrState !== null) return new Xoshiro(seedOrState.seed, seedOrState);
  return new Xoshiro(validSeed(seedOrState));
}

class Xoshiro implements Rng {
  readonly seed: number;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number, state?: RngState) {
    this.seed = seed;
    if (state) {
      [this.s0, this.s1, this.s2, this.s3] = state.s;
      this.spare = state.spare;
    } else {
      const sm = splitmix32(hashSeed(seed));
      this.s0 = sm();
      this.s1 = sm();
      this.s2 = sm();
      this.s3 = sm();
      if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    }
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  private next01(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next01();
  }

  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return mean + std * v;
    }
    // Box–Muller; 1 - u keeps the log argument in (0, 1].
    const u = 1 - this.next01();
    const v = this.next01();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * v;
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  bernoulli(p: number): boolean {
    return this.next01() < p;
  }

  int(n: number): number {
    if (!(Number.isInteger(n) && n > 0)) {
      throw new InvalidArgumentError({ op: 'Rng.int', argument: 'n', expected: 'a positive integer', actual: n });
    }
    // Rejection sampling removes modulo bias.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  shuffle<T>(array: T[]): T[] {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i]!;
      array[i] = array[j]!;
      array[j] = tmp;
    }
    return array;
  }

  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }

  fillUniform<A extends Float32Array | Float64Array>(out: A, low = 0, high = 1): A {
    const scale = (high - low) / TWO_POW_32;
    for (let i = 0; i < out.length; i++) out[i] = low + scale * this.nextUint32();
    return out;
  }

  fillNormal<A extends Float32Array | Float64Array>(out: A, mean = 0, std = 1): A {
    // Marsaglia's polar method, two samples per accepted pair: no trigonometry, so ~3× faster
    // than Box–Muller here (this fills every batch of every training step). Independent of the
    // cached value `normal()` keeps.
    const n = out.length;
    const fillNormalKernel = n >= KERNEL_MIN_LENGTH ? getKernel('fillNormal') : undefined;
    if (fillNormalKernel) {
      fillNormalKernel(this.exportWords(), out, mean, std);
      this.importWords();
      return out;
    }
    let i = 0;
    while (i < n) {
      const u = (this.nextUint32() / TWO_POW_32) * 2 - 1;
      const v = (this.nextUint32() / TWO_POW_32) * 2 - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      out[i++] = mean + std * u * f;
      if (i < n) out[i++] = mean + std * v * f;
    }
    return out;
  }

  fillBernoulli<A extends Float32Array | Float64Array>(out: A, p: number): A {
    const fillBernoulliKernel = out.length >= KERNEL_MIN_LENGTH ? getKernel('fillBernoulli') : undefined;
    if (fillBernoulliKernel) {
      fillBernoulliKernel(this.exportWords(), out, p);
      this.importWords();
      return out;
    }
    if (p === 0.5) {
      // One random bit per entry (masks with keep probability ½ are the common case).
      for (let i = 0; i < out.length; i += 32) {
        let bits = this.nextUint32();
        const end = Math.min(out.length, i + 32);
        for (let j = i; j < end; j++, bits >>>= 1) out[j] = bits & 1;
      }
      return out;
    }
    const threshold = p * TWO_POW_32;
    for (let i = 0; i < out.length; i++) out[i] = this.nextUint32() < threshold ? 1 : 0;
    return out;
  }

  drawWith<T>(kernel: (state: Uint32Array) => T): T {
    try {
      return kernel(this.exportWords());
    } finally {
      this.importWords();
    }
  }

  /** The state words, for a kernel to advance. */
  private exportWords(): Uint32Array {
    const st = kernelState;
    st[0] = this.s0;
    st[1] = this.s1;
    st[2] = this.s2;
    st[3] = this.s3;
    return st;
  }

  /** Takes the words back; `| 0` stores them as the JS generator itself does after a draw (signed int32), so getState() is the same whichever path ran. */
  private importWords(): void {
    const st = kernelState;
    this.s0 = st[0]! | 0;
    this.s1 = st[1]! | 0;
    this.s2 = st[2]! | 0;
    this.s3 = st[3]! | 0;
  }

  fork(key: string | number): Rng {
    return new Xoshiro(hashSeed(`${hashSeed(this.seed)}:${typeof key}:${key}`));
  }

  getState(): RngState {
    return { seed: this.seed, s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
