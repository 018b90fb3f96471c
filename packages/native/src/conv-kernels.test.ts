import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createRng } from '@contrastive/core';
import { expectClose, expectNoLeak, useBackend } from '@contrastive/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeInfo } from './load';
import { restoreWasmKernels, useNativeWasmKernels } from './wasm-kernels';

const randn = (seed: string, n: number) => createRng(seed).fillNormal(new Float32Array(n));

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(() => restoreWasmKernels());

interface Case {
  x: [number, number, number, number];
  k: [number, number];
  cout: number;
  stride: [number, number];
  pad: 'valid' | 'same' | number;
}

/**
 * Float64 direct sums of the definition (no im2col, no GEMM): y[b,i,j,o] = Σ x[b, s·i − pt + p,
 * s·j − pl + q, c]·W[p, q, c, o] with zero padding; for L = Σ y ⊙ g, dx and dW are the same sums
 * with g in place of y. Padding top/left as tfjs's computeConv2DInfo (TF's 'same' puts the odd
 * extra row at the bottom).
 */
function reference(c: Case, x: Float32Array, w: Float32Array, g: Float32Array) {
  const [B, H, W, C] = c.x;
  const [KH, KW] = c.k;
  const info = tf.backend_util.computeConv2DInfo(c.x, [KH, KW, C, c.cout], c.stride, 1, c.pad);
  const [OH, OW, O] = [info.outHeight, info.outWidth, c.cout];
  const y = new Float64Array(B * OH * OW * O);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++)
        for (let p = 0; p < KH; p++)
          for (let q = 0; q < KW; q++) {
            const ih = i * c.stride[0] - info.padInfo.top + p;
            const iw = j * c.stride[1] - info.padInfo.left + q;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            for (let ch = 0; ch < C; ch++) {
              const xi = ((b * H + ih) * W + iw) * C + ch;
              for (let o = 0; o < O; o++) {
                const yi = ((b * OH + i) * OW + j) * O + o;
                const wi = ((p * KW + q) * C + ch) * O + o;
                y[yi]! += x[xi]! * w[wi]!;
                dx[xi]! += g[yi]! * w[wi]!;
                dw[wi]! += g[yi]! * x[xi]!;
              }
            }
          }
  return { y, dx, dw, outShape: [B, OH, OW, O] };
}

const CASES: Case[] = [
  { x: [4, 28, 28, 1], k: [3, 3], cout: 16, stride: [1, 1], pad: 1 }, // issue 12's first block (half width)
  { x: [3, 28, 28, 16], k: [3, 3], cout: 32, stride: [2, 2], pad: 1 }, // its second
  { x: [3, 14, 14, 32], k: [3, 3], cout: 64, stride: [2, 2], pad: 1 }, // its third
  { x: [2, 9, 7, 3], k: [5, 3], cout: 4, stride: [2, 3], pad: 'same' }, // odd sizes, asymmetric 'same' padding
  { x: [2, 8, 8, 5], k: [3, 3], cout: 6, stride: [1, 1], pad: 'valid' },
  { x: [1, 5, 5, 2], k: [1, 1], cout: 3, stride: [1, 1], pad: 0 },
  { x: [3, 64, 64, 32], k: [3, 3], cout: 2, stride: [1, 1], pad: 1 }, // > 1 M column entries per image: one chunk per image
  { x: [37, 6, 6, 7], k: [3, 3], cout: 9, stride: [1, 1], pad: 2 }, // padding wider than the kernel's reach, many images
];

describe.runIf(nativeInfo().available)('native Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter on wasm', () => {
  it('registers the three conv kernels (the filter gradient is new on wasm)', () => {
    restoreWasmKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(useNativeWasmKernels()).toEqual(expect.arrayContaining(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']));
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it.each(CASES)('equals float64 direct sums: y, dx and dW for x %j', (c) => {
    useNativeWasmKernels();
    const [B, H, W, C] = c.x;
    const xs = randn(`x${c.x}`, B * H * W * C);
    const ws = randn(`w${c.k}${c.cout}`, c.k[0] * c.k[1] * C * c.cout);
    const ref0 = reference(c, xs, ws, new Float32Array(0));
    const gs = randn('g', ref0.y.length);
    const ref = reference(c, xs, ws, gs);
    const x = tf.tensor4d(xs, c.x);
    const w = tf.tensor4d(ws, [c.k[0], c.k[1], C, c.cout]);
    const g = tf.tensor4d(gs, ref.outShape as [number, number, number, number]);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), g));
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const [dx, dw] = tf.grads(f)([x, w]);
    expect(y.shape).toEqual(ref.outShape);
    const tol = { atol: 2e-5 * Math.sqrt(c.k[0] * c.k[1] * C), rtol: 1e-5 };
    expectClose(y.dataSync(), ref.y, tol);
    expectClose(dx!.dataSync(), ref.dx, { ...tol, atol: tol.atol * Math.sqrt(c.cout) });
    expectClose(dw!.dataSync(), ref.dw, { ...tol, atol: 2e-5 * Math.sqrt(B * ref.outShape[1]! * ref.outShape[2]!) });
    tf.dispose([x, w, g, y, dx!, dw!]);
  });

  it("equals tfjs's own wasm Conv2D and Conv2DBackpropInput, and its composed filter gradient", () => {
    const c = CASES[1]!;
    const x = tf.tensor4d(randn('tx', tf.util.sizeFromShape(c.x)), c.x);
    const w = tf.tensor4d(randn('tw', 9 * 16 * 32), [3, 3, 16, 32]);
    const run = () =>
      tf.tidy(() => {
        const y = tf.conv2d(x, w, 2, 1);
        const dx = tf.conv2dTranspose(y, w, c.x, 2, 1); // Conv2DBackpropInput
        return tf.concat([tf.reshape(y, [-1]), tf.reshape(dx, [-1])]);
      });
    restoreWasmKernels();
    const ref = run();
    useNativeWasmKernels();
    const got = run();
    expectClose(got.dataSync(), ref.dataSync(), { atol: 1e-4, rtol: 1e-5 });
    tf.dispose([x, w, ref, got]);
  });

  it('falls back to tfjs for what it does not handle (dilation 2) and names it for the filter gradient (which has no tfjs kernel)', () => {
    useNativeWasmKernels();
    const x = tf.tensor4d(randn('dx', 2 * 7 * 7 * 2), [2, 7, 7, 2]);
    const w = tf.tensor4d(randn('dw', 3 * 3 * 2 * 3), [3, 3, 2, 3]);
    const dilated = tf.conv2d(x, w, 1, 'same', 'NHWC', 2);
    restoreWasmKernels();
    const ref = tf.conv2d(x, w, 1, 'same', 'NHWC', 2);
    expectClose(dilated.dataSync(), ref.dataSync(), { atol: 1e-5 });
    useNativeWasmKernels();
    // tf.grad refuses dilated convolutions itself; the kernel, called directly, names its limits.
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dilated }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
        dilations: 2,
        filterShape: [3, 3, 2, 3],
      } as never),
    ).toThrow(/Conv2DBackpropFilter .*only float32 NHWC with dilation 1/);
    tf.dispose([x, w, dilated, ref]);
  });

  it('keeps the tensor count flat', async () => {
    useNativeWasmKernels();
    const x = tf.tensor4d(randn('lx', 2 * 8 * 8 * 3), [2, 8, 8, 3]);
    const w = tf.tensor4d(randn('lw', 27 * 4), [3, 3, 3, 4]);
    await expectNoLeak(() =>
      tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 1)))([x, w])),
    );
    tf.dispose([x, w]);
  });
});

describe.runIf(nativeInfo().available)('native fused batch norm (training mode) on wasm', () => {
  /** y = γ·(x − μ)/√(σ² + ε) + β by tfjs's own composed ops; autodiff gives the reference gradient. */
  const composed = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number) => {
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g), b);
  };

  it.each([[[64, 7, 7, 5]], [[3, 28, 28, 16]], [[10, 3]]])('forward, statistics and gradients equal the composed ops for x %j', (shape) => {
    useNativeWasmKernels();
    const c = shape.at(-1)!;
    const x = tf.tensor(
      Float32Array.from(randn(`bx${shape}`, tf.util.sizeFromShape(shape)), (v) => 3 + 2 * v),
      shape,
    );
    const g = tf.tensor1d(randn('bg', c));
    const b = tf.tensor1d(randn('bb', c));
    const dy = tf.tensor(randn('bdy', tf.util.sizeFromShape(shape)), shape);
    const eps = 1e-5;
    const [y, xhat, mean, variance, invStd] = tf
      .engine()
      .runKernel('ContrastiveBatchNormTrain', { x, gamma: g, beta: b }, { eps } as never) as tf.Tensor[];
    const ref = composed(x, g, b, eps);
    const axes = Array.from({ length: shape.length - 1 }, (_, i) => i);
    const m = tf.moments(x, axes);
    expectClose(y!.dataSync(), ref.dataSync(), { atol: 2e-5, rtol: 1e-5 });
    expectClose(mean!.dataSync(), m.mean.dataSync(), { atol: 1e-5, rtol: 1e-5 });
    expectClose(variance!.dataSync(), m.variance.dataSync(), { atol: 1e-5, rtol: 1e-4 });
    const [dx, dg, db] = tf
      .engine()
      .runKernel('ContrastiveBatchNormTrainGrad', { dy, xhat: xhat!, gamma: g, invStd: invStd! }) as tf.Tensor[];
    const [rx, rg, rb] = tf.grads((a: tf.Tensor, p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(composed(a, p, q, eps), dy)))([x, g, b]);
    expectClose(dx!.dataSync(), rx!.dataSync(), { atol: 5e-5, rtol: 1e-4 });
    expectClose(dg!.dataSync(), rg!.dataSync(), { atol: 1e-3, rtol: 1e-4 });
    expectClose(db!.dataSync(), rb!.dataSync(), { atol: 1e-3, rtol: 1e-5 });
    tf.dispose([x, g, b, dy, y!, xhat!, mean!, variance!, invStd!, ref, m.mean, m.variance, dx!, dg!, db!, rx!, rg!, rb!]);
  });

  it('fuses a ReLU: max(0, ·) forward and the mask y > 0 in the gradient, as tf.relu after the composed ops', () => {
    useNativeWasmKernels();
    const shape = [16, 5, 5, 6];
    const x = tf.tensor(randn('rx', tf.util.sizeFromShape(shape)), shape);
    const g = tf.tensor1d(randn('rg', 6));
    const b = tf.tensor1d(randn('rb', 6));
    const dy = tf.tensor(randn('rdy', tf.util.sizeFromShape(shape)), shape);
    const outs = tf
      .engine()
      .runKernel('ContrastiveBatchNormTrain', { x, gamma: g, beta: b }, { eps: 1e-5, relu: true } as never) as tf.Tensor[];
    const [y, xhat, , , invStd] = outs;
    const ref = tf.relu(composed(x, g, b, 1e-5));
    expectClose(y!.dataSync(), ref.dataSync(), { atol: 2e-5, rtol: 1e-5 });
    expect(Math.min(...y!.dataSync())).toBe(0);
    const grads = tf
      .engine()
      .runKernel('ContrastiveBatchNormTrainGrad', { dy, xhat: xhat!, gamma: g, invStd: invStd!, y: y! }) as tf.Tensor[];
    const refs = tf.grads((a: tf.Tensor, p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.relu(composed(a, p, q, 1e-5)), dy)))([x, g, b]);
    grads.forEach((t, i) => expectClose(t.dataSync(), refs[i]!.dataSync(), { atol: 1e-4, rtol: 1e-4 }));
    tf.dispose([x, g, b, dy, ref, ...outs, ...grads, ...refs]);
  });

  it('names bad inputs', () => {
    useNativeWasmKernels();
    tf.tidy(() => {
      expect(() =>
        tf.engine().runKernel('ContrastiveBatchNormTrain', { x: tf.zeros([4, 3]), gamma: tf.ones([2]), beta: tf.zeros([3]) }, {
          eps: 1e-5,
        } as never),
      ).toThrow(/ContrastiveBatchNormTrain: expected x \[\.\.\., C\].*gamma \[2\]/);
    });
  });
});
