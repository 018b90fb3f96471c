/**
 * Shared contracts and utilities: the DataModel/Dataset/Augmentation/Network interfaces and capability guards, seeded RNG, errors, option parsing, backend selection, the kernel registry.
 *
 * @packageDocumentation
 * @module @contrastive/core
 */
export { ContrastiveError, InvalidArgumentError, NonFiniteValueError, ShapeMismatchError, describe as describeValue } from './errors';
export { describeIssue, type IssueDescription, type OptionIssue, parseOptions } from './options';
export { seedSchema, type Seed } from './seed';
export { checkFinite, type Checks, type ChecksOptions, checksSchema, getChecks, setChecks } from './checks';
export { columnsToRowMajor, gramSchmidt, orthonormalColumns } from './gram-schmidt';
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
export {
  getKernel,
  type KernelName,
  type KernelSignatures,
  registeredKernels,
  registerKernel,
  type SgemmKernel,
  type SupConKernel,
  type SupConKernelOptions,
  type SymmetricReluInfoNCEKernel,
  type SymmetricReluInfoNCEStepKernel,
  type SparseCodingSampleKernel,
  type SparseCodingSampleOptions,
  unregisterKernel,
} from './kernel-registry';
export { bernoulliTensor, filledTensor, randomNormalTensor, randomUniformTensor } from './random-tensors';
export {
  assertDims,
  assertFinite,
  assertNonEmpty,
  assertNumber,
  assertRank,
  assertShape,
  assertShapes,
  assertTensor,
  type Dim,
  type DimNames,
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
  HasTrainingMode,
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
export type { Dataset, DatasetBatch } from './dataset';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen';
export { matMul } from './mat-mul';
export { type BackendName, selectBackend, type SelectBackendOptions, type SelectedBackend } from './select-backend';
