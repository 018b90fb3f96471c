/**
 * The training loop: methods (contrastive, SimSiam, BYOL, DirectPred, Barlow Twins, VICReg, supervised), optimizers, schedules, checkpoints and exact resume, loggers.
 *
 * @packageDocumentation
 * @module @contrastive/train
 */
// Gradients: in Node, `@tensorflow/tfjs-core` alone registers none; the app imports
// `@tensorflow/tfjs` (or tfjs-node), which registers them for every package.
export {
  CHECKPOINT_VERSION,
  CheckpointError,
  checkpointSchema,
  memoryCheckpointStore,
  parseCheckpoint,
  type Checkpoint,
  type CheckpointStore,
  type TrainHistory,
} from './checkpoint';
export { type IdbFactoryLike, indexedDbCheckpointStore, type IndexedDbCheckpointStoreOptions } from './indexeddb-checkpoint-store';
export { methodToJSON, type Method } from './method';
export { contrastiveMethod, contrastiveMethodSchema, type ContrastiveMethodOptions } from './methods/contrastive';
export {
  byolMethod,
  byolMethodSchema,
  directPredMethod,
  directPredMethodSchema,
  simSiamMethod,
  simSiamMethodSchema,
  type ByolMethodOptions,
  type DirectPredMethodOptions,
  type SimSiamMethodOptions,
} from './methods/non-contrastive';
export {
  barlowTwinsMethod,
  barlowTwinsMethodSchema,
  vicRegMethod,
  vicRegMethodSchema,
  type BarlowTwinsMethodOptions,
  type VicRegMethodOptions,
} from './methods/redundancy-reduction';
export { supervisedMethod, supervisedMethodSchema, type SupervisedMethod, type SupervisedMethodOptions } from './methods/supervised';
export {
  createBatchSampler,
  datasetLabels,
  samplerOptionsSchema,
  type BatchSampler,
  type SamplerOptions,
  type SamplerState,
} from './batch-sampler';
export { epochScheduleSchema, isDataset, scheduleInSteps, type DatasetRunOptions, type EpochLrSchedule } from './dataset-run';
export { setTrainingMode } from './network-modes';
export { createOptimizer, optimizerOptionsSchema, type Optimizer, type OptimizerOptions, type OptimizerState } from './optimizer';
export { lrFactor, lrScheduleSchema, type LrSchedule } from './schedule';
export { train, trainOptionsSchema, type EvalContext, type TrainEvent, type TrainOptions } from './train';
export {
  consoleLogger,
  consoleLoggerOptionsSchema,
  csvHeader,
  csvLogger,
  csvRows,
  formatTrainEvent,
  jsonLinesLogger,
  metricsLogOptionsSchema,
  metricsRow,
  withLoggers,
  type ConsoleLoggerOptions,
  type FieldValue,
  type MetricsLogOptions,
  type MetricsRow,
  type TextSink,
  type TrainLogger,
} from './train-log';
export {
  crc32c,
  fileVersionEvent,
  maskedCrc32c,
  scalarEvent,
  tensorBoardLogger,
  tensorBoardLoggerOptionsSchema,
  tfRecord,
  type ScalarPoint,
  type TensorBoardLoggerOptions,
} from './tfevents';
