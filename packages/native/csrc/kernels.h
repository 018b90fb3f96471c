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

/* One whole SGD step of that loss: w_out = w − lr·dL/dW, then (renorm) each row of w_out divided
   by max(‖row‖, 1e-12), the row norm's squares summed in float32 (acc64 = 0, tfjs-backend-wasm's
   Sum) or in double (acc64 = 1, tfjs-backend-cpu's). w_out may not alias w. Returns the loss; when
   it is not finite, w_out is not written. See sgd-step.c. */
double cn_symmetric_relu_infonce_sgd(const float *x1, const float *x2, const float *w, int B, int d1, int m,
                                     float threshold, float tau, float lr, int renorm, int acc64, float *w_out);
/* The calling thread's gradient scratch of at least n floats (NULL when it cannot be allocated). */
float *cn_grad_scratch(size_t n);

/* xoshiro128** + Marsaglia's polar method, bit-identical to @contrastive/core's Rng.fillNormal
   (V8's Math.log is fdlibm's; cn_log is the same algorithm). state: the 4 words, updated. */
void cn_fill_normal_f32(uint32_t *state, float *out, size_t n, double mean, double std);
void cn_fill_normal_f64(uint32_t *state, double *out, size_t n, double mean, double std);
double cn_log(double x);
void cn_fill_bernoulli_f32(uint32_t *state, float *out, size_t n, double p);
void cn_fill_bernoulli_f64(uint32_t *state, double *out, size_t n, double p);

/* sparseCoding's codes: per entry one draw u, −1 when u < half, +1 when u < full, else 0. */
void cn_fill_sparse_signs_f32(uint32_t *state, float *out, size_t n, double half, double full);
/* One sparseCoding batch: z [B×d], ξ [B×d1] = N(0, noise_std²), ζ [B×k] = N(0, dense_std²) (drawn
   in that order from state), dense = ζ·hT (hT [k×d1]; zeros when k = 0), x = (z·mT + ξ) + dense
   (mT [d×d1]). Returns 0, or −1 when scratch cannot be allocated. See sparse-coding.c. */
int cn_sparse_coding_sample(uint32_t *state, int B, int d, int d1, int k, double half, double full, double noise_std,
                            double dense_std, const float *mT, const float *hT, float *z, float *noise, float *dense,
                            float *x);
/* The calling thread's sampler scratch of at least n floats (NULL when it cannot be allocated). */
float *cn_sample_scratch(size_t n);

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

/* Shape of a 2-D convolution, NHWC input [batch, inH, inW, inC], filter [kH, kW, inC, outC],
   output [batch, outH, outW, outC], dilation 1, zero padding padTop/padLeft (the rest implied). */
typedef struct {
  int batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, padTop, padLeft;
} cn_conv_shape;

/* y = conv2d(x, w); dx = its input gradient given dy; dw = its filter gradient. Return 0, or −1 when
   the scratch cannot be allocated. See conv.c. */
int cn_conv2d(const cn_conv_shape *s, const float *x, const float *w, float *y);
int cn_conv2d_backprop_input(const cn_conv_shape *s, const float *dy, const float *w, float *dx);
int cn_conv2d_backprop_filter(const cn_conv_shape *s, const float *x, const float *dy, float *dw);

/* Batch norm in training mode over rows x [n, C]: y = γ·x̂ + β (then max(0, ·) when relu) with
   x̂ = (x − μ)/√(σ² + ε), μ and the biased σ² per channel; also writes x̂, μ, σ², 1/√(σ² + ε). The
   gradient from dy, x̂, γ, 1/√(σ² + ε) and, after a ReLU, its output y (else NULL): with g = dy masked
   by y > 0, dx = (g − mean(g) − x̂·mean(g·x̂))·γ/σ, dγ = Σ g·x̂, dβ = Σ g. Return 0, or −1 when scratch
   cannot be allocated. See batch-norm.c. */
int cn_batch_norm_train(const float *x, const float *gamma, const float *beta, int n, int C, float eps, int relu, float *y,
                        float *xhat, float *mean, float *var, float *invstd);
int cn_batch_norm_train_grad(const float *dy, const float *xhat, const float *gamma, const float *invstd, const float *y, int n,
                             int C, float *dx, float *dgamma, float *dbeta);

/* TensorFlow's CropAndResize, bilinear, NHWC float32: image [batch, H, W, C], boxes [numBoxes, 4] as
   normalised (y1, x1, y2, x2), boxInd [numBoxes] → out [numBoxes, cropH, cropW, C]. */
void cn_crop_and_resize(const float *image, const float *boxes, const int32_t *boxInd, int batch, int H, int W, int C, int numBoxes,
                        int cropH, int cropW, float extrapolation, float *out);
