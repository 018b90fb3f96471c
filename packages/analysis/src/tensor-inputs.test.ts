import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import * as analysis from './index';
import type { Matrix } from './matrix';
import { normalMatrix, orthonormalColumns, rngOf } from './test-fixtures';

const toTensor = (m: Matrix) => tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
/** The same matrix rounded to float32, as a tensor would hold it. */
const f32 = (m: Matrix): Matrix => ({ ...m, data: Float64Array.from(Float32Array.from(m.data)) });

describeBackends('tensor inputs', () => {
  const rng = rngOf(141);
  const plain = {
    w: normalMatrix(rng, 12, 16),
    m: orthonormalColumns(rng, 16, 4),
    h: orthonormalColumns(rng, 16, 2),
    za: normalMatrix(rng, 40, 6),
    zb: normalMatrix(rng, 40, 6),
    dirs: orthonormalColumns(rng, 6, 2),
    sq: normalMatrix(rng, 6, 6),
    sq2: normalMatrix(rng, 6, 6),
  };
  const labels = Array.from({ length: 40 }, (_, i) => i % 3);
  type Inputs = { [K in keyof typeof plain]: tf.Tensor | Matrix } & { y: tf.Tensor | number[] };

  // Every public function, called on tensors and on the float32-rounded plain matrices.
  const cases: Array<[string, (x: Inputs) => Promise<unknown>]> = [
    ['atomRecovery', (x) => analysis.atomRecovery(x.w, x.m)],
    ['neuronPurity', (x) => analysis.neuronPurity(x.w, x.m, { denseBasis: x.h })],
    ['denseMass', (x) => analysis.denseMass(x.w, x.h)],
    ['residualMass', (x) => analysis.residualMass(x.w, x.m)],
    ['crossViewCorrelation', (x) => analysis.crossViewCorrelation(x.za, x.zb, x.dirs)],
    ['featureCrossViewCorrelation', (x) => analysis.featureCrossViewCorrelation(x.za, x.zb)],
    ['stdOfNormalized', (x) => analysis.stdOfNormalized(x.za)],
    ['effectiveRank', (x) => analysis.effectiveRank(x.za)],
    ['spectrum', (x) => analysis.spectrum(x.za)],
    ['alignment', (x) => analysis.alignment(x.za, x.zb)],
    ['uniformity', (x) => analysis.uniformity(x.za, { normalize: true })],
    ['linearProbe', (x) => analysis.linearProbe(x.za, x.y, x.zb, x.y, { epochs: 10 })],
    ['knnAccuracy', (x) => analysis.knnAccuracy(x.za, x.y, x.zb, x.y, { k: 5 })],
    ['r2', (x) => analysis.r2(x.za, x.zb)],
    ['regressionR2', (x) => analysis.regressionR2(x.za, x.zb)],
    ['mcc', (x) => analysis.mcc(x.za, x.zb)],
    ['hltmBestCorrelation', (x) => analysis.hltmBestCorrelation(x.za, x.zb)],
    ['commutatorNorm', (x) => analysis.commutatorNorm(x.sq, x.sq2, { normalize: true })],
  ];

  it.each(cases)('%s: same result as plain float32 values, no tensor leaked', async (_name, run) => {
    const tensors = {
      ...(Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, toTensor(v)])) as Record<keyof typeof plain, tf.Tensor>),
      y: tf.tensor1d(labels, 'int32'),
    };
    const values = {
      ...(Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, f32(v)])) as Record<keyof typeof plain, Matrix>),
      y: labels,
    };
    try {
      expect(await run(tensors)).toEqual(await run(values));
      await expectNoLeak(() => run(tensors));
    } finally {
      tf.dispose(Object.values(tensors));
    }
  });

  it('rejects tensors of the wrong rank or disposed, naming the argument', async () => {
    const v = tf.tensor1d([1, 2, 3]);
    await expect(analysis.stdOfNormalized(v)).rejects.toThrow(/'z' must be a rank-2 tensor, got rank 1 \[3\]/);
    const labels2d = tf.tensor2d([[0], [1]]);
    expect(() => analysis.knnAccuracySync([[1], [2]], labels2d, [[1]], [0])).toThrow(/'trainY' must be a rank-1 tensor/);
    const t = tf.tensor2d([[1, 2]]);
    t.dispose();
    await expect(analysis.effectiveRank(t)).rejects.toThrow(/'z' has already been disposed/);
    tf.dispose([v, labels2d]);
  });

  it('sync variants read tensors too', () => {
    const tw = toTensor(plain.w);
    const tm = toTensor(plain.m);
    expect(analysis.atomRecoverySync(tw, tm)).toEqual(analysis.atomRecoverySync(f32(plain.w), f32(plain.m)));
    tf.dispose([tw, tm]);
  });
});
