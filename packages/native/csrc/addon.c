// N-API bindings. Argument checking with messages naming the argument lives in the TypeScript
// wrapper (src/); these checks only keep a wrong call from touching memory it does not own.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdio.h>
#include "kernels.h"

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

/* sgemm(transA, transB, M, N, K, alpha, A, B, beta, C): dense row-major, C [M×N]. */
static napi_value js_sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value a[10];
  CALL(env, napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  if (argc < 10) {
    napi_throw_type_error(env, NULL, "contrastive-native: sgemm takes 10 arguments");
    return NULL;
  }
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
  size_t argc = 9;
  napi_value a[9];
  CALL(env, napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  if (argc < 9) {
    napi_throw_type_error(env, NULL, "contrastive-native: symmetricReluInfoNCE takes 9 arguments");
    return NULL;
  }
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

/* fillNormal(state Uint32Array(4), out Float32Array | Float64Array, mean, std) */
static napi_value js_fill_normal(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value a[4];
  CALL(env, napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  napi_typedarray_type ts, to;
  size_t ls, lo, off;
  void *ps, *po;
  napi_value ab;
  bool is_s = false, is_o = false;
  if (argc < 4 || napi_is_typedarray(env, a[0], &is_s) != napi_ok || !is_s ||
      napi_is_typedarray(env, a[1], &is_o) != napi_ok || !is_o) {
    napi_throw_type_error(env, NULL, "contrastive-native: fillNormal(state, out, mean, std) needs typed arrays");
    return NULL;
  }
  CALL(env, napi_get_typedarray_info(env, a[0], &ts, &ls, &ps, &ab, &off));
  CALL(env, napi_get_typedarray_info(env, a[1], &to, &lo, &po, &ab, &off));
  if ((ts != napi_uint32_array && ts != napi_int32_array) || ls != 4) {
    napi_throw_type_error(env, NULL, "contrastive-native: fillNormal state must be a Uint32Array of 4 words");
    return NULL;
  }
  const double mean = get_num(env, a[2]), std = get_num(env, a[3]);
  if (to == napi_float32_array) cn_fill_normal_f32(ps, po, lo, mean, std);
  else if (to == napi_float64_array) cn_fill_normal_f64(ps, po, lo, mean, std);
  else {
    napi_throw_type_error(env, NULL, "contrastive-native: fillNormal out must be a Float32Array or Float64Array");
    return NULL;
  }
  return NULL;
}

static napi_value js_log(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1], out;
  CALL(env, napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  CALL(env, napi_create_double(env, cn_log(get_num(env, a[0])), &out));
  return out;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"sgemm", NULL, js_sgemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"symmetricReluInfoNCE", NULL, js_sr_infonce, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fillNormal", NULL, js_fill_normal, NULL, NULL, NULL, napi_enumerable, NULL},
      {"log", NULL, js_log, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_value simd;
  napi_create_string_utf8(env, cn_simd(), NAPI_AUTO_LENGTH, &simd);
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_set_named_property(env, exports, "simd", simd);
  return exports;
}
