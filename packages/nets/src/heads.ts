import { parseOptions, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { mlp, type MlpNetwork } from './mlp';

/** The options of `projectionHead(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const projectionHeadOptionsSchema = z.strictObject({
  /** Input dimension (the encoder's output). */
  inputDim: z.int().check(z.positive()),
  /** Width of the hidden layers. Default: inputDim. */
  hiddenDim: z.optional(z.int().check(z.positive())),
  /** Output dimension. Default: inputDim. */
  outputDim: z.optional(z.int().check(z.positive())),
  /** Number of linear layers (SimSiam: 3; SupCon/SimCLR: 2). Default 2. */
  layers: z._default(z.int().check(z.gte(1)), 2),
  /** Linear-BN-ReLU hidden layers and a non-affine BN on the output, as SimSiam (docs/science/non-contrastive.md §3.1). Default true. */
  batchNorm: z._default(z.boolean(), true),
  /** Seed of the initial weights. Default 0. */
  seed: z._default(seedSchema, 0),
  /** Network name. Default 'projector'. */
  name: z._default(z.string().check(z.minLength(1)), 'projector'),
});
/** Options of `projectionHead` (the input of its schema: a field with a default may be omitted). */
export type ProjectionHeadOptions = z.input<typeof projectionHeadOptionsSchema>;

/**
 * Projection head g (SimSiam `builder.py` / SupCon): `layers` linear layers with ReLU between,
 * widths inputDim → hiddenDim … → outputDim; with `batchNorm`, Linear(no bias)-BN-ReLU hidden
 * layers and BN(affine=False) on the output (docs/science/non-contrastive.md §3.1). An `mlp` preset: it serialises as 'mlp'.
 */
export function projectionHead(options: ProjectionHeadOptions): MlpNetwork {
  const o = parseOptions('projectionHead', projectionHeadOptionsSchema, options);
  return mlp({
    inputDim: o.inputDim,
    hidden: new Array<number>(o.layers - 1).fill(o.hiddenDim ?? o.inputDim),
    outputDim: o.outputDim ?? o.inputDim,
    activation: 'relu',
    batchNorm: o.batchNorm,
    outputBatchNorm: o.batchNorm,
    seed: o.seed,
    name: o.name,
  });
}

/** The options of `predictionHead(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const predictionHeadOptionsSchema = z.strictObject({
  /** Input and output dimension (the projector's output). */
  dim: z.int().check(z.positive()),
  /** Bottleneck width (SimSiam: 512 for dim 2048). Default: max(1, dim/4). */
  hiddenDim: z.optional(z.int().check(z.positive())),
  /** Linear(no bias)-BN-ReLU hidden layer, no BN on the output (docs/science/non-contrastive.md §3.1). Default true. */
  batchNorm: z._default(z.boolean(), true),
  /** Seed of the initial weights. Default 0. */
  seed: z._default(seedSchema, 0),
  /** Network name. Default 'predictor'. */
  name: z._default(z.string().check(z.minLength(1)), 'predictor'),
});
/** Options of `predictionHead` (the input of its schema: a field with a default may be omitted). */
export type PredictionHeadOptions = z.input<typeof predictionHeadOptionsSchema>;

/**
 * Prediction head h (SimSiam `builder.py`): bottleneck Linear(dim→hidden)-BN-ReLU-Linear(hidden→dim),
 * no BN on the output (docs/science/non-contrastive.md §3.1). An `mlp` preset: it serialises as 'mlp'.
 */
export function predictionHead(options: PredictionHeadOptions): MlpNetwork {
  const o = parseOptions('predictionHead', predictionHeadOptionsSchema, options);
  return mlp({
    inputDim: o.dim,
    hidden: [o.hiddenDim ?? Math.max(1, Math.floor(o.dim / 4))],
    outputDim: o.dim,
    activation: 'relu',
    batchNorm: o.batchNorm,
    seed: o.seed,
    name: o.name,
  });
}
