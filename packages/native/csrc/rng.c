// Compiled with -ffp-contract=off: every operation rounds exactly as JavaScript's doubles do, so
// the streams equal @contrastive/core's Rng bit for bit.
#include <math.h>
#include <string.h>
#include "kernels.h"

static inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static inline uint32_t next_u32(uint32_t *s) {
  const uint32_t result = rotl(s[1] * 5u, 7) * 9u;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

/* fdlibm's __ieee754_log (FreeBSD msun e_log.c), the algorithm of V8's base::ieee754::log behind
   Math.log. Arguments here are in (0, 1), but the whole function is kept. */
static const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10,
                    two54 = 1.80143985094819840000e+16, Lg1 = 6.666666666666735130e-01,
                    Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
                    Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01,
                    Lg6 = 1.531383769920937332e-01, Lg7 = 1.479819860511658591e-01;

static inline int32_t high_word(double x) {
  uint64_t b;
  memcpy(&b, &x, 8);
  return (int32_t)(b >> 32);
}
static inline uint32_t low_word(double x) {
  uint64_t b;
  memcpy(&b, &x, 8);
  return (uint32_t)b;
}
static inline double with_high_word(double x, int32_t hi) {
  uint64_t b;
  memcpy(&b, &x, 8);
  b = ((uint64_t)(uint32_t)hi << 32) | (b & 0xffffffffu);
  memcpy(&x, &b, 8);
  return x;
}

double cn_log(double x) {
  double hfsq, f, s, z, R, w, t1, t2, dk;
  int32_t k = 0, hx = high_word(x), i, j;
  uint32_t lx = low_word(x);
  if (hx < 0x00100000) { /* x < 2^-1022 */
    if (((hx & 0x7fffffff) | lx) == 0) return -INFINITY;
    if (hx < 0) return NAN;
    k -= 54;
    x *= two54;
    hx = high_word(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  i = (hx + 0x95f64) & 0x100000;
  x = with_high_word(x, hx | (i ^ 0x3ff00000)); /* normalize x or x/2 */
  k += (i >> 20);
  f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) { /* -2^-20 <= f < 2^-20 */
    if (f == 0.0) {
      if (k == 0) return 0.0;
      dk = (double)k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = (double)k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  s = f / (2.0 + f);
  dk = (double)k;
  z = s * s;
  i = hx - 0x6147a;
  w = z * z;
  j = 0x6b851 - hx;
  t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  R = t2 + t1;
  if (i > 0) {
    hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

#define TWO_POW_32 4294967296.0

typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8l __attribute__((vector_size(64)));
#define LANES 8

/* fdlibm log of 8 doubles in (0, 1) (normal numbers, not within 2^-20 of 1: the caller checks),
   lane by lane the same operations as cn_log, so the same bits. Both tails of the final branch
   are computed and selected; with k = 0 the general formulas reduce exactly to fdlibm's k = 0
   ones (0·ln2 terms are exact zeros and 0 − y = −y). */
static inline v8d log8(v8d x) {
  const v8l bits = (v8l)x;
  v8l hx = bits >> 32;
  v8l k = (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const v8l i = (hx + 0x95f64) & 0x100000;
  const v8l hi = hx | (i ^ 0x3ff00000);
  x = (v8d)((bits & 0xffffffffLL) | (hi << 32));
  k += i >> 20;
  const v8d f = x - 1.0;
  const v8d s = f / (2.0 + f);
  const v8d dk = __builtin_convertvector(k, v8d);
  const v8d z = s * s;
  const v8d w = z * z;
  const v8l sel = ((hx - 0x6147a) | (0x6b851 - hx)) > 0;
  const v8d t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const v8d t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  const v8d R = t2 + t1;
  const v8d hfsq = 0.5 * f * f;
  const v8d a = dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  const v8d b = dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
  return (v8d)(((v8l)a & sel) | ((v8l)b & ~sel));
}

/* Polar method in two passes per chunk: the serial generator proposes pairs and keeps the ones
   inside the unit disc (exactly the JS loop's accept test and order), then the logs, divisions
   and square roots run 8 lanes at a time. */
#if defined(__AVX512F__)
#include <immintrin.h>
#define VSQRT(r) ((v8d)_mm512_sqrt_pd((__m512d)(r)))
#else
static inline v8d vsqrt_lanes(v8d r) {
  for (int l = 0; l < LANES; l++) r[l] = sqrt(r[l]);
  return r;
}
#define VSQRT(r) vsqrt_lanes(r)
#endif
#define CHUNK 512
#define FILL_NORMAL(NAME, T)                                                          \
  void NAME(uint32_t *state, T *out, size_t n, double mean, double std) {             \
    uint32_t s[4] = {state[0], state[1], state[2], state[3]};                         \
    double us[CHUNK + 1] __attribute__((aligned(64)));                                    \
    double vs[CHUNK + 1] __attribute__((aligned(64)));                                    \
    double qs[CHUNK + 1] __attribute__((aligned(64)));                                    \
    double fs[CHUNK] __attribute__((aligned(64)));                                    \
    size_t i = 0;                                                                     \
    while (i < n) {                                                                   \
      size_t want = (n - i + 1) / 2, p = 0;                                           \
      if (want > CHUNK) want = CHUNK;                                                 \
      while (p < want) {                                                              \
        const double u = ((double)next_u32(s) / TWO_POW_32) * 2 - 1;                  \
        const double v = ((double)next_u32(s) / TWO_POW_32) * 2 - 1;                  \
        const double q = u * u + v * v;                                               \
        us[p] = u; /* branch-free: written always, kept only when inside the disc */  \
        vs[p] = v;                                                                    \
        qs[p] = q;                                                                    \
        p += (q < 1) & (q != 0);                                                      \
      }                                                                               \
      size_t j = 0;                                                                   \
      for (; j + LANES <= p; j += LANES) {                                            \
        const v8d q = *(const v8d *)(qs + j);                                         \
        const v8l hq = ((v8l)q >> 32) & 0x000fffff;                                   \
        const v8l near = ((2 + hq) & 0x000fffff) < 3;                                 \
        int special = 0;                                                              \
        for (int l = 0; l < LANES; l++) special |= (int)near[l];                      \
        v8d lg;                                                                       \
        if (special)                                                                  \
          for (int l = 0; l < LANES; l++) lg[l] = cn_log(q[l]);                       \
        else                                                                          \
          lg = log8(q);                                                               \
        const v8d r = (-2 * lg) / q;                                                  \
        *(v8d *)(fs + j) = VSQRT(r);                                                  \
      }                                                                               \
      for (; j < p; j++) fs[j] = sqrt((-2 * cn_log(qs[j])) / qs[j]);                  \
      for (j = 0; j < p; j++) {                                                       \
        out[i++] = (T)(mean + std * us[j] * fs[j]);                                   \
        if (i < n) out[i++] = (T)(mean + std * vs[j] * fs[j]);                        \
      }                                                                               \
    }                                                                                 \
    memcpy(state, s, sizeof s);                                                       \
  }

FILL_NORMAL(cn_fill_normal_f32, float)
FILL_NORMAL(cn_fill_normal_f64, double)

/* Rng.fillBernoulli: at p = ½ one draw per 32 entries, bit j (LSB first) → entry j; otherwise
   entry = draw < p·2^32. Same draws, same order as the JavaScript. */
#define FILL_BERNOULLI(NAME, T)                                                      \
  void NAME(uint32_t *state, T *out, size_t n, double p) {                           \
    uint32_t s[4] = {state[0], state[1], state[2], state[3]};                        \
    if (p == 0.5) {                                                                  \
      for (size_t i = 0; i < n; i += 32) {                                           \
        uint32_t bits = next_u32(s);                                                 \
        const size_t end = n - i < 32 ? n - i : 32;                                  \
        for (size_t j = 0; j < end; j++, bits >>= 1) out[i + j] = (T)(bits & 1u);    \
      }                                                                              \
    } else {                                                                         \
      const double threshold = p * TWO_POW_32;                                       \
      for (size_t i = 0; i < n; i++) out[i] = (double)next_u32(s) < threshold ? 1 : 0; \
    }                                                                                \
    memcpy(state, s, sizeof s);                                                      \
  }

FILL_BERNOULLI(cn_fill_bernoulli_f32, float)
FILL_BERNOULLI(cn_fill_bernoulli_f64, double)

/* sparseCoding's codes: one draw per entry, z = −1 when u < half, +1 when u < full, else 0 (the
   JavaScript loop of @contrastive/data's sample, the same comparisons in double). */
void cn_fill_sparse_signs_f32(uint32_t *state, float *out, size_t n, double half, double full) {
  uint32_t s[4] = {state[0], state[1], state[2], state[3]};
  for (size_t i = 0; i < n; i++) {
    const double u = (double)next_u32(s);
    out[i] = u < half ? -1.0f : (u < full ? 1.0f : 0.0f);
  }
  memcpy(state, s, sizeof s);
}
