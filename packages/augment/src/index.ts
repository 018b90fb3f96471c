export {
  complementaryMask,
  complementaryMaskOptionsSchema,
  type ComplementaryMask,
  type ComplementaryMaskOptions,
  type ComplementaryMaskResolvedOptions,
} from './complementary-mask';
export {
  independentMask,
  independentMaskOptionsSchema,
  type IndependentMask,
  type IndependentMaskOptions,
  type IndependentMaskResolvedOptions,
} from './independent-mask';
export {
  gaussianNoise,
  gaussianNoiseOptionsSchema,
  type GaussianNoise,
  type GaussianNoiseOptions,
  type GaussianNoiseResolvedOptions,
} from './gaussian-noise';
export {
  denseJitter,
  denseJitterOptionsSchema,
  type DenseJitter,
  type DenseJitterOptions,
  type DenseJitterResolvedOptions,
} from './dense-jitter';
export {
  identity,
  identityOptionsSchema,
  type IdentityAugmentation,
  type IdentityOptions,
  type IdentityResolvedOptions,
} from './identity';
export { compose, type ComposedAugmentation } from './compose';
export type { ConfiguredAugmentation, ViewAugmentation } from './view-utils';
