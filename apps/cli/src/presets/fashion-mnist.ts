// The Fashion-MNIST setting the real-data presets share (issue 12's reference recipe), at two sizes:
// `full` is the recipe as written; `small` is what CI runs (see docs/presets/fmnist-ssl.md).
import type { ExperimentInput } from '../config';

export type FashionSize = 'small' | 'full';

/**
 * Views of the recipe: random resized crop (scale 0.3–1, ratio 3/4–4/3, back to 28×28), flip
 * p = 0.5, then brightness and contrast ±0.4 with p = 0.8 (per sample).
 */
type Step = Extract<NonNullable<ExperimentInput['augment']>, { type: 'compose' }>['steps'][number];
export const CROP: Step = { type: 'randomResizedCrop', scale: [0.3, 1], ratio: [3 / 4, 4 / 3] };
export const FLIP: Step = { type: 'horizontalFlip', p: 0.5 };
export const COLOUR: Step & { type: 'randomApply' } = {
  type: 'randomApply',
  p: 0.8,
  steps: [{ type: 'colorJitter', brightness: 0.4, contrast: 0.4 }],
};
export const cropAndColour: ExperimentInput['augment'] = { type: 'compose', steps: [CROP, FLIP, COLOUR] };

/**
 * The setting of a size. full: all 60 000 training and 10 000 test images, the CNN at width 1
 * (32-64-128 channels), batch 256, 3 seeds. small: the first 200 images per class (2 000) for
 * training and 100 per class (1 000) for test, the CNN at width ¼ (8-16-32), batch 128, 2 seeds.
 */
export function fashionSetting(
  size: FashionSize,
): Pick<
  ExperimentInput,
  | 'size'
  | 'seeds'
  | 'epochs'
  | 'batchSize'
  | 'evalEvery'
  | 'checkpointEvery'
  | 'evalSamples'
  | 'data'
  | 'encoder'
  | 'projector'
  | 'optimizer'
> {
  const small = size === 'small';
  return {
    size,
    seeds: small ? [0, 1] : [0, 1, 2],
    epochs: small ? 3 : 20,
    batchSize: small ? 128 : 256,
    evalEvery: small ? 15 : 235,
    checkpointEvery: small ? 15 : 235,
    // The final probe and kNN: every test image, and up to this many training images.
    evalSamples: small ? 2000 : 10_000,
    data: small ? { type: 'fashionMnist', trainPerClass: 200, testPerClass: 100 } : { type: 'fashionMnist' },
    // conv3×3 1→32, 32→64 stride 2, 64→128 stride 2, BN + ReLU, global average pooling.
    encoder: { type: 'convNet', channels: [32, 64, 128], strides: [1, 2, 2], widthMultiplier: small ? 0.25 : 1 },
    // 128→128→64 (at width ¼ the encoder gives 32: 32→128→64).
    projector: { type: 'mlp', hidden: [128], outputDim: 64 },
    optimizer: { type: 'adam', lr: 1e-3 },
  };
}
