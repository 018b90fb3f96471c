// 2-D convolution (NHWC, filter [KH, KW, Cin, Cout], dilation 1, explicit zero padding) and its two
// gradients as im2col/col2im + the GEMM of kernels.c, a chunk of images at a time so the column
// matrix stays in cache. The same sums as tfjs's Conv2D / Conv2DBackpropInput /
// Conv2DBackpropFilter, in another summation order (float32 rounding differs).
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

/* Images per chunk: about 64 K floats (256 KB) of column matrix, at least one image (fastest of 2^14 … 2^22
   measured on the issue-12 CNN's layers: the columns stay in L2 while the GEMM packs them). */
static int chunk_images(const cn_conv_shape *s) {
  const size_t rows = (size_t)s->outH * s->outW;
  const size_t k = (size_t)s->kH * s->kW * s->inC;
  size_t n = ((size_t)1 << 16) / (rows * k > 0 ? rows * k : 1);
  if (n < 1) n = 1;
  if (n > (size_t)s->batch) n = s->batch;
  return (int)n;
}

/* cols [nb·outH·outW, kH·kW·inC] of images x[b0 … b0+nb): column (kh·kW + kw)·inC + ci. */
static void im2col(const cn_conv_shape *s, const float *x, int b0, int nb, float *cols) {
  const int C = s->inC, K = s->kH * s->kW * C;
  float *row = cols;
  for (int b = b0; b < b0 + nb; b++) {
    const float *img = x + (size_t)b * s->inH * s->inW * C;
    for (int oh = 0; oh < s->outH; oh++) {
      for (int ow = 0; ow < s->outW; ow++, row += K) {
        float *dst = row;
        for (int kh = 0; kh < s->kH; kh++) {
          const int ih = oh * s->strideH - s->padTop + kh;
          for (int kw = 0; kw < s->kW; kw++, dst += C) {
            const int iw = ow * s->strideW - s->padLeft + kw;
            if (ih < 0 || ih >= s->inH || iw < 0 || iw >= s->inW) memset(dst, 0, sizeof(float) * C);
            else memcpy(dst, img + ((size_t)ih * s->inW + iw) * C, sizeof(float) * C);
          }
        }
      }
    }
  }
}

/* dx[b0 … b0+nb) += the columns scattered back (col2im; dx must start zeroed). */
static void col2im(const cn_conv_shape *s, const float *cols, int b0, int nb, float *dx) {
  const int C = s->inC, K = s->kH * s->kW * C;
  const float *row = cols;
  for (int b = b0; b < b0 + nb; b++) {
    float *img = dx + (size_t)b * s->inH * s->inW * C;
    for (int oh = 0; oh < s->outH; oh++) {
      for (int ow = 0; ow < s->outW; ow++, row += K) {
        const float *src = row;
        for (int kh = 0; kh < s->kH; kh++) {
          const int ih = oh * s->strideH - s->padTop + kh;
          for (int kw = 0; kw < s->kW; kw++, src += C) {
            const int iw = ow * s->strideW - s->padLeft + kw;
            if (ih < 0 || ih >= s->inH || iw < 0 || iw >= s->inW) continue;
            float *dst = img + ((size_t)ih * s->inW + iw) * C;
            for (int c = 0; c < C; c++) dst[c] += src[c];
          }
        }
      }
    }
  }
}

/* Filter gradient with few taps (kH·kW·inC < DIRECT_K, e.g. the 1-channel first layer: 9): direct loops
   vectorised over the output channels beat im2col + a GEMM of inner dimension 9 (12 vs 18 ms on the
   issue-12 first layer; for the forward and input gradient they did not, so those keep the GEMM). */
#define DIRECT_K 32

/* Per image in float, summed over images in double. */

static int direct_backprop_filter(const cn_conv_shape *s, const float *restrict x, const float *restrict dy, float *restrict dw) {
  const int C = s->inC, O = s->outC;
  const size_t nw = (size_t)s->kH * s->kW * C * O;
  float *part = malloc(sizeof(float) * nw);
  double *total = calloc(nw, sizeof(double));
  if (!part || !total) {
    free(part);
    free(total);
    return -1;
  }
  for (int b = 0; b < s->batch; b++) {
    const float *img = x + (size_t)b * s->inH * s->inW * C;
    memset(part, 0, sizeof(float) * nw);
    for (int oh = 0; oh < s->outH; oh++)
      for (int ow = 0; ow < s->outW; ow++) {
        const float *g = dy + (((size_t)b * s->outH + oh) * s->outW + ow) * O;
        for (int kh = 0; kh < s->kH; kh++) {
          const int ih = oh * s->strideH - s->padTop + kh;
          if (ih < 0 || ih >= s->inH) continue;
          for (int kw = 0; kw < s->kW; kw++) {
            const int iw = ow * s->strideW - s->padLeft + kw;
            if (iw < 0 || iw >= s->inW) continue;
            const float *px = img + ((size_t)ih * s->inW + iw) * C;
            float *pt = part + (size_t)(kh * s->kW + kw) * C * O;
            for (int c = 0; c < C; c++) {
              const float v = px[c];
              float *restrict pr = pt + (size_t)c * O;
              for (int o = 0; o < O; o++) pr[o] += v * g[o];
            }
          }
        }
      }
    for (size_t i = 0; i < nw; i++) total[i] += part[i];
  }
  for (size_t i = 0; i < nw; i++) dw[i] = (float)total[i];
  free(part);
  free(total);
  return 0;
}

static float *scratch(const cn_conv_shape *s, int nb) {
  return malloc(sizeof(float) * (size_t)nb * s->outH * s->outW * s->kH * s->kW * s->inC);
}

int cn_conv2d(const cn_conv_shape *s, const float *x, const float *w, float *y) {
  const int K = s->kH * s->kW * s->inC, rowsPer = s->outH * s->outW;
  const int nb = chunk_images(s);
  float *cols = scratch(s, nb);
  if (!cols) return -1;
  for (int b0 = 0; b0 < s->batch; b0 += nb) {
    const int n = b0 + nb <= s->batch ? nb : s->batch - b0;
    im2col(s, x, b0, n, cols);
    cn_sgemm(0, 0, n * rowsPer, s->outC, K, 1.0f, cols, K, w, s->outC, 0.0f, y + (size_t)b0 * rowsPer * s->outC, s->outC);
  }
  free(cols);
  return 0;
}

int cn_conv2d_backprop_input(const cn_conv_shape *s, const float *dy, const float *w, float *dx) {
  const int K = s->kH * s->kW * s->inC, rowsPer = s->outH * s->outW;
  const int nb = chunk_images(s);
  float *cols = scratch(s, nb);
  if (!cols) return -1;
  memset(dx, 0, sizeof(float) * (size_t)s->batch * s->inH * s->inW * s->inC);
  for (int b0 = 0; b0 < s->batch; b0 += nb) {
    const int n = b0 + nb <= s->batch ? nb : s->batch - b0;
    // dcols [rows, K] = dy [rows, outC] · Wᵀ (W stored [K, outC]).
    cn_sgemm(0, 1, n * rowsPer, K, s->outC, 1.0f, dy + (size_t)b0 * rowsPer * s->outC, s->outC, w, s->outC, 0.0f, cols, K);
    col2im(s, cols, b0, n, dx);
  }
  free(cols);
  return 0;
}

int cn_conv2d_backprop_filter(const cn_conv_shape *s, const float *x, const float *dy, float *dw) {
  const int K = s->kH * s->kW * s->inC, rowsPer = s->outH * s->outW;
  if (K < DIRECT_K) return direct_backprop_filter(s, x, dy, dw);
  const int nb = chunk_images(s);
  float *cols = scratch(s, nb);
  if (!cols) return -1;
  for (int b0 = 0; b0 < s->batch; b0 += nb) {
    const int n = b0 + nb <= s->batch ? nb : s->batch - b0;
    im2col(s, x, b0, n, cols);
    // dW [K, outC] (+)= colsᵀ · dy.
    cn_sgemm(1, 0, K, s->outC, n * rowsPer, 1.0f, cols, K, dy + (size_t)b0 * rowsPer * s->outC, s->outC, b0 == 0 ? 0.0f : 1.0f, dw,
             s->outC);
  }
  if (s->batch == 0) memset(dw, 0, sizeof(float) * (size_t)K * s->outC);
  free(cols);
  return 0;
}
