import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, randomNormalTensor } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { independentMask } from './independent-mask';

const [B, D] = [64, 128];
const input = () => randomNormalTensor<tf.Rank.R2>(createRng('x'), [B, D]);
const values = (t: tf.Tensor) => t.dataSync() as Float32Array;

describeBackends('independentMask', () => {
  it('view v = D_v x / q with D_v from fillBernoulli(views·B·d, q) on the documented stream', () => {
    const x = input();
    const xv = values(x);
    const masks = createRng(8)
      .fork('independentMask')
      .fillBernoulli(new Float32Array(3 * B * D), 0.75);
    const views = independentMask({ keepProb: 0.75, views: 3, seed: 8 }).apply(x);
    expect(views).toHaveLength(3);
    views.forEach((v, k) =>
      expectClose(
        v,
        xv.map((xi, i) => (xi * masks[k * B * D + i]!) / 0.75),
        { atol: 1e-6, rtol: 1e-6 },
      ),
    );
    tf.dispose([x, ...views]);
  });

  it('masks are independent across views (P[both kept] = q²) and unbiased (E[view] = x)', () => {
    const x = tf.ones([200, 100]) as tf.Tensor2D;
    const [a, b] = independentMask({ keepProb: 0.5, seed: 1 }).apply(x) as [tf.Tensor2D, tf.Tensor2D];
    const [av, bv] = [values(a), values(b)];
    let both = 0;
    let sum = 0;
    for (let i = 0; i < av.length; i++) {
      both += av[i]! !== 0 && bv[i]! !== 0 ? 1 : 0;
      sum += av[i]!;
    }
    // n = 20000: P[both] = ¼ (s.e. 0.0031), mean of 2·Bernoulli(½) = 1 (s.e. 0.0071); 5 s.e. bounds.
    expect(Math.abs(both / av.length - 0.25)).toBeLessThan(0.016);
    expect(Math.abs(sum / av.length - 1)).toBeLessThan(0.036);
    tf.dispose([x, a, b]);
  });

  it('keepProb 1 gives copies; rescale: false keeps the raw masked values', () => {
    const x = input();
    const xv = values(x);
    const [a, b] = independentMask({ keepProb: 1 }).apply(x);
    expectClose(a!, xv, { atol: 0, rtol: 0 });
    expectClose(b!, xv, { atol: 0, rtol: 0 });
    const [c] = independentMask({ keepProb: 0.4, rescale: false, views: 1, seed: 2 }).apply(x);
    values(c!).forEach((v, i) => expect(v === 0 || v === xv[i]).toBe(true));
    tf.dispose([x, a!, b!, c!]);
  });

  it('is reproducible from the seed and transform draws one view', () => {
    const x = input();
    const [a1, b1] = independentMask({ seed: 4 }).apply(x);
    const [a2, b2] = independentMask({ seed: 4 }).apply(x);
    expect(values(a1!)).toEqual(values(a2!));
    expect(values(b1!)).toEqual(values(b2!));
    expect(values(a1!)).not.toEqual(values(b1!));
    const t = independentMask({ seed: 4 }).transform(x);
    expect(values(t)).toEqual(values(a1!)); // same stream, first B·d draws
    tf.dispose([x, a1!, b1!, a2!, b2!, t]);
  });

  it('does not leak tensors', async () => {
    const x = input();
    const aug = independentMask({ keepProb: 0.3 });
    await expectNoLeak(() => aug.apply(x));
    await expectNoLeak(() => aug.transform(x));
    x.dispose();
  });
});

describe('independentMask errors', () => {
  it('rejects bad options with the key path', () => {
    for (const [options, argument] of [
      [{ keepProb: 0 }, 'options.keepProb'],
      [{ keepProb: 1.2 }, 'options.keepProb'],
      [{ views: 0 }, 'options.views'],
      [{ rescale: 1 }, 'options.rescale'],
    ] as const) {
      expect(() => independentMask(options as never)).toThrow(InvalidArgumentError);
      expect(() => independentMask(options as never)).toThrow(argument);
    }
    expect(() => independentMask().apply(tf.ones([3]) as never)).toThrow(/'x' must be rank 2/);
  });
});
