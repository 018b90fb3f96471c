import { describe, expect, it } from 'vitest';
import { knnAccuracy, knnAccuracySync } from './knn';
import { rngOf } from './test-fixtures';

describe('knnAccuracy', () => {
  it('separated clusters: accuracy 1 (cosine, k = 20); shuffled test labels ≈ chance', async () => {
    // 4 clusters around orthogonal directions e_c (scale 5) in R^8 with N(0,1) noise: cosine to the own
    // centre ≈ 0.75, to another centre ≈ 0 ± 0.1, so neighbours are all from the same cluster.
    const rng = rngOf(81);
    const make = (n: number) => {
      const x: number[][] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) {
        const c = i % 4;
        x.push(Array.from({ length: 8 }, (_, j) => (j === c ? 5 : 0) + rng.normal()));
        y.push(c);
      }
      return { x, y };
    };
    const train = make(400);
    const test = make(200);
    const r = await knnAccuracy(train.x, train.y, test.x, test.y);
    expect(r.accuracy).toBe(1);
    expect(r.k).toBe(20);
    const shuffled = rng.permutation(200);
    const chance = knnAccuracySync(
      train.x,
      train.y,
      test.x,
      Array.from(shuffled, (i) => test.y[i]!),
      { k: 5 },
    );
    expect(Math.abs(chance.accuracy - 0.25)).toBeLessThan(0.13); // sd 0.031 for 200 test rows
  });

  it('breaks vote ties by the nearest voter, then by neighbour index', () => {
    // Train on the line: class 0 at 1.0, class 1 at 1.2 and 3.0; test at 1.15. k = 2: one vote each,
    // class 1's voter (1.2, distance 0.05) is nearer than class 0's (1.0, 0.15) → 1.
    const train = [[1.0], [1.2], [3.0]];
    expect(knnAccuracySync(train, [0, 1, 1], [[1.15]], [1], { k: 2, metric: 'euclidean' }).predictions).toEqual([1]);
    // Test at 0.9, k = 3: class 1 wins 2 votes to 1 although the nearest row (1.0) is class 0;
    // with k = 2 the vote is 1–1 and the nearest voter (class 0) decides.
    expect(knnAccuracySync(train, [0, 1, 1], [[0.9]], [1], { k: 3, metric: 'euclidean' }).predictions).toEqual([1]);
    expect(knnAccuracySync(train, [0, 1, 1], [[0.9]], [0], { k: 2, metric: 'euclidean' }).predictions).toEqual([0]);
    // Exact distance tie (two identical training rows with different labels): the lower index votes first.
    expect(
      knnAccuracySync(
        [
          [1, 0],
          [1, 0],
        ],
        [3, 2],
        [[2, 0]],
        [3],
        { k: 1 },
      ).predictions,
    ).toEqual([3]);
  });

  it('cosine ignores the norm, euclidean does not; k is capped at the training size', () => {
    const train = [
      [1, 0],
      [10, 10],
    ];
    // (0.2, 0.21) points at 46°: by angle it is next to (10, 10), by distance next to (1, 0).
    expect(knnAccuracySync(train, [0, 1], [[0.2, 0.21]], [1], { k: 1 }).predictions).toEqual([1]);
    expect(knnAccuracySync(train, [0, 1], [[0.2, 0.21]], [1], { k: 1, metric: 'euclidean' }).predictions).toEqual([0]);
    expect(knnAccuracySync(train, [0, 1], [[1, 0]], [0], { k: 50 }).k).toBe(2);
  });

  it('validates arguments', () => {
    expect(() => knnAccuracySync([[1]], [0, 1], [[1]], [0])).toThrow(/'trainY' has 2 labels but 'trainX' has 1 rows/);
    expect(() => knnAccuracySync([[1]], [0], [[1]], [0], { metric: 'manhattan' } as never)).toThrow(/options\.metric/);
  });
});
