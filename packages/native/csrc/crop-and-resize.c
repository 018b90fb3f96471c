// Bilinear crop-and-resize (TensorFlow's CropAndResize, NHWC float32), the kernel behind
// @contrastive/augment's random resized crop and horizontal flip: the same formula as
// tfjs-backend-wasm's CropAndResize.cc, without its per-pixel overheads.
#include <math.h>
#include "kernels.h"

void cn_crop_and_resize(const float *image, const float *boxes, const int32_t *boxInd, int batch, int H, int W, int C, int numBoxes,
                        int cropH, int cropW, float extrapolation, float *out) {
  (void)batch;
  for (int b = 0; b < numBoxes; b++) {
    const float y1 = boxes[4 * b], x1 = boxes[4 * b + 1], y2 = boxes[4 * b + 2], x2 = boxes[4 * b + 3];
    const float *img = image + (size_t)boxInd[b] * H * W * C;
    float *dst = out + (size_t)b * cropH * cropW * C;
    const float hs = cropH > 1 ? (y2 - y1) * (H - 1) / (cropH - 1) : 0;
    const float ws = cropW > 1 ? (x2 - x1) * (W - 1) / (cropW - 1) : 0;
    for (int y = 0; y < cropH; y++) {
      const float iy = cropH > 1 ? y1 * (H - 1) + y * hs : 0.5f * (y1 + y2) * (H - 1);
      float *row = dst + (size_t)y * cropW * C;
      if (iy < 0 || iy > H - 1) {
        for (int i = 0; i < cropW * C; i++) row[i] = extrapolation;
        continue;
      }
      const int top = (int)floorf(iy), bottom = (int)ceilf(iy);
      const float yl = iy - top;
      const float *rt = img + (size_t)top * W * C, *rb = img + (size_t)bottom * W * C;
      for (int x = 0; x < cropW; x++) {
        const float ix = cropW > 1 ? x1 * (W - 1) + x * ws : 0.5f * (x1 + x2) * (W - 1);
        float *px = row + (size_t)x * C;
        if (ix < 0 || ix > W - 1) {
          for (int c = 0; c < C; c++) px[c] = extrapolation;
          continue;
        }
        const int left = (int)floorf(ix), right = (int)ceilf(ix);
        const float xl = ix - left;
        for (int c = 0; c < C; c++) {
          const float tl = rt[(size_t)left * C + c], tr = rt[(size_t)right * C + c];
          const float bl = rb[(size_t)left * C + c], br = rb[(size_t)right * C + c];
          const float t = tl + (tr - tl) * xl, bt = bl + (br - bl) * xl;
          px[c] = t + (bt - t) * yl;
        }
      }
    }
  }
}
