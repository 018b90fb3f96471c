import type { ExperimentInput } from '../config';
import { COLOUR, CROP, FLIP, type FashionSize, fashionSetting } from './fashion-mnist';

/**
 * SimCLR on Fashion-MNIST with four view distributions (Chen et al. 2020 Fig. 5; Wen & Li 2021 read
 * on images, docs/science/real-images.md §8): crops act like masking, colour distortion removes the
 * dense feature (global brightness/contrast) both views share.
 */
export function augmentationAblation(size: FashionSize): ExperimentInput {
  return {
    name: 'augmentation-ablation',
    title: `Augmentation ablation: SimCLR on Fashion-MNIST (${size})`,
    description:
      'SimCLR (NT-Xent τ = 0.2) with the CNN, budget and evaluation of fmnist-ssl, and four view distributions: none (two ' +
      'identical views), crop only (random resized crop 0.3–1 and flip), colour only (brightness/contrast ±0.4 with p = 0.8) ' +
      'and crop + colour. The report shows the first-layer filters each arm learned.',
    claim:
      'Crop plus colour distortion gives the best linear probe and no augmentation the worst (Chen et al. 2020, Fig. 5): ' +
      'crops play the role of masking in Wen & Li (2021), colour distortion removes the dense brightness/contrast feature.',
    ...fashionSetting(size),
    method: { type: 'contrastive', loss: 'ntxent', temperature: 0.2 },
    arms: [
      { name: 'none', augment: { type: 'identity' } },
      { name: 'crop', augment: { type: 'compose', steps: [CROP, FLIP] } },
      { name: 'colour', augment: COLOUR },
      { name: 'crop + colour', augment: { type: 'compose', steps: [CROP, FLIP, COLOUR] } },
    ],
    checks: [
      ...(['none', 'crop', 'colour'] as const).map((other) => ({
        description: `crop + colour: linear probe above ${other}'s (mean over seeds)`,
        arm: 'crop + colour',
        metric: 'linearProbe.testAccuracy',
        op: '>' as const,
        than: other,
        aggregate: 'mean' as const,
      })),
      ...(['crop', 'colour'] as const).map((other) => ({
        description: `none: linear probe below ${other}'s (mean over seeds)`,
        arm: 'none',
        metric: 'linearProbe.testAccuracy',
        op: '<' as const,
        than: other,
        aggregate: 'mean' as const,
      })),
    ],
  };
}
