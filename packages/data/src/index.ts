/**
 * Synthetic data with known ground truth: sparse coding (with dense directions and labels), latent mixing, the hierarchical latent tree model.
 *
 * @packageDocumentation
 * @module @contrastive/data
 */
export {
  sparseCoding,
  sparseCodingOptionsSchema,
  type SparseCodingModel,
  type SparseCodingOptions,
  type SparseCodingResolvedOptions,
  type SparseCodingSample,
} from './sparse-coding';
export {
  labeledSparseCoding,
  labeledSparseCodingOptionsSchema,
  type LabeledSparseCodingModel,
  type LabeledSparseCodingOptions,
  type LabeledSparseCodingResolvedOptions,
  type LabeledSparseCodingSample,
} from './labeled-sparse-coding';
export {
  hltm,
  hltmOptionsSchema,
  type HltmModel,
  type HltmOptions,
  type HltmPair,
  type HltmResolvedOptions,
  type HltmSample,
} from './hltm';
export {
  latentMixing,
  latentMixingOptionsSchema,
  type LatentMixingModel,
  type LatentMixingOptions,
  type LatentMixingPair,
  type LatentMixingResolvedOptions,
  type LatentMixingSample,
} from './latent-mixing';
export { conditionNumber, invertMatrix } from './invertible-mlp';
/** Re-exported from `@contrastive/core` (where it now lives) for compatibility. */
export { gramSchmidt } from '@contrastive/core';
