// N-API bindings of conv.c and batch-norm.c (batchNormTrain, batchNormTrainGrad, below): conv2d(x, w, y, shape), conv2dBackpropInput(dy, w, dx, shape),
// conv2dBackpropFilter(x, dy, dw, shape); shape an Int32Array of the 13 cn_conv_shape fields in
// order. Lengths are checked against the shape so a wrong call cannot touch memory it does not own.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdio.h>
#include "kernels.h"

static int typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len, const char *name) {
  bool is;
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is || napi_get_typedarray_info(env, v, &t, len, data, &ab, &off) != napi_ok ||
      t != want) {
    char msg[128];
    snprintf(msg, sizeof msg, "contrastive-native: %s must be a%s", name, want == napi_float32_array ? " Float32Array" : "n Int32Array");
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

/* which: 0 forward (a = x, b = w, out = y), 1 input gradient (a = dy, b = w, out = dx),
   2 filter gradient (a = x, b = dy, out = dw). */
static napi_value conv_call(napi_env env, napi_callback_info info, int which, const char *name) {
  size_t argc = 4;
  napi_value a[4];
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok || argc < 4) {
    char msg[128];
    snprintf(msg, sizeof msg, "contrastive-native: %s takes 4 arguments", name);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  float *pa, *pb, *po;
  int32_t *dims;
  size_t la, lb, lo, ld;
  if (!typed(env, a[0], napi_float32_array, (void **)&pa, &la, "a") || !typed(env, a[1], napi_float32_array, (void **)&pb, &lb, "b") ||
      !typed(env, a[2], napi_float32_array, (void **)&po, &lo, "out") || !typed(env, a[3], napi_int32_array, (void **)&dims, &ld, "shape"))
    return NULL;
  if (ld != 13) {
    napi_throw_range_error(env, NULL, "contrastive-native: conv shape must have 13 entries");
    return NULL;
  }
  cn_conv_shape s = {dims[0], dims[1], dims[2], dims[3], dims[4], dims[5], dims[6], dims[7], dims[8], dims[9], dims[10], dims[11], dims[12]};
  for (int i = 0; i < 13; i++)
    if (dims[i] < 0 || (i >= 7 && i <= 10 && dims[i] < 1)) {
      napi_throw_range_error(env, NULL, "contrastive-native: conv shape has a negative size or a kernel/stride below 1");
      return NULL;
    }
  const size_t nx = (size_t)s.batch * s.inH * s.inW * s.inC, nw = (size_t)s.kH * s.kW * s.inC * s.outC,
               ny = (size_t)s.batch * s.outH * s.outW * s.outC;
  const size_t want[3][3] = {{nx, nw, ny}, {ny, nw, nx}, {nx, ny, nw}};
  if (la != want[which][0] || lb != want[which][1] || lo != want[which][2]) {
    napi_throw_range_error(env, NULL, "contrastive-native: conv array lengths do not match the shape");
    return NULL;
  }
  const int rc = which == 0 ? cn_conv2d(&s, pa, pb, po) : which == 1 ? cn_conv2d_backprop_input(&s, pa, pb, po) : cn_conv2d_backprop_filter(&s, pa, pb, po);
  if (rc != 0) napi_throw_error(env, NULL, "contrastive-native: conv scratch allocation failed");
  return NULL;
}

static napi_value js_conv2d(napi_env env, napi_callback_info info) { return conv_call(env, info, 0, "conv2d"); }
static napi_value js_conv2d_bi(napi_env env, napi_callback_info info) { return conv_call(env, info, 1, "conv2dBackpropInput"); }
static napi_value js_conv2d_bf(napi_env env, napi_callback_info info) { return conv_call(env, info, 2, "conv2dBackpropFilter"); }

/* batchNormTrain(x, gamma, beta, eps, relu, y, xhat, mean, var, invstd) and
   batchNormTrainGrad(dy, xhat, gamma, invstd, yOrNull, dx, dgamma, dbeta): rows [n, C], C = gamma's length. */
static napi_value js_bn_train(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value a[10];
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok || argc < 10) {
    napi_throw_type_error(env, NULL, "contrastive-native: batchNormTrain takes 10 arguments");
    return NULL;
  }
  float *p[8];
  size_t l[8];
  const int idx[8] = {0, 1, 2, 5, 6, 7, 8, 9};
  const char *names[8] = {"x", "gamma", "beta", "y", "xhat", "mean", "var", "invstd"};
  for (int i = 0; i < 8; i++)
    if (!typed(env, a[idx[i]], napi_float32_array, (void **)&p[i], &l[i], names[i])) return NULL;
  double eps = 0;
  bool relu = false;
  napi_get_value_double(env, a[3], &eps);
  napi_get_value_bool(env, a[4], &relu);
  const size_t C = l[1];
  if (C == 0 || l[0] % C != 0 || l[2] != C || l[3] != l[0] || l[4] != l[0] || l[5] != C || l[6] != C || l[7] != C) {
    napi_throw_range_error(env, NULL, "contrastive-native: batchNormTrain array lengths do not match [n, C]");
    return NULL;
  }
  if (cn_batch_norm_train(p[0], p[1], p[2], (int)(l[0] / C), (int)C, (float)eps, relu, p[3], p[4], p[5], p[6], p[7]) != 0)
    napi_throw_error(env, NULL, "contrastive-native: batchNormTrain scratch allocation failed");
  return NULL;
}

static napi_value js_bn_train_grad(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value a[8];
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok || argc < 8) {
    napi_throw_type_error(env, NULL, "contrastive-native: batchNormTrainGrad takes 8 arguments");
    return NULL;
  }
  float *p[8];
  size_t l[8];
  const char *names[8] = {"dy", "xhat", "gamma", "invstd", "y", "dx", "dgamma", "dbeta"};
  napi_valuetype yt;
  napi_typeof(env, a[4], &yt);
  const bool hasY = yt != napi_null && yt != napi_undefined;
  for (int i = 0; i < 8; i++) {
    if (i == 4 && !hasY) {
      p[4] = NULL;
      l[4] = 0;
      continue;
    }
    if (!typed(env, a[i], napi_float32_array, (void **)&p[i], &l[i], names[i])) return NULL;
  }
  const size_t C = l[2];
  if (C == 0 || l[0] % C != 0 || l[1] != l[0] || l[3] != C || (hasY && l[4] != l[0]) || l[5] != l[0] || l[6] != C || l[7] != C) {
    napi_throw_range_error(env, NULL, "contrastive-native: batchNormTrainGrad array lengths do not match [n, C]");
    return NULL;
  }
  if (cn_batch_norm_train_grad(p[0], p[1], p[2], p[3], p[4], (int)(l[0] / C), (int)C, p[5], p[6], p[7]) != 0)
    napi_throw_error(env, NULL, "contrastive-native: batchNormTrainGrad scratch allocation failed");
  return NULL;
}

/* cropAndResize(image, boxes, boxInd, out, dims, extrapolation): dims an Int32Array
   [batch, H, W, C, numBoxes, cropH, cropW]. */
static napi_value js_crop_and_resize(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value a[6];
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok || argc < 6) {
    napi_throw_type_error(env, NULL, "contrastive-native: cropAndResize takes 6 arguments");
    return NULL;
  }
  float *image, *boxes, *out;
  int32_t *ind, *d;
  size_t li, lb, lo, ln, ld;
  if (!typed(env, a[0], napi_float32_array, (void **)&image, &li, "image") || !typed(env, a[1], napi_float32_array, (void **)&boxes, &lb, "boxes") ||
      !typed(env, a[2], napi_int32_array, (void **)&ind, &ln, "boxInd") || !typed(env, a[3], napi_float32_array, (void **)&out, &lo, "out") ||
      !typed(env, a[4], napi_int32_array, (void **)&d, &ld, "dims"))
    return NULL;
  double ext = 0;
  napi_get_value_double(env, a[5], &ext);
  int ok = ld == 7;
  for (size_t i = 0; ok && i < 7; i++) ok = d[i] >= 0;
  ok = ok && li == (size_t)d[0] * d[1] * d[2] * d[3] && lb == 4 * (size_t)d[4] && ln == (size_t)d[4] &&
       lo == (size_t)d[4] * d[5] * d[6] * d[3];
  for (size_t i = 0; ok && i < ln; i++) ok = ind[i] >= 0 && ind[i] < d[0];
  if (!ok) {
    napi_throw_range_error(env, NULL, "contrastive-native: cropAndResize array lengths or box indices do not match the dims");
    return NULL;
  }
  cn_crop_and_resize(image, boxes, ind, d[0], d[1], d[2], d[3], d[4], d[5], d[6], (float)ext, out);
  return NULL;
}

void cn_register_conv(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"conv2d", NULL, js_conv2d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropInput", NULL, js_conv2d_bi, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropFilter", NULL, js_conv2d_bf, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNormTrain", NULL, js_bn_train, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNormTrainGrad", NULL, js_bn_train_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"cropAndResize", NULL, js_crop_and_resize, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
