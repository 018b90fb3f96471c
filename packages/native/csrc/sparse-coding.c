// One batch of @contrastive/data's sparseCoding model in one call. Compiled with -ffp-contract=off:
// the sums round exactly as the tfjs adds they replace, and the products go through the same
// cn_sgemm calls as the native BatchMatMul behind tf.matMul on wasm, so a batch has the same bits.
#include <string.h>
#include "kernels.h"

int cn_sparse_coding_sample(uint32_t *state, int B, int d, int d1, int k, double half, double full, double noise_std,
                            double dense_std, const float *mT, const float *hT, float *z, float *noise, float *dense,
                            float *x) {
  const size_t n = (size_t)B * d1;
  float *zeta = NULL;
  if (k > 0 && !(zeta = cn_sample_scratch((size_t)B * k))) return -1;
  /* the stream order of sample(): z, then ξ, then ζ */
  cn_fill_sparse_signs_f32(state, z, (size_t)B * d, half, full);
  cn_fill_normal_f32(state, noise, n, 0.0, noise_std);
  if (k > 0) {
    cn_fill_normal_f32(state, zeta, (size_t)B * k, 0.0, dense_std);
    cn_sgemm(0, 0, B, d1, k, 1.0f, zeta, k, hT, d1, 0.0f, dense, d1); /* tf.matMul(zeta, hT) */
  } else {
    memset(dense, 0, n * sizeof(float));
  }
  cn_sgemm(0, 0, B, d1, d, 1.0f, z, d, mT, d1, 0.0f, x, d1); /* tf.matMul(z, mT) */
  for (size_t i = 0; i < n; i++) x[i] = x[i] + noise[i];
  if (k > 0)
    for (size_t i = 0; i < n; i++) x[i] = x[i] + dense[i];
  return 0;
}
