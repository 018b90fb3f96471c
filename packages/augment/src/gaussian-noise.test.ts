import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, randomNormalTensor } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { gaussianNoise } from './gaussian-noise';

const [B, D] = [64, 256];
const input = () => randomNormalTensor<tf.Rank.R2>(createRng('x'), [B, D]);
const values = (t: tf.Tensor) => t.dataSync() as Float32Array;

describeBackends('gaussianNoise', () => {
  it('view v = x + ε_v with ε = fillNormal(views·B·d, 0, τ) on the documented stream', () => {
    const x = input();
    const xv = values(x);
    const noise = createRng(3)
      .fork('gaussianNoise')
      .fillNormal(new Float32Array(2 * B * D), 0, 0.3);
    const [a, b] = gaussianNoise({ std: 0.3, seed: 3 }).apply(x);
    expectClose(
      a!,
      xv.map((v, i) => v + noise[i]!),
      { atol: 1e-6, rtol: 1e-6 },
    );
    expectClose(
      b!,
      xv.map((v, i) => v + noise[B * D + i]!),
      { atol: 1e-6, rtol: 1e-6 },
    );
    tf.dispose([x, a!, b!]);
  });

  it('the noise is N(0, τ²) and independent across views', () => {
    const x = input();
    const [a, b] = gaussianNoise({ std: 0.5, seed: 1 }).apply(x);
    const xv = values(x);
    const [ea, eb] = [values(a!).map((v, i) => v - xv[i]!), values(b!).map((v, i) => v - xv[i]!)];
    const n = ea.length;
    const mean = ea.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(ea.reduce((s, v) => s + v * v, 0) / n);
    const cross = ea.reduce((s, v, i) => s + v * eb[i]!, 0) / n / 0.25;
    // n = 16384: s.e. of the mean 0.0039, of the std 0.0028, of the correlation 0.0078; ~5 s.e. bounds.
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.014);
    expect(Math.abs(cross)).toBeLessThan(0.04);
    tf.dispose([x, a!, b!]);
  });

  it('std 0 gives copies; same seed gives the same views; transform draws one view', () => {
    const x = input();
    const [c] = gaussianNoise({ std: 0, views: 1 }).apply(x);
    expect(values(c!)).toEqual(values(x));
    const [a1] = gaussianNoise({ std: 1, seed: 'a' }).apply(x);
    const [a2] = gaussianNoise({ std: 1, seed: 'a' }).apply(x);
    expect(values(a1!)).toEqual(values(a2!));
    const t = gaussianNoise({ std: 1, seed: 'a' }).transform(x);
    expect(values(t)).toEqual(values(a1!));
    tf.dispose([x, c!, a1!, a2!, t]);
  });

  it('does not leak tensors', async () => {
    const x = input();
    const aug = gaussianNoise({ std: 0.1, views: 3 });
    await expectNoLeak(() => aug.apply(x));
    await expectNoLeak(() => aug.transform(x));
    await expectNoLeak(() => gaussianNoise({ std: 0 }).apply(x));
    x.dispose();
  });
});

describe('gaussianNoise errors', () => {
  it('requires a non-negative std and names the key', () => {
    expect(() => gaussianNoise({} as never)).toThrow(InvalidArgumentError);
    expect(() => gaussianNoise({} as never)).toThrow(/options\.std/);
    expect(() => gaussianNoise({ std: -1 })).toThrow(/options\.std/);
    expect(() => gaussianNoise({ std: Number.POSITIVE_INFINITY })).toThrow(/options\.std/);
    expect(() => gaussianNoise({ std: 1, views: 0 })).toThrow(/options\.views/);
  });
});
