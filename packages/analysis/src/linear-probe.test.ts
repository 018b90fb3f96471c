import { describe, expect, it } from 'vitest';
import { linearProbe, linearProbeSync } from './linear-probe';
import type { Matrix } from './matrix';
import { splitTrainTest, takeRows } from './split-train-test';
import { normalMatrix, rngOf } from './test-fixtures';

/** Gaussian features labelled by a fixed random linear classifier, keeping only rows with margin ≥ 0.5. */
function separable(seed: number, n: number, f: number, classes: number): { x: Matrix; y: number[] } {
  const rng = rngOf(seed);
  const w = normalMatrix(rng, classes, f);
  const rows: number[] = [];
  const y: number[] = [];
  while (y.length < n) {
    const x = rng.fillNormal(new Float64Array(f));
    const scores = Array.from({ length: classes }, (_, c) => x.reduce((s, v, j) => s + v * w.data[c * f + j]!, 0));
    const sorted = [...scores].sort((a, b) => b - a);
    if (sorted[0]! - sorted[1]! < 0.5) continue;
    rows.push(...x);
    y.push(scores.indexOf(sorted[0]!));
  }
  return { x: { rows: n, cols: f, data: Float64Array.from(rows) }, y };
}

describe('linearProbe', () => {
  it('linearly separable data (3 classes, 10 features, margin 0.5): train 1, test ≥ 0.99', async () => {
    const all = separable(73, 1600, 10, 3);
    const split = splitTrainTest(1600, 0.625, 'probe');
    const r = await linearProbe(
      takeRows(all.x, split.train),
      split.train.map((i) => all.y[i]!),
      takeRows(all.x, split.test),
      split.test.map((i) => all.y[i]!),
    );
    expect(r.trainAccuracy).toBe(1);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.99);
    expect(r.classes).toBe(3);
    expect(r.testPredictions).toHaveLength(1000);
  });

  it('plain gradient descent reaches the same accuracy on separable data', () => {
    const all = separable(74, 800, 6, 2);
    const split = splitTrainTest(800, 0.5, 1);
    const r = linearProbeSync(
      takeRows(all.x, split.train),
      split.train.map((i) => all.y[i]!),
      takeRows(all.x, split.test),
      split.test.map((i) => all.y[i]!),
      {
        solver: 'gd',
        epochs: 300,
        lr: 1,
      },
    );
    expect(r.trainAccuracy).toBeGreaterThanOrEqual(0.99);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.98);
  });

  it('random labels: test accuracy at chance 1/4 (n_test = 1000, sd 0.014; allow ±0.06)', () => {
    const rng = rngOf(75);
    const x = normalMatrix(rng, 1400, 20);
    const y = Array.from({ length: 1400 }, () => rng.int(4));
    const split = splitTrainTest(1400, 1000 / 1400, 2);
    const r = linearProbeSync(
      takeRows(x, split.train),
      split.train.map((i) => y[i]!),
      takeRows(x, split.test),
      split.test.map((i) => y[i]!),
    );
    expect(Math.abs(r.testAccuracy - 0.25)).toBeLessThan(0.06);
    expect(r.trainAccuracy).toBeGreaterThan(r.testAccuracy); // 400 rows, 84 parameters: it overfits
  });

  it('with an uninformative feature the optimum is the label log-prior: loss = entropy(¾, ¼) = 0.5623', () => {
    // A constant feature standardises to 0, so only the biases learn: softmax(b) = class frequencies.
    const r = linearProbeSync([[1], [1], [1], [1]], [0, 0, 0, 1], [[1]], [0], { l2: 0 });
    expect(r.trainLoss).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 8);
    expect(r.trainAccuracy).toBe(0.75);
    expect(r.testPredictions).toEqual([0]);
    // The biases are not penalised, so a strong L2 leaves this optimum unchanged.
    expect(linearProbeSync([[1], [1], [1], [1]], [0, 0, 0, 1], [[1]], [0], { l2: 1 }).trainLoss).toBeCloseTo(r.trainLoss, 8);
  });

  it('is deterministic and validates labels and shapes', async () => {
    const all = separable(76, 100, 4, 3);
    const a = await linearProbe(all.x, all.y, all.x, all.y, { epochs: 20 });
    const b = await linearProbe(all.x, all.y, all.x, all.y, { epochs: 20 });
    expect(a).toEqual(b);
    await expect(linearProbe(all.x, all.y.slice(1), all.x, all.y)).rejects.toThrow(/'trainY' has 99 labels but 'trainX' has 100 rows/);
    expect(() => linearProbeSync([[1]], [1.5], [[1]], [0])).toThrow(/'trainY\[0\]'.*non-negative integer/);
    expect(() => linearProbeSync([[1]], [0], [[1, 2]], [0])).toThrow(/'testX' has features = 2/);
    expect(() => linearProbeSync([[1]], [0], [[1]], [0], { epochs: 0 })).toThrow(/options\.epochs/);
  });
});
