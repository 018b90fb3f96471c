// Each data model declares the ground truth it knows through core's typed capabilities, which the
// training loop (pairs) and the metric suites of @contrastive/analysis test with the guards.
import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  drawsPairs,
  hasDictionary,
  hasLabels,
  hasLatentTree,
  hasRecoverableLatents,
  sampleLabels,
  sampleLatents,
} from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { hltm } from './hltm';
import { labeledSparseCoding } from './labeled-sparse-coding';
import { latentMixing } from './latent-mixing';
import { sparseCoding } from './sparse-coding';

describeBackends('data model capabilities', () => {
  it('declare dictionary, pairs, labels, latents and tree exactly where the model has them', () => {
    const before = tf.memory().numTensors;
    const sc = sparseCoding({ ambientDim: 16, latentDim: 4, denseRank: 2 });
    const lsc = labeledSparseCoding({ ambientDim: 16, latentDim: 8, numClasses: 2 });
    const tree = hltm({ depth: 3 });
    const lm = latentMixing({ dim: 3 });
    const caps = (d: Parameters<typeof hasDictionary>[0]) => [
      hasDictionary(d),
      drawsPairs(d),
      hasLabels(d),
      hasRecoverableLatents(d),
      hasLatentTree(d),
    ];
    expect(caps(sc)).toEqual([true, false, false, false, false]);
    expect(caps(lsc)).toEqual([true, false, true, false, false]);
    expect(caps(tree)).toEqual([false, true, true, false, true]);
    expect(caps(lm)).toEqual([false, true, false, true, false]);
    if (hasDictionary(sc)) expect(sc.denseBasis?.shape).toEqual([16, 2]);

    const rng = createRng(0);
    const s = lsc.sample(6, rng);
    expect(sampleLabels(lsc, s)).toBe(s.labels);
    const t = tree.samplePair(6, rng);
    expect(sampleLabels(tree, t)).toBe(t.root); // the root is the class a pair shares
    expect(tree.leafOffset).toBe(7);
    const z = lm.sample(6, rng);
    expect(sampleLatents(lm, z)).toBe(z.z);
    tf.dispose([s, t, z]);
    for (const d of [sc, lsc, tree, lm]) d.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
