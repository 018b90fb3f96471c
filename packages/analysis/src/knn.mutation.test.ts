// Weighted kNN (InstDisc, Wu et al. 2018 §3.4; lightly's knn_predict: votes exp(s/τ), τ = 0.07)
// and majority-vote kNN on hand-computed cases: top-5 at its boundary (5th vs 6th class), classes
// that only the test labels name, k capped at the training size, the euclidean metric, and the
// exact texts of uniformity's and alignment's errors (Wang & Isola 2020).
import { describe, expect, it } from 'vitest';
import { alignmentSync, uniformity, uniformitySync } from './alignment-uniformity';
import { knnAccuracySync } from './knn';
import { weightedKnnSync } from './knn-weighted';

/** Unit vector at angle θ (radians) in the plane. */
const at = (theta: number) => [Math.cos(theta), Math.sin(theta)];

describe('weightedKnn: top-5 and the class count', () => {
  // Seven training points, one per class c = 0..6, at angle 0.1·c from the query direction (1, 0):
  // similarity cos(0.1c) decreases with c, so the class ranking is 0, 1, ..., 6.
  const trainX = Array.from({ length: 7 }, (_, c) => at(0.1 * c));
  const trainY = [0, 1, 2, 3, 4, 5, 6];

  it('a label ranked 5th counts for top-5, 6th does not', () => {
    const query = [[1, 0]];
    expect(weightedKnnSync(trainX, trainY, query, [4], { k: 7 }).top5).toBe(1);
    expect(weightedKnnSync(trainX, trainY, query, [5], { k: 7 }).top5).toBe(0);
    expect(weightedKnnSync(trainX, trainY, query, [0], { k: 7 })).toEqual({ top1: 1, top5: 1, k: 7, predictions: [0] });
    expect(weightedKnnSync(trainX, trainY, query, [1], { k: 7 }).top1).toBe(0);
    // Averages over test rows: (1 + 0) / 2.
    expect(weightedKnnSync(trainX, trainY, [query[0]!, query[0]!], [4, 5], { k: 7 }).top5).toBe(0.5);
  });

  it('classes named only by the test labels take part with score 0 (ranked after the voted ones, by label)', () => {
    // Two voted classes (0 and 1); test label 3 exists only in testY: ranking 0, 1, 2, 3 → in the top 5.
    const r = weightedKnnSync([at(0), at(0.5)], [0, 1], [[1, 0]], [3], { k: 2 });
    expect(r.predictions).toEqual([0]);
    expect(r.top5).toBe(1);
    // With labels up to 6 in the test set the 6th-ranked label 5 is out.
    expect(weightedKnnSync([at(0), at(0.5)], [0, 1], [[1, 0]], [5], { k: 2 }).top5).toBe(0);
  });

  it('votes are exp(s/τ) summed per class; only the k most similar vote (k capped at n)', () => {
    // Query (1, 0); class 0 at cos 1, class 1 twice at cos 0.9 (angle acos 0.9).
    const t = Math.acos(0.9);
    const x = [at(0), at(t), at(-t)];
    const y = [0, 1, 1];
    // τ = 1: e^1 = 2.718 < 2e^0.9 = 4.919 → class 1. τ = 0.07: e^14.29 > 2e^12.86 → class 0
    // (ratio e^(0.1/0.07)/2 = 2.09).
    expect(weightedKnnSync(x, y, [[1, 0]], [1], { k: 3, temperature: 1 }).predictions).toEqual([1]);
    expect(weightedKnnSync(x, y, [[1, 0]], [1], { k: 3 }).predictions).toEqual([0]);
    // τ = 0.2: e^5 = 148.4 vs 2e^4.5 = 180.0 → class 1.
    expect(weightedKnnSync(x, y, [[1, 0]], [1], { k: 3, temperature: 0.2 }).predictions).toEqual([1]);
    // k = 2: class 0 and one class-1 point vote: e^5 > e^4.5 → class 0.
    expect(weightedKnnSync(x, y, [[1, 0]], [1], { k: 2, temperature: 0.2 }).predictions).toEqual([0]);
    expect(weightedKnnSync(x, y, [[1, 0]], [1], { k: 1000, temperature: 0.2 }).k).toBe(3);
    // Cosine: the norms of the rows do not matter.
    expect(
      weightedKnnSync(
        x.map((r) => r.map((v) => 50 * v)),
        y,
        [[0.01, 0]],
        [1],
        { k: 3, temperature: 0.2 },
      ).predictions,
    ).toEqual([1]);
  });
});

describe('knnAccuracy: euclidean distances and the vote', () => {
  it('euclidean uses squared distances of the raw rows; accuracy averages over the test rows', () => {
    const train = [[0], [1], [10], [11], [12]];
    const y = [0, 0, 1, 1, 1];
    const r = knnAccuracySync(train, y, [[0.4], [10.6], [5.4]], [0, 1, 1], { k: 2, metric: 'euclidean' });
    expect(r.predictions).toEqual([0, 1, 0]); // 5.4 is nearer 1 than 10
    expect(r.accuracy).toBeCloseTo(2 / 3, 15);
    expect(r.k).toBe(2);
    // k = 5: 3 votes for class 1 beat 2 for class 0 everywhere.
    expect(knnAccuracySync(train, y, [[0.4]], [1], { k: 5, metric: 'euclidean' }).predictions).toEqual([1]);
    // Default k = 20 is capped at the 5 training rows.
    expect(knnAccuracySync(train, y, [[0.4]], [1], { metric: 'euclidean' }).k).toBe(5);
  });

  it('a three-way vote: the largest count wins, whatever the order of first appearance', () => {
    // Neighbours of 0 by distance: 0.1 (class 2), 0.2 (class 1), 0.3 (class 1), 0.4 (class 0), 0.5 (class 1).
    const train = [[0.1], [0.2], [0.3], [0.4], [0.5]];
    expect(knnAccuracySync(train, [2, 1, 1, 0, 1], [[0]], [1], { k: 5, metric: 'euclidean' }).predictions).toEqual([1]);
    // k = 4: class 1 has 2 votes, classes 2 and 0 one each → 1.
    expect(knnAccuracySync(train, [2, 1, 1, 0, 1], [[0]], [1], { k: 4, metric: 'euclidean' }).predictions).toEqual([1]);
    // k = 4 with labels 2, 1, 0, 2: class 2 has 2 votes → 2.
    expect(knnAccuracySync(train, [2, 1, 0, 2, 1], [[0]], [2], { k: 4, metric: 'euclidean' }).predictions).toEqual([2]);
    // 1–1 tie between classes 3 and 1 whose nearest voters are at equal distance: the lower training index ranks first.
    expect(
      knnAccuracySync(
        [
          [1, 0],
          [1, 0],
        ],
        [3, 1],
        [[1, 0]],
        [1],
        { k: 2 },
      ).predictions,
    ).toEqual([3]); // the nearest voter is the lower training index (label 3): it ranks first
  });
});

describe('knnAccuracy: majority vote (plain kNN, Cover & Hart 1967) and its documented tie rule', () => {
  it('equal counts go to the class whose closest voter is nearest, whatever the labels', () => {
    // Neighbours of 0 by distance 0.1, 0.2, 0.3, 0.4; k = 4 gives a 2–2 tie.
    const train = [[0.1], [0.2], [0.3], [0.4]];
    expect(knnAccuracySync(train, [5, 2, 2, 5], [[0]], [5], { k: 4, metric: 'euclidean' }).predictions).toEqual([5]);
    expect(knnAccuracySync(train, [2, 5, 5, 2], [[0]], [2], { k: 4, metric: 'euclidean' }).predictions).toEqual([2]);
    // Three classes at 2 votes each (k = 6): the nearest voter's class 4.
    const six = [[0.1], [0.2], [0.3], [0.4], [0.5], [0.6]];
    expect(knnAccuracySync(six, [4, 1, 0, 0, 1, 4], [[0]], [4], { k: 6, metric: 'euclidean' }).predictions).toEqual([4]);
    // A later class with one vote more wins: 1, 0, 0 → class 0.
    expect(knnAccuracySync(six, [1, 0, 0, 1, 2, 2], [[0]], [0], { k: 3, metric: 'euclidean' }).predictions).toEqual([0]);
    // k = 1: the nearest neighbour's class.
    expect(knnAccuracySync(six, [3, 0, 0, 0, 0, 0], [[0]], [3], { k: 1, metric: 'euclidean' })).toEqual({
      accuracy: 1,
      k: 1,
      predictions: [3],
    });
  });

  it('euclidean in 2-D: squared distances over both coordinates of the right rows', () => {
    // Train (0, 5), (4, 0), (5, 5) of classes 0, 1, 2. Squared distances (by hand):
    // (4, 1): 32, 1, 17 → 1;  (1, 4): 2, 25, 17 → 0;  (5, 4): 26, 17, 1 → 2.
    const train = [
      [0, 5],
      [4, 0],
      [5, 5],
    ];
    const test = [
      [4, 1],
      [1, 4],
      [5, 4],
    ];
    const r = knnAccuracySync(train, [0, 1, 2], test, [1, 0, 0], { k: 1, metric: 'euclidean' });
    expect(r.predictions).toEqual([1, 0, 2]);
    expect(r.accuracy).toBeCloseTo(2 / 3, 15);
    // k = 2 on (4, 1): neighbours (4, 0) and (5, 5), one vote each → the nearer, class 1.
    expect(knnAccuracySync(train, [0, 1, 2], [[4, 1]], [1], { k: 2, metric: 'euclidean' }).predictions).toEqual([1]);
  });

  it('cosine ranks by the cosine itself: a zero training row (cosine 0) is farther than a row at cosine 1/√10', () => {
    // Query (1, 0); train (0, 0) of class 0 and (1, 3) of class 1 (cosine 0.316 > 0). Squared euclidean
    // on the normalised rows would rank them the other way (1 < 2 − 2/√10 = 1.37).
    const train = [
      [0, 0],
      [1, 3],
    ];
    expect(knnAccuracySync(train, [0, 1], [[1, 0]], [1], { k: 1 }).predictions).toEqual([1]);
    // Raw euclidean: (0, 0) at 1, (1, 3) at 9 → class 0.
    expect(knnAccuracySync(train, [0, 1], [[1, 0]], [1], { k: 1, metric: 'euclidean' }).predictions).toEqual([0]);
  });
});

describe('uniformity and alignment: error texts and the pairs i < j', () => {
  it('uniformity needs two rows: the exact message', async () => {
    expect(() => uniformitySync([[1, 0]])).toThrow(`uniformity: invalid argument 'x': expected at least 2 rows (pairs i < j), got "1 row"`);
    await expect(uniformity([[1, 0]])).rejects.toThrow("'x'");
  });

  it('uniformity averages over the n(n − 1)/2 distinct pairs (no self pairs): three points on a line', () => {
    // Points 0, 1, 3 (t = 1): pairs at squared distances 1, 9, 4 → log((e^-1 + e^-9 + e^-4)/3).
    const expected = Math.log((Math.exp(-1) + Math.exp(-9) + Math.exp(-4)) / 3);
    expect(uniformitySync([[0], [1], [3]], { t: 1 })).toBeCloseTo(expected, 14);
    // Scaling the points by 10 (no normalisation): the exponents −100, −900, −400 do not underflow to log 0.
    expect(uniformitySync([[0], [10], [30]], { t: 1 })).toBeCloseTo(-100 + Math.log((1 + Math.exp(-800) + Math.exp(-300)) / 3), 10);
  });

  it('alignment with normalize divides each row by its own norm', () => {
    // (3, 4) → (0.6, 0.8) and (0, −2) → (0, −1): ‖·‖² = 0.36 + 3.24 = 3.6.
    expect(alignmentSync([[3, 4]], [[0, -2]], { normalize: true })).toBeCloseTo(3.6, 14);
    expect(alignmentSync([[3, 4]], [[0, -2]], { normalize: true, alpha: 1 })).toBeCloseTo(Math.sqrt(3.6), 14);
    expect(alignmentSync([[3, 4]], [[0, -2]])).toBeCloseTo(9 + 36, 12);
  });
});
