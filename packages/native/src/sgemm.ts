import { assertNumber } from '@contrastive/core';
import { checkArray, checkDim, requireNative } from './errors';

/** Options of `sgemm`. */
export interface SgemmOptions {
  /** op(A) = Aᵀ: A is stored [K, M]. Default false. */
  transposeA?: boolean;
  /** op(B) = Bᵀ: B is stored [N, K]. Default false. */
  transposeB?: boolean;
  /** Scale of the product. Default 1. */
  alpha?: number;
  /** Add the product into `out` (beta = 1) instead of overwriting it (beta = 0). Default false. */
  accumulate?: boolean;
  /** Output [M, N]; allocated when omitted. */
  out?: Float32Array;
}

/**
 * C = alpha·op(A)·op(B) (+ C), row-major float32, with the native blocked GEMM (packed panels and
 * an 8×32 register tile; AVX-512/AVX2-FMA/SSE as compiled). K may be 0 (C = 0 or unchanged).
 *
 * @param a op(A) is [M, K]
 * @param b op(B) is [K, N]
 * @returns C [M, N]
 * @example sgemm(a, b, 2, 4, 3) // a [2, 3], b [3, 4] → [2, 4]
 */
export function sgemm(a: Float32Array, b: Float32Array, M: number, N: number, K: number, options: SgemmOptions = {}): Float32Array {
  const op = 'sgemm';
  checkDim(op, 'M', M);
  checkDim(op, 'N', N);
  assertNumber(op, 'K', K, { min: 0, integer: true });
  const tA = options.transposeA ?? false;
  const tB = options.transposeB ?? false;
  checkArray(op, 'a', a, M * K, tA ? `[K=${K}, M=${M}]` : `[M=${M}, K=${K}]`);
  checkArray(op, 'b', b, K * N, tB ? `[N=${N}, K=${K}]` : `[K=${K}, N=${N}]`);
  const alpha = options.alpha ?? 1;
  assertNumber(op, 'options.alpha', alpha);
  const out = options.out ?? new Float32Array(M * N);
  checkArray(op, 'options.out', out, M * N, `[M=${M}, N=${N}]`);
  requireNative(op).sgemm(tA ? 1 : 0, tB ? 1 : 0, M, N, K, alpha, a, b, options.accumulate ? 1 : 0, out);
  return out;
}
