// Batch norm over the last axis of rows x [n, C] (NHWC images: n = batch·h·w) in training mode, and its
// gradient: the ~15 separate passes of the composed tfjs ops (moments, normalise, their gradients)
// in 3 + 2. Optionally followed by a ReLU (its mask applied to dy in the gradient from the output y),
// which saves the ReLU's own passes. Statistics accumulate in double.
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

int cn_batch_norm_train(const float *x, const float *gamma, const float *beta, int n, int C, float eps, int relu, float *y,
                        float *xhat, float *mean, float *var, float *invstd) {
  double *acc = calloc((size_t)C, sizeof(double));
  if (!acc) return -1;
  for (int i = 0; i < n; i++) {
    const float *r = x + (size_t)i * C;
    for (int c = 0; c < C; c++) acc[c] += r[c];
  }
  for (int c = 0; c < C; c++) {
    mean[c] = (float)(acc[c] / n);
    acc[c] = 0;
  }
  for (int i = 0; i < n; i++) {
    const float *r = x + (size_t)i * C;
    for (int c = 0; c < C; c++) {
      const double d = (double)r[c] - mean[c];
      acc[c] += d * d;
    }
  }
  for (int c = 0; c < C; c++) {
    var[c] = (float)(acc[c] / n); // biased, as the normalisation uses
    invstd[c] = (float)(1.0 / sqrt((double)var[c] + eps));
  }
  free(acc);
  for (int i = 0; i < n; i++) {
    const float *r = x + (size_t)i * C;
    float *h = xhat + (size_t)i * C, *o = y + (size_t)i * C;
    for (int c = 0; c < C; c++) {
      h[c] = (r[c] - mean[c]) * invstd[c];
      const float v = h[c] * gamma[c] + beta[c];
      o[c] = relu && v < 0 ? 0.0f : v;
    }
  }
  return 0;
}

int cn_batch_norm_train_grad(const float *dy, const float *xhat, const float *gamma, const float *invstd, const float *y, int n,
                             int C, float *dx, float *dgamma, float *dbeta) {
  double *acc = calloc(2 * (size_t)C, sizeof(double));
  if (!acc) return -1;
  double *sb = acc, *sg = acc + C;
  for (int i = 0; i < n; i++) {
    const float *g = dy + (size_t)i * C, *h = xhat + (size_t)i * C, *r = y ? y + (size_t)i * C : NULL;
    for (int c = 0; c < C; c++) {
      const float gc = r && !(r[c] > 0) ? 0.0f : g[c];
      sb[c] += gc;
      sg[c] += (double)gc * h[c];
    }
  }
  float *mb = malloc(3 * sizeof(float) * (size_t)C);
  if (!mb) {
    free(acc);
    return -1;
  }
  float *mg = mb + C, *scale = mb + 2 * C;
  for (int c = 0; c < C; c++) {
    dbeta[c] = (float)sb[c];
    dgamma[c] = (float)sg[c];
    mb[c] = (float)(sb[c] / n);
    mg[c] = (float)(sg[c] / n);
    scale[c] = gamma[c] * invstd[c];
  }
  free(acc);
  // dx = (dy − mean(dy) − x̂·mean(dy·x̂))·γ/σ
  for (int i = 0; i < n; i++) {
    const float *g = dy + (size_t)i * C, *h = xhat + (size_t)i * C, *r = y ? y + (size_t)i * C : NULL;
    float *o = dx + (size_t)i * C;
    for (int c = 0; c < C; c++) {
      const float gc = r && !(r[c] > 0) ? 0.0f : g[c];
      o[c] = (gc - mb[c] - h[c] * mg[c]) * scale[c];
    }
  }
  free(mb);
  return 0;
}
