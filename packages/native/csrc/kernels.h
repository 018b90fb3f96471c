// Native kernels of @contrastive/native. Row-major float32 throughout; see kernels.c.
#pragma once
#include <stddef.h>
#include <stdint.h>

/* C[M×N] = alpha·op(A)·op(B) + beta·C, beta ∈ {0, 1}. op(A) is [M×K] (A stored [K×M] when transA),
   op(B) is [K×N] (B stored [N×K] when transB); lda/ldb/ldc are row strides. */
void cn_sgemm(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc);

/* The fused feature-decoupling step: loss and dL/dW of one-directional InfoNCE on raw inner products
   of symmetric-ReLU features h = softThreshold(x Wᵀ, b) of two views. x1, x2 [B×d1], w [m×d1],
   dW out [m×d1]. Returns the loss (mean over the batch). */
double cn_symmetric_relu_infonce(const float *x1, const float *x2, const float *w, int B, int d1, int m,
                                 float threshold, float tau, float *dW);

/* xoshiro128** + Marsaglia's polar method, bit-identical to @contrastive/core's Rng.fillNormal
   (V8's Math.log is fdlibm's; cn_log is the same algorithm). state: the 4 words, updated. */
void cn_fill_normal_f32(uint32_t *state, float *out, size_t n, double mean, double std);
void cn_fill_normal_f64(uint32_t *state, double *out, size_t n, double mean, double std);
double cn_log(double x);
void cn_fill_bernoulli_f32(uint32_t *state, float *out, size_t n, double p);
void cn_fill_bernoulli_f64(uint32_t *state, double *out, size_t n, double p);

/* y = e^x elementwise (≤ 2 ulp; inf/0/NaN as expf). */
void cn_exp_f32(const float *x, float *y, size_t n);

/* y[b] = x[b]ᵀ for batch row-major [rows × cols] matrices. */
void cn_transpose_f32(const float *x, float *y, int batch, int rows, int cols);

/* The SupCon loss (L_out, or L_in when variant_in) and dL/dC on the view-major contrast matrix C
   [K×D] (K = views·B), anchors = its first nA rows. Positives: mask [B×B] weights, else labels [B]
   (equal labels), else the other views of the same sample (SimCLR). scale = τ/τ_base. Writes dC
   [K×D] and returns the loss (see csrc/supcon.c). */
double cn_supcon(const float *C, int K, int D, int nA, int B, const float *mask, const double *labels, float tau,
                 float scale, int variant_in, float *dC);
void cn_supcon_free_scratch(void);

/* Frees the calling thread's scratch buffers. */
void cn_free_scratch(void);

/* Which SIMD width the kernels were compiled for. */
const char *cn_simd(void);
