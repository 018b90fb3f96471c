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
export type { Augmentation, DataModel, Network, NetworkJSON, PairLoss, Sample } from './spec';
export type { Dataset, DatasetBatch } from './dataset';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen';
export { matMul } from './mat-mul';
