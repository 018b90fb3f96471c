import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Network, parseOptions } from '@contrastive/core';
import { barlowTwinsLoss, barlowTwinsLossOptionsSchema, vicRegLoss, vicRegLossOptionsSchema } from '@contrastive/losses';
import type * as z from 'zod/mini';
import type { Method } from '../method';

/**
 * Options of `barlowTwinsMethod`: the loss's, `lambda` λ (default 0.0051, facebookresearch/barlowtwins
 * `--lambd`, Zbontar et al. 2021).
 */
export const barlowTwinsMethodSchema = barlowTwinsLossOptionsSchema;
/** Options of `barlowTwinsMethod` (the input of its schema: a field with a default may be omitted). */
export type BarlowTwinsMethodOptions = z.input<typeof barlowTwinsMethodSchema> & {
  /** The encoder whose output is the learned representation. */
  encoder: Network;
  /** The projector ("expander") the loss sees; the papers use a wide MLP. Optional. */
  projector?: Network;
};

/**
 * Options of `vicRegMethod`: the loss's coefficients `invariance` λ = 25, `variance` μ = 25 and
 * `covariance` ν = 1 (facebookresearch/vicreg `--sim-coeff`, `--std-coeff`, `--cov-coeff`; Bardes et al. 2022).
 */
export const vicRegMethodSchema = vicRegLossOptionsSchema;
/** Options of `vicRegMethod` (the input of its schema: a field with a default may be omitted). */
export type VicRegMethodOptions = z.input<typeof vicRegMethodSchema> & {
  /** The encoder f whose output is the learned representation. Required. */
  encoder: Network;
  /** The projector g after the encoder (the loss sees g(f(x))). Default none. */
  projector?: Network;
};

function requireNetwork(op: string, argument: string, net: unknown): asserts net is Network {
  if (!net || typeof (net as Network).apply !== 'function') {
    throw new InvalidArgumentError({ op, argument, expected: 'a Network (from @contrastive/nets)', actual: net });
  }
}

/**
 * Two views through one shared encoder → projector, a symmetric loss of both projections and
 * gradients through both branches (no stop-gradient, no predictor, no target network).
 */
function twinMethod(
  op: string,
  name: string,
  encoder: Network,
  projector: Network | undefined,
  pairLoss: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Scalar,
): Method {
  requireNetwork(op, 'encoder', encoder);
  if (projector) requireNetwork(op, 'projector', projector);
  const networks: Record<string, Network> = projector ? { encoder, projector } : { encoder };
  const project = (x: tf.Tensor2D) => {
    const h = encoder.apply(x);
    return projector ? projector.apply(h) : h;
  };
  return {
    name,
    networks,
    trainableVariables: () => Object.values(networks).flatMap((n) => n.variables),
    loss(views) {
      if (views.length !== 2)
        throw new InvalidArgumentError({ op, argument: 'views', expected: 'exactly 2 views', actual: `${views.length} views` });
      return pairLoss(project(views[0]!), project(views[1]!));
    },
    embed: (x) => encoder.apply(x),
    dispose() {
      for (const n of Object.values(networks)) n.dispose();
    },
  };
}

/**
 * Barlow Twins (Zbontar et al. 2021): z_A, z_B = projector(encoder(view)) of the two views, loss
 * Σ_j (1 − C_jj)² + λ Σ_{i≠j} C_ij² on their batch-normalised cross-correlation C (`barlowTwinsLoss`,
 * symmetric in the views). Both branches share the weights and carry gradients.
 *
 * @example
 * const method = barlowTwinsMethod({ encoder: convNet({ inputShape: [28, 28, 1] }), projector: mlp({ inputDim: 128, hidden: [512], outputDim: 512, batchNorm: true }) });
 */
export function barlowTwinsMethod(options: BarlowTwinsMethodOptions): Method {
  const op = 'barlowTwinsMethod';
  const { encoder, projector, ...rest } = options ?? ({} as BarlowTwinsMethodOptions);
  const o = parseOptions(op, barlowTwinsMethodSchema, rest);
  return twinMethod(op, 'barlowtwins', encoder, projector, (a, b) => barlowTwinsLoss(a, b, o));
}

/**
 * VICReg (Bardes, Ponce & LeCun 2022): invariance (MSE of the two projections) + variance (hinge on
 * each dimension's std) + covariance (off-diagonal covariance²) (`vicRegLoss`), two views through
 * one shared encoder → projector, gradients through both branches.
 *
 * @example
 * const method = vicRegMethod({ encoder, projector, invariance: 25, variance: 25, covariance: 1 });
 */
export function vicRegMethod(options: VicRegMethodOptions): Method {
  const op = 'vicRegMethod';
  const { encoder, projector, ...rest } = options ?? ({} as VicRegMethodOptions);
  const o = parseOptions(op, vicRegMethodSchema, rest);
  return twinMethod(op, 'vicreg', encoder, projector, (a, b) => vicRegLoss(a, b, o));
}
