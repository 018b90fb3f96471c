import * as tf from '@tensorflow/tfjs-core';
import { createRng, type NetworkJSON, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { fromJSON } from './from-json';
import { linearPredictor, type LinearPredictorNetwork } from './linear-predictor';

let counter = 0;
const uid = (base: string) => `${base}${counter++}`;

describeBackends('linearPredictor', () => {
  it("init 'identity' maps every row to itself", () => {
    const p = linearPredictor({ dim: 3, name: uid('id') });
    const x = tf.tensor2d([
      [1, -2, 3],
      [0.5, 0, -1],
    ]);
    const y = p.apply(x);
    expectClose(y, x, { atol: 0, rtol: 0 });
    tf.dispose([x, y]);
    p.dispose();
  });

  it('apply(x) = x W_pᵀ (p = W_p f) plus bias, hand-computed', () => {
    const json: NetworkJSON = {
      type: 'linearPredictor',
      config: { dim: 2, bias: true, name: uid('hand') },
      weights: { Wp: { shape: [2, 2], values: [1, 2, 3, 4] }, b: { shape: [2], values: [0.5, -0.5] } },
    };
    const p = fromJSON(json) as LinearPredictorNetwork;
    const x = tf.tensor2d([
      [1, 1],
      [2, -1],
    ]);
    const y = p.apply(x);
    // W_p f: (1+2, 3+4) + b = (3.5, 6.5); (2−2, 6−4) + b = (0.5, 1.5)
    expectClose(y, [3.5, 6.5, 0.5, 1.5], { atol: 1e-6, rtol: 0 });
    expectGradMatchesFiniteDiff((v) => tf.sum(tf.square(p.apply(v as tf.Tensor2D))) as tf.Scalar, x, { eps: 1e-2 });
    tf.dispose([x, y]);
    p.dispose();
  });

  it("seeded 'normal' init is reproducible, and the JSON round trip is exact", () => {
    const a = linearPredictor({ dim: 5, init: 'normal', seed: 9, name: uid('n') });
    const b = linearPredictor({ dim: 5, init: 'normal', seed: 9, name: a.name });
    expect(Array.from(b.weight.dataSync())).toEqual(Array.from(a.weight.dataSync()));
    const copy = fromJSON(JSON.parse(JSON.stringify(a.toJSON())) as NetworkJSON);
    expect(copy.toJSON()).toEqual(a.toJSON());
    expect(a.variables).toHaveLength(1);
    [a, b, copy].forEach((n) => n.dispose());
  });

  it('leaks no tensors and rejects bad inputs naming the net', async () => {
    const p = linearPredictor({ dim: 4, init: 'normal', bias: true, name: uid('l') });
    const x = tf.tensor2d(createRng(1).fillNormal(new Float32Array(12)), [3, 4]);
    await expectNoLeak(() => p.apply(x));
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(p.apply(x)) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const bad = tf.zeros([3, 5]) as tf.Tensor2D;
    expect(() => p.apply(bad)).toThrow(ShapeMismatchError);
    expect(() => p.apply(bad)).toThrow(/linearPredictor\('l\d+'\)\.apply: 'x'/);
    expect(() => linearPredictor({ dim: 0 })).toThrow(/linearPredictor: invalid argument 'options\.dim'/);
    expect(() => linearPredictor({ dim: 2, init: 'zeros' as never })).toThrow(/options\.init/);
    tf.dispose([x, bad]);
    p.dispose();
  });
});

describeBackends('linearPredictor.predictorMatrix', () => {
  it('is W_p row-major, the matrix of p = W_p f', () => {
    const net = linearPredictor({ dim: 2, init: 'normal', name: 'lp-pm' });
    const m = net.predictorMatrix();
    const f = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    // apply(e_j) is column j of W_p: row r of the output at column i is W_p[i, r].
    const p = net.apply(f).dataSync();
    expect(Array.from(m)).toEqual([p[0], p[2], p[1], p[3]].map((v) => Math.fround(v!)));
    tf.dispose(f);
    net.dispose();
  });
});
