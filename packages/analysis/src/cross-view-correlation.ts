import { InvalidArgumentError } from '@contrastive/core';
import { type Matrix, type MatrixInput, multiply, readMatrices, readMatricesSync } from './matrix';
import { correlationOf, standardizeColumns, summarize } from './stats';

/** Pearson correlations between the two views, per item (feature or direction), with summaries. */
export interface CorrelationResult {
  /** Pearson correlation per item; null where one view has zero variance (undefined correlation). */
  perItem: Array<number | null>;
  /** Mean over the items with a defined correlation. */
  mean: number;
  /** Median over the items with a defined correlation. */
  median: number;
  /** Smallest defined correlation. */
  min: number;
  /** Largest defined correlation. */
  max: number;
  /** Items skipped because a view was constant. */
  skipped: number;
}

function columnCorrelations(op: string, argument: string, a: Matrix, b: Matrix): CorrelationResult {
  if (a.rows < 2) {
    throw new InvalidArgumentError({ op, argument, expected: 'at least 2 samples (rows) to correlate', actual: `${a.rows} row` });
  }
  const sa = standardizeColumns(a);
  const sb = standardizeColumns(b);
  const perItem = Array.from({ length: a.cols }, (_, j) => correlationOf(sa, j, sb, j));
  const { mean, median, min, max } = summarize(perItem);
  return { perItem, mean, median, min, max, skipped: perItem.filter((v) => v === null).length };
}

const CV = 'crossViewCorrelation';
const cvSpecs = (viewA: MatrixInput, viewB: MatrixInput, directions: MatrixInput) =>
  [
    ['viewA', viewA, ['batch', 'inputDim']],
    ['viewB', viewB, ['batch', 'inputDim']],
    ['directions', directions, ['inputDim', 'directions']],
  ] as const;

function crossView([a, b, dirs]: readonly [Matrix, Matrix, Matrix]): CorrelationResult {
  // Projections ⟨dir_k, a_n⟩ for all samples: [batch, k].
  return columnCorrelations(CV, 'viewA', multiply(a, dirs), multiply(b, dirs));
}

/**
 * Input-level decoupling (docs/science/feature-decoupling.md §1.2): per direction u_k, the Pearson correlation across
 * samples of ⟨u_k, x⁺⟩ and ⟨u_k, x⁺⁺⟩. Under complementary masking sparse atoms keep a positive
 * correlation while dense directions lose it (≈ 0.64 vs −0.33 at ‖ξ‖²/‖Mz‖² = 1, d/d1 = 1/8).
 *
 * @param viewA      [n, d1] first view of n samples
 * @param viewB      [n, d1] second view of the same samples (row i pairs with row i)
 * @param directions [d1, k] one direction per column (e.g. the dictionary, or a dense basis)
 */
export async function crossViewCorrelation(viewA: MatrixInput, viewB: MatrixInput, directions: MatrixInput): Promise<CorrelationResult> {
  return crossView(await readMatrices(CV, cvSpecs(viewA, viewB, directions)));
}

/** Synchronous `crossViewCorrelation`. */
export function crossViewCorrelationSync(viewA: MatrixInput, viewB: MatrixInput, directions: MatrixInput): CorrelationResult {
  return crossView(readMatricesSync(CV, cvSpecs(viewA, viewB, directions)));
}

const FCV = 'featureCrossViewCorrelation';
const fcvSpecs = (featA: MatrixInput, featB: MatrixInput) =>
  [
    ['featA', featA, ['batch', 'features']],
    ['featB', featB, ['batch', 'features']],
  ] as const;

/**
 * Representation-level decoupling (docs/science/feature-decoupling.md §1.6 metric 4): per feature (neuron) i, the Pearson
 * correlation across samples of h_i(x⁺) and h_i(x⁺⁺). Features that are constant in either view
 * (e.g. a thresholded neuron that never fires) are skipped and counted in `skipped`.
 *
 * @param featA [n, m] features of the first views
 * @param featB [n, m] features of the second views
 */
export async function featureCrossViewCorrelation(featA: MatrixInput, featB: MatrixInput): Promise<CorrelationResult> {
  const [a, b] = await readMatrices(FCV, fcvSpecs(featA, featB));
  return columnCorrelations(FCV, 'featA', a, b);
}

/** Synchronous `featureCrossViewCorrelation`. */
export function featureCrossViewCorrelationSync(featA: MatrixInput, featB: MatrixInput): CorrelationResult {
  const [a, b] = readMatricesSync(FCV, fcvSpecs(featA, featB));
  return columnCorrelations(FCV, 'featA', a, b);
}
