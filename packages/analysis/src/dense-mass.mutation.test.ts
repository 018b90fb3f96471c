// Dense / residual mass: the argument checks name the argument and its dimensions (messages written
// out by hand), and a missing dense basis gives one zero share per neuron (the span of nothing).
import * as tf from '@tensorflow/tfjs-core';
import { rejectionOf } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { denseMass, denseMassSync, residualMass, residualMassSync } from './dense-mass';

describe('denseMass / residualMass argument checks', () => {
  const w = [
    [1, 0, 0],
    [0, 1, 0],
  ];
  const short = [[1], [0]]; // inputDim 2 against the weights' 3

  it('weights of the wrong rank: the message names weights', async () => {
    const v = tf.tensor1d([1, 2, 3]);
    const msg = (op: string) => `${op}: 'weights' must be a rank-2 tensor, got rank 1 [3]`;
    expect((await rejectionOf(() => denseMassSync(v, short))).message).toBe(msg('denseMass'));
    expect((await rejectionOf(() => residualMass(v, short))).message).toBe(msg('residualMass'));
    v.dispose();
  });

  it('a basis of another inputDim: the message names the basis argument, both forms', async () => {
    const dense = "denseMass: 'denseBasis' has inputDim = 2 (shape [2, 1]) but 'weights' has inputDim = 3";
    expect((await rejectionOf(() => denseMass(w, short))).message).toBe(dense);
    expect((await rejectionOf(() => denseMassSync(w, short))).message).toBe(dense);
    const residual = "residualMass: 'dictionary' has inputDim = 2 (shape [2, 1]) but 'weights' has inputDim = 3";
    expect((await rejectionOf(() => residualMass(w, short))).message).toBe(residual);
    expect((await rejectionOf(() => residualMassSync(w, short))).message).toBe(residual);
  });

  it('no dense basis: one zero share per neuron, both forms', async () => {
    for (const r of [denseMassSync(w, null), await denseMass(w, undefined)]) {
      expect(r.perNeuron).toEqual([0, 0]);
      expect([r.mean, r.median]).toEqual([0, 0]);
    }
  });
});
