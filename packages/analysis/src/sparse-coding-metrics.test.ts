import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { sparseCodingMetrics } from './sparse-coding-metrics';
import { basisVector, stubData, stubNetwork } from './test-fixtures';

// Dictionary M = [e0 e1 e2] in d1 = 6, dense basis H = [e3]: every expected value is a cosine of
// unit vectors, so the answers below are exact (Wen & Li 2021's a_j = max_i |cos(w_i, M_j)|).
const d1 = 6;
const columns = (idx: number[]) => tf.tensor2d(Array.from({ length: d1 }, (_, i) => idx.map((j) => (i === j ? 1 : 0))));
const neurons = (rows: number[][]) => stubNetwork(d1, rows.length, (x) => x, { neuronWeights: () => tf.tensor2d(rows) });

describeBackends('sparseCodingMetrics', () => {
  it('neurons that ARE the atoms recover every atom exactly', () => {
    const [m, h] = [columns([0, 1, 2]), columns([3])];
    const data = stubData(d1, () => ({ x: tf.zeros([1, d1]) }), { dictionary: m, denseBasis: h });
    const before = tf.memory().numTensors;
    const out = sparseCodingMetrics(neurons([basisVector(d1, 2), basisVector(d1, 0), basisVector(d1, 1).map((v) => -2 * v)]), data);
    expect(out).toEqual({
      'atomRecovery.fraction': 1,
      'atomRecovery.median': 1,
      'atomRecovery.min': 1,
      'neuronPurity.median': 1,
      'residualMass.mean': 0,
      'denseMass.mean': 0,
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([m, h]);
  });

  it('neurons halfway between atoms: a_j = 1/√2 < 0.8, nothing recovered', () => {
    const m = columns([0, 1, 2]);
    const data = stubData(d1, () => ({ x: tf.zeros([1, d1]) }), { dictionary: m, denseBasis: null });
    const s = Math.SQRT1_2;
    const out = sparseCodingMetrics(
      neurons([
        [s, s, 0, 0, 0, 0],
        [0, s, s, 0, 0, 0],
        [s, 0, s, 0, 0, 0],
      ]),
      data,
    );
    expect(out['atomRecovery.fraction']).toBe(0);
    expect(out['atomRecovery.median']).toBeCloseTo(Math.SQRT1_2, 6);
    expect(out['neuronPurity.median']).toBeCloseTo(Math.SQRT1_2, 6);
    expect(out['residualMass.mean']).toBeCloseTo(0, 6);
    expect(out['denseMass.mean']).toBeUndefined(); // no dense basis
    m.dispose();
  });

  it('neurons on an atom, a dense direction and a noise direction', () => {
    const [m, h] = [columns([0, 1, 2]), columns([3])];
    const data = stubData(d1, () => ({ x: tf.zeros([1, d1]) }), { dictionary: m, denseBasis: h });
    const out = sparseCodingMetrics(neurons([basisVector(d1, 0), basisVector(d1, 3), basisVector(d1, 5)]), data);
    expect(out['atomRecovery.fraction']).toBeCloseTo(1 / 3, 12); // a = [1, 0, 0]
    expect(out['atomRecovery.median']).toBe(0);
    expect(out['neuronPurity.median']).toBe(0); // purity [1, 0, 0]
    expect(out['residualMass.mean']).toBeCloseTo(2 / 3, 6); // outside span(M): [0, 1, 1]
    expect(out['denseMass.mean']).toBeCloseTo(1 / 3, 6); // in span(H): [0, 1, 0]
    tf.dispose([m, h]);
  });

  it('does not apply without a dictionary, without neurons, or in another input space', () => {
    const m = columns([0, 1]);
    const withDict = stubData(d1, () => ({ x: tf.zeros([1, d1]) }), { dictionary: m });
    expect(
      sparseCodingMetrics(
        neurons([basisVector(d1, 0)]),
        stubData(d1, () => ({ x: tf.zeros([1, d1]) })),
      ),
    ).toEqual({});
    expect(
      sparseCodingMetrics(
        stubNetwork(d1, 2, (x) => x),
        withDict,
      ),
    ).toEqual({});
    expect(
      sparseCodingMetrics(
        stubNetwork(4, 1, (x) => x, { neuronWeights: () => tf.zeros([1, 4]) }),
        withDict,
      ),
    ).toEqual({});
    m.dispose();
  });
});
