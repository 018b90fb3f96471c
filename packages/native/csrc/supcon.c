// The fused SupCon loss (Khosla et al. 2020; HobbitLong/SupContrast losses.py with PR #142) and its
// closed-form gradient: one pass over each row of the logits turns it into that row of the
// gradient, in place, so no [anchors × contrast] intermediate besides the logits ever exists.
// The formulas are those of @contrastive/losses' supConFromContrast (src/sup-con.ts).
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "simd.h"

/* Logits up to this many bytes stay in a per-thread buffer between calls; larger ones (B ≳ 2900
   with two views) are allocated per call and freed, so a one-off big batch does not pin memory. */
#define KEEP_BYTES ((size_t)64 << 20)

static __thread float *keep_buf;
static __thread size_t keep_n;

void cn_supcon_free_scratch(void) {
  free(keep_buf);
  keep_buf = NULL;
  keep_n = 0;
}

static float *scratch(size_t n, int *owned) {
  const size_t bytes = (n * sizeof(float) + 63) & ~(size_t)63;
  if (bytes > KEEP_BYTES) {
    *owned = 1;
    return aligned_alloc(64, bytes);
  }
  *owned = 0;
  if (keep_n < n) {
    free(keep_buf);
    keep_buf = aligned_alloc(64, bytes);
    keep_n = keep_buf ? n : 0;
  }
  return keep_buf;
}

/* Lane-wise select: where m, a, else b (C has no vector ?:). */
static inline v16 vsel(vi16 m, v16 a, v16 b) { return (v16)(((vi16)a & m) | ((vi16)b & ~m)); }

static inline float hmax(v16 v) {
  float m = v[0];
  for (int q = 1; q < 16; q++) m = v[q] > m ? v[q] : m;
  return m;
}

static inline float hsum(v16 v) {
  float s = 0;
  for (int q = 0; q < 16; q++) s += v[q];
  return s;
}

/* Σ a_j b_j and Σ a_j, 16 lanes at a time (GCC does not vectorise float reductions without
   -ffast-math, which the exact-rounding parts of the addon must not get). */
static float vdot(const float *a, const float *b, int n) {
  v16 acc = {0};
  int j = 0;
  for (; j + 16 <= n; j += 16) acc += *(const v16u *)(a + j) * *(const v16u *)(b + j);
  float s = hsum(acc);
  for (; j < n; j++) s += a[j] * b[j];
  return s;
}

static float vsum(const float *a, int n) {
  v16 acc = {0};
  int j = 0;
  for (; j + 16 <= n; j += 16) acc += *(const v16u *)(a + j);
  float s = hsum(acc);
  for (; j < n; j++) s += a[j];
  return s;
}

/* G ← G + Gᵀ for a square K×K matrix with row stride ld, in 32×32 tiles. */
static void symmetrize(float *G, int K, int ld) {
  enum { T = 64 };
  for (int i0 = 0; i0 < K; i0 += T) {
    const int i1 = i0 + T < K ? i0 + T : K;
    for (int j0 = i0; j0 < K; j0 += T) {
      const int j1 = j0 + T < K ? j0 + T : K;
      for (int i = i0; i < i1; i++)
        for (int j = (j0 == i0 ? i : j0); j < j1; j++) {
          const float s = G[(size_t)i * ld + j] + G[(size_t)j * ld + i];
          G[(size_t)i * ld + j] = s;
          G[(size_t)j * ld + i] = s;
        }
    }
  }
}

double cn_supcon(const float *C, int K, int D, int nA, int B, const float *mask, const double *labels, float tau,
                 float scale, int variant_in, float *dC) {
  const int V = K / B;
  /* rows padded to 16 floats for the vector passes, and off a multiple of 64 floats: a power-of-two
     row stride maps a tile's column onto one set of the L1 cache, which made G + Gᵀ 3× slower */
  const int Kp = (K + 15) / 16 * 16 + ((K + 15) / 16 * 16 % 64 == 0 ? 16 : 0);
  /* logits/gradient rows [nA × Kp], then per-row temporaries: weights per sample [B] (padded), and
     for L_in the positives' exponentials [Kp] */
  const size_t Bp = (size_t)(B + 15) / 16 * 16;
  const size_t n = (size_t)nA * Kp + Bp + (variant_in ? (size_t)Kp : 0);
  int owned;
  float *G = scratch(n, &owned);
  if (!G) abort();
  float *wrow = G + (size_t)nA * Kp, *Wpos = wrow + Bp;
  const float inv_tau = 1.0f / tau;
  cn_sgemm(0, 1, nA, K, D, inv_tau, C, D, C, D, 0.0f, G, Kp);
  /* ∂(mean over anchors · scale)/∂L, and the 1/τ of L = A Cᵀ/τ */
  const float c = scale / ((float)nA * tau);
  double total = 0;
  for (int r = 0; r < nA; r++) {
    const int i = r % B;
    float *row = G + (size_t)r * Kp;
    /* weights of anchor i over the B samples: the mask row, equal labels, or the sample itself */
    if (mask) memcpy(wrow, mask + (size_t)i * B, (size_t)B * sizeof(float));
    else if (labels) {
      const double li = labels[i];
      for (int j = 0; j < B; j++) wrow[j] = labels[j] == li ? 1.0f : 0.0f;
    } else {
      memset(wrow, 0, (size_t)B * sizeof(float));
      wrow[i] = 1;
    }
    const double rowsum = mask || labels ? (double)vsum(wrow, B) : 1.0;
    /* |P(r)|: every view of each positive, minus the anchor itself (PR #142: below 1e-6 the anchor
       has no positive, contributes 0 and still counts in the mean) */
    const double sumM = rowsum * V - wrow[i];
    const int hasPos = sumM >= 1e-6;
    const double den = hasPos ? sumM : 1;
    const float Lself = row[r];
    double sumWL = 0;
    if (!variant_in) {
      if (mask || labels)
        for (int v = 0; v < V; v++) sumWL += vdot(wrow, row + (size_t)v * B, B);
      else /* SimCLR: the positives are the anchor's other views */
        for (int v = 0; v < V; v++) sumWL += row[(size_t)v * B + i];
      sumWL -= (double)wrow[i] * Lself;
    }
    /* the self entry and the padding leave the softmax */
    row[r] = -INFINITY;
    for (int k = K; k < Kp; k++) row[k] = -INFINITY;
    v16 vm = (v16){0} - INFINITY;
    for (int k = 0; k < Kp; k += 16) {
      const v16 x = *(v16 *)(row + k);
      vm = vsel(x > vm, x, vm);
    }
    const float mx = hmax(vm);
    /* L_in: Σ_c M_rc e^{L_rc}, shifted by the max over the positives (never all underflowing) */
    double wsum = 0;
    float mPos = 0;
    if (variant_in && hasPos) {
      mPos = -INFINITY;
      for (int v = 0; v < V; v++)
        for (int j = 0; j < B; j++) {
          const float x = row[(size_t)v * B + j];
          if (wrow[j] > 0 && x > mPos) mPos = x;
        }
      for (int k = 0; k < Kp; k += 16) {
        const v16 x = *(v16 *)(row + k) - mPos;
        *(v16 *)(Wpos + k) = vexp_nonpos(vsel(x < 0, x, (v16){0}));
      }
      for (int v = 0; v < V; v++) {
        float *seg = Wpos + (size_t)v * B;
        for (int j = 0; j < B; j++) seg[j] *= wrow[j];
        wsum += vsum(seg, B);
      }
      wsum -= Wpos[r];
      Wpos[r] = 0;
    }
    /* E = e^{L − max}, S = Σ E; the self entry and the padding come out as e^−87 ≈ 1.6e−38, which
       cannot change S ≥ 1 (the max term is 1), and are then set to 0 */
    v16 acc = {0};
    for (int k = 0; k < Kp; k += 16) {
      const v16 e = vexp_nonpos(*(v16 *)(row + k) - mx);
      *(v16 *)(row + k) = e;
      acc += e;
    }
    row[r] = 0;
    for (int k = K; k < Kp; k++) row[k] = 0;
    const float S = hsum(acc);
    const double lse = (double)mx + log((double)S);
    if (!variant_in) {
      /* ℓ_r = −(Σ_c M_rc L_rc / |P(r)| − ratio·lse), ∂ℓ_r/∂L_rk = ratio·P_rk − M_rk/|P(r)| */
      const double ratio = sumM / den;
      total += -(sumWL / den - ratio * lse);
      const float a = (float)(c * ratio / S), b = (float)(c / den);
      if (mask || labels)
        for (int v = 0; v < V; v++) {
          float *seg = row + (size_t)v * B;
          for (int j = 0; j < B; j++) seg[j] = a * seg[j] - b * wrow[j];
        }
      else {
        for (int k = 0; k < K; k++) row[k] *= a;
        for (int v = 0; v < V; v++) row[(size_t)v * B + i] -= b;
      }
      row[r] = 0;
    } else if (hasPos) {
      /* ℓ_r = −(log Σ_c M_rc e^{L_rc} − lse − log |P(r)|), ∂ℓ_r/∂L_rk = P_rk − Q_rk, Q = M·e^L normalised */
      total += -(log(wsum) + (double)mPos - lse - log(den));
      const float a = (float)(c / S), b = (float)(c / wsum);
      for (int k = 0; k < K; k++) row[k] = a * row[k] - b * Wpos[k];
    } else {
      memset(row, 0, (size_t)K * sizeof(float));
    }
  }
  /* dC = ∂ℓ/∂C of L = A Cᵀ/τ with A the first nA rows of C: dC = Gᵀ A + [G C; 0] */
  if (nA == K) {
    symmetrize(G, K, Kp);
    cn_sgemm(0, 0, K, D, K, 1.0f, G, Kp, C, D, 0.0f, dC, D);
  } else {
    cn_sgemm(1, 0, K, D, nA, 1.0f, G, Kp, C, D, 0.0f, dC, D);
    cn_sgemm(0, 0, nA, D, K, 1.0f, G, Kp, C, D, 1.0f, dC, D);
  }
  if (owned) free(G);
  return total * scale / nA;
}
