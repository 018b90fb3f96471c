import type { ExperimentInput } from '../config';
import { labeledSetting } from './shared';

/** Khosla et al. 2020 (docs/science/supcon.md §2): labels make positives of every same-class sample. */
export function supConVsSimClr(): ExperimentInput {
  return {
    name: 'supcon-vs-simclr',
    title: 'Supervised contrastive vs SimCLR (Khosla et al. 2020)',
    description:
      'Labeled sparse coding (4 classes, each a group of atoms that are active more often), complementary masking, an MLP ' +
      'encoder with a 2-layer projection head, τ = 0.3, Adam. SimCLR treats only the other view as positive; SupCon L_out ' +
      '(Eq. 2) and L_in (Eq. 3) treat every same-class view as positive. Linear probe: logistic regression on frozen ' +
      'encoder features of held-out samples.',
    claim:
      'Supervised contrastive learning gives a linear-probe accuracy at least as high as SimCLR, and the L_out variant ' +
      '(average outside the log) is at least as good as L_in (here: within 0.02) (Khosla et al. 2020, Table 5: 78.7 % vs 67.4 % top-1).',
    ...labeledSetting,
    steps: 600,
    projector: { type: 'mlp', hidden: [64], outputDim: 32 },
    method: { type: 'contrastive', loss: 'supcon', temperature: 0.3, normalize: true },
    // τ = 0.1 with 4 classes (a quarter of the batch positive) lets L_out collapse to log(2N − 1) here.
    optimizer: { type: 'adam', lr: 0.003 },
    arms: [
      { name: 'SimCLR', method: { type: 'contrastive', loss: 'supcon', supervised: false, temperature: 0.3 } },
      { name: 'SupCon (out)', method: { type: 'contrastive', loss: 'supcon', supervised: true, variant: 'out', temperature: 0.3 } },
      { name: 'SupCon (in)', method: { type: 'contrastive', loss: 'supcon', supervised: true, variant: 'in', temperature: 0.3 } },
    ],
    checks: [
      {
        description: "SupCon's linear probe ≥ SimCLR's",
        arm: 'SupCon (out)',
        metric: 'linearProbe.testAccuracy',
        op: '>=',
        than: 'SimCLR',
        aggregate: 'mean',
      },
      // At this toy scale the two variants land within a point or two of each other; the paper's gap is at ImageNet scale.
      {
        description: 'L_out ≥ L_in − 0.02 (linear probe)',
        arm: 'SupCon (out)',
        metric: 'linearProbe.testAccuracy',
        op: '>=',
        than: 'SupCon (in)',
        value: -0.02,
        aggregate: 'mean',
      },
    ],
  };
}
