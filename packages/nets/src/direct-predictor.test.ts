import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  InvalidArgumentError,
  type NetworkJSON,
  NonFiniteValueError,
  ShapeMismatchError,
  symmetricEigen,
} from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { directPredEigenvalues, directPredictor, type DirectPredictor } from './direct-predictor';
import { fromJSON } from './from-json';

function randn(seed: number, n: number): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(n));
}

/** Float64 E[z zᵀ] of row-major z [n, d]. */
function secondMoment(z: ArrayLike<number>, n: number, d: number): Float64Array {
  const f = new Float64Array(d * d);
  for (let r = 0; r < n; r++)
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) f[i * d + j] = f[i * d + j]! + (z[r * d + i]! * z[r * d + j]!) / n;
  return f;
}

describe('directPredEigenvalues', () => {
  it('p_j = max(sqrt(max(s_j,0)/max s) + ε, 1e-4) (docs/science/non-contrastive.md §3.3 step 5, luckmatters boost_scale)', () => {
    // s = (4, 1, 0, −2): sqrt(1) + 0.01, sqrt(1/4) + 0.01, 0 + 0.01, clamp(0) + 0.01
    expectClose(directPredEigenvalues([4, 1, 0, -2], 0.01), [1.01, 0.51, 0.01, 0.01], { atol: 1e-15, rtol: 0 });
    // ε = 0: the 1e-4 floor applies; a collapsed spectrum (max ≤ 0) maps to the floor too.
    expectClose(directPredEigenvalues([1, 0], 0), [1, 1e-4], { atol: 1e-15, rtol: 0 });
    expectClose(directPredEigenvalues([0, 0], 0.1), [0.1, 0.1], { atol: 1e-15, rtol: 0 });
  });
});

describeBackends('directPredictor', () => {
  it('first update: F̂ = E[zzᵀ], W_p = U diag(p) Uᵀ, hand-computed on a rotated basis', () => {
    const eps = 0.01;
    const net = directPredictor({ dim: 2, eps });
    const [c, s] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
    // Rows 2·e1 and 1·e2 with e1 = (c, s), e2 = (−s, c): F = (4 e1e1ᵀ + e2e2ᵀ)/2, eigenvalues 2, 0.5
    // ⇒ p = (1 + ε, sqrt(0.25) + ε) and W_p = (1 + ε) e1e1ᵀ + (0.5 + ε) e2e2ᵀ.
    const z = tf.tensor2d([
      [2 * c, 2 * s],
      [-s, c],
    ]);
    expect(net.predictorMatrix()).toEqual(Float64Array.from([1, 0, 0, 1])); // identity before any update
    expect(net.correlation()).toBeNull();
    net.update(z);
    const e1 = [c, s];
    const e2 = [-s, c];
    const outer = (a: number[], b: number[], k: number) => [a[0]! * b[0]! * k, a[0]! * b[1]! * k, a[1]! * b[0]! * k, a[1]! * b[1]! * k];
    const F = outer(e1, e1, 2).map((v, i) => v + outer(e2, e2, 0.5)[i]!);
    const Wp = outer(e1, e1, 1 + eps).map((v, i) => v + outer(e2, e2, 0.5 + eps)[i]!);
    expectClose(net.correlation()!, F, { atol: 1e-6, rtol: 0 });
    expectClose(net.predictorMatrix(), Wp, { atol: 1e-6, rtol: 0 });
    expectClose(net.spectrum()!.s, [2, 0.5], { atol: 1e-6, rtol: 0 });
    expectClose(net.spectrum()!.p, [1 + eps, 0.5 + eps], { atol: 1e-6, rtol: 0 });
    // apply(x) = x W_p (rows p = W_p f; W_p symmetric)
    const x = tf.tensor2d([
      [1, 0],
      [0.5, -1],
    ]);
    const y = net.apply(x);
    expectClose(y, [Wp[0]!, Wp[1]!, 0.5 * Wp[0]! - Wp[2]!, 0.5 * Wp[1]! - Wp[3]!], { atol: 1e-6, rtol: 0 });
    expect(net.variables).toEqual([]);
    tf.dispose([z, x, y]);
    net.dispose();
  });

  it('running correlation F̂ ← ρF̂ + (1 − ρ)F_batch (docs/science/non-contrastive.md §3.3 step 3)', () => {
    const net = directPredictor({ dim: 3, rho: 0.3 });
    const [z1, z2] = [randn(1, 5 * 3), randn(2, 4 * 3)];
    const t1 = tf.tensor2d(z1, [5, 3]);
    const t2 = tf.tensor2d(z2, [4, 3]);
    net.update(t1);
    net.update(t2);
    const [F1, F2] = [secondMoment(z1, 5, 3), secondMoment(z2, 4, 3)];
    expectClose(
      net.correlation()!,
      F1.map((v, i) => 0.3 * v + 0.7 * F2[i]!),
      { atol: 1e-5, rtol: 1e-5 },
    );
    expect(net.updates).toBe(2);
    tf.dispose([t1, t2]);
    net.dispose();
  });

  it('freq = 2 recomputes W_p on updates 1, 3, 5, … only', () => {
    const net = directPredictor({ dim: 4, freq: 2 });
    const zs = [1, 2, 3].map((k) => tf.tensor2d(randn(10 + k, 6 * 4), [6, 4]));
    net.update(zs[0]!);
    const w1 = net.predictorMatrix();
    net.update(zs[1]!);
    expect(net.predictorMatrix()).toEqual(w1);
    net.update(zs[2]!);
    expect(net.predictorMatrix()).not.toEqual(w1);
    tf.dispose(zs);
    net.dispose();
  });

  it('W_p is symmetric with eigenvalues in [1e-4, 1 + ε], top one 1 + ε, and shares F̂’s eigenvectors (docs/science/tfjs-notes.md §7.6)', () => {
    const d = 8;
    const eps = 0.05;
    const net = directPredictor({ dim: d, eps });
    // Anisotropic projections: column k scaled by 1/(k+1), so the spectrum spreads over two decades.
    const raw = randn(3, 40 * d).map((v, i) => v / ((i % d) + 1));
    const z = tf.tensor2d(raw, [40, d]);
    net.update(z);
    const W = net.predictorMatrix();
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(W[i * d + j]).toBe(W[j * d + i]);
    const { values } = symmetricEigen(W, d);
    expect(values[0]!).toBeCloseTo(1 + eps, 5);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(1e-4 - 1e-6);
    // [F̂, W_p] = 0: both are diagonal in U.
    const F = net.correlation()!;
    let comm = 0;
    let scale = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let fw = 0;
        let wf = 0;
        for (let k = 0; k < d; k++) {
          fw += F[i * d + k]! * W[k * d + j]!;
          wf += W[i * d + k]! * F[k * d + j]!;
        }
        comm += (fw - wf) ** 2;
        scale += fw ** 2;
      }
    }
    expect(Math.sqrt(comm / scale)).toBeLessThan(1e-5);
    z.dispose();
    net.dispose();
  });

  it('collapsed projections (z = 0) give W_p = ε·I', () => {
    const net = directPredictor({ dim: 3, eps: 0.01 });
    const z = tf.zeros([4, 3]) as tf.Tensor2D;
    net.update(z);
    expectClose(net.predictorMatrix(), [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01], { atol: 1e-9, rtol: 0 });
    z.dispose();
    net.dispose();
  });

  it('JSON round trip mid-stream is exact and both copies continue identically', () => {
    const net = directPredictor({ dim: 5, rho: 0.4, eps: 0.02, freq: 2, name: 'dp' });
    const zs = [0, 1, 2, 3].map((k) => tf.tensor2d(randn(20 + k, 7 * 5), [7, 5]));
    net.update(zs[0]!);
    net.update(zs[1]!);
    net.update(zs[2]!);
    const copy = fromJSON(JSON.parse(JSON.stringify(net.toJSON())) as NetworkJSON) as DirectPredictor;
    expect(copy.toJSON()).toEqual(net.toJSON());
    expect(copy.updates).toBe(3);
    for (const n of [net, copy]) n.update(zs[3]!); // 4th update: no recomputation (freq 2)
    for (const n of [net, copy]) n.update(zs[0]!); // 5th: recomputation
    expect(copy.correlation()).toEqual(net.correlation());
    expect(copy.predictorMatrix()).toEqual(net.predictorMatrix());
    // setState (the training loop's checkpoint path) restores the same state.
    const other = directPredictor({ dim: 5, rho: 0.4, eps: 0.02, freq: 2 });
    other.setState(net.toJSON().state);
    expect(other.toJSON().state).toEqual(net.toJSON().state);
    tf.dispose(zs);
    [net, copy, other].forEach((n) => n.dispose());
  });

  it('leaks no tensors', async () => {
    const net = directPredictor({ dim: 4 });
    const z = tf.tensor2d(randn(5, 6 * 4), [6, 4]);
    await expectNoLeak(() => net.update(z));
    await expectNoLeak(() => net.apply(z));
    await expectNoLeak(() => fromJSON(net.toJSON()).dispose());
    await expectNoLeak(() => directPredictor({ dim: 4 }).dispose());
    z.dispose();
    net.dispose();
  });

  it('rejects bad options, inputs and states with clear errors', () => {
    expect(() => directPredictor({ dim: 4, rho: 1.5 })).toThrow(/directPredictor: invalid argument 'options\.rho'/);
    expect(() => directPredictor({ dim: 4, eps: Number.NaN })).toThrow(/options\.eps.*NaN/);
    expect(() => directPredictor({ dim: -2 })).toThrow(InvalidArgumentError);
    const net = directPredictor({ dim: 3, name: 'dpx' });
    const wrong = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(() => net.update(wrong)).toThrow(ShapeMismatchError);
    expect(() => net.update(wrong)).toThrow(/directPredictor\('dpx'\)\.update: 'z'/);
    expect(() => net.apply(wrong)).toThrow(/directPredictor\('dpx'\)\.apply: 'x'/);
    const nan = tf.tensor2d([[Number.NaN, 0, 0]]);
    expect(() => net.update(nan)).toThrow(NonFiniteValueError);
    expect(net.updates).toBe(0); // a failed update leaves the state untouched
    expect(() => net.setState({ correlation: null, predictor: [1, 0], eigenvalues: null, p: null, updates: 0 })).toThrow(
      /state\.predictor/,
    );
    expect(() => net.setState({ updates: 1 })).toThrow(InvalidArgumentError);
    tf.dispose([wrong, nan]);
    net.dispose();
  });
});
