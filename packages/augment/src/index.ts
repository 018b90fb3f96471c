/**
 * Augmentations that make the views: complementary masking, noise, dense jitter, and image augmentations (crops, flips, colour jitter, blur).
 *
 * @packageDocumentation
 * @module @contrastive/augment
 */
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
export { identity, identityOptionsSchema, type IdentityAugmentation, type IdentityOptions, type IdentityResolvedOptions } from './identity';
export { compose, type ComposedAugmentation } from './compose';
export type { ConfiguredAugmentation, ViewAugmentation } from './view-utils';
export {
  randomResizedCrop,
  randomResizedCropOptionsSchema,
  sampleCrop,
  type CropBox,
  type RandomResizedCrop,
  type RandomResizedCropOptions,
  type RandomResizedCropResolvedOptions,
} from './random-resized-crop';
export {
  horizontalFlip,
  horizontalFlipOptionsSchema,
  type HorizontalFlip,
  type HorizontalFlipOptions,
  type HorizontalFlipResolvedOptions,
} from './horizontal-flip';
export {
  adjustHue,
  colorJitter,
  colorJitterOptionsSchema,
  type ColorJitter,
  type ColorJitterOptions,
  type ColorJitterResolvedOptions,
} from './color-jitter';
export {
  randomGrayscale,
  randomGrayscaleOptionsSchema,
  type RandomGrayscale,
  type RandomGrayscaleOptions,
  type RandomGrayscaleResolvedOptions,
} from './random-grayscale';
export {
  gaussianBlur,
  gaussianBlurOptionsSchema,
  gaussianKernel1d,
  type GaussianBlur,
  type GaussianBlurOptions,
  type GaussianBlurResolvedOptions,
} from './gaussian-blur';
export { solarize, solarizeOptionsSchema, type Solarize, type SolarizeOptions, type SolarizeResolvedOptions } from './solarize';
export {
  randomErasing,
  randomErasingOptionsSchema,
  sampleErasing,
  type RandomErasing,
  type RandomErasingOptions,
  type RandomErasingResolvedOptions,
} from './random-erasing';
export {
  randomApply,
  randomApplyOptionsSchema,
  type RandomApply,
  type RandomApplyOptions,
  type RandomApplyResolvedOptions,
} from './random-apply';
export { LUMA_WEIGHTS, type ImageAugmentation } from './image-utils';
