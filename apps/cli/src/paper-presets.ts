// Presets that show the qualitative claims of the other papers (THEORY.md §2–§6), each with its
// expected outcome stated in the report and checked on every run.
import type { ExperimentInput } from './config';

const labeledData = { type: 'labeledSparseCoding', ambientDim: 64, latentDim: 16, numClasses: 4, sparsity: 0.3, offClassSparsity: 0.05, noiseToSignal: 1 } as const;
const mlpEncoder = { type: 'mlp', hidden: [128], outputDim: 64, activation: 'relu' } as const;

/** The setting the labeled presets (SupCon, SimSiam, DirectPred, compare) share. */
const labeledSetting: Pick<ExperimentInput, 'seeds' | 'batchSize' | 'evalEvery' | 'data' | 'augment' | 'encoder'> = {
  seeds: [0],
  batchSize: 128,
  evalEvery: 100,
  data: labeledData,
  augment: { type: 'complementaryMask', keepProb: 0.5 },
  encoder: mlpEncoder,
};
/** SGD as in the SimSiam paper (momentum 0.9, weight decay 1e-4). */
const sgdMomentum: ExperimentInput['optimizer'] = { type: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-4 };

/** Khosla et al. 2020 (THEORY.md §2): labels make positives of every same-class sample. */
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
      { description: "SupCon's linear probe ≥ SimCLR's", arm: 'SupCon (out)', metric: 'linearProbe.testAccuracy', op: '>=', than: 'SimCLR', aggregate: 'mean' },
      // At this toy scale the two variants land within a point or two of each other; the paper's gap is at ImageNet scale.
      { description: 'L_out ≥ L_in − 0.02 (linear probe)', arm: 'SupCon (out)', metric: 'linearProbe.testAccuracy', op: '>=', than: 'SupCon (in)', value: -0.02, aggregate: 'mean' },
    ],
  };
}

/** Chen & He 2021 (THEORY.md §3.1): stop-gradient and the predictor prevent collapse. */
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
      { description: 'SimSiam does not collapse: std ≥ 0.5/√64', arm: 'SimSiam', metric: 'stdOfNormalized.projection', op: '>=', value: 0.0625 },
      { description: 'without stop-gradient it collapses: std ≤ 0.2/√64', arm: 'no stop-gradient', metric: 'stdOfNormalized.projection', op: '<=', value: 0.025 },
      { description: 'without predictor it collapses: std ≤ 0.2/√64', arm: 'no predictor', metric: 'stdOfNormalized.projection', op: '<=', value: 0.025 },
    ],
  };
}

/** Tian, Chen & Ganguli 2021 (THEORY.md §3.3–3.4). */
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
      { description: 'DirectPred beats the untrained network on kNN accuracy', arm: 'DirectPred', metric: 'knn.accuracy', op: '>', relativeTo: 'initial' },
      { description: 'a trained linear predictor aligns with F: ‖[F, W_p]‖ falls', arm: 'BYOL + linear predictor', metric: 'commutatorNorm', op: '<', relativeTo: 'initial' },
    ],
  };
}

/** Tian et al. 2020 (THEORY.md §4): hidden units learn the latent variables of the tree. */
export function hltmPreset(): ExperimentInput {
  return {
    name: 'hltm',
    title: 'Contrastive learning on a hierarchical latent tree model (Tian et al. 2020)',
    description:
      'A binary HLTM of depth 5 (polarities |ρ| ~ U[0.7, 1], hltm.yaml defaults); positive pairs share the root and re-sample every other ' +
      'node given it. A network that mirrors the tree (hid = 10 units per internal node, THEORY.md §4.3) is trained with ' +
      'InfoNCE (τ = 0.1, Adam). Measured: for every internal latent node, the best |Pearson correlation| of one of its own ' +
      'hidden units with it, averaged over nodes, on held-out samples.',
    claim:
      'Training raises the best correlation of hidden units with the latent variables above that of the untrained ' +
      'network (Tian et al. 2020, §6: the hidden units learn the latent tree).',
    seeds: [0],
    steps: 600,
    batchSize: 128,
    evalEvery: 100,
    data: { type: 'hltm', depth: 5, children: 2, deltaLower: 0.7, deltaUpper: 1 },
    augment: { type: 'dataPairs' },
    encoder: { type: 'treeNetwork', hid: 10 },
    method: { type: 'contrastive', loss: 'infonce', temperature: 0.1, normalize: true },
    // Adam: plain SGD at lr 0.1 moves the measure by < 0.01 in this many steps.
    optimizer: { type: 'adam', lr: 0.003 },
    arms: [{ name: 'InfoNCE' }],
    checks: [
      { description: 'best |corr| with the latents rises above the untrained network', arm: 'InfoNCE', metric: 'hltmBestCorrelation.mean', op: '>', relativeTo: 'initial', value: 0.02 },
    ],
  };
}

/** Zimmermann et al. 2021 (THEORY.md §5): contrastive learning inverts the generative process. */
export function latentRecovery(): ExperimentInput {
  return {
    name: 'latent-recovery',
    title: 'Contrastive learning inverts the data-generating process (Zimmermann et al. 2021)',
    description:
      'Latents z ∈ [0,1]^n uniform, positives z̃ ~ N(z, 0.05²) truncated to the box, observations x = g(z) through a frozen ' +
      'invertible 3-layer leaky-ReLU MLP. An MLP encoder is trained with InfoNCE; the recovered latents are scored by the ' +
      'R² of a linear regression to z (held-out half) and by the mean correlation coefficient after the best matching.',
    claim:
      'The encoder recovers the latents up to a linear map: R² and MCC end well above the untrained network ' +
      '(Zimmermann et al. 2021, Table 1).',
    seeds: [0],
    steps: 1500,
    batchSize: 256,
    evalEvery: 100,
    data: { type: 'latentMixing', dim: 5 },
    augment: { type: 'dataPairs' },
    encoder: { type: 'mlp', hidden: [64, 64], outputDim: 5, activation: 'leakyRelu' },
    method: { type: 'contrastive', loss: 'infonce', temperature: 0.1, normalize: false, symmetric: true },
    optimizer: { type: 'adam', lr: 0.003 },
    arms: [{ name: 'InfoNCE' }],
    checks: [
      { description: 'R² of the latents rises by ≥ 0.2 over the untrained network', arm: 'InfoNCE', metric: 'r2.mean', op: '>=', relativeTo: 'initial', value: 0.2 },
      { description: 'MCC rises by ≥ 0.1 over the untrained network', arm: 'InfoNCE', metric: 'mcc', op: '>=', relativeTo: 'initial', value: 0.1 },
    ],
  };
}

/** Method settings used by `contrastive compare --losses …`. */
export const COMPARE_METHODS: Record<string, { method: Record<string, unknown> & { type: string }; predictor?: Record<string, unknown> & { type: string } }> = {
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
