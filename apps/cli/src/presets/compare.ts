import type { ExperimentInput } from '../config';
import { labeledSetting } from './shared';

/** Method settings used by `contrastive compare --losses …`. */
export const COMPARE_METHODS: Record<
  string,
  { method: NonNullable<ExperimentInput['method']>; predictor?: NonNullable<ExperimentInput['predictor']> }
> = {
  infonce: { method: { type: 'contrastive', loss: 'infonce', temperature: 0.3, normalize: true, symmetric: true } },
  ntxent: { method: { type: 'contrastive', loss: 'ntxent', temperature: 0.3, normalize: true } },
  simclr: { method: { type: 'contrastive', loss: 'supcon', supervised: false, temperature: 0.3 } },
  supcon: { method: { type: 'contrastive', loss: 'supcon', supervised: true, temperature: 0.3 } },
  simsiam: { method: { type: 'simsiam' }, predictor: { type: 'predictionHead' } },
  byol: { method: { type: 'byol', momentum: 0.99 }, predictor: { type: 'predictionHead' } },
  directpred: { method: { type: 'directpred', momentum: 0.99 } },
};

/** The shared setting of `contrastive compare` (override with a config of your own). */
export function compareBase(): ExperimentInput {
  return {
    name: 'compare',
    title: 'Contrastive vs non-contrastive objectives on identical data, augmentations, encoder and seeds',
    description:
      'Labeled sparse coding (4 classes), complementary masking, MLP encoder with a projection head (batch norm), Adam; every method sees the same batches and views for a seed. Linear probe and kNN on frozen encoder ' +
      'features of held-out samples; alignment/uniformity of normalised features; collapse measures.',
    ...labeledSetting,
    steps: 800,
    projector: { type: 'projectionHead', hiddenDim: 64, outputDim: 32, layers: 2 },
    method: { type: 'contrastive' },
    optimizer: { type: 'adam', lr: 0.003 },
    arms: Object.keys(COMPARE_METHODS).map((name) => ({ name })),
  };
}
