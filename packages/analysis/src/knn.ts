import { parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { type Matrix, type MatrixInput, normalizeRows, type VectorInput, readLabelledSplit, readLabelledSplitSync } from './matrix';

/** The options of `knnAccuracy` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const knnOptionsSchema = z.strictObject({
  /** Number of neighbours voting (20 in InstDisc/DINO-style kNN monitors; capped at the training size). Default 20. */
  k: z._default(z.int().check(z.gte(1)), 20),
  /** 'cosine' (on L2-normalised rows, the usual choice for SSL embeddings) or 'euclidean'. Default 'cosine'. */
  metric: z._default(z.enum(['cosine', 'euclidean']), 'cosine'),
});
/** Options of `knnAccuracy` (the input of its schema: a field with a default may be omitted). */
export type KnnOptions = z.input<typeof knnOptionsSchema>;

/** Accuracy of the kNN classifier on the test rows. */
export interface KnnResult {
  /** Share of test rows whose majority-vote class among the k nearest training rows is their label. */
  accuracy: number;
  /** k actually used (min(k, training size)). */
  k: number;
  /** Predicted class of every test row. */
  predictions: number[];
}

/**
 * Majority vote of the k nearest training rows. Ties between neighbours at equal distance go to
 * the lower training index; ties between classes with equal votes go to the class whose closest
 * voter is nearest: deterministic and independent of the data order.
 */
function classify(
  train: Matrix,
  trainY: Int32Array,
  test: Matrix,
  testY: Int32Array,
  k: number,
  metric: 'cosine' | 'euclidean',
): KnnResult {
  const a = metric === 'cosine' ? normalizeRows(train) : train;
  const b = metric === 'cosine' ? normalizeRows(test) : test;
  const { rows: n, cols: d } = a;
  const kk = Math.min(k, n);
  const dist = new Float64Array(n);
  const order = new Int32Array(n);
  const predictions: number[] = [];
  let hits = 0;
  for (let t = 0; t < b.rows; t++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      if (metric === 'cosine') {
        for (let c = 0; c < d; c++) s += a.data[i * d + c]! * b.data[t * d + c]!;
        dist[i] = -s; // larger similarity = nearer
      } else {
        for (let c = 0; c < d; c++) s += (a.data[i * d + c]! - b.data[t * d + c]!) ** 2;
        dist[i] = s;
      }
      order[i] = i;
    }
    // Partial selection would be faster; a full sort keeps it simple at these sizes.
    const nearest = Array.from(order)
      .sort((i, j) => dist[i]! - dist[j]! || i - j)
      .slice(0, kk);
    // Votes per class; a Map iterates in insertion order, i.e. by the rank of each class's nearest
    // voter, so the first class to reach the largest count is the one whose closest voter is nearest
    // (ranks are distinct, so no further tie is possible).
    const votes = new Map<number, number>();
    for (const i of nearest) votes.set(trainY[i]!, (votes.get(trainY[i]!) ?? 0) + 1);
    let best = -1;
    let bestCount = 0;
    for (const [label, count] of votes) {
      if (count > bestCount) {
        best = label;
        bestCount = count;
      }
    }
    predictions.push(best);
    if (best === testY[t]) hits++;
  }
  return { accuracy: hits / b.rows, k: kk, predictions };
}

const OP = 'knnAccuracy';
/**
 * k-nearest-neighbour accuracy of frozen embeddings: each test row gets the majority label of its
 * k nearest training rows. O(nTest·nTrain·dim) in float64 JS.
 *
 * @param trainX [nTrain, dim] embeddings; trainY [nTrain] integer labels
 * @param testX  [nTest, dim] embeddings;  testY [nTest] integer labels
 */
export async function knnAccuracy(
  trainX: MatrixInput,
  trainY: VectorInput,
  testX: MatrixInput,
  testY: VectorInput,
  options: KnnOptions = {},
): Promise<KnnResult> {
  const { k, metric } = parseOptions(OP, knnOptionsSchema, options);
  const d = await readLabelledSplit(OP, trainX, trainY, testX, testY);
  return classify(d.trainX, d.trainY, d.testX, d.testY, k, metric);
}

/** Synchronous `knnAccuracy`. */
export function knnAccuracySync(
  trainX: MatrixInput,
  trainY: VectorInput,
  testX: MatrixInput,
  testY: VectorInput,
  options: KnnOptions = {},
): KnnResult {
  const { k, metric } = parseOptions(OP, knnOptionsSchema, options);
  const d = readLabelledSplitSync(OP, trainX, trainY, testX, testY);
  return classify(d.trainX, d.trainY, d.testX, d.testY, k, metric);
}
