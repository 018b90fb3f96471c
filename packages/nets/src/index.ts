/**
 * Networks: the symmetric-ReLU layer, MLPs, predictors (linear, DirectPred), conv nets and ResNets for images.
 *
 * @packageDocumentation
 * @module @contrastive/nets
 */
export {
  isSymmetricReluNetwork,
  symmetricRelu,
  symmetricReluFromJSON,
  symmetricReluOptionsSchema,
  softThreshold,
  symmetricReluLayer,
  type SymmetricReluNetwork,
  type SymmetricReluOptions,
} from './symmetric-relu';
export {
  constantScheduleSchema,
  linearWarmupScheduleSchema,
  thresholdAt,
  thresholdSchema,
  type ThresholdSchedule,
} from './threshold-schedule';
export { BATCH_NORM_EPS, mlp, mlpFromJSON, mlpOptionsSchema, type MlpNetwork, type MlpOptions } from './mlp';
export {
  predictionHead,
  predictionHeadOptionsSchema,
  projectionHead,
  projectionHeadOptionsSchema,
  type PredictionHeadOptions,
  type ProjectionHeadOptions,
} from './heads';
export {
  linearPredictor,
  linearPredictorFromJSON,
  linearPredictorOptionsSchema,
  type LinearPredictorNetwork,
  type LinearPredictorOptions,
} from './linear-predictor';
export {
  directPredEigenvalues,
  directPredictor,
  directPredictorFromJSON,
  directPredictorOptionsSchema,
  directPredictorStateSchema,
  type DirectPredictor,
  type DirectPredictorOptions,
  type DirectPredictorState,
} from './direct-predictor';
export { ema } from './ema';
export { cloneNetwork, fromJSON, networkTypes, registerNetworkType, type NetworkReader } from './from-json';
export { treeNetwork, treeNetworkFromJSON, treeNetworkOptionsSchema, type TreeNetwork, type TreeNetworkOptions } from './tree-network';
export {
  BATCH_NORM_MOMENTUM,
  batchNormStateSchema,
  createBatchNorm,
  FUSED_BATCH_NORM,
  FUSED_BATCH_NORM_GRAD,
  type BatchNorm,
  type BatchNormConfig,
  type BatchNormState,
} from './batch-norm';
export { convStateSchema, hasTrainingMode, type ConvState, type TrainableModeNetwork } from './conv-layers';
export { convNet, convNetFromJSON, convNetOptionsSchema, type ConvNet, type ConvNetOptions } from './conv-net';
export { resNet, resNetFromJSON, resNetOptionsSchema, type ResNet, type ResNetOptions } from './res-net';
