import type { ExperimentInput } from '../config';
import { labeledSetting, sgdMomentum } from './shared';

/** Chen & He 2021 (docs/science/non-contrastive.md §3.1): stop-gradient and the predictor prevent collapse. */
export function simSiamCollapse(): ExperimentInput {
  return {
    name: 'simsiam-collapse',
    title: 'SimSiam: stop-gradient and predictor prevent collapse (Chen & He 2021)',
    description:
      'SimSiam on labeled sparse coding with complementary masking: MLP encoder, 2-layer MLP projector (no batch norm ' +
      'on z, which would keep a constant output from showing), bottleneck prediction head, SGD with momentum. The ablations remove the stop-gradient or the predictor. Collapse ' +
      'diagnostic: the std over the batch of the L2-normalised projection z, averaged over channels (1/√dim when the ' +
      'outputs are spread isotropically, 0 when collapsed).',
    claim:
      'Without stop-gradient or without the predictor the outputs collapse (std of normalised outputs → 0); with both, ' +
      'the std stays near 1/√dim (Chen & He 2021, Fig. 2 and Table 1).',
    ...labeledSetting,
    steps: 800,
    projector: { type: 'mlp', hidden: [64], outputDim: 64 },
    predictor: { type: 'predictionHead', hiddenDim: 16 },
    method: { type: 'simsiam' },
    optimizer: sgdMomentum,
    arms: [
      { name: 'SimSiam' },
      { name: 'no stop-gradient', method: { type: 'simsiam', stopGradient: false } },
      { name: 'no predictor', predictor: null },
    ],
    checks: [
      {
        description: 'SimSiam does not collapse: std ≥ 0.5/√64',
        arm: 'SimSiam',
        metric: 'stdOfNormalized.projection',
        op: '>=',
        value: 0.0625,
      },
      {
        description: 'without stop-gradient it collapses: std ≤ 0.2/√64',
        arm: 'no stop-gradient',
        metric: 'stdOfNormalized.projection',
        op: '<=',
        value: 0.025,
      },
      {
        description: 'without predictor it collapses: std ≤ 0.2/√64',
        arm: 'no predictor',
        metric: 'stdOfNormalized.projection',
        op: '<=',
        value: 0.025,
      },
    ],
  };
}
