import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { cosineSimilarity } from './cosine-similarity';

describeBackends('cosineSimilarity', () => {
  it('row-wise cosine (nn.CosineSimilarity(dim=1)), 0 for a zero row', () => {
    const a = tf.tensor2d([1, 0, 1, 1, 0, 0, 3, 4], [4, 2]);
    const b = tf.tensor2d([0, 1, 2, 2, 1, 1, -3, -4], [4, 2]);
    expectClose(cosineSimilarity(a, b), [0, 1, 0, -1], { atol: 1e-6, rtol: 0 });
    expectGradMatchesFiniteDiff(
      (t) =>
        tf.sum(
          cosineSimilarity(
            t as tf.Tensor2D,
            tf.tensor2d([
              [1, 2],
              [3, -1],
            ]),
          ),
        ),
      tf.tensor2d([
        [0.5, -1],
        [2, 0.3],
      ]),
      {
        eps: 1e-3,
        atol: 1e-3,
        rtol: 5e-3,
      },
    );
    tf.dispose([a, b]);
  });

  it('does not leak and rejects mismatched shapes', async () => {
    const a = tf.ones([2, 3]) as tf.Tensor2D;
    await expectNoLeak(() => cosineSimilarity(a, a));
    expect(() => cosineSimilarity(a, tf.ones([2, 4]) as tf.Tensor2D)).toThrow(/cosineSimilarity: 'b' has dim = 4/);
    a.dispose();
  });
});
