import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { createRng } from './rng';
import { bernoulliTensor, filledTensor, randomNormalTensor, randomUniformTensor } from './random-tensors';

describeBackends('random tensors', () => {
  it('are reproducible for a seed, with the right shape and dtype', () => {
    const a = randomNormalTensor(createRng(0), [3, 4]);
    const b = randomNormalTensor(createRng(0), [3, 4]);
    expect(a.shape).toEqual([3, 4]);
    expect(a.dtype).toBe('float32');
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
  });

  it('have the requested moments', () => {
    const rng = createRng(1);
    const n = randomNormalTensor(rng, [50_000], 2, 3);
    const u = randomUniformTensor(rng, [50_000], -1, 1);
    const m = bernoulliTensor(rng, [50_000], 0.25);
    expect(Math.abs(tf.mean(n).dataSync()[0]! - 2)).toBeLessThan(0.07);
    expect(Math.abs(Math.sqrt(tf.moments(n).variance.dataSync()[0]!) - 3)).toBeLessThan(0.05);
    expect(Math.abs(tf.mean(u).dataSync()[0]!)).toBeLessThan(0.02);
    expect(Math.abs(tf.mean(m).dataSync()[0]! - 0.25)).toBeLessThan(0.01);
    tf.dispose([n, u, m]);
  });

  it('do not leak', async () => {
    const rng = createRng(2);
    await expectNoLeak(() => tf.tidy(() => tf.add(randomNormalTensor(rng, [8]), bernoulliTensor(rng, [8], 0.5))));
  });
});

describeBackends('filledTensor', () => {
  it('holds exactly the values fill writes, the same on every backend as tf.tensor of a filled array', () => {
    const a = filledTensor([64, 33], (out) => createRng(5).fillNormal(out, 1, 2));
    const b = tf.tensor(createRng(5).fillNormal(new Float32Array(64 * 33), 1, 2), [64, 33]);
    expect(a.shape).toEqual([64, 33]);
    expect(a.dtype).toBe('float32');
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    // a tensor of its own: later allocations and ops do not change it
    const c = tf.tidy(() => tf.mul(tf.ones([64, 33]), 3));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b, c]);
  });

  it('handles an empty shape and does not leak', async () => {
    const e = filledTensor([0, 4], () => {});
    expect(e.shape).toEqual([0, 4]);
    e.dispose();
    await expectNoLeak(() =>
      tf.tidy(() =>
        tf.add(
          filledTensor([5], (out) => out.fill(2)),
          1,
        ),
      ),
    );
  });
});
