// 2-D convolution (NHWC, filter [KH, KW, Cin, Cout], dilation 1, explicit zero padding) and its two
// gradients as im2col/col2im + the GEMM of kernels.c, a chunk of images at a time so the column
// matrix stays in cache. The same sums as tfjs's Conv2D / Conv2DBackpropInput /
// Conv2DBackpropFilter, in another summation order (float32 rounding differs).
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

/* Rows of the column matrix per chunk: about 1 M floats (4 MB), at least one image. */
static int chunk_images(const cn_conv_shape *s) {
  const size_t rows = (size_t)s->outH * s->outW;
  const size_t k = (size_t)s->kH * s->kW * s->inC;
  size_t n = ((size_t)1 << 20) / (rows * k > 0 ? rows * k : 1);
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
