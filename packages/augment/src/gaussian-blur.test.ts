import * as tf from '@tensorflow/tfjs-core';
import { createRng, randomUniformTensor } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import reference from './fixtures/torchvision-reference.json';
import { gaussianBlur, gaussianKernel1d } from './gaussian-blur';

describeBackends('gaussianBlur', () => {
  it("matches torchvision's F.gaussian_blur (reflect padding) for fixed σ, 1 and 3 channels", () => {
    for (const kind of ['rgb', 'grey'] as const) {
      const c = reference.cases[kind];
      const x = tf.tensor4d(c.input, c.shape as [number, number, number, number]);
      const a = gaussianBlur({ kernelSize: 5, sigma: [1.3, 1.3] }).transform(x);
      expectClose(a, c['blur_5_1.3'], { atol: 2e-6, rtol: 0 });
      const b = gaussianBlur({ kernelSize: 3, sigma: [0.7, 0.7] }).transform(x);
      expectClose(b, c['blur_3_0.7'], { atol: 2e-6, rtol: 0 });
      tf.dispose([x, a, b]);
    }
  });

  it('an impulse gives the normalised 2-D gaussian kernel of the drawn σ; a constant stays constant', () => {
    const [B, S, k] = [3, 11, 7];
    const impulse = new Float32Array(B * S * S * 3);
    for (let b = 0; b < B; b++) for (let ch = 0; ch < 3; ch++) impulse[((b * S + 5) * S + 5) * 3 + ch] = 1;
    const x = tf.tensor4d(impulse, [B, S, S, 3]);
    const out = gaussianBlur({ kernelSize: k, sigma: [0.5, 2.5], seed: 6, views: 1 })
      .transform(x)
      .dataSync();
    const r = createRng(6).fork('gaussianBlur');
    for (let b = 0; b < B; b++) {
      const g = gaussianKernel1d(k, r.uniform(0.5, 2.5));
      let sum = 0;
      for (let i = 0; i < S; i++) {
        for (let j = 0; j < S; j++) {
          const [di, dj] = [i - 5, j - 5];
          const expected = Math.abs(di) <= 3 && Math.abs(dj) <= 3 ? g[di + 3]! * g[dj + 3]! : 0;
          for (let ch = 0; ch < 3; ch++) {
            const v = out[((b * S + i) * S + j) * 3 + ch]!;
            expect(Math.abs(v - expected)).toBeLessThan(1e-7);
            sum += ch === 0 ? v : 0;
          }
        }
      }
      expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
    }
    const c = tf.fill([2, 6, 6, 1], 0.37);
    const blurred = gaussianBlur({ kernelSize: 5 }).transform(c);
    expectClose(blurred, new Float32Array(72).fill(0.37), { atol: 1e-6, rtol: 0 });
    tf.dispose([x, c, blurred]);
  });

  it('the kernel is exp(−t²/2σ²) normalised (torchvision _get_gaussian_kernel1d)', () => {
    const g = gaussianKernel1d(3, 1);
    const e = Math.exp(-0.5);
    expectClose(g, [e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)], { atol: 1e-15, rtol: 0 });
  });

  it('same seed ⇒ same views; no leaks', async () => {
    const x = randomUniformTensor<tf.Rank.R4>(createRng('b'), [6, 8, 8, 3]);
    const [a1, b1] = gaussianBlur({ seed: 2 }).apply(x);
    const [a2, b2] = gaussianBlur({ seed: 2 }).apply(x);
    expect(a1!.dataSync()).toEqual(a2!.dataSync());
    expect(b1!.dataSync()).toEqual(b2!.dataSync());
    tf.dispose([a1!, b1!, a2!, b2!]);
    const aug = gaussianBlur({ kernelSize: 5 });
    await expectNoLeak(() => aug.apply(x));
    x.dispose();
  });
});

describe('gaussianBlur errors', () => {
  it('rejects even kernels and kernels too large for reflect padding', () => {
    expect(() => gaussianBlur({ kernelSize: 4 })).toThrow(/options\.kernelSize/);
    const x = tf.zeros([1, 3, 3, 1]);
    expect(() => gaussianBlur({ kernelSize: 7 }).apply(x)).toThrow(/kernelSize/);
    x.dispose();
  });
});
