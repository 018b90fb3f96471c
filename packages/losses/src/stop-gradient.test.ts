import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { stopGradient } from './stop-gradient';

describeBackends('stopGradient', () => {
  it('is the identity forward and has exactly zero gradient', () => {
    const x = tf.tensor2d([1, -2, 3, 4], [2, 2]);
    const y = stopGradient(x);
    expectClose(y, [1, -2, 3, 4], { atol: 0, rtol: 0 });
    // d/dx [x² + sg(x)·x] = 2x + sg(x) (the stopped factor is a constant): [3, −6, 9, 12]
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.add(tf.square(t), tf.mul(stopGradient(t), t))))(x);
    expectClose(g, [3, -6, 9, 12], { atol: 1e-6, rtol: 0 });
    const g0 = tf.grad((t: tf.Tensor) => tf.sum(tf.square(stopGradient(t))))(x);
    expect(Array.from(g0.dataSync())).toEqual([0, 0, 0, 0]);
    tf.dispose([x, y, g, g0]);
  });

  it('does not leak tensors and rejects non-tensors', async () => {
    const x = tf.ones([3]);
    await expectNoLeak(() => stopGradient(x));
    await expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(stopGradient(t), t)))(x));
    expect(() => stopGradient(3 as unknown as tf.Tensor)).toThrow(/stopGradient: invalid argument 'x'/);
    x.dispose();
  });
});
