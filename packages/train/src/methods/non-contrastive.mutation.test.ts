// BYOL's target update at every point of its cosine momentum schedule against the paper's formula
// (Grill et al. 2020, §3.2 / App. J: τ_k = 1 − (1 − τ_base)(cos(πk/K) + 1)/2, ξ ← τ_k ξ + (1 − τ_k) θ),
// written out here in float64; DirectPred's wiring (Tian, Chen & Ganguli 2021: the predictor is set
// from the online outputs of both views, not trained); SimSiam's structure without a predictor
// (p = z) and its no-stop-gradient arm's gradient (−½(cos(p1, z2) + cos(p2, z1)) by autograd).
import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError } from '@contrastive/core';
import { byolLoss } from '@contrastive/losses';
import { mlp } from '@contrastive/nets';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { byolMethod, directPredMethod, simSiamMethod } from './non-contrastive';

let uid = 0;
const net = (inputDim: number, outputDim: number, name: string, seed = 1) =>
  mlp({ inputDim, hidden: [5], outputDim, seed, name: `${name}-mut${uid++}` });
const views = (seed: number): [tf.Tensor2D, tf.Tensor2D] => {
  const r = createRng(seed);
  return [tf.tensor2d(r.fillNormal(new Float32Array(8 * 6)), [8, 6]), tf.tensor2d(r.fillNormal(new Float32Array(8 * 6)), [8, 6])];
};
const values = (vars: readonly tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));
/** Moves every online weight by a fixed amount so that ξ ≠ θ (the EMA then shows). */
const perturb = (vars: readonly tf.Variable[]) => vars.forEach((v, i) => tf.tidy(() => v.assign(tf.add(v, 0.25 * (i + 1)))));

/** Grill et al. 2020: τ_k = 1 − (1 − τ_base)(cos(πk/K) + 1)/2. */
const tau = (base: number, k: number, K: number) => 1 - ((1 - base) * (Math.cos((Math.PI * k) / K) + 1)) / 2;

describeBackends('non-contrastive methods (mutation)', () => {
  it('BYOL with cosineMomentum: the target (encoder and projector) moves by τ_k at k = 0, K/4, K/2, 3K/4, K', () => {
    const K = 40;
    for (const k of [0, 10, 20, 30, 40]) {
      const encoder = net(6, 4, 'enc');
      const projector = net(4, 3, 'proj');
      const m = byolMethod({ encoder, projector, predictor: net(3, 3, 'pred'), momentum: 0.9, cosineMomentum: true });
      const target = [...m.networks['targetEncoder']!.variables, ...m.networks['targetProjector']!.variables];
      const online = [...encoder.variables, ...projector.variables];
      expect(target).toHaveLength(online.length);
      perturb(online);
      const xi = values(target);
      const theta = values(online);
      m.afterUpdate!(k, K, []);
      const t = tau(0.9, k, K);
      values(target).forEach((got, i) =>
        expectClose(
          got,
          xi[i]!.map((x, j) => t * x + (1 - t) * theta[i]![j]!),
          { atol: 1e-6 },
        ),
      );
      m.dispose();
    }
    expect(tau(0.9, 0, 40)).toBeCloseTo(0.9, 12);
    expect(tau(0.9, 40, 40)).toBe(1);
  });

  it('BYOL without cosineMomentum keeps τ = momentum at every step (default 0.996)', () => {
    for (const [options, t] of [
      [{ momentum: 0.5 }, 0.5],
      [{}, 0.996],
    ] as const) {
      const encoder = net(6, 4, 'enc');
      const m = byolMethod({ encoder, predictor: net(4, 4, 'pred'), ...options });
      expect(Object.keys(m.networks)).toEqual(['encoder', 'predictor', 'targetEncoder']);
      const target = m.networks['targetEncoder']!.variables;
      perturb(encoder.variables);
      const xi = values(target);
      const theta = values(encoder.variables);
      m.afterUpdate!(30, 40, []);
      values(target).forEach((got, i) =>
        expectClose(
          got,
          xi[i]!.map((x, j) => t * x + (1 - t) * theta[i]![j]!),
          { atol: 1e-6 },
        ),
      );
      m.dispose();
    }
  });

  it('BYOL: prepare gives the target projections (constants), loss is byolLoss(q(z1), t2, q(z2), t1); two views only', () => {
    const encoder = net(6, 4, 'enc');
    const projector = net(4, 3, 'proj');
    const predictor = net(3, 3, 'pred');
    const m = byolMethod({ encoder, projector, predictor });
    expect(m.name).toBe('byol');
    expect(Object.keys(m.networks)).toEqual(['encoder', 'projector', 'predictor', 'targetEncoder', 'targetProjector']);
    expect(m.trainableVariables()).toEqual([...encoder.variables, ...projector.variables, ...predictor.variables]);
    perturb([...encoder.variables, ...projector.variables]); // online ≠ target
    const [a, b] = views(2);
    const prepared = m.prepare!([a, b], { x: a });
    const te = m.networks['targetEncoder']!;
    const tp = m.networks['targetProjector']!;
    const expectT = (x: tf.Tensor2D) => tf.tidy(() => Array.from(tp.apply(te.apply(x)).dataSync()));
    expectClose(Array.from(prepared[0]!.dataSync()), expectT(a), { atol: 1e-6 });
    expectClose(Array.from(prepared[1]!.dataSync()), expectT(b), { atol: 1e-6 });
    const want = tf.tidy(() => {
      const q = (x: tf.Tensor2D) => predictor.apply(projector.apply(encoder.apply(x)));
      return byolLoss(q(a), prepared[1] as tf.Tensor2D, q(b), prepared[0] as tf.Tensor2D).dataSync()[0]!;
    });
    expectClose(
      tf.tidy(() => m.loss([a, b], { x: a }, prepared).dataSync()[0]!),
      want,
      { atol: 1e-6 },
    );
    expectClose(
      tf.tidy(() => Array.from(m.embed(a).dataSync())),
      tf.tidy(() => Array.from(encoder.apply(a).dataSync())),
      { atol: 0 },
    );
    expect(() => m.prepare!([a], { x: a })).toThrow(InvalidArgumentError);
    expect(() => m.prepare!([a], { x: a })).toThrow('byolMethod: invalid argument \'views\': expected exactly 2 views, got "1 views"');
    tf.dispose([a, b, ...prepared]);
    m.dispose();
  });

  it('DirectPred: the predictor is set (not trained) from both views of the online projection; its state round-trips', () => {
    const encoder = net(6, 4, 'enc');
    const projector = net(4, 3, 'proj');
    const m = directPredMethod({ encoder, projector, rho: 0, eps: 0.1 });
    expect(m.name).toBe('directpred');
    expect(m.predictor.inputDim).toBe(3);
    expect(m.trainableVariables()).toEqual([...encoder.variables, ...projector.variables]);
    expect(Object.keys(m.networks)).toEqual(['encoder', 'projector', 'predictor', 'targetEncoder', 'targetProjector']);
    const [a, b] = views(3);
    const prepared = m.prepare!([a, b], { x: a });
    expect(m.predictor.updates).toBe(1);
    // ρ = 0: F̂ is this batch's correlation of the 16 online projections, (1/16)·Σ z zᵀ (Tian et al. 2021, eq. 19).
    const z = tf.tidy(() => tf.concat([projector.apply(encoder.apply(a)), projector.apply(encoder.apply(b))], 0).arraySync() as number[][]);
    const state = m.getState!() as Record<string, unknown>;
    const twin = directPredMethod({ encoder: net(6, 4, 'enc2'), projector: net(4, 3, 'proj2'), rho: 0, eps: 0.1 });
    twin.setState!(state);
    expect(Array.from(twin.predictor.predictorMatrix())).toEqual(Array.from(m.predictor.predictorMatrix()));
    expect(twin.getState!()).toEqual(state);
    // W_p = U diag(√(s/s_max) + ε) Uᵀ: W_p applied to the top eigenvector of F gives (1 + ε) times it.
    const F = Array.from({ length: 3 }, (_, i) =>
      Array.from({ length: 3 }, (_, j) => z.reduce((s, row) => s + row[i]! * row[j]!, 0) / z.length),
    );
    let u = [1, 0.5, 0.25];
    for (let it = 0; it < 500; it++) {
      const next = F.map((row) => row.reduce((s, x, j) => s + x * u[j]!, 0));
      const n = Math.hypot(...next);
      u = next.map((x) => x / n);
    }
    const wp = m.predictor.predictorMatrix();
    const wu = [0, 1, 2].map((i) => [0, 1, 2].reduce((s, j) => s + wp[i * 3 + j]! * u[j]!, 0));
    expectClose(
      wu,
      u.map((x) => 1.1 * x),
      { atol: 1e-4 },
    );
    tf.dispose([a, b, ...prepared]);
    m.dispose();
    twin.dispose();
  });

  it('SimSiam without a predictor uses p = z; with a projector the loss sees g(f(x)); the no-stop-gradient arm differentiates −½(cos(p1, z2) + cos(p2, z1))', () => {
    const encoder = net(6, 4, 'enc');
    const projector = net(4, 3, 'proj');
    const m = simSiamMethod({ encoder, projector, stopGradient: false });
    expect(m.name).toBe('simsiam');
    expect(Object.keys(m.networks)).toEqual(['encoder', 'projector']);
    const [a, b] = views(4);
    const vars = m.trainableVariables();
    expect(vars).toEqual([...encoder.variables, ...projector.variables]);
    // p = z on both sides: L = −cos(z1, z2), its gradient flowing through both branches.
    const cosLoss = () => {
      const z1 = projector.apply(encoder.apply(a));
      const z2 = projector.apply(encoder.apply(b));
      const norm = (t: tf.Tensor2D) => tf.sqrt(tf.sum(tf.square(t), 1));
      const cos = tf.div(tf.sum(tf.mul(z1, z2), 1), tf.mul(norm(z1), norm(z2)));
      return tf.neg(tf.mean(cos)) as tf.Scalar;
    };
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const ours = tf.variableGrads(() => m.loss([a, b], { x: a }, []), vars);
      const ref = tf.variableGrads(cosLoss, vars);
      expectClose(ours.value.dataSync()[0]!, ref.value.dataSync()[0]!, { atol: 1e-6 });
      for (const v of vars)
        expectClose(Array.from(ours.grads[v.name]!.dataSync()), Array.from(ref.grads[v.name]!.dataSync()), { atol: 1e-6 });
      expect(Math.max(...vars.map((v) => Math.max(...Array.from(ref.grads[v.name]!.dataSync(), Math.abs))))).toBeGreaterThan(1e-4);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => m.loss([a, b, a], { x: a }, [])).toThrow(
      'simSiamMethod: invalid argument \'views\': expected exactly 2 views, got "3 views"',
    );
    expect(() => simSiamMethod({ encoder, projector: {} as never })).toThrow(
      "simSiamMethod: invalid argument 'projector': expected a Network (from @contrastive/nets)",
    );
    expect(() => byolMethod({ encoder, projector: 3 as never, predictor: net(4, 4, 'p') })).toThrow(
      /byolMethod: invalid argument 'projector'/,
    );
    expect(() => simSiamMethod({ encoder, predictor: { apply: 1 } as never })).toThrow(/simSiamMethod: invalid argument 'predictor'/);
    expect(() => directPredMethod({ encoder, projector: {} as never })).toThrow(/directPredMethod: invalid argument 'projector'/);
    expectClose(
      tf.tidy(() => Array.from(m.embed(a).dataSync())),
      tf.tidy(() => Array.from(encoder.apply(a).dataSync())),
      { atol: 0 },
    );
    const dp = directPredMethod({ encoder: net(6, 4, 'dp'), projector: null as never }); // null = none
    expect(Object.keys(dp.networks)).toEqual(['encoder', 'predictor', 'targetEncoder']);
    dp.dispose();
    expect(() => directPredMethod({ encoder: {} as never })).toThrow(/directPredMethod: invalid argument 'encoder'/);
    tf.dispose([a, b]);
    m.dispose();
  });
  it('dispose() frees every network the method owns (targets and the DirectPred predictor included)', () => {
    for (const make of [
      () => simSiamMethod({ encoder: net(6, 4, 'd'), projector: net(4, 3, 'd'), predictor: net(3, 3, 'd') }),
      () => byolMethod({ encoder: net(6, 4, 'd'), projector: net(4, 3, 'd'), predictor: net(3, 3, 'd') }),
      () => directPredMethod({ encoder: net(6, 4, 'd'), projector: net(4, 3, 'd') }),
    ]) {
      const before = tf.memory().numTensors;
      const m = make();
      expect(tf.memory().numTensors).toBeGreaterThan(before);
      m.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
