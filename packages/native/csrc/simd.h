// 16-lane float32 vectors (GCC vector extensions: AVX-512 where compiled for it, else split into
// narrower registers) and the vectorised exp shared by the kernels.
#pragma once
#include <stdint.h>

typedef float v16 __attribute__((vector_size(64)));
typedef float v16u __attribute__((vector_size(64), aligned(4)));
typedef int32_t vi16 __attribute__((vector_size(64)));

/* e^x for x ∈ [−87, 88] (Cephes expf: range reduction by ln 2, degree-6 polynomial; ≤ 2 ulp);
   n = round(x/ln 2) ∈ [−126, 127], so 2^n is one normal float. */
static inline v16 vexp_core(v16 x) {
  const v16 magic = (v16){0} + 12582912.0f; /* 1.5·2^23: adding it rounds to an integer */
  const v16 n = (x * 1.44269504088896341f + magic) - magic;
  const v16 y = x - n * 0.693359375f + n * 2.12194440e-4f;
  v16 p = (v16){0} + 1.9875691500e-4f;
  p = p * y + 1.3981999507e-3f;
  p = p * y + 8.3334519073e-3f;
  p = p * y + 4.1665795894e-2f;
  p = p * y + 1.6666665459e-1f;
  p = p * y + 5.0000001201e-1f;
  p = p * y * y + y + 1.0f;
  const vi16 e = (__builtin_convertvector(n, vi16) + 127) << 23;
  return p * (v16)e;
}

/* e^x for x ≤ 0, with x below −87 clamped there (softmax terms that small do not matter). */
static inline v16 vexp_nonpos(v16 x) {
  const v16 lo = (v16){0} - 87.0f;
  const vi16 under = x < lo;
  return vexp_core((v16)(((vi16)x & ~under) | ((vi16)lo & under)));
}

