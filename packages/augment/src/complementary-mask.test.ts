import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, randomNormalTensor, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { complementaryMask } from './complementary-mask';

const [B, D] = [64, 128];
const input = () => randomNormalTensor<tf.Rank.R2>(createRng('x'), [B, D]);
const values = (t: tf.Tensor) => t.dataSync() as Float32Array;

describeBackends('complementaryMask', () => {
  it('gives x⁺ = 2Dx and x⁺⁺ = 2(I−D)x with a fresh mask per sample (docs/science/feature-decoupling.md §1.2)', () => {
    const x = input();
    const [a, b] = complementaryMask({ seed: 0 }).apply(x) as [tf.Tensor2D, tf.Tensor2D];
    const [xv, av, bv] = [values(x), values(a), values(b)];
    let kept = 0;
    const rows = new Set<string>();
    for (let r = 0; r < B; r++) {
      let pattern = '';
      for (let c = 0; c < D; c++) {
        const i = r * D + c;
        // ×2 and ×0 are exact in float32, so each coordinate is in exactly one view, doubled.
        const inA = av[i] === 2 * xv[i]! && bv[i] === 0;
        const inB = bv[i] === 2 * xv[i]! && av[i] === 0;
        expect(inA || inB, `entry ${i}`).toBe(true);
        kept += inA ? 1 : 0;
        pattern += inA ? '1' : '0';
      }
      rows.add(pattern);
    }
    // Bernoulli(½) over 8192 entries: s.e. 0.0055, 5 s.e. bound.
    expect(Math.abs(kept / (B * D) - 0.5)).toBeLessThan(0.028);
    expect(rows.size).toBe(B); // per-sample masks, not one mask for the batch
    tf.dispose([x, a, b]);
  });

  it('draws D from its documented stream: fillBernoulli(B·d, q) on createRng(seed).fork(name), call after call', () => {
    const x = input();
    const aug = complementaryMask({ seed: 'run-1' });
    const stream = createRng('run-1').fork('complementaryMask');
    for (let call = 0; call < 2; call++) {
      const mask = stream.fillBernoulli(new Float32Array(B * D), 0.5);
      const [a, b] = aug.apply(x) as [tf.Tensor2D, tf.Tensor2D];
      const xv = values(x);
      expectClose(
        a,
        xv.map((v, i) => 2 * v * mask[i]!),
        { atol: 0, rtol: 0 },
      );
      expectClose(
        b,
        xv.map((v, i) => 2 * v * (1 - mask[i]!)),
        { atol: 0, rtol: 0 },
      );
      tf.dispose([a, b]);
    }
    tf.dispose(x);
  });

  it('is exactly reproducible: same seed ⇒ same views, other seed ⇒ other views, caller rng by state', () => {
    const x = input();
    const [a1] = complementaryMask({ seed: 5 }).apply(x);
    const [a2] = complementaryMask({ seed: 5 }).apply(x);
    const [a3] = complementaryMask({ seed: 6 }).apply(x);
    expect(values(a1!)).toEqual(values(a2!));
    expect(values(a1!)).not.toEqual(values(a3!));
    // A caller's rng (e.g. the training loop's checkpointed stream) overrides the own stream.
    const aug = complementaryMask({ seed: 5 });
    const rng = createRng(11);
    const state = rng.getState();
    const [b1] = aug.apply(x, rng);
    const [b2] = aug.apply(x, createRng(state));
    const [b3] = aug.apply(x, rng); // the stream has advanced
    expect(values(b1!)).toEqual(values(b2!));
    expect(values(b1!)).not.toEqual(values(b3!));
    tf.dispose([x, a1!, a2!, a3!, b1!, b2!, b3!]);
  });

  it('keepProb q: views Dx/q and (I−D)x/(1−q), so q·x⁺ + (1−q)·x⁺⁺ = x; rescale: false gives Dx + (I−D)x = x', () => {
    const x = input();
    const xv = values(x);
    const aug = complementaryMask({ keepProb: 0.3, seed: 2 });
    expect(aug.options).toMatchObject({ keepProb: 0.3, rescale: true, views: 2 });
    const [a, b] = aug.apply(x) as [tf.Tensor2D, tf.Tensor2D];
    expectClose(tf.add(tf.mul(a, 0.3), tf.mul(b, 0.7)), xv, { atol: 1e-6, rtol: 1e-6 });
    const kept = values(a).reduce((s, v, i) => s + (v !== 0 || xv[i] === 0 ? 1 : 0), 0) / (B * D);
    expect(Math.abs(kept - 0.3)).toBeLessThan(0.026); // s.e. 0.0051, 5 s.e.
    const [c, d] = complementaryMask({ rescale: false, seed: 2 }).apply(x) as [tf.Tensor2D, tf.Tensor2D];
    expectClose(tf.add(c, d), xv, { atol: 0, rtol: 0 });
    tf.dispose([x, a, b, c, d]);
  });

  it('views = 3: a random partition of the coordinates, each view scaled by 3', () => {
    const x = input();
    const xv = values(x);
    const aug = complementaryMask({ views: 3, seed: 4 });
    expect(aug.views).toBe(3);
    expect(aug.options.keepProb).toBeCloseTo(1 / 3, 15);
    const views = aug.apply(x);
    expect(views).toHaveLength(3);
    const vv = views.map(values);
    const counts = [0, 0, 0];
    for (let i = 0; i < B * D; i++) {
      const owners = vv.map((v, k) => (v[i] !== 0 ? k : -1)).filter((k) => k >= 0);
      expect(owners).toHaveLength(1);
      expect(vv[owners[0]!]![i]).toBeCloseTo(3 * xv[i]!, 5);
      counts[owners[0]!]! += 1;
    }
    // Each share ≈ 1/3: s.e. 0.0052, 5 s.e.
    counts.forEach((c) => expect(Math.abs(c / (B * D) - 1 / 3)).toBeLessThan(0.027));
    tf.dispose([x, ...views]);
  });

  it('transform draws one masked view Dx/q', () => {
    const x = input();
    const v = complementaryMask({ seed: 3 }).transform(x);
    const mask = createRng(3)
      .fork('complementaryMask')
      .fillBernoulli(new Float32Array(B * D), 0.5);
    expectClose(
      v,
      values(x).map((xi, i) => 2 * xi * mask[i]!),
      { atol: 0, rtol: 0 },
    );
    tf.dispose([x, v]);
  });

  it('does not leak tensors', async () => {
    const x = input();
    const aug = complementaryMask({ seed: 0 });
    const three = complementaryMask({ views: 3 });
    await expectNoLeak(() => aug.apply(x));
    await expectNoLeak(() => three.apply(x));
    await expectNoLeak(() => aug.transform(x));
    x.dispose();
  });
});

describe('complementaryMask errors', () => {
  const bad = (options: unknown, argument: string) => {
    let error: unknown;
    try {
      complementaryMask(options as never);
    } catch (e) {
      error = e;
    }
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe(argument);
    expect((error as Error).message).toContain(argument);
  };

  it('rejects bad options with the key path', () => {
    bad({ keepProb: 0 }, 'options.keepProb');
    bad({ keepProb: 1 }, 'options.keepProb');
    bad({ keepProb: Number.NaN }, 'options.keepProb');
    bad({ keepProb: '0.5' }, 'options.keepProb');
    bad({ views: 1 }, 'options.views');
    bad({ views: 2.5 }, 'options.views');
    bad({ views: 3, keepProb: 0.5 }, 'options.keepProb');
    bad({ rescale: 'yes' }, 'options.rescale');
    bad({ seed: {} }, 'options.seed');
    bad({ keep: 0.5 }, 'options.keep');
  });

  it('rejects a bad batch or rng with a clear error', () => {
    const aug = complementaryMask();
    expect(() => aug.apply(tf.ones([4]) as never)).toThrow(ShapeMismatchError);
    expect(() => aug.apply(tf.ones([2, 3, 4]) as never)).toThrow(/'x' must be rank 2 \[batch, dim\], got rank 3/);
    expect(() => aug.apply([[1, 2]] as never)).toThrow(/expected a tf.Tensor/);
    expect(() => aug.apply(tf.ones([2, 3], 'int32') as never)).toThrow(/float32/);
    expect(() => aug.apply(tf.ones([2, 3]), 42 as never)).toThrow(/'rng'/);
    const x = tf.ones([2, 3]) as tf.Tensor2D;
    x.dispose();
    expect(() => aug.apply(x)).toThrow(/already been disposed/);
  });
});
