import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { createOptimizer } from './optimizer';

// Reference values are the update rules written out by hand (PyTorch's SGD and Adam
// documentation, torch.optim.SGD / torch.optim.Adam, AdamW's decoupled decay).
describeBackends('createOptimizer', () => {
  it('plain SGD with weight decay: θ ← θ − lr(g + λθ)', () => {
    const v = tf.variable(tf.tensor1d([1, -2]));
    const opt = createOptimizer({ type: 'sgd', lr: 0.1, weightDecay: 0.5 });
    opt.apply([v], [tf.tensor1d([0.5, 1])], 0.1);
    expectClose(v, [1 - 0.1 * (0.5 + 0.5), -2 - 0.1 * (1 - 1)]);
    opt.dispose();
    v.dispose();
  });

  it('momentum: v₁ = g₁, v₂ = μv₁ + g₂ (PyTorch convention), and nesterov', () => {
    const v = tf.variable(tf.tensor1d([0]));
    const opt = createOptimizer({ type: 'sgd', lr: 1, momentum: 0.9 });
    opt.apply([v], [tf.tensor1d([1])], 1); // θ = −1
    opt.apply([v], [tf.tensor1d([1])], 1); // buf = 1.9, θ = −2.9
    expectClose(v, [-2.9]);
    const n = tf.variable(tf.tensor1d([0]));
    const nes = createOptimizer({ type: 'sgd', lr: 1, momentum: 0.9, nesterov: true });
    nes.apply([n], [tf.tensor1d([1])], 1); // buf = 1, step = 1 + 0.9 = 1.9
    expectClose(n, [-1.9]);
    tf.dispose([v, n]);
    opt.dispose();
    nes.dispose();
  });

  it('one learning rate per variable (parameter groups): SGD with momentum and weight decay, AdamW', () => {
    // torch.optim.SGD with two param groups: buf ← μ·buf + (g + λθ), θ ← θ − lr_group·buf.
    const a = tf.variable(tf.tensor1d([1]));
    const b = tf.variable(tf.tensor1d([1]));
    const sgd = createOptimizer({ type: 'sgd', lr: 0.1, momentum: 0.5, weightDecay: 0.2 });
    sgd.apply([a, b], [tf.tensor1d([1]), tf.tensor1d([1])], [0.1, 1]);
    // buf = 1 + 0.2 = 1.2 for both; a = 1 − 0.1·1.2 = 0.88, b = 1 − 1.2 = −0.2.
    expectClose(a, [0.88]);
    expectClose(b, [-0.2]);
    sgd.apply([a, b], [tf.tensor1d([0]), tf.tensor1d([0])], [0.1, 1]);
    // buf_a = 0.5·1.2 + 0.2·0.88 = 0.776, buf_b = 0.5·1.2 + 0.2·(−0.2) = 0.56.
    expectClose(a, [0.88 - 0.1 * 0.776]);
    expectClose(b, [-0.2 - 0.56]);
    // AdamW: θ ← θ − lr_group·(m̂/(√ŝ + ε) + λθ); first step m̂/√ŝ = sign(g).
    const c = tf.variable(tf.tensor1d([2]));
    const d = tf.variable(tf.tensor1d([2]));
    const adam = createOptimizer({ type: 'adam', lr: 0.01, weightDecay: 0.1, epsilon: 1e-12 });
    adam.apply([c, d], [tf.tensor1d([3]), tf.tensor1d([-3])], [0.01, 0.1]);
    expectClose(c, [2 - 0.01 * (1 + 0.2)], { atol: 1e-6 });
    expectClose(d, [2 - 0.1 * (-1 + 0.2)], { atol: 1e-6 });
    expect(() => sgd.apply([a, b], [tf.tensor1d([0]), tf.tensor1d([0])], [0.1])).toThrow(
      /lr.*one learning rate or 2 \(one per variable\).*1 learning rates/,
    );
    tf.dispose([a, b, c, d]);
    sgd.dispose();
    adam.dispose();
  });

  it('Adam: first step moves every coordinate by lr·sign(g) (bias-corrected)', () => {
    const v = tf.variable(tf.tensor1d([1, 1, 1]));
    const opt = createOptimizer({ type: 'adam', lr: 0.01 });
    opt.apply([v], [tf.tensor1d([3, -0.2, 1e-3])], 0.01);
    // m̂ = g, ŝ = g², update = g/(|g| + ε) ≈ sign(g).
    expectClose(v, [0.99, 1.01, 1 - 0.01 * (1e-3 / (1e-3 + 1e-8))], { atol: 1e-6 });
    opt.dispose();
    v.dispose();
  });

  it('state round-trips exactly and continues identically', () => {
    const run = (split: boolean) => {
      const v = tf.variable(tf.tensor1d([1, 2, 3]));
      let opt = createOptimizer({ type: 'adam', lr: 0.1, weightDecay: 0.01 });
      const g = () => tf.tensor1d([0.3, -0.1, 0.7]);
      for (let i = 0; i < 3; i++) opt.apply([v], [g()], 0.1);
      if (split) {
        const state = JSON.parse(JSON.stringify(opt.getState()));
        opt.dispose();
        opt = createOptimizer({ type: 'adam', lr: 0.1, weightDecay: 0.01 });
        opt.setState(state, [v]);
      }
      for (let i = 0; i < 3; i++) opt.apply([v], [g()], 0.1);
      const out = Array.from(v.dataSync());
      opt.dispose();
      v.dispose();
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('does not leak and rejects bad options', async () => {
    const v = tf.variable(tf.zeros([4]));
    const opt = createOptimizer({ type: 'sgd', lr: 0.1, momentum: 0.5 });
    await expectNoLeak(() => {
      const g = tf.ones([4]);
      opt.apply([v], [g], 0.1);
      g.dispose();
    });
    opt.dispose();
    v.dispose();
    expect(() => createOptimizer({ type: 'sgd', lr: -1 })).toThrow(/createOptimizer: invalid argument 'options\.lr'/);
    expect(() => createOptimizer({ type: 'rmsprop', lr: 1 } as never)).toThrow(/options\.type/);
  });
});
