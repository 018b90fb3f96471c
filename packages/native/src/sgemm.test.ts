import { createRng, InvalidArgumentError } from '@contrastive/core';
import { expect, it } from 'vitest';
import { sgemm } from './sgemm';

function naive(tA: boolean, tB: boolean, M: number, N: number, K: number, A: Float32Array, B: Float32Array): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (tA ? A[k * M + i]! : A[i * K + k]!) * (tB ? B[j * K + k]! : B[k * N + j]!);
      C[i * N + j] = s;
    }
  return C;
}

// Shapes cover full 8×32 tiles, ragged edges in every dimension and K across the 256-wide blocks.
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [5, 7, 3],
  [8, 32, 256],
  [17, 45, 300],
  [64, 64, 64],
  [130, 33, 513],
];

it('matches a float64 product for every transpose combination and ragged shape', () => {
  const rng = createRng('sgemm');
  for (const [M, N, K] of SHAPES)
    for (const tA of [false, true])
      for (const tB of [false, true]) {
        const A = rng.fillNormal(new Float32Array(M * K));
        const B = rng.fillNormal(new Float32Array(K * N));
        const C = sgemm(A, B, M, N, K, { transposeA: tA, transposeB: tB, alpha: 0.5 });
        const ref = naive(tA, tB, M, N, K, A, B);
        // float32 accumulation over K terms of unit variance: error ~ √K·2⁻²⁴ relative to the scale
        for (let i = 0; i < M * N; i++) expect(Math.abs(C[i]! - 0.5 * ref[i]!)).toBeLessThan(2e-6 * Math.sqrt(K) + 1e-6);
      }
});

it('accumulates into out when asked, and K = 0 leaves zeros', () => {
  const A = Float32Array.from([1, 2, 3, 4]); // [2, 2]
  const B = Float32Array.from([1, 0, 0, 1]);
  const out = Float32Array.from([10, 10, 10, 10]);
  sgemm(A, B, 2, 2, 2, { out, accumulate: true });
  expect(Array.from(out)).toEqual([11, 12, 13, 14]);
  sgemm(A, B, 2, 2, 2, { out });
  expect(Array.from(out)).toEqual([1, 2, 3, 4]);
  expect(Array.from(sgemm(new Float32Array(0), new Float32Array(0), 2, 3, 0))).toEqual([0, 0, 0, 0, 0, 0]);
});

it('names the argument, the expected and the actual size on bad input', () => {
  const a = new Float32Array(6);
  expect(() => sgemm(a, new Float32Array(5), 2, 2, 3)).toThrow(InvalidArgumentError);
  expect(() => sgemm(a, new Float32Array(5), 2, 2, 3)).toThrow(/sgemm.*b.*6 values.*\[K=3, N=2\].*5 values/);
  expect(() => sgemm([1, 2] as unknown as Float32Array, a, 1, 3, 2)).toThrow(/sgemm.*a.*Float32Array.*Array/);
  expect(() => sgemm(a, a, 0, 2, 3)).toThrow(/sgemm.*M.*positive integer/);
  expect(() => sgemm(a, new Float32Array(9), 2, 3, 3, { out: new Float32Array(5) })).toThrow(/options\.out.*6 values/);
  expect(() => sgemm(a, new Float32Array(9), 2, 3, 3, { alpha: Number.NaN })).toThrow(/options\.alpha/);
});
