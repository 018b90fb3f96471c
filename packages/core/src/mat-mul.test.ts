import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { it } from 'vitest';
import { matMul } from './mat-mul';
import { createRng } from './rng';
import { randomNormalTensor } from './random-tensors';

describeBackends('matMul (explicit transposes)', () => {
  const rng = createRng(0);
  const cases: Array<[boolean, boolean, number[], number[]]> = [
    [false, false, [3, 4], [4, 5]],
    [true, false, [4, 3], [4, 5]],
    [false, true, [3, 4], [5, 4]],
    [true, true, [4, 3], [5, 4]],
  ];
  for (const [ta, tb, sa, sb] of cases) {
    it(`equals tf.matMul and its gradient (transposeA=${ta}, transposeB=${tb})`, async () => {
      const a = randomNormalTensor<tf.Rank.R2>(rng, sa) as tf.Tensor2D;
      const b = randomNormalTensor<tf.Rank.R2>(rng, sb) as tf.Tensor2D;
      const w = randomNormalTensor<tf.Rank.R2>(rng, [3, 5]) as tf.Tensor2D;
      // Reference: tfjs's own matMul and autograd (independent implementation).
      expectClose(matMul(a, b, ta, tb), tf.matMul(a, b, ta, tb));
      const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb), w)))([a, b]);
      const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb), w)))([
        a,
        b,
      ]);
      expectClose(ours[0]!, ref[0]!);
      expectClose(ours[1]!, ref[1]!);
      await expectNoLeak(() =>
        tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb)))([a, b]),
      );
      tf.dispose([a, b, w, ...ours, ...ref]);
    });
  }

  it('batched (rank 3): equals tf.matMul and its gradient, with and without transposes', () => {
    for (const [ta, tb] of [
      [false, false],
      [true, true],
    ] as const) {
      const a = randomNormalTensor<tf.Rank.R3>(rng, ta ? [2, 4, 3] : [2, 3, 4]) as tf.Tensor3D;
      const b = randomNormalTensor<tf.Rank.R3>(rng, tb ? [2, 5, 4] : [2, 4, 5]) as tf.Tensor3D;
      const w = randomNormalTensor<tf.Rank.R3>(rng, [2, 3, 5]) as tf.Tensor3D;
      expectClose(matMul(a, b, ta, tb), tf.matMul(a, b, ta, tb));
      const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x as tf.Tensor3D, y as tf.Tensor3D, ta, tb), w)))([a, b]);
      const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, ta, tb), w)))([
        a,
        b,
      ]);
      expectClose(ours[0]!, ref[0]!);
      expectClose(ours[1]!, ref[1]!);
      tf.dispose([a, b, w, ...ours, ...ref]);
    }
  });
});
