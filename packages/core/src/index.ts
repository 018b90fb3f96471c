export {
  ContrastiveError,
  InvalidArgumentError,
  NonFiniteValueError,
  ShapeMismatchError,
  describe as describeValue,
} from './errors';
export { parseOptions } from './options';
export {
  createRng,
  type FillBernoulliKernel,
  type FillNormalKernel,
  hashSeed,
  type Rng,
  type RngState,
  setFillBernoulliKernel,
  setFillNormalKernel,
} from './rng';
export { bernoulliTensor, randomNormalTensor, randomUniformTensor } from './random-tensors';
export {
  assertFinite,
  assertNumber,
  assertRank,
  assertShape,
  assertShapes,
  assertTensor,
  type Dim,
} from './assert';
export type {
  Augmentation,
  DataModel,
  HasDictionary,
  HasHiddenUnits,
  HasLabels,
  HasLatentTree,
  HasNeuronWeights,
  HasPredictorMatrix,
  HasRecoverableLatents,
  Network,
  NetworkJSON,
  PairedDataModel,
  PairLoss,
  PairSample,
  Sample,
} from './spec';
export {
  drawsPairs,
  drawViews,
  hasDictionary,
  hasHiddenUnits,
  hasLabels,
  hasLatentTree,
  hasNeuronWeights,
  hasPredictorMatrix,
  hasRecoverableLatents,
  noPairsError,
  sampleLabels,
  sampleLatents,
} from './capabilities';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen';
export { matMul } from './mat-mul';
