// One whole SGD step of the fused feature-decoupling loss. Compiled with -ffp-contract=off: the
// update and the row renormalisation round exactly as the tfjs ops they replace
// (tf.sub(W, tf.mul(g, lr)), then tf.div(W, tf.maximum(tf.sqrt(tf.sum(tf.square(W), 1, true)), 1e-12))),
// so a run gives the same bits with or without this kernel.
#include <math.h>
#include "kernels.h"

double cn_symmetric_relu_infonce_sgd(const float *x1, const float *x2, const float *w, int B, int d1, int m,
                                     float threshold, float tau, float lr, int renorm, int acc64, float *w_out) {
  const size_t n = (size_t)m * d1;
  float *g = cn_grad_scratch(n);
  if (!g) return NAN;
  const double loss = cn_symmetric_relu_infonce(x1, x2, w, B, d1, m, threshold, tau, g);
  if (!isfinite(loss)) return loss; /* the caller leaves W as it was */
  for (size_t i = 0; i < n; i++) w_out[i] = w[i] - g[i] * lr;
  if (!renorm) return loss;
  const float eps = 1e-12f;
  for (int r = 0; r < m; r++) {
    float *row = w_out + (size_t)r * d1;
    float sum;
    if (acc64) { /* tfjs-backend-cpu's Sum: a double accumulator over the float32 squares */
      double s = 0;
      for (int j = 0; j < d1; j++) s += (double)(row[j] * row[j]);
      sum = (float)s;
    } else { /* tfjs-backend-wasm's Sum: a float32 accumulator, left to right */
      float s = 0;
      for (int j = 0; j < d1; j++) s += row[j] * row[j];
      sum = s;
    }
    const float norm = sqrtf(sum);
    const float den = norm > eps ? norm : eps;
    for (int j = 0; j < d1; j++) row[j] = row[j] / den;
  }
  return loss;
}
