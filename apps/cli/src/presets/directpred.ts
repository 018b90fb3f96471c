import type { ExperimentInput } from '../config';
import { labeledSetting, sgdMomentum } from './shared';

/** Tian, Chen & Ganguli 2021 (docs/science/non-contrastive.md §3.3–3.4). */
export function directPred(): ExperimentInput {
  return {
    name: 'directpred',
    title: 'DirectPred: a predictor set from the correlation eigenbasis (Tian, Chen & Ganguli 2021)',
    description:
      'BYOL-style training (EMA target, m = 0.99) on labeled sparse coding with complementary masking. DirectPred sets the ' +
      'linear predictor W_p = U diag(p) Uᵀ from the running correlation F̂ = U diag(s) Uᵀ of the online outputs ' +
      '(p_j = sqrt(s_j / max s) + ε, ρ = 0.3, ε = 0.01). The second arm trains a linear predictor by gradient descent; ' +
      'the theory predicts that its eigenbasis aligns with that of F, i.e. the normalised commutator ‖[F, W_p]‖ falls.',
    claim:
      'DirectPred does not collapse (std of normalised outputs stays near 1/√dim) and reaches a kNN accuracy above the ' +
      'untrained network; with a trained linear predictor, W_p aligns with the eigenbasis of F (commutator norm falls).',
    ...labeledSetting,
    steps: 800,
    projector: { type: 'mlp', hidden: [64], outputDim: 32 },
    method: { type: 'directpred', momentum: 0.99 },
    optimizer: sgdMomentum,
    arms: [
      { name: 'DirectPred' },
      { name: 'BYOL + linear predictor', method: { type: 'byol', momentum: 0.99 }, predictor: { type: 'linearPredictor', init: 'normal' } },
    ],
    checks: [
      { description: 'DirectPred does not collapse: std ≥ 0.5/√64', arm: 'DirectPred', metric: 'stdOfNormalized', op: '>=', value: 0.0625 },
      {
        description: 'DirectPred beats the untrained network on kNN accuracy',
        arm: 'DirectPred',
        metric: 'knn.accuracy',
        op: '>',
        relativeTo: 'initial',
      },
      {
        description: 'a trained linear predictor aligns with F: ‖[F, W_p]‖ falls',
        arm: 'BYOL + linear predictor',
        metric: 'commutatorNorm',
        op: '<',
        relativeTo: 'initial',
      },
    ],
  };
}
