import * as tf from '@tensorflow/tfjs-core';
import { getKernel, InvalidArgumentError, type Network, parseOptions, type Sample } from '@contrastive/core';
import { infoNCELoss, ntXentLoss, supConLoss } from '@contrastive/losses';
import { isSymmetricReluNetwork, type SymmetricReluNetwork } from '@contrastive/nets';
import * as z from 'zod/mini';
import type { Method } from '../method';

/** The options of `contrastiveMethod(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const contrastiveMethodSchema = z.strictObject({
  /** Which contrastive objective. `supcon` uses `batch.labels` (Khosla et al.); without labels it is SimCLR. Default 'infonce'. */
  loss: z._default(z.enum(['infonce', 'ntxent', 'supcon']), 'infonce'),
  /** Softmax temperature τ. Default 0.1. */
  temperature: z._default(z.number().check(z.positive()), 0.1),
  /** SupCon's base temperature (loss × τ/τ_base); defaults to τ. */
  baseTemperature: z.optional(z.number().check(z.positive())),
  /** L2-normalise embeddings before the similarity (cosine). The flagship uses raw inner products. Default true. */
  normalize: z._default(z.boolean(), true),
  /** InfoNCE only: average the a→b and b→a directions. Default false. */
  symmetric: z._default(z.boolean(), false),
  /** SupCon only: L_out (Eq. 2, default) or L_in (Eq. 3). */
  variant: z._default(z.enum(['out', 'in']), 'out'),
  /** SupCon only: use the batch labels (true) or none, i.e. SimCLR (false). Default true. */
  supervised: z._default(z.boolean(), true),
  /**
   * How the loss and its gradient are computed. 'auto' (default): with a symmetric-ReLU encoder,
   * no projector and InfoNCE on raw inner products (the Wen & Li setting), the fused step of core's
   * kernel registry (slot 'symmetricReluInfoNCE', registered by `useNativeKernels()` of the opt-in
   * `@contrastive/native`) when one is registered, else tfjs. 'native': that fused step or an
   * error saying why not. 'tfjs': always the composed tfjs ops. Both compute the same function
   * (float32 rounding aside); the native one is several times faster.
   */
  kernels: z._default(z.enum(['auto', 'native', 'tfjs']), 'auto'),
});
/** Options of `contrastiveMethod` (the input of its schema: a field with a default may be omitted). */
export type ContrastiveMethodOptions = z.input<typeof contrastiveMethodSchema> & {
  /** The encoder whose output is the learned representation. */
  encoder: Network;
  /** Optional projection head between the encoder and the loss (discarded for evaluation). */
  projector?: Network;
};

/** Contrastive learning with shared weights on both branches: InfoNCE, NT-Xent or SupCon. */
export function contrastiveMethod(options: ContrastiveMethodOptions): Method {
  const { encoder, projector, ...rest } = options;
  if (!encoder) throw new InvalidArgumentError({ op: 'contrastiveMethod', argument: 'encoder', expected: 'a Network', actual: encoder });
  const o = parseOptions('contrastiveMethod', contrastiveMethodSchema, rest);
  const project = (x: tf.Tensor2D) => {
    const h = encoder.apply(x);
    return projector ? projector.apply(h) : h;
  };
  const networks: Record<string, Network> = projector ? { encoder, projector } : { encoder };
  const fused = o.kernels !== 'tfjs' ? fusedKernel(o, encoder, projector) : undefined;
  const fusedStep = fused ? fusedSgdStep(o, encoder as SymmetricReluNetwork) : undefined;
  return {
    name: o.loss,
    engine: fused ? 'native' : 'tfjs',
    networks,
    trainableVariables: () => Object.values(networks).flatMap((n) => n.variables),
    ...(fusedStep ? { fusedSgdStep: (views: tf.Tensor2D[], _batch: Sample, lr: readonly number[]) => fusedStep(views, lr) } : {}),
    loss(views: tf.Tensor2D[], batch: Sample) {
      if (fused) return fused(views[0]!, views[1]!);
      const z = views.map(project);
      if (o.loss === 'infonce') {
        return infoNCELoss(z[0]!, z[1]!, {
          temperature: o.temperature,
          normalize: o.normalize,
          symmetric: o.symmetric,
          similarity: o.normalize ? 'cosine' : 'dot',
        });
      }
      if (o.loss === 'ntxent') return ntXentLoss(z[0]!, z[1]!, { temperature: o.temperature, normalize: o.normalize });
      const labels = o.supervised ? batch['labels'] : undefined;
      if (o.supervised && !labels) {
        throw new InvalidArgumentError({
          op: 'contrastiveMethod',
          argument: 'batch.labels',
          expected: 'labels from the data model (supervised SupCon)',
          actual: undefined,
          message:
            "supervised SupCon needs a data model whose samples carry 'labels' (e.g. labeledSparseCoding); set supervised: false for SimCLR",
        });
      }
      const features = tf.stack(z, 1) as tf.Tensor3D;
      return supConLoss(features, {
        ...(labels ? { labels: labels as tf.Tensor1D } : {}),
        temperature: o.temperature,
        baseTemperature: o.baseTemperature ?? o.temperature,
        variant: o.variant,
        normalize: o.normalize,
      });
    },
    embed: (x) => encoder.apply(x),
    dispose() {
      for (const n of Object.values(networks)) n.dispose();
    },
  };
}

/**
 * The fused native loss for the Wen & Li setting, or undefined (auto) / an error (native) when the
 * configuration or the machine does not allow it.
 */
function fusedKernel(
  o: z.output<typeof contrastiveMethodSchema>,
  encoder: Network,
  projector: Network | undefined,
): ((a: tf.Tensor2D, b: tf.Tensor2D) => tf.Scalar) | undefined {
  if (!isSymmetricReluNetwork(encoder)) return refuseFused(o, 'the encoder is not a symmetricRelu network');
  const why = projector
    ? 'a projector is set'
    : o.loss !== 'infonce'
      ? `loss is '${o.loss}', not 'infonce'`
      : o.normalize
        ? 'normalize is true (the fused step uses raw inner products)'
        : o.symmetric
          ? 'symmetric InfoNCE is not fused'
          : undefined;
  if (why !== undefined) return refuseFused(o, why);
  // Looked up once, when the method is built: register the kernel before creating the method.
  const kernel = getKernel('symmetricReluInfoNCE');
  if (!kernel) {
    return refuseFused(
      o,
      "no fused kernel is registered: install @contrastive/native and call useNativeKernels() from it before creating the method (it registers the 'symmetricReluInfoNCE' kernel in @contrastive/core's registry)",
    );
  }
  return (a, b) => kernel(a, b, encoder.weight, { threshold: encoder.threshold, temperature: o.temperature });
}

/**
 * The whole plain-SGD step of the fused loss (slot 'symmetricReluInfoNCEStep': loss, gradient,
 * update and the encoder's row renormalisation in one native call, no tape), when registered.
 */
function fusedSgdStep(
  o: z.output<typeof contrastiveMethodSchema>,
  encoder: SymmetricReluNetwork,
): ((views: tf.Tensor2D[], lr: readonly number[]) => number | undefined) | undefined {
  const kernel = getKernel('symmetricReluInfoNCEStep');
  if (!kernel) return undefined;
  return (views, lr) =>
    kernel(views[0]!, views[1]!, encoder.weight, {
      threshold: encoder.threshold,
      temperature: o.temperature,
      learningRate: lr[0]!,
      unitNormRows: encoder.unitNormRows,
    });
}

/** No fused step: an error when `kernels: 'native'` asked for one, else the tfjs path. */
function refuseFused(o: z.output<typeof contrastiveMethodSchema>, why: string): undefined {
  if (o.kernels === 'native') {
    throw new InvalidArgumentError({
      op: 'contrastiveMethod',
      argument: 'options.kernels',
      expected: "'auto' or 'tfjs' here",
      actual: 'native',
      message: `kernels 'native' is not possible: ${why}`,
    });
  }
  return undefined;
}
