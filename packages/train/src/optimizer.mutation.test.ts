// The optimizer's state contract (how many slots each rule keeps, what getState holds, which states
// setState refuses, with messages written out), its argument checks, and the defaults against
// their sources (PyTorch SGD: momentum 0, no Nesterov, no decay; Adam, Kingma & Ba 2015 §2:
// β₁ = 0.9, β₂ = 0.999, ε = 1e-8). The update rules themselves are checked over 8 steps against
// torch.optim in optimizer.trajectory.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { createOptimizer, type OptimizerState } from './optimizer';

function errorOf(f: () => unknown): InvalidArgumentError {
  try {
    f();
  } catch (e) {
    expect(InvalidArgumentError.isInstance(e)).toBe(true);
    return e as InvalidArgumentError;
  }
  throw new Error('no error');
}

describeBackends('createOptimizer state and errors (mutation)', () => {
  it("defaults are PyTorch's SGD and Kingma & Ba's Adam", () => {
    expect(createOptimizer({ type: 'sgd', lr: 0.1 }).options).toEqual({
      type: 'sgd',
      lr: 0.1,
      momentum: 0,
      nesterov: false,
      weightDecay: 0,
    });
    expect(createOptimizer({ type: 'adam', lr: 0.1 }).options).toEqual({
      type: 'adam',
      lr: 0.1,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0,
    });
  });

  it('slots: none for plain SGD, a momentum buffer per variable, two Adam moments per variable', () => {
    const vars = [tf.variable(tf.tensor1d([1, 2])), tf.variable(tf.tensor2d([[3]]))];
    const grads = [tf.tensor1d([0.5, -1]), tf.tensor2d([[2]])];
    const cases: Array<[Parameters<typeof createOptimizer>[0], OptimizerState['slots']]> = [
      [{ type: 'sgd', lr: 0.1 }, []],
      [{ type: 'sgd', lr: 0.1, weightDecay: 0.5 }, []],
      [
        // v₁ = g₁ + λθ₀ (PyTorch: the decayed gradient fills the buffer at the first step).
        { type: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0.5 },
        [
          { shape: [2], values: [1, 0] },
          { shape: [1, 1], values: [3.5] },
        ],
      ],
      [
        // m₁ = (1 − β₁)g, v₁ = (1 − β₂)g².
        { type: 'adam', lr: 0.1, beta1: 0.5, beta2: 0.75 },
        [
          { shape: [2], values: [0.25, -0.5] },
          { shape: [2], values: [0.0625, 0.25] },
          { shape: [1, 1], values: [1] },
          { shape: [1, 1], values: [1] },
        ],
      ],
    ];
    const before = tf.memory().numTensors;
    for (const [options, slots] of cases) {
      const theta = vars.map((v) => tf.tidy(() => tf.variable(tf.clone(v))));
      const opt = createOptimizer(options);
      expect(opt.getState()).toEqual({ type: options.type, iterations: 0, slots: [] });
      opt.apply(theta, grads, 0.1);
      const state = opt.getState();
      expect(state.iterations).toBe(1);
      expect(state.slots.map((s) => s.shape)).toEqual(slots.map((s) => s.shape));
      state.slots.forEach((s, i) => s.values.forEach((x, j) => expect(x).toBeCloseTo(slots[i]!.values[j]!, 6)));
      opt.apply(theta, grads, 0.1);
      expect(opt.getState().iterations).toBe(2);
      opt.dispose();
      tf.dispose(theta);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...vars, ...grads]);
  });

  it('apply refuses a gradient count or a learning-rate count that does not match the variables', () => {
    const vars = [tf.variable(tf.tensor1d([1])), tf.variable(tf.tensor1d([2]))];
    const g = tf.tensor1d([1]);
    const opt = createOptimizer({ type: 'sgd', lr: 0.1 });
    const grads = errorOf(() => opt.apply(vars, [g], 0.1));
    expect(grads.message).toBe("Optimizer.apply: invalid argument 'grads': expected 2 gradients, got 1");
    const lrs = errorOf(() => opt.apply(vars, [g, g], [0.1, 0.2, 0.3]));
    expect(lrs.message).toBe(
      `Optimizer.apply: invalid argument 'lr': expected one learning rate or 2 (one per variable), got "3 learning rates"`,
    );
    expect(opt.getState().iterations).toBe(0); // nothing applied
    // One rate per variable applies each to its own variable.
    opt.apply(vars, [g, g], [0.1, 0.5]);
    expect(Array.from(vars[0]!.dataSync())[0]).toBeCloseTo(0.9, 6);
    expect(Array.from(vars[1]!.dataSync())[0]).toBeCloseTo(1.5, 6);
    opt.dispose();
    tf.dispose([...vars, g]);
  });

  it('setState refuses another type, another slot count or shape, naming each; an empty state at step 0 resets', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const g = tf.tensor1d([1, 1, 1]);
    const opt = createOptimizer({ type: 'sgd', lr: 0.1, momentum: 0.5 });
    opt.apply([v], [g], 0.1);
    const good = opt.getState();
    expect(errorOf(() => opt.setState({ ...good, type: 'adam' }, [v])).message).toBe(
      `Optimizer.setState: invalid argument 'state.type': expected sgd, got "adam"`,
    );
    expect(errorOf(() => opt.setState({ ...good, slots: [...good.slots, ...good.slots] }, [v])).message).toBe(
      "Optimizer.setState: invalid argument 'state.slots': expected 1 slots, got 2",
    );
    // Slots missing after a step is a mismatch, not a reset (only step 0 has no slots).
    expect(errorOf(() => opt.setState({ ...good, slots: [] }, [v])).message).toBe(
      "Optimizer.setState: invalid argument 'state.slots': expected 1 slots, got 0",
    );
    expect(errorOf(() => opt.setState({ ...good, slots: [{ shape: [1, 3], values: [0, 0, 0] }] }, [v])).message).toBe(
      "Optimizer.setState: invalid argument 'state.slots[0].shape': expected [3], got [1,3]",
    );
    // A refused state changed nothing: the next step continues from the buffer v₁ = g.
    opt.apply([v], [g], 0.1);
    expect(opt.getState().slots[0]!.values).toEqual([1.5, 1.5, 1.5]);
    expect(opt.getState().iterations).toBe(2);
    // Step 0 without slots: back to a fresh optimizer (the first step then fills the buffer with g).
    const before = tf.memory().numTensors;
    opt.setState({ type: 'sgd', iterations: 0, slots: [] }, [v]);
    expect(tf.memory().numTensors).toBe(before - 1);
    expect(opt.getState()).toEqual({ type: 'sgd', iterations: 0, slots: [] });
    opt.apply([v], [tf.tensor1d([2, 2, 2])], 0.1);
    expect(opt.getState().slots[0]!.values).toEqual([2, 2, 2]);
    // A state taken mid-run is applied exactly (slots and the step count).
    opt.setState({ type: 'sgd', iterations: 5, slots: [{ shape: [3], values: [0.25, 0.5, 1] }] }, [v]);
    expect(opt.getState()).toEqual({ type: 'sgd', iterations: 5, slots: [{ shape: [3], values: [0.25, 0.5, 1] }] });
    opt.dispose();
    expect(opt.getState().slots).toEqual([]);
    tf.dispose([v, g]);
  });

  it("Adam's bias correction uses the restored step count", () => {
    // Restored at iterations = 9, the next step is the 10th: m̂ = m/(1 − β₁¹⁰), v̂ = v/(1 − β₂¹⁰) (Kingma & Ba 2015, Alg. 1).
    const v = tf.variable(tf.tensor1d([0]));
    const opt = createOptimizer({ type: 'adam', lr: 1, beta1: 0.5, beta2: 0.75, epsilon: 1e-12 });
    const slots = [
      { shape: [1], values: [0.25] },
      { shape: [1], values: [0.0625] },
    ];
    opt.setState({ type: 'adam', iterations: 9, slots }, [v]);
    const g = tf.tensor1d([1]);
    opt.apply([v], [g], 1);
    // float64: m = 0.5·0.25 + 0.5·1 = 0.625, s = 0.75·0.0625 + 0.25·1 = 0.296875.
    const mHat = 0.625 / (1 - 0.5 ** 10);
    const sHat = 0.296875 / (1 - 0.75 ** 10);
    expect(v.dataSync()[0]).toBeCloseTo(-mHat / Math.sqrt(sHat), 5);
    expect(opt.getState().iterations).toBe(10);
    opt.dispose();
    tf.dispose([v, g]);
  });
});
