import * as tf from '@tensorflow/tfjs-core';
import { createRng, randomNormalTensor } from '@contrastive/core';
import { mlp } from '@contrastive/nets';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { toyDataset } from '../testing/toy-dataset';
import { train } from '../train';
import { supervisedMethod } from './supervised';

describeBackends('supervisedMethod', () => {
  it("loss and gradient equal tfjs's own softmax cross-entropy (tf.losses.softmaxCrossEntropy) under autograd", () => {
    const encoder = mlp({ inputDim: 5, hidden: [6], outputDim: 4, seed: 1 });
    const method = supervisedMethod({ encoder, numClasses: 3, seed: 2 });
    const x = randomNormalTensor<tf.Rank.R2>(createRng(4), [7, 5]);
    const labels = tf.tensor1d([0, 2, 1, 1, 0, 2, 2], 'int32');
    const vars = method.trainableVariables();
    expect(vars).toHaveLength(encoder.variables.length + 2);
    const before = tf.memory().numTensors;
    const ours = tf.variableGrads(() => method.loss([x], { x, labels }, []), vars);
    const ref = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 3), method.logits(x), undefined, 0, tf.Reduction.MEAN) as tf.Scalar,
      vars,
    );
    expectClose(ours.value, ref.value.dataSync()[0]!, { atol: 1e-6, rtol: 1e-6 });
    for (const v of vars) expectClose(ours.grads[v.name]!, Array.from(ref.grads[v.name]!.dataSync()), { atol: 1e-6, rtol: 1e-5 });
    tf.dispose([ours.value, ref.value, ...Object.values(ours.grads), ...Object.values(ref.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, labels]);
    method.dispose();
  });

  it('reaches high accuracy on a linearly separable toy set (train() on a Dataset, one view, no augmentation)', async () => {
    const data = toyDataset(90, [4], 3, 5);
    const method = supervisedMethod({ encoder: mlp({ inputDim: 4, hidden: [16], outputDim: 8, seed: 1 }), numClasses: 3 });
    const accuracy = () =>
      tf.tidy(() => {
        const all = data.get(Array.from({ length: 90 }, (_, i) => i));
        return tf.mean(tf.cast(tf.equal(tf.argMax(method.logits(all.x), 1), all.labels), 'float32')).dataSync()[0]!;
      });
    const start = accuracy();
    const before = tf.memory().numTensors;
    for await (const e of train({ data, method, optimizer: { type: 'adam', lr: 0.05 }, epochs: 20, batchSize: 15, seed: 3 })) void e;
    expect(tf.memory().numTensors).toBe(before);
    const end = accuracy();
    expect(start).toBeLessThan(0.8);
    expect(end).toBeGreaterThanOrEqual(0.97);
    method.dispose();
    data.dispose();
  });

  it('errors: no labels, a label out of range, neither numClasses nor head', () => {
    const method = supervisedMethod({ encoder: mlp({ inputDim: 2, outputDim: 2 }), numClasses: 2 });
    const x = tf.ones([3, 2]) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 1, 2], 'int32');
    expect(() => method.loss([x], { x }, [])).toThrow(/supervisedMethod.*batch\.labels/);
    expect(() => method.loss([x], { x, labels }, [])).toThrow(/batch\.labels\[2\].*0\.\.1/);
    expect(() => supervisedMethod({ encoder: mlp({ inputDim: 2, outputDim: 2 }) })).toThrow(/numClasses/);
    tf.dispose([x, labels]);
    method.dispose();
  });
});
