import * as tf from '@tensorflow/tfjs-core';
import { createRng, type NetworkJSON, randomUniformTensor } from '@contrastive/core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { fromJSON } from './from-json';
import { resNet } from './res-net';

describeBackends('resNet', () => {
  it('ResNet-18 layout: 20 convolutions (stem, 16 in blocks, 3 shortcuts), output 512·m, small images keep the stem resolution', () => {
    const net = resNet({ inputShape: [16, 16, 3], widthMultiplier: 0.125, seed: 1 });
    // Each conv has W, γ, β: 20 convs (1 stem + 8 blocks × 2 + 3 shortcuts) → 60 variables.
    expect(net.variables.length).toBe(60);
    expect(net.outputDim).toBe(64);
    expect(net.variables[0]!.shape).toEqual([3, 3, 3, 8]);
    const x = randomUniformTensor<tf.Rank.R4>(createRng('x'), [2, 16, 16, 3]);
    const y = net.apply(x);
    expect(y.shape).toEqual([2, 64]);
    tf.dispose([x, y]);
    net.dispose();
  });

  it('round-trips through JSON with identical eval outputs; tensor count flat', async () => {
    const net = resNet({ inputShape: [8, 8, 1], blocks: [1, 1], channels: [4, 8], stemChannels: 4, seed: 2 });
    const x = randomUniformTensor<tf.Rank.R4>(createRng('rt'), [3, 8, 8, 1]);
    tf.dispose(net.apply(x));
    net.setTraining(false);
    const copy = fromJSON(JSON.parse(JSON.stringify(net.toJSON())) as NetworkJSON);
    const [a, b] = [net.apply(x), copy.apply(x)];
    expect(b.dataSync()).toEqual(a.dataSync());
    await expectNoLeak(() => net.apply(x));
    net.setTraining(true);
    await expectNoLeak(() => net.apply(x));
    tf.dispose([x, a, b]);
    net.dispose();
    copy.dispose();
  });
});

describe('resNet errors', () => {
  it('checks channels against blocks and the input shape', () => {
    expect(() => resNet({ inputShape: [8, 8, 3], blocks: [1, 1], channels: [4] })).toThrow(/options\.channels/);
    const net = resNet({ inputShape: [8, 8, 3], blocks: [1], channels: [4], name: 'r' });
    const x = tf.zeros([2, 8, 8, 1]);
    expect(() => net.apply(x)).toThrow(/resNet\('r'\)\.apply.*\[batch, 8, 8, 3\]/);
    x.dispose();
    net.dispose();
  });
});
