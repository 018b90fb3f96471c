import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from './errors';
import type { Rng } from './rng';
import type {
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
  PairedDataModel,
  Sample,
} from './spec';

// Type guards of the optional capabilities in spec.ts. They check the shape of the capability
// (a rank-2 tensor, a function, a string key), so a user-defined data model or network gets the
// same treatment as the packages' own by implementing the interface.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isRank2 = (v: unknown): v is tf.Tensor2D =>
  isObject(v) && (v as { rank?: unknown }).rank === 2 && Array.isArray((v as { shape?: unknown }).shape);

/** True when `data` has a dictionary M [inputDim, d] (and possibly a dense basis H). */
export function hasDictionary<D extends DataModel>(data: D): data is D & HasDictionary {
  if (!isObject(data) || !isRank2(data['dictionary'])) return false;
  const h = data['denseBasis'];
  return h === undefined || h === null || isRank2(h);
}

/** True when `data` draws its own positive pairs (`samplePair`). */
export function drawsPairs<D extends DataModel>(data: D): data is D & PairedDataModel {
  return isObject(data) && typeof data['samplePair'] === 'function';
}

/** True when `data`'s samples carry class labels under `data.labelKey`. */
export function hasLabels<D extends DataModel>(data: D): data is D & HasLabels {
  return isObject(data) && typeof data['labelKey'] === 'string';
}

/** True when `data`'s samples carry recoverable latents under `data.latentKey`. */
export function hasRecoverableLatents<D extends DataModel>(data: D): data is D & HasRecoverableLatents {
  return isObject(data) && typeof data['latentKey'] === 'string';
}

/** True when `data` is a latent tree whose samples carry `latents` with `leafOffset` internal nodes. */
export function hasLatentTree<D extends DataModel>(data: D): data is D & HasLatentTree {
  return isObject(data) && Number.isInteger(data['leafOffset']) && (data['leafOffset'] as number) > 0;
}

/** True when `net` exposes its neurons' weight vectors. */
export function hasNeuronWeights<N extends Network>(net: N): net is N & HasNeuronWeights {
  return isObject(net) && typeof net['neuronWeights'] === 'function';
}

/** True when `net` exposes hidden units grouped by latent node. */
export function hasHiddenUnits<N extends Network>(net: N): net is N & HasHiddenUnits {
  return isObject(net) && typeof net['hiddenUnits'] === 'function';
}

/** True when `net` is a linear predictor with a square matrix W_p. */
export function hasPredictorMatrix<N extends Network>(net: N): net is N & HasPredictorMatrix {
  return isObject(net) && typeof net['predictorMatrix'] === 'function';
}

/** The class labels [batch] of a sample of a labelled data model, or undefined. */
export function sampleLabels(data: DataModel, sample: Sample): tf.Tensor1D | undefined {
  if (!hasLabels(data)) return undefined;
  const y = sample[data.labelKey];
  return y && y.rank === 1 ? (y as tf.Tensor1D) : undefined;
}

/** The recoverable latents [batch, latentDim] of a sample, or undefined. */
export function sampleLatents(data: DataModel, sample: Sample): tf.Tensor2D | undefined {
  if (!hasRecoverableLatents(data)) return undefined;
  const z = sample[data.latentKey];
  return z && z.rank === 2 ? (z as tf.Tensor2D) : undefined;
}

/**
 * Draws a batch and its views: through `augment` when given (`data.sample` with `rng`, then
 * `augment.apply` with `augmentRng`), else from a data model that draws its own pairs
 * (`samplePair` with `rng`; views `[x, xPositive]`). The caller owns every returned tensor
 * (the views of a pair are entries of the batch).
 *
 * @param augmentRng the augmentation's stream (default: `rng`)
 */
export function drawViews(
  data: DataModel,
  augment: Augmentation | undefined,
  batchSize: number,
  rng: Rng,
  augmentRng: Rng = rng,
): {
  /** The drawn batch (and its ground truth). */
  batch: Sample;
  /** Its views (2 for a positive pair). */
  views: tf.Tensor2D[];
} {
  if (augment) {
    const batch = data.sample(batchSize, rng);
    return { batch, views: augment.apply(batch.x, augmentRng) };
  }
  if (!drawsPairs(data)) throw noPairsError('drawViews', data);
  const batch = data.samplePair(batchSize, rng);
  return { batch, views: [batch.x, batch.xPositive] };
}

/** The error for a missing augmentation on a data model that does not draw pairs. */
export function noPairsError(op: string, data: DataModel): InvalidArgumentError {
  return new InvalidArgumentError({
    op,
    argument: 'augment',
    expected:
      'an augmentation, or a data model that draws its own positive pairs (PairedDataModel with samplePair(), e.g. hltm, latentMixing)',
    actual: undefined,
    message: `invalid argument 'augment': no augmentation given, and data model '${data?.name}' does not draw its own positive pairs (implement PairedDataModel.samplePair(), or pass an augmentation)`,
  });
}
