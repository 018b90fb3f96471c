import { parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { type Matrix, type MatrixInput, type VectorInput, readLabelledSplit, readLabelledSplitSync } from './matrix';

/** The options of `linearProbe(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const linearProbeOptionsSchema = z.strictObject({
  /** Full-batch iterations (each sees the whole training set once). Default 100. */
  epochs: z._default(z.int().check(z.gte(1)), 100),
  /** 'lbfgs' (L-BFGS with Armijo backtracking, no step size to tune) or plain gradient descent. Default 'lbfgs'. */
  solver: z._default(z.enum(['lbfgs', 'gd']), 'lbfgs'),
  /** Step size of the 'gd' solver (on standardised features); unused by 'lbfgs'. Default 0.5. */
  lr: z._default(z.number().check(z.positive()), 0.5),
  /** L2 penalty (λ/2)‖W‖² on the weights (not the biases), added to the mean cross-entropy. Default 1e-4. */
  l2: z._default(z.number().check(z.gte(0)), 1e-4),
  /** Standardise each feature with the training mean and std (test uses the same statistics). Default true. */
  standardize: z._default(z.boolean(), true),
  /** Stop when the largest gradient entry falls below this. Default 1e-6. */
  tolerance: z._default(z.number().check(z.positive()), 1e-6),
});
/** Options of `linearProbe` (the input of its schema: a field with a default may be omitted). */
export type LinearProbeOptions = z.input<typeof linearProbeOptionsSchema>;
type Resolved = z.output<typeof linearProbeOptionsSchema>;

/** A linear classifier trained on frozen features: its accuracies, loss and predictions. */
export interface LinearProbeResult {
  /** Accuracy on the training rows. */
  trainAccuracy: number;
  /** Accuracy on the test rows (the number to report). */
  testAccuracy: number;
  /** Final training objective: mean cross-entropy + L2 term. */
  trainLoss: number;
  /** Number of classes C = 1 + the largest label seen (train or test). */
  classes: number;
  /** Optimizer iterations run (L-BFGS or gradient descent). */
  iterations: number;
  /** Predicted class of every test row. */
  testPredictions: number[];
}

/** Features with a bias column appended, standardised with the training statistics. */
function design(x: Matrix, mu: Float64Array, sd: Float64Array): Matrix {
  const { rows: n, cols: f } = x;
  const p = f + 1;
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) data[i * p + j] = (x.data[i * f + j]! - mu[j]!) / sd[j]!;
    data[i * p + f] = 1;
  }
  return { rows: n, cols: p, data };
}

/** Logits X W for W [(f+1), C] into `out` [n, C]. */
function logits(x: Matrix, w: Float64Array, classes: number, out: Float64Array): void {
  const { rows: n, cols: p } = x;
  out.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < p; k++) {
      const v = x.data[i * p + k]!;
      if (v === 0) continue;
      for (let c = 0; c < classes; c++) out[i * classes + c] = out[i * classes + c]! + v * w[k * classes + c]!;
    }
  }
}

/** Mean cross-entropy + (l2/2)‖W‖² (bias row excluded) and its gradient. */
function objective(x: Matrix, y: Int32Array, w: Float64Array, classes: number, l2: number, grad: Float64Array, z: Float64Array): number {
  const { rows: n, cols: p } = x;
  logits(x, w, classes, z);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let top = -Infinity;
    for (let c = 0; c < classes; c++) top = Math.max(top, z[i * classes + c]!);
    let s = 0;
    for (let c = 0; c < classes; c++) s += Math.exp(z[i * classes + c]! - top);
    loss += top + Math.log(s) - z[i * classes + y[i]!]!;
    // z ← softmax − onehot, the gradient of the loss with respect to the logits.
    for (let c = 0; c < classes; c++) z[i * classes + c] = Math.exp(z[i * classes + c]! - top) / s - (c === y[i] ? 1 : 0);
  }
  grad.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < p; k++) {
      const v = x.data[i * p + k]!;
      if (v === 0) continue;
      for (let c = 0; c < classes; c++) grad[k * classes + c] = grad[k * classes + c]! + v * z[i * classes + c]!;
    }
  }
  let reg = 0;
  for (let k = 0; k < p * classes; k++) {
    grad[k]! /= n;
    if (k < (p - 1) * classes) {
      grad[k] = grad[k]! + l2 * w[k]!;
      reg += w[k]! ** 2;
    }
  }
  return loss / n + 0.5 * l2 * reg;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** Minimises the objective; returns [weights, final loss, iterations]. Deterministic: zero init. */
function fit(x: Matrix, y: Int32Array, classes: number, o: Resolved): [Float64Array, number, number] {
  const size = x.cols * classes;
  let w = new Float64Array(size);
  let g = new Float64Array(size);
  const z = new Float64Array(x.rows * classes);
  const f = (wt: Float64Array, gt: Float64Array) => objective(x, y, wt, classes, o.l2, gt, z);
  let loss = f(w, g);
  let it = 0;
  if (o.solver === 'gd') {
    for (; it < o.epochs && maxAbs(g) > o.tolerance; it++) {
      for (let k = 0; k < size; k++) w[k]! -= o.lr * g[k]!;
      loss = f(w, g);
    }
    return [w, loss, it];
  }
  // L-BFGS (Nocedal & Wright, Alg. 7.4/7.5) with memory 10 and Armijo backtracking.
  const memory = 10;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const wNew = new Float64Array(size);
  const gNew = new Float64Array(size);
  for (; it < o.epochs && maxAbs(g) > o.tolerance; it++) {
    const q = Float64Array.from(g);
    const alpha: number[] = [];
    for (let m = S.length - 1; m >= 0; m--) {
      const a = rho[m]! * dot(S[m]!, q);
      alpha[m] = a;
      for (let k = 0; k < size; k++) q[k]! -= a * Y[m]![k]!;
    }
    const gamma = S.length > 0 ? dot(S.at(-1)!, Y.at(-1)!) / dot(Y.at(-1)!, Y.at(-1)!) : 1 / Math.sqrt(dot(g, g));
    for (let k = 0; k < size; k++) q[k]! *= gamma;
    for (let m = 0; m < S.length; m++) {
      const b = rho[m]! * dot(Y[m]!, q);
      for (let k = 0; k < size; k++) q[k]! += S[m]![k]! * (alpha[m]! - b);
    }
    // Direction d = −q; fall back to steepest descent if it is not a descent direction.
    let slope = -dot(g, q);
    if (!(slope < 0)) {
      for (let k = 0; k < size; k++) q[k] = g[k]! / Math.sqrt(dot(g, g));
      slope = -dot(g, q);
      S.length = Y.length = rho.length = 0;
    }
    let step = 1;
    let newLoss = Infinity;
    for (let bt = 0; bt < 40; bt++) {
      for (let k = 0; k < size; k++) wNew[k] = w[k]! - step * q[k]!;
      newLoss = f(wNew, gNew);
      if (newLoss <= loss + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(newLoss < loss)) break; // no progress possible at float64 precision
    const s = new Float64Array(size);
    const yv = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      s[k] = wNew[k]! - w[k]!;
      yv[k] = gNew[k]! - g[k]!;
    }
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
      if (S.length > memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    [w, g] = [Float64Array.from(wNew), Float64Array.from(gNew)];
    const improvement = loss - newLoss;
    loss = newLoss;
    if (improvement <= 1e-12 * Math.max(1, Math.abs(loss))) {
      it++;
      break;
    }
  }
  return [w, loss, it];
}

function predict(x: Matrix, w: Float64Array, classes: number): Int32Array {
  const z = new Float64Array(x.rows * classes);
  logits(x, w, classes, z);
  const out = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (z[i * classes + c]! > z[i * classes + best]!) best = c;
    out[i] = best;
  }
  return out;
}

function accuracy(pred: Int32Array, y: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) hits++;
  return hits / y.length;
}

const OP = 'linearProbe';
function run(trainX: Matrix, trainY: Int32Array, testX: Matrix, testY: Int32Array, o: Resolved): LinearProbeResult {
  const f = trainX.cols;
  const n = trainX.rows;
  const mu = new Float64Array(f);
  const sd = new Float64Array(f).fill(1);
  if (o.standardize) {
    for (let j = 0; j < f; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += trainX.data[i * f + j]!;
      m /= n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (trainX.data[i * f + j]! - m) ** 2;
      mu[j] = m;
      // A constant training feature carries no information: its column is 0 for train and test
      // (÷ ∞), not the rounding residue of its mean (≈ 1e-15·|mean|), which got a tiny weight that a
      // test value far from the mean turned into a large logit.
      const s = Math.sqrt(ss / n);
      sd[j] = s > 1e-12 * Math.max(1, Math.abs(m)) ? s : Infinity;
    }
  }
  let classes = 1;
  for (const y of [trainY, testY]) for (let i = 0; i < y.length; i++) classes = Math.max(classes, y[i]! + 1);
  const xTrain = design(trainX, mu, sd);
  const xTest = design(testX, mu, sd);
  const [w, trainLoss, iterations] = fit(xTrain, trainY, classes, o);
  const testPred = predict(xTest, w, classes);
  return {
    trainAccuracy: accuracy(predict(xTrain, w, classes), trainY),
    testAccuracy: accuracy(testPred, testY),
    trainLoss,
    classes,
    iterations,
    testPredictions: Array.from(testPred),
  };
}

/**
 * Linear probe: multinomial logistic regression trained on frozen features, the standard
 * evaluation of a self-supervised representation. Runs in float64 JS, deterministically (zero
 * initialisation, full batch), so the same features always give the same accuracy.
 *
 * @param trainX [nTrain, f] features; trainY [nTrain] integer labels 0..C−1
 * @param testX  [nTest, f] features;  testY [nTest] integer labels
 */
export async function linearProbe(
  trainX: MatrixInput,
  trainY: VectorInput,
  testX: MatrixInput,
  testY: VectorInput,
  options: LinearProbeOptions = {},
): Promise<LinearProbeResult> {
  const o = parseOptions(OP, linearProbeOptionsSchema, options);
  const d = await readLabelledSplit(OP, trainX, trainY, testX, testY, 'features');
  return run(d.trainX, d.trainY, d.testX, d.testY, o);
}

/** Synchronous `linearProbe`. */
export function linearProbeSync(
  trainX: MatrixInput,
  trainY: VectorInput,
  testX: MatrixInput,
  testY: VectorInput,
  options: LinearProbeOptions = {},
): LinearProbeResult {
  const o = parseOptions(OP, linearProbeOptionsSchema, options);
  const d = readLabelledSplitSync(OP, trainX, trainY, testX, testY, 'features');
  return run(d.trainX, d.trainY, d.testX, d.testY, o);
}
