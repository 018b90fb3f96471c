// Settings several presets share.
import type { ExperimentInput } from '../config';

export const labeledData: ExperimentInput['data'] = {
  type: 'labeledSparseCoding',
  ambientDim: 64,
  latentDim: 16,
  numClasses: 4,
  sparsity: 0.3,
  offClassSparsity: 0.05,
  noiseToSignal: 1,
};
export const mlpEncoder: ExperimentInput['encoder'] = { type: 'mlp', hidden: [128], outputDim: 64, activation: 'relu' };

/** The setting the labeled presets (SupCon, SimSiam, DirectPred, compare) share. */
export const labeledSetting: Pick<ExperimentInput, 'seeds' | 'batchSize' | 'evalEvery' | 'data' | 'augment' | 'encoder'> = {
  seeds: [0],
  batchSize: 128,
  evalEvery: 100,
  data: labeledData,
  augment: { type: 'complementaryMask', keepProb: 0.5 },
  encoder: mlpEncoder,
};
/** SGD as in the SimSiam paper (momentum 0.9, weight decay 1e-4). */
export const sgdMomentum: ExperimentInput['optimizer'] = { type: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-4 };
