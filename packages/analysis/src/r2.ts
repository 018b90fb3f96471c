import { parseOptions, seedSchema, symmetricEigen } from '@contrastive/core';
import * as z from 'zod/mini';
import { type Matrix, type MatrixInput, readMatrices, readMatricesSync } from './matrix';
import { splitTrainTest, takeRows } from './split-train-test';

/** Coefficients of determination of a regression, per target dimension and averaged. */
export interface R2Result {
  /** Coefficient of determination 1 − SSE_k/SST_k of every target dimension k. */
  perDim: number[];
  /** Mean over dimensions (sklearn's 'uniform_average'). */
  mean: number;
}

function r2Of(pred: Matrix, target: Matrix): R2Result {
  const { rows: n, cols: k } = target;
  const perDim: number[] = [];
  for (let j = 0; j < k; j++) {
    let mu = 0;
    for (let i = 0; i < n; i++) mu += target.data[i * k + j]!;
    mu /= n;
    let sse = 0;
    let sst = 0;
    for (let i = 0; i < n; i++) {
      const t = target.data[i * k + j]!;
      sse += (t - pred.data[i * k + j]!) ** 2;
      sst += (t - mu) ** 2;
    }
    // A constant target has no variance to explain: 1 if predicted exactly, else 0 (sklearn's force_finite).
    perDim.push(sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0);
  }
  return { perDim, mean: perDim.reduce((s, v) => s + v, 0) / k };
}

const R2 = 'r2';
const r2Specs = (predicted: MatrixInput, target: MatrixInput) =>
  [
    ['predicted', predicted, ['batch', 'dim']],
    ['target', target, ['batch', 'dim']],
  ] as const;

/**
 * Coefficient of determination per dimension and its mean, as sklearn's `r2_score(target, predicted)`.
 * 1 for an exact prediction, 0 for predicting the mean, negative when worse than the mean.
 *
 * @param predicted [n, k]
 * @param target    [n, k]
 */
export async function r2(predicted: MatrixInput, target: MatrixInput): Promise<R2Result> {
  const [p, t] = await readMatrices(R2, r2Specs(predicted, target));
  return r2Of(p, t);
}

/** Synchronous `r2`. */
export function r2Sync(predicted: MatrixInput, target: MatrixInput): R2Result {
  const [p, t] = readMatricesSync(R2, r2Specs(predicted, target));
  return r2Of(p, t);
}

/** The options of `regressionR2(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const regressionR2OptionsSchema = z.strictObject({
  /** Ridge penalty α (sklearn `Ridge(alpha)`: adds α·I to XᵀX, intercept not penalised). 0 = ordinary least squares (LinearRegression). Default 0. */
  ridge: z._default(z.number().check(z.gte(0)), 0),
  /** Share of rows held out for evaluation. 0 = fit and evaluate on the same rows, the default of disentanglement_utils (docs/science/latent-recovery.md §5.3). */
  testFraction: z._default(z.number().check(z.gte(0), z.lt(1)), 0),
  /** Seed of the train/test split (used only when testFraction > 0). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `regressionR2` (the input of its schema: a field with a default may be omitted). */
export type RegressionR2Options = z.input<typeof regressionR2OptionsSchema>;

/** R² of a linear regression from features to targets, fitted on a training split and measured on the rest. */
export interface RegressionR2Result extends R2Result {
  /** Rows the regression was fitted on. */
  trainSize: number;
  /** Held-out rows R² was measured on. */
  testSize: number;
}

/** Least squares with intercept: returns the prediction function fitted on (x, y). */
function fitLinear(x: Matrix, y: Matrix, ridge: number): (q: Matrix) => Matrix {
  const { rows: n, cols: f } = x;
  const k = y.cols;
  const mx = new Float64Array(f);
  const my = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) mx[j] = mx[j]! + x.data[i * f + j]! / n;
    for (let j = 0; j < k; j++) my[j] = my[j]! + y.data[i * k + j]! / n;
  }
  // Centred normal equations (XcᵀXc + αI) B = XcᵀYc; the intercept is ȳ − x̄B.
  const xtx = new Float64Array(f * f);
  const xty = new Float64Array(f * k);
  const xc = new Float64Array(f);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) xc[j] = x.data[i * f + j]! - mx[j]!;
    for (let a = 0; a < f; a++) {
      const v = xc[a]!;
      for (let b = a; b < f; b++) xtx[a * f + b] = xtx[a * f + b]! + v * xc[b]!;
      for (let c = 0; c < k; c++) xty[a * k + c] = xty[a * k + c]! + v * (y.data[i * k + c]! - my[c]!);
    }
  }
  for (let a = 0; a < f; a++) {
    xtx[a * f + a] = xtx[a * f + a]! + ridge;
    for (let b = 0; b < a; b++) xtx[a * f + b] = xtx[b * f + a]!;
  }
  // Pseudo-inverse through the eigen-decomposition: collinear features (rank-deficient XᵀX) get
  // the minimum-norm solution instead of a blow-up.
  const { values, vectors } = symmetricEigen(xtx, f);
  const tol = 1e-12 * Math.max(values[0]!, 0) * f;
  const coef = new Float64Array(f * k);
  for (let e = 0; e < f; e++) {
    const lambda = values[e]!;
    if (!(lambda > tol)) continue;
    for (let c = 0; c < k; c++) {
      let proj = 0;
      for (let a = 0; a < f; a++) proj += vectors[a * f + e]! * xty[a * k + c]!;
      proj /= lambda;
      for (let a = 0; a < f; a++) coef[a * k + c] = coef[a * k + c]! + vectors[a * f + e]! * proj;
    }
  }
  const intercept = Float64Array.from(my);
  for (let c = 0; c < k; c++) for (let a = 0; a < f; a++) intercept[c]! -= mx[a]! * coef[a * k + c]!;
  return (q: Matrix) => {
    const out = new Float64Array(q.rows * k);
    for (let i = 0; i < q.rows; i++) {
      for (let c = 0; c < k; c++) {
        let s = intercept[c]!;
        for (let a = 0; a < f; a++) s += q.data[i * f + a]! * coef[a * k + c]!;
        out[i * k + c] = s;
      }
    }
    return { rows: q.rows, cols: k, data: out };
  };
}

const REG = 'regressionR2';
const regSpecs = (features: MatrixInput, latents: MatrixInput) =>
  [
    ['features', features, ['batch', 'features']],
    ['latents', latents, ['batch', 'latents']],
  ] as const;

function regression(x: Matrix, y: Matrix, o: z.output<typeof regressionR2OptionsSchema>): RegressionR2Result {
  if (o.testFraction === 0) {
    return { ...r2Of(fitLinear(x, y, o.ridge)(x), y), trainSize: x.rows, testSize: x.rows };
  }
  const { train, test } = splitTrainTest(x.rows, o.testFraction, o.seed);
  const predictor = fitLinear(takeRows(x, train), takeRows(y, train), o.ridge);
  return { ...r2Of(predictor(takeRows(x, test)), takeRows(y, test)), trainSize: train.length, testSize: test.length };
}

/**
 * Linear identifiability score of Zimmermann et al. (docs/science/latent-recovery.md §5.3): fit a linear map with
 * intercept from the learned features to the ground-truth latents and report R² (mean over
 * latent dimensions). 1 when the latents are an affine function of the features.
 *
 * @param features [n, f] learned representation h(x)
 * @param latents  [n, k] ground-truth latents z
 */
export async function regressionR2(
  features: MatrixInput,
  latents: MatrixInput,
  options: RegressionR2Options = {},
): Promise<RegressionR2Result> {
  const o = parseOptions(REG, regressionR2OptionsSchema, options);
  const [x, y] = await readMatrices(REG, regSpecs(features, latents));
  return regression(x, y, o);
}

/** Synchronous `regressionR2`. */
export function regressionR2Sync(features: MatrixInput, latents: MatrixInput, options: RegressionR2Options = {}): RegressionR2Result {
  const o = parseOptions(REG, regressionR2OptionsSchema, options);
  const [x, y] = readMatricesSync(REG, regSpecs(features, latents));
  return regression(x, y, o);
}
