import { parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { type Matrix, type MatrixInput, normalizeRows, type VectorInput, readLabelledSplit, readLabelledSplitSync } from './matrix';

/** The options of `weightedKnn(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const weightedKnnOptionsSchema = z.strictObject({
  /** Neighbours voting, capped at the training size. Default 200 (InstDisc, Wu et al. 2018; lightly's `knn_k`); 20 is DINO's. */
  k: z._default(z.int().check(z.positive()), 200),
  /** τ in the vote weight exp(s/τ) of a neighbour at cosine similarity s. Default 0.07 (InstDisc, DINO). */
  temperature: z._default(z.number().check(z.positive()), 0.07),
});
/** Options of `weightedKnn` (the input of its schema: a field with a default may be omitted). */
export type WeightedKnnOptions = z.input<typeof weightedKnnOptionsSchema>;

/** Accuracy of the weighted kNN classifier on the test rows. */
export interface WeightedKnnResult {
  /** Share of test rows whose highest-scoring class is their label. */
  top1: number;
  /** Share of test rows whose label is among the 5 highest-scoring classes. */
  top5: number;
  /** k actually used (min(k, training size)). */
  k: number;
  /** Predicted class of every test row. */
  predictions: number[];
}

/**
 * Scores every class for every test row and ranks them. Neighbours: the k training rows of highest
 * cosine similarity (ties to the lower training index); class score Σ over neighbours of that class
 * of exp(s/τ); classes ranked by score (ties to the lower label), as lightly's `knn_predict`.
 */
function classify(train: Matrix, trainY: Int32Array, test: Matrix, testY: Int32Array, k: number, temperature: number): WeightedKnnResult {
  const a = normalizeRows(train);
  const b = normalizeRows(test);
  const { rows: n, cols: d } = a;
  const kk = Math.min(k, n);
  let classes = 0;
  for (const y of trainY) classes = Math.max(classes, y + 1);
  for (const y of testY) classes = Math.max(classes, y + 1);
  const sim = new Float64Array(n);
  const order = Array.from({ length: n }, (_, i) => i);
  const scores = new Float64Array(classes);
  const ranked = Array.from({ length: classes }, (_, c) => c);
  const predictions: number[] = [];
  let top1 = 0;
  let top5 = 0;
  for (let t = 0; t < b.rows; t++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += a.data[i * d + c]! * b.data[t * d + c]!;
      sim[i] = s;
      order[i] = i;
    }
    order.sort((i, j) => sim[j]! - sim[i]! || i - j);
    scores.fill(0);
    for (let r = 0; r < kk; r++) scores[trainY[order[r]!]!]! += Math.exp(sim[order[r]!]! / temperature);
    ranked.sort((p, q) => scores[q]! - scores[p]! || p - q);
    predictions.push(ranked[0]!);
    if (ranked[0] === testY[t]) top1++;
    if (ranked.slice(0, 5).includes(testY[t]!)) top5++;
  }
  return { top1: top1 / b.rows, top5: top5 / b.rows, k: kk, predictions };
}

const OP = 'weightedKnn';
/**
 * Weighted k-nearest-neighbour accuracy of frozen embeddings, the SSL evaluation of InstDisc
 * (Wu et al. 2018, §3.4), DINO and lightly's benchmarks: cosine similarity s to every training row,
 * the k most similar vote for their class with weight exp(s/τ), the class with the largest total wins.
 * Float64 in JS, O(nTest·nTrain·(dim + log nTrain)).
 *
 * @param trainX [nTrain, dim] embeddings; trainY [nTrain] integer labels
 * @param testX  [nTest, dim] embeddings;  testY [nTest] integer labels
 */
export async function weightedKnn(
  trainX: MatrixInput,
  trainY: VectorInput,
  testX: MatrixInput,
  testY: VectorInput,
  options: WeightedKnnOptions = {},
): Promise<WeightedKnnResult> {
  const { k, temperature } = parseOptions(OP, weightedKnnOptionsSchema, options);
  const d = await readLabelledSplit(OP, trainX, trainY, testX, testY);
  return classify(d.trainX, d.trainY, d.testX, d.testY, k, temperature);
}

/** Synchronous `weightedKnn`. */
export function weightedKnnSync(
  trainX: MatrixInput,
  trainY: VectorInput,
  testX: MatrixInput,
  testY: VectorInput,
  options: WeightedKnnOptions = {},
): WeightedKnnResult {
  const { k, temperature } = parseOptions(OP, weightedKnnOptionsSchema, options);
  const d = readLabelledSplitSync(OP, trainX, trainY, testX, testY);
  return classify(d.trainX, d.trainY, d.testX, d.testY, k, temperature);
}
