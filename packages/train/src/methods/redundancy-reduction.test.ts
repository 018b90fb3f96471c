import * as tf from '@tensorflow/tfjs-core';
import { createRng, randomNormalTensor } from '@contrastive/core';
import { barlowTwinsLoss, vicRegLoss } from '@contrastive/losses';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { linearNet, toyData, toyNoise } from '../testing/toy';
import { train } from '../train';
import { barlowTwinsMethod, barlowTwinsMethodSchema, vicRegMethod, vicRegMethodSchema } from './redundancy-reduction';

const cases = [
  {
    name: 'barlowTwinsMethod',
    make: barlowTwinsMethod,
    plain: (a: tf.Tensor2D, b: tf.Tensor2D) => barlowTwinsLoss(a, b, { lambda: 0.02 }),
    opts: { lambda: 0.02 },
  },
  {
    name: 'vicRegMethod',
    make: vicRegMethod,
    plain: (a: tf.Tensor2D, b: tf.Tensor2D) => vicRegLoss(a, b, { invariance: 10, variance: 20, covariance: 2 }),
    opts: { invariance: 10, variance: 20, covariance: 2 },
  },
] as const;

describeBackends('Barlow Twins and VICReg methods', () => {
  it("defaults are the papers' (Barlow Twins λ = 0.0051; VICReg 25/25/1)", () => {
    expect(barlowTwinsMethodSchema.parse({})).toEqual({ lambda: 0.0051 });
    expect(vicRegMethodSchema.parse({})).toEqual({ invariance: 25, variance: 25, covariance: 1 });
  });

  for (const c of cases) {
    it(`${c.name}: one step's gradient is tfjs autograd of the plain loss on both branches (no stop-gradient)`, () => {
      const encoder = linearNet(6, 5, 1, 'enc');
      const projector = linearNet(5, 4, 2, 'proj');
      const method = c.make({ encoder, projector, ...c.opts } as never);
      const rng = createRng(3);
      const views = [randomNormalTensor<tf.Rank.R2>(rng, [8, 6]), randomNormalTensor<tf.Rank.R2>(rng, [8, 6])];
      const vars = method.trainableVariables();
      const before = tf.memory().numTensors;
      const ours = tf.variableGrads(() => method.loss(views, { x: views[0]! }, []), vars);
      const [W1, W2] = [encoder.variables[0]!, projector.variables[0]!];
      const ref = tf.variableGrads(() => c.plain(tf.matMul(tf.matMul(views[0]!, W1), W2), tf.matMul(tf.matMul(views[1]!, W1), W2)), vars);
      expectClose(ours.value, ref.value.dataSync()[0]!, { atol: 1e-6, rtol: 1e-6 });
      for (const v of vars) expectClose(ours.grads[v.name]!, Array.from(ref.grads[v.name]!.dataSync()), { atol: 1e-6, rtol: 1e-5 });
      // Symmetric in the views.
      const swapped = tf.tidy(() => method.loss([views[1]!, views[0]!], { x: views[1]! }, []).dataSync()[0]!);
      expect(swapped).toBeCloseTo(ours.value.dataSync()[0]!, 5);
      tf.dispose([ours.value, ref.value, ...Object.values(ours.grads), ...Object.values(ref.grads)]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(views);
      method.dispose();
    });

    it(`${c.name}: a few training steps lower the loss; tensor count flat`, async () => {
      const data = toyData(6, 1);
      const method = c.make({ encoder: linearNet(6, 6, 4, 'enc'), projector: linearNet(6, 4, 5, 'proj'), ...c.opts } as never);
      const run = async (steps: number) => {
        const losses: number[] = [];
        for await (const e of train({
          data,
          augment: toyNoise(0.2),
          method,
          optimizer: { type: 'adam', lr: 0.02 },
          steps,
          batchSize: 32,
          seed: 1,
        })) {
          if (e.type === 'step') losses.push(e.loss);
        }
        return losses;
      };
      await run(2);
      const before = tf.memory().numTensors;
      const losses = await run(40);
      expect(tf.memory().numTensors).toBe(before);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
      method.dispose();
    });
  }

  it('errors name the method and the argument', () => {
    expect(() => barlowTwinsMethod({ encoder: undefined as never })).toThrow(/barlowTwinsMethod.*encoder/);
    const e1 = linearNet(2, 2, 0, 'e1');
    expect(() => vicRegMethod({ encoder: e1, invariance: -1 })).toThrow(/vicRegMethod.*invariance/);
    expect(() => barlowTwinsMethod({ encoder: e1, lamda: 1 } as never)).toThrow(/lamda/);
    e1.dispose();
    const m = vicRegMethod({ encoder: linearNet(2, 2, 0, 'e2') });
    const x = tf.ones([4, 2]) as tf.Tensor2D;
    expect(() => m.loss([x], { x }, [])).toThrow(/exactly 2 views/);
    x.dispose();
    m.dispose();
  });
});
