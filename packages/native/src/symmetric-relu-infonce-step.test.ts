// The whole fused SGD step against the tape path it replaces (the fused loss under tf.variableGrads,
// train's plain SGD update, symmetricRelu's row renormalisation): the same bits on cpu and wasm.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError } from '@contrastive/core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { symmetricReluInfoNCELoss, symmetricReluInfoNCEStep } from './symmetric-relu-infonce';

const randn = (seed: string, n: number, std = 1) => createRng(seed).fillNormal(new Float32Array(n), 0, std);

/** The tape path of one step: variableGrads over the fused loss, W − g·lr, then W / max(‖w_i‖, 1e-12). */
function tapeStep(
  x1: tf.Tensor2D,
  x2: tf.Tensor2D,
  w: tf.Variable<tf.Rank.R2>,
  o: { threshold: number; temperature: number; learningRate: number; unitNormRows: boolean },
) {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => symmetricReluInfoNCELoss(x1, x2, w, o), [w]);
    const loss = value.dataSync()[0]!;
    w.assign(tf.sub(w, tf.mul(grads[w.name]!, o.learningRate)));
    if (o.unitNormRows) w.assign(tf.div(w, tf.maximum(tf.sqrt(tf.sum(tf.square(w), 1, true)), 1e-12)) as tf.Tensor2D);
    return loss;
  });
}

describeBackends('symmetricReluInfoNCEStep', () => {
  it.each([true, false])('gives the tape path’s loss and W bit for bit over 20 steps (unitNormRows %s)', (unitNormRows) => {
    const [B, d1, m] = [48, 40, 12];
    const w0 = randn('w', m * d1, 0.3);
    const a = tf.variable(tf.tensor2d(w0, [m, d1]), true, `step-a-${unitNormRows}`);
    const b = tf.variable(tf.tensor2d(w0, [m, d1]), true, `step-b-${unitNormRows}`);
    const before = tf.memory().numTensors;
    for (let s = 0; s < 20; s++) {
      const o = { threshold: 0.05 * s, temperature: 0.1, learningRate: 0.05 * (1 + s / 7), unitNormRows };
      const [x1, x2] = [tf.tensor2d(randn(`x1-${s}`, B * d1), [B, d1]), tf.tensor2d(randn(`x2-${s}`, B * d1), [B, d1])];
      const fused = symmetricReluInfoNCEStep(x1, x2, a, o);
      const tape = tapeStep(x1, x2, b, o);
      expect(fused, `loss at step ${s}`).toBe(tape);
      expect(Array.from(a.dataSync()), `W after step ${s}`).toEqual(Array.from(b.dataSync()));
      tf.dispose([x1, x2]);
    }
    expect(tf.memory().numTensors).toBe(before);
    if (unitNormRows) {
      const w = a.dataSync();
      for (let i = 0; i < m; i++) expect(Math.hypot(...w.subarray(i * d1, (i + 1) * d1))).toBeCloseTo(1, 6);
    }
    tf.dispose([a, b]);
  });

  it('writes a fresh tensor: a clone of the old W keeps its values; tensor counts stay flat', async () => {
    const [B, d1, m] = [8, 6, 3];
    const w = tf.variable(tf.tensor2d(randn('w2', m * d1), [m, d1]), true, 'step-clone');
    const x1 = tf.tensor2d(randn('a', B * d1), [B, d1]);
    const x2 = tf.tensor2d(randn('b', B * d1), [B, d1]);
    const old = tf.clone(w); // shares W's buffer until W is assigned
    const copy = Array.from(w.dataSync());
    const o = { threshold: 0, temperature: 0.5, learningRate: 0.1, unitNormRows: true };
    await expectNoLeak(() => void symmetricReluInfoNCEStep(x1, x2, w, o));
    expect(Array.from(old.dataSync())).toEqual(copy);
    expect(Array.from(w.dataSync())).not.toEqual(copy);
    tf.dispose([w, x1, x2, old]);
  });

  it('leaves W unchanged and returns the non-finite loss when the loss overflows', () => {
    const [B, d1, m] = [4, 3, 2];
    const w = tf.variable(
      tf.tensor2d(
        Float32Array.from({ length: m * d1 }, () => 1),
        [m, d1],
      ),
      true,
      'step-inf',
    );
    const x = tf.tensor2d(
      Float32Array.from({ length: B * d1 }, () => 1e19),
      [B, d1],
    ); // h·h = 3e38² → inf
    const copy = Array.from(w.dataSync());
    const loss = symmetricReluInfoNCEStep(x, x, w, { threshold: 0, temperature: 0.1, learningRate: 0.1, unitNormRows: true });
    expect(Number.isFinite(loss)).toBe(false);
    expect(Array.from(w.dataSync())).toEqual(copy);
    tf.dispose([w, x]);
  });

  it('names a bad option', () => {
    const w = tf.variable(tf.zeros([2, 3]), true, 'step-bad');
    const x = tf.zeros([4, 3]) as tf.Tensor2D;
    const o = { threshold: 0, temperature: 0.1, learningRate: 0.1, unitNormRows: true };
    expect(() => symmetricReluInfoNCEStep(x, x, w as tf.Variable<tf.Rank.R2>, { ...o, learningRate: 0 })).toThrow(/options\.learningRate/);
    expect(() => symmetricReluInfoNCEStep(x, x, w as tf.Variable<tf.Rank.R2>, { ...o, unitNormRows: 1 as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => symmetricReluInfoNCEStep(x, tf.zeros([4, 2]) as tf.Tensor2D, w as tf.Variable<tf.Rank.R2>, o)).toThrow(/x2/);
    tf.dispose([w, x]);
  });
});
