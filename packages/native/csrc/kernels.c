// GEMM and the fused symmetric-ReLU + InfoNCE step. Written with GCC vector extensions, so one
// source compiles to AVX-512, AVX2/FMA or SSE for whatever -march the machine builds with.
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

#include "simd.h"

#define MR 8
#define NR 32
#define KC 256
#define MC 128

const char *cn_simd(void) {
#if defined(__AVX512F__)
  return "avx512";
#elif defined(__AVX2__) && defined(__FMA__)
  return "avx2-fma";
#elif defined(__AVX__)
  return "avx";
#else
  return "sse2";
#endif
}

/* Per-thread scratch that only grows: each worker thread has its own, and a step does not page-fault
   fresh mmap'ed buffers every call. */
typedef struct {
  float *p;
  size_t n;
} buf_t;
static __thread buf_t pack_a_buf, pack_b_buf, step_buf, grad_buf, sample_buf;

/* Frees this thread's scratch (at environment teardown: a worker thread exiting). */
void cn_free_scratch(void) {
  buf_t *all[] = {&pack_a_buf, &pack_b_buf, &step_buf, &grad_buf, &sample_buf};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    free(all[i]->p);
    all[i]->p = NULL;
    all[i]->n = 0;
  }
}

static float *reserve(buf_t *b, size_t n) {
  if (b->n < n) {
    free(b->p);
    size_t bytes = ((n * sizeof(float)) + 63) & ~(size_t)63;
    b->p = aligned_alloc(64, bytes);
    b->n = b->p ? n : 0;
  }
  return b->p;
}

float *cn_grad_scratch(size_t n) { return reserve(&grad_buf, n); }
float *cn_sample_scratch(size_t n) { return reserve(&sample_buf, n); }

static inline int imin(int a, int b) { return a < b ? a : b; }

/* A block [mc × kc] from (i0, k0) into MR-row panels: dst[panel][k][r], zero-padded rows. */
static void pack_a(int mc, int kc, const float *A, int lda, int transA, int i0, int k0, float *dst) {
  for (int ip = 0; ip < mc; ip += MR) {
    const int rows = imin(MR, mc - ip);
    if (transA) {
      for (int k = 0; k < kc; k++) {
        const float *src = A + (size_t)(k0 + k) * lda + i0 + ip;
        int r = 0;
        for (; r < rows; r++) dst[r] = src[r];
        for (; r < MR; r++) dst[r] = 0;
        dst += MR;
      }
    } else {
      for (int k = 0; k < kc; k++) {
        int r = 0;
        for (; r < rows; r++) dst[r] = A[(size_t)(i0 + ip + r) * lda + k0 + k];
        for (; r < MR; r++) dst[r] = 0;
        dst += MR;
      }
    }
  }
}

/* B block [kc × n] from row k0 into NR-column panels: dst[panel][k][c], zero-padded columns. */
static void pack_b(int kc, int n, const float *B, int ldb, int transB, int k0, float *dst) {
  for (int jp = 0; jp < n; jp += NR) {
    const int cols = imin(NR, n - jp);
    if (transB) {
      for (int k = 0; k < kc; k++) {
        int c = 0;
        for (; c < cols; c++) dst[c] = B[(size_t)(jp + c) * ldb + k0 + k];
        for (; c < NR; c++) dst[c] = 0;
        dst += NR;
      }
    } else {
      for (int k = 0; k < kc; k++) {
        const float *src = B + (size_t)(k0 + k) * ldb + jp;
        if (cols == NR) memcpy(dst, src, NR * sizeof(float));
        else {
          int c = 0;
          for (; c < cols; c++) dst[c] = src[c];
          for (; c < NR; c++) dst[c] = 0;
        }
        dst += NR;
      }
    }
  }
}

/* MR×NR tile: c = alpha·a·b (+ c when accumulate). a: packed [kc][MR], b: packed [kc][NR]. */
static void kernel_8x32(int kc, const float *restrict a, const float *restrict b, float *restrict c, int ldc,
                        float alpha, int accumulate) {
  v16 c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0}, c30 = {0}, c31 = {0};
  v16 c40 = {0}, c41 = {0}, c50 = {0}, c51 = {0}, c60 = {0}, c61 = {0}, c70 = {0}, c71 = {0};
  for (int k = 0; k < kc; k++) {
    const v16 b0 = *(const v16 *)b, b1 = *(const v16 *)(b + 16);
    v16 ar;
#define ROW(r)             \
  ar = (v16){0} + a[r];    \
  c##r##0 += ar * b0;      \
  c##r##1 += ar * b1;
    ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5) ROW(6) ROW(7)
#undef ROW
    a += MR;
    b += NR;
  }
  const v16 va = (v16){0} + alpha;
#define STORE(r)                                                   \
  {                                                                \
    v16u *p0 = (v16u *)(c + (size_t)(r) * ldc), *p1 = (v16u *)(c + (size_t)(r) * ldc + 16); \
    if (accumulate) {                                              \
      *p0 = *p0 + va * c##r##0;                                    \
      *p1 = *p1 + va * c##r##1;                                    \
    } else {                                                       \
      *p0 = va * c##r##0;                                          \
      *p1 = va * c##r##1;                                          \
    }                                                              \
  }
  STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5) STORE(6) STORE(7)
#undef STORE
}

void cn_sgemm(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (beta == 0)
    for (int i = 0; i < M; i++) memset(C + (size_t)i * ldc, 0, (size_t)N * sizeof(float));
  if (K <= 0) return;
  const int npad = (N + NR - 1) / NR * NR;
  float *pb = reserve(&pack_b_buf, (size_t)KC * npad);
  float *pa = reserve(&pack_a_buf, (size_t)MC * KC);
  float tile[MR * NR] __attribute__((aligned(64)));
  if (!pa || !pb) abort();
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int kc = imin(KC, K - k0);
    pack_b(kc, N, B, ldb, transB, k0, pb);
    for (int i0 = 0; i0 < M; i0 += MC) {
      const int mc = imin(MC, M - i0);
      pack_a(mc, kc, A, lda, transA, i0, k0, pa);
      for (int jp = 0; jp < N; jp += NR) {
        const float *bp = pb + (size_t)jp * kc;
        const int cols = imin(NR, N - jp);
        for (int ip = 0; ip < mc; ip += MR) {
          const float *ap = pa + (size_t)ip * kc;
          const int rows = imin(MR, mc - ip);
          float *c = C + (size_t)(i0 + ip) * ldc + jp;
          if (rows == MR && cols == NR) {
            kernel_8x32(kc, ap, bp, c, ldc, alpha, 1);
          } else {
            kernel_8x32(kc, ap, bp, tile, NR, alpha, 0);
            for (int r = 0; r < rows; r++)
              for (int q = 0; q < cols; q++) c[(size_t)r * ldc + q] += tile[r * NR + q];
          }
        }
      }
    }
  }
}

/* e^x for any float32 x, 16 lanes at a time: vexp_core where it applies; blocks holding a value
   outside [−87, 88] or a NaN go through expf (+inf above 88.72, denormals, 0, NaN). */
void cn_exp_f32(const float *x, float *y, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const v16 v = *(const v16u *)(x + i);
    const vi16 small = v < -87.0f, big = v > 88.0f;
    int slow = 0;
    for (int q = 0; q < 16; q++) slow |= small[q] | big[q] | (v[q] != v[q]);
    if (slow)
      for (int q = 0; q < 16; q++) y[i + q] = expf(x[i + q]);
    else
      *(v16u *)(y + i) = vexp_core(v);
  }
  for (; i < n; i++) y[i] = expf(x[i]);
}

/* y[b] = x[b]ᵀ for `batch` row-major [rows × cols] matrices, in 16×16 tiles. */
void cn_transpose_f32(const float *x, float *y, int batch, int rows, int cols) {
  for (int b = 0; b < batch; b++) {
    const float *xb = x + (size_t)b * rows * cols;
    float *yb = y + (size_t)b * rows * cols;
    for (int i0 = 0; i0 < rows; i0 += 16)
      for (int j0 = 0; j0 < cols; j0 += 16) {
        const int i1 = imin(rows, i0 + 16), j1 = imin(cols, j0 + 16);
        for (int j = j0; j < j1; j++)
          for (int i = i0; i < i1; i++) yb[(size_t)j * rows + i] = xb[(size_t)i * cols + j];
      }
  }
}

double cn_symmetric_relu_infonce(const float *x1, const float *x2, const float *w, int B, int d1, int m,
                                 float threshold, float tau, float *dW) {
  const size_t bm = (size_t)B * m, bm16 = (bm + 15) / 16 * 16; /* sections 64-byte aligned */
  const int bpad = (B + 15) / 16 * 16;
  float *ws = reserve(&step_buf, 4 * bm16 + (size_t)B * bpad + (size_t)bpad);
  if (!ws) abort();
  float *h1 = ws, *h2 = h1 + bm16, *g1 = h2 + bm16, *g2 = g1 + bm16, *P = g2 + bm16, *diag = P + (size_t)B * bpad;
  /* u = x Wᵀ, h = u − clip(u, −b, b) */
  cn_sgemm(0, 1, B, m, d1, 1.0f, x1, d1, w, d1, 0.0f, h1, m);
  cn_sgemm(0, 1, B, m, d1, 1.0f, x2, d1, w, d1, 0.0f, h2, m);
  const float b = threshold;
  if (b > 0) {
    for (size_t i = 0; i < bm; i++) {
      const float u1 = h1[i], u2 = h2[i];
      h1[i] = u1 - (u1 < -b ? -b : (u1 > b ? b : u1));
      h2[i] = u2 - (u2 < -b ? -b : (u2 > b ? b : u2));
    }
  }
  const float inv_tau = 1.0f / tau;
  for (int i = 0; i < B; i++) {
    float s = 0;
    for (int k = 0; k < m; k++) s += h1[(size_t)i * m + k] * h2[(size_t)i * m + k];
    diag[i] = s * inv_tau;
  }
  /* logits L = h1 h2ᵀ / τ, then each row becomes its softmax P (rows padded to 16 for the exp) */
  cn_sgemm(0, 1, B, B, m, inv_tau, h1, m, h2, m, 0.0f, P, bpad);
  double loss = 0;
  for (int i = 0; i < B; i++) {
    float *row = P + (size_t)i * bpad;
    float mx = row[0];
    for (int j = 1; j < B; j++) mx = row[j] > mx ? row[j] : mx;
    for (int j = B; j < bpad; j++) row[j] = -INFINITY;
    v16 acc = {0};
    for (int j = 0; j < bpad; j += 16) {
      v16 e = vexp_nonpos(*(v16 *)(row + j) - mx);
      if (j + 16 > B) /* padding: exp(−inf) clamps to e^−87; zero it */
        for (int q = B - j; q < 16; q++) e[q] = 0;
      *(v16 *)(row + j) = e;
      acc += e;
    }
    float S = 0;
    for (int q = 0; q < 16; q++) S += acc[q];
    loss += (double)mx + log((double)S) - (double)diag[i];
    const v16 inv = (v16){0} + 1.0f / S;
    for (int j = 0; j < bpad; j += 16) *(v16 *)(row + j) *= inv;
  }
  loss /= B;
  /* dℓ/dh1 = (P h2 − h2)/(Bτ), dℓ/dh2 = (Pᵀ h1 − h1)/(Bτ), gated by 1[h ≠ 0] */
  const float c = 1.0f / ((float)B * tau);
  cn_sgemm(0, 0, B, m, B, c, P, bpad, h2, m, 0.0f, g1, m);
  cn_sgemm(1, 0, B, m, B, c, P, bpad, h1, m, 0.0f, g2, m);
  for (size_t i = 0; i < bm; i++) {
    const float a = g1[i] - c * h2[i], d = g2[i] - c * h1[i];
    g1[i] = (b > 0 && h1[i] == 0) ? 0 : a;
    g2[i] = (b > 0 && h2[i] == 0) ? 0 : d;
  }
  /* dW = g1ᵀ x1 + g2ᵀ x2 */
  cn_sgemm(1, 0, m, d1, B, 1.0f, g1, m, x1, d1, 0.0f, dW, d1);
  cn_sgemm(1, 0, m, d1, B, 1.0f, g2, m, x2, d1, 1.0f, dW, d1);
  return loss;
}
