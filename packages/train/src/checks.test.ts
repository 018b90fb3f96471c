// The train loop stops on a non-finite loss and names the step whether or not the losses scan
// their inputs (core's setChecks({ finite }), issue 11 item 9).
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type DataModel, NonFiniteValueError, randomNormalTensor, type Rng, setChecks } from '@contrastive/core';
import { afterEach, describe, expect, it } from 'vitest';
import { contrastiveMethod } from './methods/contrastive';
import { linearNet, toyNoise } from './testing/toy';
import { train } from './train';

/** Gaussian data whose `poisonAt`-th batch (0-based) holds one NaN. */
function poisonedData(dim: number, poisonAt: number): DataModel {
  const own = createRng(0);
  let calls = 0;
  return {
    name: 'poisoned',
    inputDim: dim,
    sample(b: number, rng?: Rng) {
      const x = randomNormalTensor<tf.Rank.R2>(rng ?? own, [b, dim]) as tf.Tensor2D;
      if (calls++ !== poisonAt) return { x };
      const values = x.dataSync().slice();
      values[3] = Number.NaN;
      x.dispose();
      return { x: tf.tensor2d(values, [b, dim]) };
    },
    dispose() {},
  };
}

async function run(name: string): Promise<unknown> {
  const encoder = linearNet(6, 4, 3, name);
  const method = contrastiveMethod({ encoder, kernels: 'tfjs' });
  try {
    for await (const _ of train({
      data: poisonedData(6, 4),
      augment: toyNoise(0.1),
      method,
      optimizer: { type: 'sgd', lr: 0.05 },
      steps: 10,
      batchSize: 8,
      evalAtStart: false,
    })) {
      // run to the end or the error
    }
    return undefined;
  } catch (e) {
    return e;
  } finally {
    method.dispose();
  }
}

describe('finite checks and the train loop', () => {
  afterEach(() => setChecks({ finite: true }));

  it('scans on (default): the loss refuses its NaN input, naming the loss and the argument', async () => {
    const err = await run('checks-on');
    expect(NonFiniteValueError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(/^infoNCELoss: 'a' contains NaN at flat index \d+; all values must be finite$/);
  });

  it('scans off: the loss carries the NaN and train stops at that step, naming it', async () => {
    setChecks({ finite: false });
    const err = await run('checks-off');
    expect(NonFiniteValueError.isInstance(err)).toBe(true);
    expect((err as NonFiniteValueError).step).toBe(4);
    expect((err as Error).message).toBe("train: 'loss' contains NaN at step 4; all values must be finite");
  });
});
