import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Network, parseOptions } from '@contrastive/core';
import { byolLoss, simSiamLoss } from '@contrastive/losses';
import { cloneNetwork, directPredictor, ema, type DirectPredictor } from '@contrastive/nets';
import * as z from 'zod/mini';
import type { Method } from '../method';

/** Mean over the batch of cos(a_i, b_i), gradients flowing into both (the "no stop-gradient" ablation). */
function meanCosine(a: tf.Tensor2D, b: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const eps = 1e-12;
    const na = tf.maximum(tf.norm(a, 2, 1), eps);
    const nb = tf.maximum(tf.norm(b, 2, 1), eps);
    return tf.mean(tf.div(tf.sum(tf.mul(a, b), 1), tf.mul(na, nb)));
  });
}

function requireNetwork(op: string, argument: string, net: unknown): asserts net is Network {
  if (!net || typeof (net as Network).apply !== 'function') {
    throw new InvalidArgumentError({ op, argument, expected: 'a Network (from @contrastive/nets)', actual: net });
  }
}

function branch(encoder: Network, projector: Network | undefined) {
  return (x: tf.Tensor2D): tf.Tensor2D => {
    const h = encoder.apply(x);
    return projector ? projector.apply(h) : h;
  };
}

function checkTwoViews(op: string, views: tf.Tensor2D[]): void {
  if (views.length !== 2) {
    throw new InvalidArgumentError({ op, argument: 'views', expected: 'exactly 2 views', actual: `${views.length} views` });
  }
}

/** The options of `simSiamMethod(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const simSiamMethodSchema = z.strictObject({
  /** Stop the gradient through the target branch (SimSiam). `false` is the collapse ablation. Default true. */
  stopGradient: z._default(z.boolean(), true),
});
/** Options of `simSiamMethod` (the input of its schema: a field with a default may be omitted). */
export type SimSiamMethodOptions = z.input<typeof simSiamMethodSchema> & {
  /** The encoder f whose output is the learned representation. Required. */
  encoder: Network;
  /** The projector g after the encoder (the loss sees g(f(x))). Default none. */
  projector?: Network;
  /** The prediction head h; omit it for the "no predictor" ablation (p = z). */
  predictor?: Network;
};

/**
 * SimSiam (Chen & He 2021; docs/science/non-contrastive.md §3.1): L = ½D(p1, sg z2) + ½D(p2, sg z1), D = −cos.
 * Both branches share the encoder and projector; the predictor is on the online side only.
 */
export function simSiamMethod(options: SimSiamMethodOptions): Method {
  const op = 'simSiamMethod';
  const { encoder, projector, predictor, ...rest } = options;
  requireNetwork(op, 'encoder', encoder);
  if (projector) requireNetwork(op, 'projector', projector);
  if (predictor) requireNetwork(op, 'predictor', predictor);
  const o = parseOptions(op, simSiamMethodSchema, rest);
  const project = branch(encoder, projector);
  const networks: Record<string, Network> = { encoder };
  if (projector) networks['projector'] = projector;
  if (predictor) networks['predictor'] = predictor;
  return {
    name: 'simsiam',
    networks,
    trainableVariables: () => Object.values(networks).flatMap((n) => n.variables),
    loss(views) {
      checkTwoViews(op, views);
      const [z1, z2] = views.map(project) as [tf.Tensor2D, tf.Tensor2D];
      const p1 = predictor ? predictor.apply(z1) : z1;
      const p2 = predictor ? predictor.apply(z2) : z2;
      if (o.stopGradient) return simSiamLoss(p1, z1, p2, z2);
      return tf.tidy(() => tf.neg(tf.div(tf.add(meanCosine(p1, z2), meanCosine(p2, z1)), 2)) as tf.Scalar);
    },
    embed: (x) => encoder.apply(x),
    dispose() {
      for (const n of Object.values(networks)) n.dispose();
    },
  };
}

/** The options of `byolMethod(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const byolMethodSchema = z.strictObject({
  /** EMA momentum m of the target: ξ ← m·ξ + (1−m)·θ. luckmatters uses a constant 0.996 (docs/science/non-contrastive.md §3.2). Default 0.996. */
  momentum: z._default(z.number().check(z.gte(0), z.lte(1)), 0.996),
  /** Raise m to 1 on BYOL's cosine schedule m_k = 1 − (1 − m)(cos(πk/K) + 1)/2. Default false. */
  cosineMomentum: z._default(z.boolean(), false),
});
/** Options of `byolMethod` (the input of its schema: a field with a default may be omitted). */
export type ByolMethodOptions = z.input<typeof byolMethodSchema> & {
  /** The encoder f whose output is the learned representation. Required. */
  encoder: Network;
  /** The projector g after the encoder (the loss sees g(f(x))). Default none. */
  projector?: Network;
  /** The online predictor q (trained by gradients). */
  predictor: Network;
};

interface TargetPair {
  online: Network[];
  target: Network[];
}

function makeTarget(encoder: Network, projector: Network | undefined): TargetPair {
  const online = projector ? [encoder, projector] : [encoder];
  return { online, target: online.map((n) => cloneNetwork(n, `${n.name}-target`)) };
}

function targetNetworks(pair: TargetPair): Record<string, Network> {
  const out: Record<string, Network> = { targetEncoder: pair.target[0]! };
  if (pair.target[1]) out['targetProjector'] = pair.target[1];
  return out;
}

function emaMomentum(o: { momentum: number; cosineMomentum: boolean }, step: number, total: number): number {
  return o.cosineMomentum ? 1 - ((1 - o.momentum) * (Math.cos((Math.PI * step) / total) + 1)) / 2 : o.momentum;
}

/**
 * BYOL (Grill et al. 2020; docs/science/non-contrastive.md §3.2): online encoder → projector → predictor q, target
 * encoder → projector as an EMA of the online weights; loss (2 − 2cos(q1, t2)) + (2 − 2cos(q2, t1)).
 * The target outputs are computed in `prepare`, outside the gradient, so they are constants.
 */
export function byolMethod(options: ByolMethodOptions): Method {
  const op = 'byolMethod';
  const { encoder, projector, predictor, ...rest } = options;
  requireNetwork(op, 'encoder', encoder);
  if (projector) requireNetwork(op, 'projector', projector);
  requireNetwork(op, 'predictor', predictor);
  return emaTargetMethod(op, 'byol', parseOptions(op, byolMethodSchema, rest), encoder, projector, predictor, true);
}

/**
 * The BYOL structure shared with DirectPred: online encoder → projector → predictor, an EMA target
 * (encoder → projector) whose outputs are computed in `prepare` (outside the gradient: constants),
 * loss byolLoss(q1, t2, q2, t1), EMA update after each step. `beforeLoss` sees both views' online
 * projections (DirectPred's correlation update).
 */
function emaTargetMethod(
  op: string,
  name: string,
  o: { momentum: number; cosineMomentum: boolean },
  encoder: Network,
  projector: Network | undefined,
  predictor: Network,
  predictorTrained: boolean,
  beforeLoss?: (views: tf.Tensor2D[], project: (x: tf.Tensor2D) => tf.Tensor2D) => void,
): Method {
  const project = branch(encoder, projector);
  const pair = makeTarget(encoder, projector);
  const targetProject = branch(pair.target[0]!, pair.target[1]);
  const networks: Record<string, Network> = { encoder, ...(projector ? { projector } : {}), predictor, ...targetNetworks(pair) };
  const online = [encoder, ...(projector ? [projector] : []), ...(predictorTrained ? [predictor] : [])];
  return {
    name,
    networks,
    trainableVariables: () => online.flatMap((n) => n.variables),
    prepare(views) {
      checkTwoViews(op, views);
      beforeLoss?.(views, project);
      return views.map((v) => tf.tidy(() => targetProject(v)));
    },
    loss(views, _batch, prepared) {
      const [t1, t2] = prepared as [tf.Tensor2D, tf.Tensor2D];
      const [q1, q2] = views.map((v) => predictor.apply(project(v))) as [tf.Tensor2D, tf.Tensor2D];
      return byolLoss(q1, t2, q2, t1);
    },
    afterUpdate(step, total) {
      const m = emaMomentum(o, step, total);
      pair.online.forEach((n, i) => ema(pair.target[i]!, n, m));
    },
    embed: (x) => encoder.apply(x),
    dispose() {
      for (const n of Object.values(networks)) n.dispose();
    },
  };
}

/** The options of `directPredMethod(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const directPredMethodSchema = z.extend(byolMethodSchema, {
  /** ρ: EMA rate of the correlation estimate F̂ ← ρF̂ + (1 − ρ)F_batch (docs/science/non-contrastive.md §3.3). Default 0.3. */
  rho: z._default(z.number().check(z.gte(0), z.lte(1)), 0.3),
  /** ε added to the normalised eigenvalues p_j = sqrt(s_j / max s) + ε. Default 0.01. */
  eps: z._default(z.number().check(z.gte(0)), 0.01),
  /** Recompute W_p every `freq` steps. Default 1. */
  freq: z._default(z.int().check(z.positive()), 1),
});
/** Options of `directPredMethod` (the input of its schema: a field with a default may be omitted). */
export type DirectPredMethodOptions = z.input<typeof directPredMethodSchema> & {
  /** The encoder f whose output is the learned representation. Required. */
  encoder: Network;
  /** The projector g after the encoder (the loss sees g(f(x))). Default none. */
  projector?: Network;
};

/**
 * DirectPred (Tian, Chen & Ganguli 2021; docs/science/non-contrastive.md §3.3): BYOL with a linear predictor that is
 * not trained but *set* from the eigen-decomposition of the running correlation of the online
 * outputs, W_p = U diag(p) Uᵀ. The correlation uses this step's online outputs of both views
 * (constants, computed in `prepare`), before the loss, as in luckmatters' byol_trainer.py.
 */
export function directPredMethod(options: DirectPredMethodOptions): Method & {
  /** The predictor DirectPred sets from the running correlation's eigen-decomposition. */
  predictor: DirectPredictor;
} {
  const op = 'directPredMethod';
  const { encoder, projector, ...rest } = options;
  requireNetwork(op, 'encoder', encoder);
  if (projector) requireNetwork(op, 'projector', projector);
  const o = parseOptions(op, directPredMethodSchema, rest);
  const dim = (projector ?? encoder).outputDim;
  const predictor = directPredictor({ dim, rho: o.rho, eps: o.eps, freq: o.freq });
  const base = emaTargetMethod(op, 'directpred', o, encoder, projector, predictor, false, (views, project) => {
    const f = tf.tidy(() => tf.concat(views.map(project), 0) as tf.Tensor2D);
    predictor.update(f);
    f.dispose();
  });
  return {
    ...base,
    predictor,
    getState: () => predictor.toJSON().state,
    setState(state) {
      predictor.setState(state);
    },
  };
}
