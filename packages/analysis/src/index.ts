/**
 * Metrics of what a network learned: atom recovery, decoupling, linear probes, kNN, spectra, R²/MCC, the metric catalogue and Embedding Projector export.
 *
 * @packageDocumentation
 * @module @contrastive/analysis
 */
export { type Matrix, type MatrixInput, type MatrixLike, type VectorInput } from './matrix';
export { type Summary } from './stats';
export {
  atomRecovery,
  atomRecoveryOptionsSchema,
  atomRecoverySync,
  type AtomRecoveryOptions,
  type AtomRecoveryResult,
} from './atom-recovery';
export {
  neuronPurity,
  neuronPurityOptionsSchema,
  neuronPuritySync,
  type NeuronPurityOptions,
  type NeuronPurityResult,
} from './neuron-purity';
export { denseMass, denseMassSync, residualMass, residualMassSync, type MassResult } from './dense-mass';
export {
  crossViewCorrelation,
  crossViewCorrelationSync,
  featureCrossViewCorrelation,
  featureCrossViewCorrelationSync,
  type CorrelationResult,
} from './cross-view-correlation';
export { stdOfNormalized, stdOfNormalizedOptionsSchema, stdOfNormalizedSync, type StdOfNormalizedOptions } from './std-of-normalized';
export {
  effectiveRank,
  effectiveRankOfSingularValues,
  effectiveRankOptionsSchema,
  effectiveRankSync,
  type EffectiveRankOptions,
} from './effective-rank';
export { spectrum, spectrumOptionsSchema, spectrumSync, type SpectrumOptions, type SpectrumResult } from './spectrum';
export {
  alignment,
  alignmentOptionsSchema,
  alignmentSync,
  uniformity,
  uniformityOptionsSchema,
  uniformitySync,
  type AlignmentOptions,
  type UniformityOptions,
} from './alignment-uniformity';
export { linearProbe, linearProbeOptionsSchema, linearProbeSync, type LinearProbeOptions, type LinearProbeResult } from './linear-probe';
export { splitTrainTest, takeRows, type TrainTestSplit } from './split-train-test';
export { knnAccuracy, knnAccuracySync, knnOptionsSchema, type KnnOptions, type KnnResult } from './knn';
export { weightedKnn, weightedKnnOptionsSchema, weightedKnnSync, type WeightedKnnOptions, type WeightedKnnResult } from './knn-weighted';
export { knnMonitor, knnMonitorOptionsSchema, type KnnMonitorContext, type KnnMonitorOptions } from './knn-monitor';
export { datasetMetrics, datasetMetricsOptionsSchema, type DatasetMetricsOptions } from './dataset-metrics';
export {
  embeddingProjectorFiles,
  embeddingsToTsv,
  embeddingTsvOptionsSchema,
  metadataToTsv,
  type EmbeddingProjectorFiles,
  type EmbeddingTsvOptions,
} from './embedding-export';
export {
  r2,
  r2Sync,
  regressionR2,
  regressionR2OptionsSchema,
  regressionR2Sync,
  type R2Result,
  type RegressionR2Options,
  type RegressionR2Result,
} from './r2';
export { mcc, mccSync, type MccResult } from './mcc';
export { hungarian, hungarianOptionsSchema, type Assignment, type HungarianOptions } from './hungarian';
export {
  hltmBestCorrelation,
  hltmBestCorrelationOptionsSchema,
  hltmBestCorrelationSync,
  type HltmBestCorrelationOptions,
  type HltmBestCorrelationResult,
} from './hltm-best-correlation';
export { commutatorNorm, commutatorNormOptionsSchema, commutatorNormSync, type CommutatorNormOptions } from './commutator-norm';
export {
  assertMetricKey,
  formatMetric,
  formatNumber,
  isMetricKey,
  metricCatalogue,
  metricInfo,
  metricKeys,
  suggestMetricKey,
  unknownMetricMessage,
  type MetricDirection,
  type MetricInfo,
  type MetricKey,
  type MetricRecord,
  type MetricRequirement,
  type MetricSuite,
} from './metric-catalogue';
export { sparseCodingMetrics } from './sparse-coding-metrics';
export { decouplingMetrics, type DecouplingMetricsInput } from './decoupling-metrics';
export { representationMetrics, type RepresentationMetricsInput } from './representation-metrics';
export { monitorMetrics, type MonitorMetricsInput } from './monitor-metrics';
export { trainingMetrics } from './training-metrics';
