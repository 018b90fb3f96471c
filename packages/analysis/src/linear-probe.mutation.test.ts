// The linear probe's optimum against an independent float64 reference: Newton's method on the
// L2-regularised multinomial logistic regression (the objective the probe documents: mean
// cross-entropy + (λ/2)‖W‖² over the weights, biases not penalised), solved until its own
// gradient is zero to ~1e-13 (the stationarity condition ∇ = Xᵀ(P − Y)/n + λ[W; 0] = 0). The
// probe's L-BFGS and gradient descent must reach the same loss and the same predictions.
import { describe, expect, it } from 'vitest';
import { linearProbe, linearProbeSync } from './linear-probe';
import { gaussianBlobs } from './test-fixtures';

interface Problem {
  x: number[][];
  y: number[];
  classes: number;
}

/** Gaussian blobs with overlapping classes (so the optimum is finite even without L2). */
function blobs(seed: number, n: number, f: number, classes: number, spread: number): Problem {
  return { ...gaussianBlobs(seed, n, f, classes, spread), classes };
}

/** Population standardisation with the training statistics (mean, √(Σ(x − μ)²/n)). */
function standardizer(x: number[][]): (row: number[]) => number[] {
  const f = x[0]!.length;
  const mu = Array.from({ length: f }, (_, j) => x.reduce((s, r) => s + r[j]!, 0) / x.length);
  const sd = mu.map((m, j) => Math.sqrt(x.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / x.length));
  return (row) => row.map((v, j) => (v - mu[j]!) / sd[j]!);
}

/**
 * Objective, gradient and Hessian of mean CE + (λ/2)‖W‖² in the parameters θ = (W [f, C], b [C])
 * with b_{C−1} = 0 fixed (the softmax is invariant to a common shift of the biases, which are not
 * penalised: fixing one removes the flat direction and leaves the minimum value unchanged).
 */
function objective(x: number[][], y: number[], C: number, lambda: number, theta: Float64Array) {
  const f = x[0]!.length;
  const P = f * C + C - 1; // weights, then biases of classes 0..C−2
  const wAt = (j: number, c: number) => theta[j * C + c]!;
  const bAt = (c: number) => (c < C - 1 ? theta[f * C + c]! : 0);
  // Feature vector of parameter index q for row r, and the class it acts on.
  const g = new Float64Array(P);
  const H = new Float64Array(P * P);
  let loss = 0;
  const n = x.length;
  for (let r = 0; r < n; r++) {
    const z = Array.from({ length: C }, (_, c) => bAt(c) + x[r]!.reduce((s, v, j) => s + v * wAt(j, c), 0));
    const top = Math.max(...z);
    const e = z.map((v) => Math.exp(v - top));
    const s = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / s);
    loss += top + Math.log(s) - z[y[r]!]!;
    // d/dz_c = p_c − [c = y]; d²/dz_c dz_d = p_c([c = d] − p_d).
    const idx: Array<[number, number, number]> = []; // [parameter, class, feature value]
    for (let c = 0; c < C; c++) {
      for (let j = 0; j < f; j++) idx.push([j * C + c, c, x[r]![j]!]);
      if (c < C - 1) idx.push([f * C + c, c, 1]);
    }
    for (const [q, c, v] of idx) {
      g[q] = g[q]! + (v * (p[c]! - (c === y[r] ? 1 : 0))) / n;
      for (const [q2, d, v2] of idx) H[q * P + q2] = H[q * P + q2]! + (v * v2 * p[c]! * ((c === d ? 1 : 0) - p[d]!)) / n;
    }
  }
  let reg = 0;
  for (let q = 0; q < f * C; q++) {
    reg += theta[q]! ** 2;
    g[q] = g[q]! + lambda * theta[q]!;
    H[q * P + q] = H[q * P + q]! + lambda;
  }
  return { loss: loss / n + (lambda / 2) * reg, g, H, P };
}

/** Solves H d = g by Gaussian elimination with partial pivoting (H is symmetric positive definite). */
function solve(H: Float64Array, g: Float64Array, P: number): Float64Array {
  const a = Float64Array.from(H);
  const b = Float64Array.from(g);
  for (let k = 0; k < P; k++) {
    let piv = k;
    for (let i = k + 1; i < P; i++) if (Math.abs(a[i * P + k]!) > Math.abs(a[piv * P + k]!)) piv = i;
    for (let j = 0; j < P; j++) [a[k * P + j], a[piv * P + j]] = [a[piv * P + j]!, a[k * P + j]!];
    [b[k], b[piv]] = [b[piv]!, b[k]!];
    for (let i = k + 1; i < P; i++) {
      const m = a[i * P + k]! / a[k * P + k]!;
      for (let j = k; j < P; j++) a[i * P + j] = a[i * P + j]! - m * a[k * P + j]!;
      b[i] = b[i]! - m * b[k]!;
    }
  }
  const out = new Float64Array(P);
  for (let i = P - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let j = i + 1; j < P; j++) s -= a[i * P + j]! * out[j]!;
    out[i] = s / a[i * P + i]!;
  }
  return out;
}

/** Damped Newton to the minimum; returns θ*, the loss there and the largest gradient entry. */
function newtonOptimum(x: number[][], y: number[], C: number, lambda: number) {
  const f = x[0]!.length;
  let theta = new Float64Array(f * C + C - 1);
  let cur = objective(x, y, C, lambda, theta);
  for (let it = 0; it < 100; it++) {
    const d = solve(cur.H, cur.g, cur.P);
    let step = 1;
    let next = cur;
    let cand = theta;
    for (let bt = 0; bt < 60; bt++) {
      cand = theta.map((v, q) => v - step * d[q]!);
      next = objective(x, y, C, lambda, cand);
      if (next.loss <= cur.loss) break;
      step /= 2;
    }
    theta = cand;
    cur = next;
    if (Math.max(...cur.g.map(Math.abs)) < 1e-14) break;
  }
  const gradMax = Math.max(...cur.g.map(Math.abs));
  const predict = (row: number[]) => {
    const z = Array.from(
      { length: C },
      (_, c) => (c < C - 1 ? theta[f * C + c]! : 0) + row.reduce((s, v, j) => s + v * theta[j * C + c]!, 0),
    );
    const sorted = [...z].sort((a, b) => b - a);
    return { label: z.indexOf(sorted[0]!), margin: sorted[0]! - sorted[1]! };
  };
  return { loss: cur.loss, gradMax, predict };
}

describe('linearProbe against a float64 Newton reference of its objective', () => {
  const train = blobs(11, 90, 3, 3, 1.2);
  const test = blobs(12, 60, 3, 3, 1.2);

  for (const lambda of [0.3, 1e-4]) {
    it(`standardised features, λ = ${lambda}: same optimum (loss to 1e-10) and predictions`, () => {
      const st = standardizer(train.x);
      const ref = newtonOptimum(train.x.map(st), train.y, 3, lambda);
      // The reference satisfies the stationarity condition in float64.
      expect(ref.gradMax).toBeLessThan(1e-12);
      const r = linearProbeSync(train.x, train.y, test.x, test.y, { l2: lambda, tolerance: 1e-10, epochs: 500 });
      expect(Math.abs(r.trainLoss - ref.loss)).toBeLessThan(1e-10);
      expect(r.trainLoss).toBeGreaterThanOrEqual(ref.loss - 1e-12); // the minimum is a lower bound
      const refTest = test.x.map((row) => ref.predict(st(row)));
      // Rows with a near-tie could flip on rounding; there are none here.
      expect(Math.min(...refTest.map((p) => p.margin))).toBeGreaterThan(1e-4);
      expect(r.testPredictions).toEqual(refTest.map((p) => p.label));
      const acc = (pred: number[], y: number[]) => pred.filter((p, i) => p === y[i]).length / y.length;
      expect(r.testAccuracy).toBe(
        acc(
          refTest.map((p) => p.label),
          test.y,
        ),
      );
      expect(r.trainAccuracy).toBe(
        acc(
          train.x.map((row) => ref.predict(st(row)).label),
          train.y,
        ),
      );
      expect(r.classes).toBe(3);
      expect(r.iterations).toBeGreaterThan(1);
      expect(r.iterations).toBeLessThan(500);
    });
  }

  // L-BFGS converges superlinearly on a smooth strongly convex objective (Nocedal & Wright 2006,
  // §6.4 and §7.2): on these 12 parameters it reaches max|∇| ≤ 1e-10 in 9–10 iterations per λ,
  // where gradient descent needs 115–289. The fit is float64 JavaScript, so the counts are the same
  // on every backend. A total budget of 30 over the three λ fails a broken two-loop recursion
  // (q − αy → q + αy: 34; α − β → α + β: 36) or a dropped no-progress stop (39), which still
  // converge, only more slowly.
  it('L-BFGS reaches the Newton optimum (to 1e-11) in ≤ 30 iterations over λ = 0.3, 1e-2, 1e-4', () => {
    const st = standardizer(train.x);
    let total = 0;
    for (const lambda of [0.3, 1e-2, 1e-4]) {
      const ref = newtonOptimum(train.x.map(st), train.y, 3, lambda);
      const r = linearProbeSync(train.x, train.y, test.x, test.y, { l2: lambda, tolerance: 1e-10, epochs: 100 });
      expect(r.iterations).toBeLessThan(100); // stopped by the tolerance, not by the budget
      expect(Math.abs(r.trainLoss - ref.loss)).toBeLessThan(1e-11);
      total += r.iterations;
    }
    expect(total).toBeLessThanOrEqual(30);
  });

  it('the defaults (L-BFGS, 100 iterations, tolerance 1e-6, l2 = 1e-4) already reach the optimum to 1e-7', () => {
    const st = standardizer(train.x);
    const ref = newtonOptimum(train.x.map(st), train.y, 3, 1e-4);
    const r = linearProbeSync(train.x, train.y, test.x, test.y);
    expect(Math.abs(r.trainLoss - ref.loss)).toBeLessThan(1e-7);
  });

  it('without standardisation (raw features, λ = 0.05) the optimum is that of the raw objective', () => {
    const shifted = { x: train.x.map((r) => r.map((v, j) => 2 * v + j - 1)), y: train.y };
    const ref = newtonOptimum(shifted.x, shifted.y, 3, 0.05);
    expect(ref.gradMax).toBeLessThan(1e-12);
    const r = linearProbeSync(shifted.x, shifted.y, shifted.x, shifted.y, { standardize: false, l2: 0.05, tolerance: 1e-10, epochs: 500 });
    expect(Math.abs(r.trainLoss - ref.loss)).toBeLessThan(1e-10);
    expect(r.testPredictions).toEqual(shifted.x.map((row) => ref.predict(row).label));
  });

  it('plain gradient descent converges to the same optimum (λ = 0.3, lr 0.5)', () => {
    const st = standardizer(train.x);
    const ref = newtonOptimum(train.x.map(st), train.y, 3, 0.3);
    const r = linearProbeSync(train.x, train.y, test.x, test.y, { solver: 'gd', l2: 0.3, epochs: 3000, tolerance: 1e-9 });
    expect(Math.abs(r.trainLoss - ref.loss)).toBeLessThan(1e-9);
    // It stops when the largest gradient entry is below the tolerance, before the epoch budget.
    expect(r.iterations).toBeLessThan(3000);
    expect(r.iterations).toBeGreaterThan(10);
    // With few epochs it has not converged: the loss is above the optimum, iterations = epochs.
    const early = linearProbeSync(train.x, train.y, test.x, test.y, { solver: 'gd', l2: 0.3, epochs: 3 });
    expect(early.iterations).toBe(3);
    expect(early.trainLoss - ref.loss).toBeGreaterThan(1e-3);
    // Zero initialisation: zero epochs is refused, and after 1 step from W = 0 the loss is below log C.
    const one = linearProbeSync(train.x, train.y, test.x, test.y, { solver: 'gd', l2: 0.3, epochs: 1 });
    expect(one.iterations).toBe(1);
    expect(one.trainLoss).toBeLessThan(Math.log(3));
    expect(one.trainLoss).toBeGreaterThan(early.trainLoss);
  });

  it('a gd step is lr × gradient: a smaller lr moves less (the loss after one step is closer to log C)', () => {
    // From W = 0 the loss is exactly log C; one step of size lr along −∇ lowers it by ≈ lr‖∇‖².
    const small = linearProbeSync(train.x, train.y, test.x, test.y, { solver: 'gd', l2: 0, epochs: 1, lr: 1e-3 });
    const big = linearProbeSync(train.x, train.y, test.x, test.y, { solver: 'gd', l2: 0, epochs: 1, lr: 0.5 });
    expect(Math.log(3) - small.trainLoss).toBeGreaterThan(0);
    expect(Math.log(3) - small.trainLoss).toBeLessThan((Math.log(3) - big.trainLoss) / 100);
  });
});

describe('linearProbe: stopping rules, classes and constant features', () => {
  const train = blobs(21, 60, 2, 3, 1);

  it('a tolerance above the initial gradient stops before the first step: W = 0, loss log C, every prediction class 0', () => {
    // At W = 0 the softmax is uniform: loss = log C exactly, and the gradient entries are at most 1.
    for (const solver of ['lbfgs', 'gd'] as const) {
      const r = linearProbeSync(train.x, train.y, train.x, train.y, { solver, tolerance: 10 });
      expect(r.iterations).toBe(0);
      expect(r.trainLoss).toBeCloseTo(Math.log(3), 14);
      expect(r.testPredictions).toEqual(new Array(60).fill(0)); // all logits tie: the lowest class
      expect(r.trainAccuracy).toBeCloseTo(1 / 3, 14);
    }
  });

  it('the epoch budget caps the iterations of both solvers', () => {
    for (const solver of ['lbfgs', 'gd'] as const) {
      const one = linearProbeSync(train.x, train.y, train.x, train.y, { solver, epochs: 1, tolerance: 1e-12 });
      expect(one.iterations).toBe(1);
      expect(one.trainLoss).toBeLessThan(Math.log(3));
      const two = linearProbeSync(train.x, train.y, train.x, train.y, { solver, epochs: 2, tolerance: 1e-12 });
      expect(two.iterations).toBe(2);
      expect(two.trainLoss).toBeLessThan(one.trainLoss);
    }
  });

  it('the async probe names the feature dimension in a shape error, as the sync one', async () => {
    await expect(linearProbe([[1]], [0], [[1, 2]], [0])).rejects.toThrow("linearProbe: 'testX' has features = 2");
    expect(() => linearProbeSync([[1]], [0], [[1, 2]], [0])).toThrow("linearProbe: 'testX' has features = 2");
  });

  it('classes = 1 + the largest label of train or test; an unseen test class is never predicted', () => {
    const r = linearProbeSync(train.x, train.y, [[0, 0]], [5]);
    expect(r.classes).toBe(6);
    expect(r.testAccuracy).toBe(0);
    expect(r.testPredictions[0]).toBeLessThan(3);
    expect(linearProbeSync(train.x, train.y, [[0, 0]], [0]).classes).toBe(3);
  });

  it('a constant training feature is centred, not divided by its zero spread (its weight stays 0)', () => {
    // Feature 2 is 7 on every training row: it carries nothing, and a test row with another value
    // there must be classified as if the feature were absent.
    const withConst = train.x.map((r) => [...r, 7]);
    const a = linearProbeSync(train.x, train.y, train.x, train.y, { l2: 0.1 });
    const b = linearProbeSync(
      withConst,
      train.y,
      train.x.map((r) => [...r, -100]),
      train.y,
      { l2: 0.1 },
    );
    expect(b.trainLoss).toBeCloseTo(a.trainLoss, 12);
    expect(b.testPredictions).toEqual(a.testPredictions);
    // A large constant whose float64 mean is off by rounding (1e9 + 0.1 sixty times: the deviations
    // are ±1.07e-6, not 0): the spread test is relative to |mean| (1e-12·1e9 = 1e-3), so it still
    // counts as constant instead of being blown up to ±1 and multiplying a test value by 1e15.
    const big = linearProbeSync(
      train.x.map((r) => [...r, 1e9 + 0.1]),
      train.y,
      train.x.map((r) => [...r, 0]),
      train.y,
      { l2: 0.1 },
    );
    expect(big.trainLoss).toBeCloseTo(a.trainLoss, 12);
    expect(big.testPredictions).toEqual(a.testPredictions);
  });
});
