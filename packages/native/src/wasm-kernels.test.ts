import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { createRng } from '@contrastive/core';
import { expectClose, expectNoLeak, useBackend } from '@contrastive/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreWasmKernels, useNativeWasmKernels } from './wasm-kernels';

const randn = (seed: string, shape: number[]) =>
  tf.tensor(createRng(seed).fillNormal(new Float32Array(tf.util.sizeFromShape(shape))), shape);

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(() => restoreWasmKernels());

/** `f` with tfjs's own wasm kernels, then with the native ones: [native, tfjs]. */
function both(f: () => tf.Tensor): [Float32Array, Float32Array] {
  restoreWasmKernels();
  const ref = tf.tidy(f);
  expect(useNativeWasmKernels()).toEqual([
    'BatchMatMul',
    'Exp',
    'Transpose',
    'Conv2D',
    'Conv2DBackpropInput',
    'Identity',
    'CropAndResize',
    'Conv2DBackpropFilter',
    'ContrastiveBatchNormTrain',
    'ContrastiveBatchNormTrainGrad',
  ]);
  const got = tf.tidy(f);
  const out: [Float32Array, Float32Array] = [got.dataSync() as Float32Array, ref.dataSync() as Float32Array];
  tf.dispose([ref, got]);
  return out;
}

it("equals tfjs's wasm BatchMatMul for 2-D, batched and broadcast operands, every transpose", () => {
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[7, 5], [5, 3], false, false],
    [[5, 7], [5, 3], true, false],
    [[7, 5], [3, 5], false, true],
    [[5, 7], [3, 5], true, true],
    [[256, 64], [64, 256], false, false],
    [[4, 9, 6], [4, 6, 11], false, false],
    [[2, 3, 9, 6], [2, 3, 11, 6], false, true],
    [[4, 9, 6], [6, 11], false, false], // rank-2 b broadcast over a's batch
    [[9, 6], [4, 6, 11], false, false],
  ];
  for (const [sa, sb, tA, tB] of cases) {
    const a = randn(`a${sa}`, sa);
    const b = randn(`b${sb}`, sb);
    const [got, ref] = both(() => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, tA, tB));
    expectClose(got, ref, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([a, b]);
  }
});

it('gives the same gradients through tf.grads', () => {
  const a = randn('ga', [33, 20]);
  const b = randn('gb', [20, 17]);
  const f = () => {
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D))))([a, b]);
    return tf.concat([tf.reshape(da!, [-1]), tf.reshape(db!, [-1])]);
  };
  const [got, ref] = both(f);
  expectClose(got, ref, { atol: 1e-4, rtol: 1e-5 });
  tf.dispose([a, b]);
});

it("falls back to tfjs for what it does not handle (int32) and for tfjs's own shape errors", () => {
  useNativeWasmKernels();
  const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  expect(Array.from(tf.matMul(a, a).dataSync())).toEqual([7, 10, 15, 22]);
  expect(() => tf.matMul(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(/inner shapes|must match/);
  const empty = tf.matMul(tf.zeros([0, 3]) as tf.Tensor2D, tf.zeros([3, 4]) as tf.Tensor2D);
  expect(empty.shape).toEqual([0, 4]);
  tf.dispose([a, empty]);
});

it("exp equals tfjs's within 2 ulp, with inf, 0, NaN and denormals where expf puts them", () => {
  const edge = [0, -0, 1, -1, 88, 88.7, 89, 100, -87.5, -100, -103.9, -104, -200, Number.NaN, Infinity, -Infinity];
  const values = Float32Array.from([...edge, ...createRng('exp').fillNormal(new Float32Array(10_000), 0, 20)]);
  const x = tf.tensor1d(values);
  const [got, ref] = both(() => tf.exp(x));
  for (let i = 0; i < values.length; i++) {
    const e = ref[i]!;
    if (Number.isNaN(e)) expect(got[i], `exp(${values[i]})`).toBeNaN();
    else if (!Number.isFinite(e) || e === 0) expect(got[i], `exp(${values[i]})`).toBe(e);
    else expect(Math.abs(got[i]! - e), `exp(${values[i]})`).toBeLessThanOrEqual(2.5e-7 * Math.abs(e) + 1e-45);
  }
  x.dispose();
});

it("transpose equals tfjs's for matrix and batched swaps, and falls back for other permutations", () => {
  for (const [shape, perm] of [
    [
      [37, 45],
      [1, 0],
    ],
    [
      [3, 16, 33],
      [0, 2, 1],
    ],
    [
      [2, 3, 4, 5],
      [0, 1, 3, 2],
    ],
    [
      [4, 5, 6],
      [2, 0, 1],
    ],
    [
      [0, 3],
      [1, 0],
    ],
  ] as Array<[number[], number[]]>) {
    const x = randn(`t${shape}`, shape);
    const [got, ref] = both(() => tf.transpose(x, perm));
    expect(Array.from(got), `${shape} ${perm}`).toEqual(Array.from(ref));
    x.dispose();
  }
  const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
  expect(Array.from(tf.transpose(ints).dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
  ints.dispose();
});

it('keeps the tensor count flat', async () => {
  useNativeWasmKernels();
  const a = randn('la', [64, 32]);
  await expectNoLeak(() => tf.matMul(a as tf.Tensor2D, a as tf.Tensor2D, false, true));
  await expectNoLeak(() => tf.tidy(() => tf.exp(tf.transpose(a))));
  a.dispose();
});

it('Identity (tf.clone, what gradients save) shares the buffer: same values, alive after the original is disposed', () => {
  useNativeWasmKernels();
  const buffers = () => tf.engine().backend.numDataIds();
  const before = buffers();
  const x = randn('id', [64, 32]);
  const values = x.dataSync().slice();
  const copy = tf.clone(x);
  expect(buffers() - before).toBe(1); // one buffer for both
  x.dispose();
  expect(Array.from(copy.dataSync())).toEqual(Array.from(values));
  const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(a, a)))(copy); // saved inputs are cloned
  expectClose(
    g.dataSync(),
    values.map((v) => 2 * v),
    { atol: 1e-6 },
  );
  tf.dispose([copy, g]);
  expect(buffers()).toBe(before);
});

it("CropAndResize (bilinear) equals tfjs's wasm kernel: crops, flips (x1 > x2), boxes reaching outside, one-pixel crops; 'nearest' falls back", () => {
  const image = randn('img', [3, 9, 7, 2]);
  const boxes = tf.tensor2d([
    [0, 0, 1, 1],
    [0, 1, 1, 0],
    [0.1, 0.2, 0.7, 0.9],
    [-0.2, 0.3, 1.3, 0.5],
    [0.4, 0.4, 0.4, 0.4],
  ]);
  const boxInd = tf.tensor1d([0, 1, 2, 0, 2], 'int32');
  for (const [size, method] of [
    [[9, 7], 'bilinear'],
    [[5, 11], 'bilinear'],
    [[1, 1], 'bilinear'],
    [[4, 4], 'nearest'],
  ] as Array<[[number, number], 'bilinear' | 'nearest']>) {
    const [got, ref] = both(() => tf.image.cropAndResize(image as tf.Tensor4D, boxes, boxInd, size, method, 0.5));
    expectClose(got, ref, { atol: 1e-6, rtol: 1e-6 });
  }
  tf.dispose([image, boxes, boxInd]);
});
