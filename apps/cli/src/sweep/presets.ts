// Sweep presets (`contrastive sweep <name>`): phase diagrams that answer a question, each with checks.
import type { SweepInput } from './schema';

export interface SweepPreset {
  /** One line for `contrastive list`. */
  summary: string;
  /** A fresh copy of the sweep (callers may change it). */
  build: () => SweepInput;
}

/**
 * Where complementary masking decouples the sparse features (Wen & Li 2021): atoms recovered over
 * the keep probability × τ, on the feature-decoupling setting reduced to d = 16 atoms in 128
 * dimensions, m = 32 neurons, B = 128, 1500 steps.
 */
export function maskingPhase(): SweepInput {
  return {
    name: 'masking-phase',
    title: 'Masking phase diagram: atoms recovered over keep probability × τ (Wen & Li 2021)',
    description:
      'The complementary-masking arm of feature-decoupling at a reduced size (d = 16, d1 = 128, m = 32, B = 128, 1500 steps): ' +
      "one view keeps each coordinate with probability p, the other keeps the rest. The paper's recipe (docs/science/feature-decoupling.md " +
      '§1.7) uses p = 0.5 and τ = 0.1; this sweep maps how far from it masking still decouples the sparse features.',
    claim:
      'Atoms are recovered in a window of keep probabilities around 0.5 and not at extreme p (0.1, 0.9); how wide the window is depends on τ.',
    base: 'feature-decoupling',
    arm: 'complementary masking',
    set: {
      steps: 1500,
      batchSize: 128,
      evalEvery: 750,
      evalSamples: 1024,
      'data.latentDim': 16,
      'data.ambientDim': 128,
      'encoder.width': 32,
    },
    axes: { 'augment.keepProb': [0.1, 0.3, 0.5, 0.7, 0.9], 'method.temperature': [0.05, 0.1, 0.3] },
    seeds: [0, 1],
    metric: 'atomRecovery.fraction',
    checks: [
      {
        description: "p = 0.5, τ = 0.1 (the paper's setting) recovers ≥ 80 % of atoms",
        metric: 'atomRecovery.fraction',
        where: { 'augment.keepProb': 0.5, 'method.temperature': 0.1 },
        op: '>=',
        value: 0.8,
      },
      {
        description: 'p = 0.5, τ = 0.3 recovers ≥ 80 % of atoms',
        metric: 'atomRecovery.fraction',
        where: { 'augment.keepProb': 0.5, 'method.temperature': 0.3 },
        op: '>=',
        value: 0.8,
      },
      {
        description: 'p = 0.1 recovers ≤ 20 % of atoms at every τ',
        metric: 'atomRecovery.fraction',
        where: { 'augment.keepProb': 0.1 },
        op: '<=',
        value: 0.2,
      },
      {
        description: 'p = 0.9 recovers ≤ 20 % of atoms at every τ',
        metric: 'atomRecovery.fraction',
        where: { 'augment.keepProb': 0.9 },
        op: '<=',
        value: 0.2,
      },
    ],
  };
}

/**
 * How small a SupCon batch can be (a recurring question in SupContrast's tracker): linear-probe
 * accuracy over batch size × τ, on the supcon-vs-simclr setting (labeled sparse coding, 4 classes).
 */
export function supConBatch(): SweepInput {
  return {
    name: 'supcon-batch',
    title: 'SupCon batch size: linear probe over batch size × τ (Khosla et al. 2020)',
    description:
      'The SupCon (L_out) arm of supcon-vs-simclr (labeled sparse coding with 4 classes, complementary masking, MLP encoder ' +
      'and projection head, Adam, 600 steps) at batch sizes 4 … 256 and τ ∈ {0.1, 0.5}. The number of steps is fixed, so a ' +
      'larger batch also sees more samples; a batch of 4 holds about one sample per class, so most anchors have no ' +
      'same-class positive but their other view. Linear probe: logistic regression on frozen features of held-out samples (chance 0.25).',
    claim:
      'With the step budget fixed, the linear probe rises with the batch: batches of a few samples per class (≤ 16) stay well below batches of 64 and more.',
    base: 'supcon-vs-simclr',
    arm: 'SupCon (out)',
    axes: { batchSize: [4, 16, 64, 256], 'method.temperature': [0.1, 0.5] },
    seeds: [0, 1],
    metric: 'linearProbe.testAccuracy',
    checks: [
      {
        description: 'batch 256 reaches a linear probe ≥ 0.55 at every τ',
        metric: 'linearProbe.testAccuracy',
        where: { batchSize: 256 },
        op: '>=',
        value: 0.55,
      },
      {
        description: 'batch 64 reaches a linear probe ≥ 0.55 at every τ',
        metric: 'linearProbe.testAccuracy',
        where: { batchSize: 64 },
        op: '>=',
        value: 0.55,
      },
      {
        description: 'batch 16 stays below 0.5 at every τ',
        metric: 'linearProbe.testAccuracy',
        where: { batchSize: 16 },
        op: '<',
        value: 0.5,
      },
      {
        description: 'batch 4 stays below 0.5 at every τ',
        metric: 'linearProbe.testAccuracy',
        where: { batchSize: 4 },
        op: '<',
        value: 0.5,
      },
    ],
  };
}

/**
 * The SimSiam collapse boundary over weight decay × learning rate (Chen & He 2021; Tian et al.
 * 2021 relate collapse to weight decay and the learning rate), on the simsiam-collapse setting.
 */
export function simSiamPhase(): SweepInput {
  return {
    name: 'simsiam-phase',
    title: "SimSiam phase diagram: collapse over weight decay × the predictor's learning rate",
    description:
      'The SimSiam arm of simsiam-collapse (labeled sparse coding, MLP encoder, 2-layer projector, bottleneck predictor, ' +
      "SGD with momentum 0.9 and lr 0.05, 800 steps) over weight decay (every network) × the predictor's learning rate " +
      "(optimizer.lrMultipliers.predictor: 0.1×, 1×, 10× the encoder's 0.05, a parameter group as in PyTorch). " +
      'Collapse diagnostic: std of the L2-normalised projection (1/√64 = 0.125 when spread isotropically, 0 when collapsed).',
    claim:
      "SimSiam avoids collapse only when weight decay is small: at the paper's 1e-4 with the predictor at the encoder's lr the outputs stay spread, and from weight decay 0.03 on they collapse whatever the predictor's learning rate.",
    base: 'simsiam-collapse',
    arm: 'SimSiam',
    set: { optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-4, lrMultipliers: { predictor: 1 } } },
    axes: { 'optimizer.weightDecay': [0.0001, 0.003, 0.03, 0.3], 'optimizer.lrMultipliers.predictor': [0.1, 1, 10] },
    seeds: [0, 1],
    metric: 'stdOfNormalized.projection',
    checks: [
      {
        description: "weight decay 1e-4 with the predictor at the encoder's lr (the paper's setting) does not collapse: std ≥ 0.5/√64",
        metric: 'stdOfNormalized.projection',
        where: { 'optimizer.weightDecay': 0.0001, 'optimizer.lrMultipliers.predictor': 1 },
        op: '>=',
        value: 0.0625,
      },
      {
        description: 'weight decay 0.03 collapses at every predictor lr: std ≤ 0.2/√64',
        metric: 'stdOfNormalized.projection',
        where: { 'optimizer.weightDecay': 0.03 },
        op: '<=',
        value: 0.025,
      },
      {
        description: 'weight decay 0.3 collapses at every predictor lr: std ≤ 0.2/√64',
        metric: 'stdOfNormalized.projection',
        where: { 'optimizer.weightDecay': 0.3 },
        op: '<=',
        value: 0.025,
      },
    ],
  };
}

export const SWEEP_PRESETS: Record<string, SweepPreset> = {
  'masking-phase': { summary: 'Wen & Li 2021: atoms recovered over masking keep probability × τ (phase diagram).', build: maskingPhase },
  'simsiam-phase': { summary: "Chen & He 2021: SimSiam collapse over weight decay × the predictor's learning rate.", build: simSiamPhase },
  'supcon-batch': { summary: 'Khosla et al. 2020: SupCon linear probe over batch size × τ.', build: supConBatch },
};
