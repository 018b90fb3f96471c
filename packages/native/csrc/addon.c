// N-API bindings. Argument checking with messages naming the argument lives in the TypeScript
// wrapper (src/); these checks only keep a wrong call from touching memory it does not own.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdio.h>
#include "kernels.h"

void cn_register_conv(napi_env env, napi_value exports); /* conv-addon.c */

#define CALL(env, x)                                       \
  do {                                                     \
    if ((x) != napi_ok) {                                  \
      napi_throw_error(env, NULL, "contrastive-native: " #x " failed"); \
      return NULL;                                         \
    }                                                      \
  } while (0)

static int get_f32(napi_env env, napi_value v, float **data, size_t *len, const char *name) {
  bool is;
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  void *p;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &t, len, &p, &ab, &off) != napi_ok || t != napi_float32_array) {
    char msg[128];
    snprintf(msg, sizeof msg, "contrastive-native: %s must be a Float32Array", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  *data = p;
  return 1;
}

static double get_num(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return d;
}

/* Reads exactly `n` arguments into a, or throws naming the function. */
static int get_args(napi_env env, napi_callback_info info, size_t n, napi_value *a, const char *name) {
  size_t argc = n;
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok || argc < n) {
    char msg[128];
    snprintf(msg, sizeof msg, "contrastive-native: %s takes %zu arguments", name, n);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

/* sgemm(transA, transB, M, N, K, alpha, A, B, beta, C): dense row-major, C [M×N]. */
static napi_value js_sgemm(napi_env env, napi_callback_info info) {
  napi_value a[10];
  if (!get_args(env, info, 10, a, "sgemm")) return NULL;
  const int tA = (int)get_num(env, a[0]), tB = (int)get_num(env, a[1]);
  const int M = (int)get_num(env, a[2]), N = (int)get_num(env, a[3]), K = (int)get_num(env, a[4]);
  float *A, *B, *C;
  size_t la, lb, lc;
  if (!get_f32(env, a[6], &A, &la, "A") || !get_f32(env, a[7], &B, &lb, "B") || !get_f32(env, a[9], &C, &lc, "C")) return NULL;
  if (M < 0 || N < 0 || K < 0 || la < (size_t)M * K || lb < (size_t)K * N || lc < (size_t)M * N) {
    napi_throw_range_error(env, NULL, "contrastive-native: sgemm array shorter than its shape");
    return NULL;
  }
  cn_sgemm(tA, tB, M, N, K, (float)get_num(env, a[5]), A, tA ? M : K, B, tB ? K : N, (float)get_num(env, a[8]), C, N);
  return NULL;
}

/* symmetricReluInfoNCE(x1, x2, w, B, d1, m, threshold, tau, dW) → loss */
static napi_value js_sr_infonce(napi_env env, napi_callback_info info) {
  napi_value a[9];
  if (!get_args(env, info, 9, a, "symmetricReluInfoNCE")) return NULL;
  float *x1, *x2, *w, *dW;
  size_t l1, l2, lw, ld;
  if (!get_f32(env, a[0], &x1, &l1, "x1") || !get_f32(env, a[1], &x2, &l2, "x2") || !get_f32(env, a[2], &w, &lw, "w") ||
      !get_f32(env, a[8], &dW, &ld, "dW"))
    return NULL;
  const int B = (int)get_num(env, a[3]), d1 = (int)get_num(env, a[4]), m = (int)get_num(env, a[5]);
  if (B < 1 || d1 < 1 || m < 1 || l1 != (size_t)B * d1 || l2 != (size_t)B * d1 || lw != (size_t)m * d1 || ld != (size_t)m * d1) {
    napi_throw_range_error(env, NULL, "contrastive-native: symmetricReluInfoNCE array lengths do not match B, d1, m");
    return NULL;
  }
  const double loss = cn_symmetric_relu_infonce(x1, x2, w, B, d1, m, (float)get_num(env, a[6]), (float)get_num(env, a[7]), dW);
  napi_value out;
  CALL(env, napi_create_double(env, loss, &out));
  return out;
}

/* symmetricReluInfoNCESgd(x1, x2, w, B, d1, m, threshold, tau, lr, renorm, acc64, wOut) → loss */
static napi_value js_sr_infonce_sgd(napi_env env, napi_callback_info info) {
  napi_value a[12];
  if (!get_args(env, info, 12, a, "symmetricReluInfoNCESgd")) return NULL;
  float *x1, *x2, *w, *wo;
  size_t l1, l2, lw, lo;
  if (!get_f32(env, a[0], &x1, &l1, "x1") || !get_f32(env, a[1], &x2, &l2, "x2") || !get_f32(env, a[2], &w, &lw, "w") ||
      !get_f32(env, a[11], &wo, &lo, "wOut"))
    return NULL;
  const int B = (int)get_num(env, a[3]), d1 = (int)get_num(env, a[4]), m = (int)get_num(env, a[5]);
  if (B < 1 || d1 < 1 || m < 1 || l1 != (size_t)B * d1 || l2 != (size_t)B * d1 || lw != (size_t)m * d1 || lo != (size_t)m * d1) {
    napi_throw_range_error(env, NULL, "contrastive-native: symmetricReluInfoNCESgd array lengths do not match B, d1, m");
    return NULL;
  }
  if (wo + lo > w && w + lw > wo) {
    napi_throw_range_error(env, NULL, "contrastive-native: symmetricReluInfoNCESgd wOut overlaps w");
    return NULL;
  }
  const double loss = cn_symmetric_relu_infonce_sgd(x1, x2, w, B, d1, m, (float)get_num(env, a[6]), (float)get_num(env, a[7]),
                                                    (float)get_num(env, a[8]), get_num(env, a[9]) != 0, get_num(env, a[10]) != 0, wo);
  napi_value out;
  CALL(env, napi_create_double(env, loss, &out));
  return out;
}

/* sparseCodingSample(state, B, d, d1, k, half, full, noiseStd, denseStd, mT, hT | null, z, noise, dense, x) */
static napi_value js_sparse_coding_sample(napi_env env, napi_callback_info info) {
  napi_value a[15];
  if (!get_args(env, info, 15, a, "sparseCodingSample")) return NULL;
  bool is;
  napi_typedarray_type t;
  size_t ls, lm, lh = 0, lz, ln, ldn, lx, off;
  void *sp;
  napi_value ab;
  if (napi_is_typedarray(env, a[0], &is) != napi_ok || !is || napi_get_typedarray_info(env, a[0], &t, &ls, &sp, &ab, &off) != napi_ok ||
      t != napi_uint32_array || ls != 4) {
    napi_throw_type_error(env, NULL, "contrastive-native: state must be a Uint32Array of 4 words");
    return NULL;
  }
  const int B = (int)get_num(env, a[1]), d = (int)get_num(env, a[2]), d1 = (int)get_num(env, a[3]), k = (int)get_num(env, a[4]);
  float *mT, *hT = NULL, *z, *noise, *dense, *x;
  napi_valuetype vt;
  if (!get_f32(env, a[9], &mT, &lm, "mT")) return NULL;
  napi_typeof(env, a[10], &vt);
  if (vt != napi_null && !get_f32(env, a[10], &hT, &lh, "hT")) return NULL;
  if (!get_f32(env, a[11], &z, &lz, "z") || !get_f32(env, a[12], &noise, &ln, "noise") || !get_f32(env, a[13], &dense, &ldn, "dense") ||
      !get_f32(env, a[14], &x, &lx, "x"))
    return NULL;
  const size_t n = (size_t)B * d1;
  if (B < 1 || d < 1 || d1 < 1 || k < 0 || lm != (size_t)d * d1 || (k > 0 && (!hT || lh != (size_t)k * d1)) || lz != (size_t)B * d ||
      ln != n || ldn != n || lx != n) {
    napi_throw_range_error(env, NULL, "contrastive-native: sparseCodingSample array lengths do not match B, d, d1, k");
    return NULL;
  }
  if (cn_sparse_coding_sample((uint32_t *)sp, B, d, d1, k, get_num(env, a[5]), get_num(env, a[6]), get_num(env, a[7]), get_num(env, a[8]), mT,
                              hT, z, noise, dense, x) != 0) {
    napi_throw_error(env, NULL, "contrastive-native: sparseCodingSample could not allocate its scratch");
    return NULL;
  }
  return NULL;
}

/* supCon(C, K, D, nA, B, mask | null, labels | null, tau, scale, variantIn, dC) → loss */
static napi_value js_supcon(napi_env env, napi_callback_info info) {
  napi_value a[11];
  if (!get_args(env, info, 11, a, "supCon")) return NULL;
  float *C, *dC, *mask = NULL;
  double *labels = NULL;
  size_t lc, ld, lm = 0, ll = 0;
  if (!get_f32(env, a[0], &C, &lc, "C") || !get_f32(env, a[10], &dC, &ld, "dC")) return NULL;
  napi_valuetype t;
  CALL(env, napi_typeof(env, a[5], &t));
  if (t != napi_null && t != napi_undefined && !get_f32(env, a[5], &mask, &lm, "mask")) return NULL;
  CALL(env, napi_typeof(env, a[6], &t));
  if (t != napi_null && t != napi_undefined) {
    bool is;
    napi_typedarray_type tt;
    napi_value ab;
    size_t off;
    void *p;
    if (napi_is_typedarray(env, a[6], &is) != napi_ok || !is || napi_get_typedarray_info(env, a[6], &tt, &ll, &p, &ab, &off) != napi_ok ||
        tt != napi_float64_array) {
      napi_throw_type_error(env, NULL, "contrastive-native: labels must be a Float64Array");
      return NULL;
    }
    labels = p;
  }
  const int K = (int)get_num(env, a[1]), D = (int)get_num(env, a[2]), nA = (int)get_num(env, a[3]), B = (int)get_num(env, a[4]);
  if (B < 1 || D < 1 || K < 2 || K % B != 0 || nA < 1 || nA > K || nA % B != 0 || lc != (size_t)K * D || ld != lc ||
      (mask && lm != (size_t)B * B) || (labels && ll != (size_t)B)) {
    napi_throw_range_error(env, NULL, "contrastive-native: supCon array lengths do not match K, D, nA, B");
    return NULL;
  }
  const double loss = cn_supcon(C, K, D, nA, B, mask, labels, (float)get_num(env, a[7]), (float)get_num(env, a[8]),
                                get_num(env, a[9]) != 0, dC);
  napi_value out;
  CALL(env, napi_create_double(env, loss, &out));
  return out;
}

/* Shared argument handling of the two fills: state (4 words) and a float32/float64 out. */
static int rng_args(napi_env env, napi_callback_info info, const char *name, uint32_t **state, void **out,
                    size_t *n, int *is_f64, double *p0, double *p1) {
  size_t argc = 4;
  napi_value a[4];
  napi_typedarray_type ts, to;
  size_t ls, off;
  void *ps;
  napi_value ab;
  bool is_s = false, is_o = false;
  char msg[160];
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok || argc < 3 ||
      napi_is_typedarray(env, a[0], &is_s) != napi_ok || !is_s || napi_is_typedarray(env, a[1], &is_o) != napi_ok || !is_o) {
    snprintf(msg, sizeof msg, "contrastive-native: %s(state, out, ...) needs typed arrays", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  napi_get_typedarray_info(env, a[0], &ts, &ls, &ps, &ab, &off);
  napi_get_typedarray_info(env, a[1], &to, n, out, &ab, &off);
  if ((ts != napi_uint32_array && ts != napi_int32_array) || ls != 4) {
    snprintf(msg, sizeof msg, "contrastive-native: %s state must be a Uint32Array of 4 words", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  if (to != napi_float32_array && to != napi_float64_array) {
    snprintf(msg, sizeof msg, "contrastive-native: %s out must be a Float32Array or Float64Array", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  *state = ps;
  *is_f64 = to == napi_float64_array;
  *p0 = get_num(env, a[2]);
  *p1 = argc > 3 ? get_num(env, a[3]) : 0;
  return 1;
}

/* fillNormal(state Uint32Array(4), out Float32Array | Float64Array, mean, std) */
static napi_value js_fill_normal(napi_env env, napi_callback_info info) {
  uint32_t *s;
  void *out;
  size_t n;
  int f64;
  double mean, std;
  if (!rng_args(env, info, "fillNormal", &s, &out, &n, &f64, &mean, &std)) return NULL;
  if (f64) cn_fill_normal_f64(s, out, n, mean, std);
  else cn_fill_normal_f32(s, out, n, mean, std);
  return NULL;
}

/* fillBernoulli(state Uint32Array(4), out Float32Array | Float64Array, p) */
static napi_value js_fill_bernoulli(napi_env env, napi_callback_info info) {
  uint32_t *s;
  void *out;
  size_t n;
  int f64;
  double p, unused;
  if (!rng_args(env, info, "fillBernoulli", &s, &out, &n, &f64, &p, &unused)) return NULL;
  if (f64) cn_fill_bernoulli_f64(s, out, n, p);
  else cn_fill_bernoulli_f32(s, out, n, p);
  return NULL;
}

/* exp(x, y): y = e^x, equal lengths */
static napi_value js_exp(napi_env env, napi_callback_info info) {
  napi_value a[2];
  float *x, *y;
  size_t lx, ly;
  if (!get_args(env, info, 2, a, "exp") || !get_f32(env, a[0], &x, &lx, "x") || !get_f32(env, a[1], &y, &ly, "y")) return NULL;
  if (lx != ly) {
    napi_throw_range_error(env, NULL, "contrastive-native: exp arrays differ in length");
    return NULL;
  }
  cn_exp_f32(x, y, lx);
  return NULL;
}

/* transpose(x, y, batch, rows, cols) */
static napi_value js_transpose(napi_env env, napi_callback_info info) {
  napi_value a[5];
  float *x, *y;
  size_t lx, ly;
  if (!get_args(env, info, 5, a, "transpose") || !get_f32(env, a[0], &x, &lx, "x") || !get_f32(env, a[1], &y, &ly, "y")) return NULL;
  const int batch = (int)get_num(env, a[2]), rows = (int)get_num(env, a[3]), cols = (int)get_num(env, a[4]);
  if (batch < 0 || rows < 0 || cols < 0 || lx != (size_t)batch * rows * cols || ly != lx) {
    napi_throw_range_error(env, NULL, "contrastive-native: transpose array lengths do not match batch·rows·cols");
    return NULL;
  }
  cn_transpose_f32(x, y, batch, rows, cols);
  return NULL;
}

static napi_value js_log(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1], out;
  CALL(env, napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  CALL(env, napi_create_double(env, cn_log(get_num(env, a[0])), &out));
  return out;
}

static void free_scratch(void *unused) {
  (void)unused;
  cn_free_scratch();
  cn_supcon_free_scratch();
}

/* Which of the ISA variants scripts/build-addon.mjs compiles this CPU can run: the exact feature
   sets of their -m flags (the loader reads them from the portable baseline build, then loads the
   best variant). Non-x86 builds have one variant, so both are false there. */
static void set_cpu(napi_env env, napi_value exports) {
  bool avx2 = false, avx512 = false;
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd");
#endif
  napi_value cpu, a, b;
  napi_create_object(env, &cpu);
  napi_get_boolean(env, avx2, &a);
  napi_get_boolean(env, avx512, &b);
  napi_set_named_property(env, cpu, "avx2", a);
  napi_set_named_property(env, cpu, "avx512", b);
  napi_set_named_property(env, exports, "cpu", cpu);
}

NAPI_MODULE_INIT() {
  /* Each worker thread has its own environment and scratch; free it when the thread goes away. */
  napi_add_env_cleanup_hook(env, free_scratch, NULL);
  napi_property_descriptor props[] = {
      {"sgemm", NULL, js_sgemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"symmetricReluInfoNCE", NULL, js_sr_infonce, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fillNormal", NULL, js_fill_normal, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fillBernoulli", NULL, js_fill_bernoulli, NULL, NULL, NULL, napi_enumerable, NULL},
      {"exp", NULL, js_exp, NULL, NULL, NULL, napi_enumerable, NULL},
      {"transpose", NULL, js_transpose, NULL, NULL, NULL, napi_enumerable, NULL},
      {"symmetricReluInfoNCESgd", NULL, js_sr_infonce_sgd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sparseCodingSample", NULL, js_sparse_coding_sample, NULL, NULL, NULL, napi_enumerable, NULL},
      {"supCon", NULL, js_supcon, NULL, NULL, NULL, napi_enumerable, NULL},
      {"log", NULL, js_log, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_value simd;
  napi_create_string_utf8(env, cn_simd(), NAPI_AUTO_LENGTH, &simd);
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_set_named_property(env, exports, "simd", simd);
  set_cpu(env, exports);
  cn_register_conv(env, exports);
  return exports;
}
