import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Asserts `actual` is within `atol + rtol·|expected|` of `expected`, elementwise. */
export function expectClose(
  actual: tf.Tensor | ArrayLike<number> | number,
  expected: tf.Tensor | ArrayLike<number> | number,
  { atol = 1e-5, rtol = 1e-4 }: { atol?: number; rtol?: number } = {},
): void {
  const a = toArray(actual);
  const e = toArray(expected);
  expect(a.length, 'length').toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const tol = atol + rtol * Math.abs(e[i]!);
    if (!(Math.abs(a[i]! - e[i]!) <= tol)) {
      throw new Error(`element ${i}: got ${a[i]}, expected ${e[i]} (tolerance ${tol})`);
    }
  }
}

function toArray(x: tf.Tensor | ArrayLike<number> | number): number[] {
  if (typeof x === 'number') return [x];
  if (x instanceof tf.Tensor) return Array.from(x.dataSync());
  return Array.from(x);
}

/**
 * Central finite-difference gradient of a scalar function of one tensor, computed in float64
 * from float32 evaluations (so use eps ≈ 1e-2..1e-3 and loose tolerances).
 */
export function numericGrad(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, eps = 1e-3): Float64Array {
  const base = Float64Array.from(x.dataSync());
  const grad = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i] = base[i]! + eps;
    minus[i] = base[i]! - eps;
    const fp = tf.tidy(() => f(tf.tensor(plus, x.shape)).dataSync()[0]!);
    const fm = tf.tidy(() => f(tf.tensor(minus, x.shape)).dataSync()[0]!);
    grad[i] = (fp - fm) / (2 * eps);
  }
  return grad;
}

/**
 * Checks tfjs autograd of `f` at `x` against central finite differences.
 * Inputs should be float32-friendly (values O(1)); tolerances default to float32 FD accuracy.
 */
export function expectGradMatchesFiniteDiff(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  { eps = 1e-3, atol = 2e-3, rtol = 2e-2 }: { eps?: number; atol?: number; rtol?: number } = {},
): void {
  const analytic = tf.tidy(() => tf.grad(f)(x).dataSync());
  const numeric = numericGrad(f, x, eps);
  expectClose(analytic, numeric, { atol, rtol });
}
