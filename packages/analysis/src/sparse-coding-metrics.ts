import type * as tf from '@tensorflow/tfjs-core';
import { type DataModel, hasDictionary, hasNeuronWeights, type Network } from '@contrastive/core';
import { atomRecoverySync } from './atom-recovery';
import { denseMassSync, residualMassSync } from './dense-mass';
import type { MetricRecord } from './metric-catalogue';
import { neuronPuritySync } from './neuron-purity';

/**
 * The sparse-coding suite (Wen & Li 2021; docs: feature decoupling): how well the encoder's
 * neurons w_i (rows of `neuronWeights()`) align with the dictionary atoms M_j. Keys:
 * `atomRecovery.fraction` (a_j = max_i |cos(w_i, M_j)| > 0.8), `atomRecovery.median`,
 * `atomRecovery.min`, `neuronPurity.median`, `residualMass.mean` and, when the data model has a
 * dense basis H, `denseMass.mean`.
 *
 * Returns `{}` when the suite does not apply: the data model has no dictionary (`HasDictionary`),
 * the encoder exposes no neurons (`HasNeuronWeights`), or its input is not the dictionary's space.
 *
 * @param encoder the network whose first layer is analysed
 * @param data    the data model that generated the training data
 */
export function sparseCodingMetrics(encoder: Network, data: DataModel): MetricRecord {
  if (!hasDictionary(data) || !hasNeuronWeights(encoder) || encoder.inputDim !== data.dictionary.shape[0]) return {};
  const { dictionary, denseBasis } = data;
  const w: tf.Tensor2D = encoder.neuronWeights();
  try {
    const rec = atomRecoverySync(w, dictionary);
    const purity = neuronPuritySync(w, dictionary);
    const out: MetricRecord = {
      'atomRecovery.fraction': rec.fraction,
      'atomRecovery.median': rec.median,
      'atomRecovery.min': rec.min,
      'neuronPurity.median': purity.summary.purity.median,
      'residualMass.mean': residualMassSync(w, dictionary).mean,
    };
    if (denseBasis) out['denseMass.mean'] = denseMassSync(w, denseBasis).mean;
    return out;
  } finally {
    w.dispose();
  }
}
