// Builds a job's components from its parsed, typed config sections with the packages' factories
// (no global registries), applying the CLI's conventions: seeds from the job, input dimensions
// from the network below, noise levels and thresholds in units of the data's σ.
import * as tf from '@tensorflow/tfjs';
import { type Augmentation, type DataModel, drawsPairs, type Network, ContrastiveError } from '@contrastive/core';
import { complementaryMask, compose, denseJitter, gaussianNoise, identity, independentMask } from '@contrastive/augment';
import { hltm, labeledSparseCoding, latentMixing, sparseCoding } from '@contrastive/data';
import { linearPredictor, mlp, predictionHead, projectionHead, symmetricRelu, treeNetwork } from '@contrastive/nets';
import { byolMethod, contrastiveMethod, directPredMethod, type Method, simSiamMethod } from '@contrastive/train';
import type { AugmentConfig, AugmentStep, DataConfig, EncoderConfig, HeadConfig, JobSpec } from './config';
import { ConfigError } from './errors';

/** Rethrows a package's validation error as a `ConfigError` with the config path in front (`data: …`). */
function at<T>(path: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (ContrastiveError.isInstance(e) && !ConfigError.isInstance(e)) throw new ConfigError(`${path}: ${e.message}`, { path, cause: e });
    throw e;
  }
}

/** `config` without its `type` tag (and the CLI-only `unit`): the factory's own options. */
function optionsOf<T extends { type: string }>(config: T): Omit<T, 'type'> {
  const { type: _type, ...rest } = config;
  return rest;
}

/** The data's isotropic noise std σ, the unit of `unit: noiseStd` (sparse-coding data only). */
export function noiseStdOf(data: DataModel): number {
  if ('noiseStd' in data && typeof data.noiseStd === 'number') return data.noiseStd;
  throw new ConfigError(`unit 'noiseStd' needs data with a noise std σ; '${data.name}' has none`);
}

function createData(config: DataConfig, seed: number): DataModel {
  switch (config.type) {
    case 'sparseCoding':
      return sparseCoding({ ...optionsOf(config), seed });
    case 'labeledSparseCoding':
      return labeledSparseCoding({ ...optionsOf(config), seed });
    case 'hltm':
      return hltm({ ...optionsOf(config), seed });
    case 'latentMixing':
      return latentMixing({ ...optionsOf(config), seed });
  }
}

export function buildData(spec: JobSpec): DataModel {
  return at('data', () => createData(spec.data, spec.seed));
}

/**
 * The augmentation of an arm; `{ type: 'dataPairs' }` means the data model draws the positive
 * pairs itself (a `PairedDataModel`: HLTM, latent mixing), and training takes no augmentation.
 */
export function buildViews(config: AugmentConfig, data: DataModel, seed: number): Augmentation | undefined {
  if (config.type !== 'dataPairs') return buildAugment(config, data, seed);
  if (!drawsPairs(data)) {
    throw new ConfigError(`augment: 'dataPairs' needs a data model that draws positive pairs (hltm, latentMixing), not '${data.name}'`, {
      path: 'augment',
    });
  }
  return undefined;
}

export function buildAugment(
  config: Exclude<AugmentConfig, { type: 'dataPairs' }>,
  data: DataModel,
  seed: number,
  path = 'augment',
): Augmentation {
  if (config.type === 'compose') return compose(...config.steps.map((s, i) => buildStep(s, data, seed, `${path}.steps[${i}]`)));
  return buildStep(config, data, seed, path);
}

function buildStep(config: AugmentStep, data: DataModel, seed: number, path: string): Augmentation {
  return at(path, () => {
    switch (config.type) {
      case 'identity':
        return identity({ ...optionsOf(config), seed });
      case 'complementaryMask':
        return complementaryMask({ ...optionsOf(config), seed });
      case 'independentMask':
        return independentMask({ ...optionsOf(config), seed });
      case 'gaussianNoise': {
        const { unit, std, ...o } = optionsOf(config);
        return gaussianNoise({ ...o, std: unit === 'noiseStd' ? std * noiseStdOf(data) : std, seed });
      }
      case 'denseJitter': {
        const basis = 'denseBasis' in data ? data.denseBasis : null;
        if (!(basis instanceof tf.Tensor) || basis.rank !== 2)
          throw new ConfigError(`${path}: denseJitter needs a data model with a structured dense part (denseRank > 0)`, { path });
        const denseStd = 'denseStd' in data && typeof data.denseStd === 'number' ? data.denseStd : 1;
        const { scale, ...o } = optionsOf(config);
        return denseJitter({ ...o, basis, scale: scale ?? denseStd, seed });
      }
    }
  });
}

/** A threshold or schedule in units of σ converted to absolute units. */
function absoluteThreshold(threshold: Extract<EncoderConfig, { type: 'symmetricRelu' }>['threshold'], data: DataModel) {
  if (typeof threshold === 'number') return threshold;
  const { unit, ...schedule } = threshold;
  if (unit !== 'noiseStd') return schedule;
  const sigma = noiseStdOf(data);
  return schedule.type === 'constant'
    ? { ...schedule, value: schedule.value * sigma }
    : { ...schedule, final: schedule.final * sigma, initial: schedule.initial * sigma };
}

export function buildEncoder(spec: JobSpec, data: DataModel, name = 'encoder'): Network {
  const config = spec.encoder;
  const seed = spec.seed;
  return at('encoder', () => {
    switch (config.type) {
      case 'symmetricRelu':
        return symmetricRelu({
          ...optionsOf(config),
          threshold: absoluteThreshold(config.threshold, data),
          inputDim: data.inputDim,
          seed,
          name,
        });
      case 'mlp':
        return mlp({ ...optionsOf(config), inputDim: data.inputDim, seed, name });
      case 'treeNetwork': {
        // Mirrors the HLTM tree (docs: Tian et al. 2020 §4): depth and branching come from the data model.
        if (!('depth' in data && 'children' in data) || typeof data.depth !== 'number' || typeof data.children !== 'number') {
          throw new ConfigError(`encoder: treeNetwork needs hltm data, not '${data.name}'`, { path: 'encoder.type' });
        }
        return treeNetwork({ ...optionsOf(config), depth: data.depth, children: data.children, seed, name });
      }
    }
  });
}

/** A head on top of a network with output dimension `inputDim`. */
export function buildHead(config: HeadConfig, inputDim: number, seed: number, name: string, path: string): Network {
  return at(path, () => {
    switch (config.type) {
      case 'mlp': {
        const { outputDim, ...o } = optionsOf(config);
        return mlp({ ...o, outputDim: outputDim ?? inputDim, inputDim, seed, name });
      }
      case 'projectionHead':
        return projectionHead({ ...optionsOf(config), inputDim, seed, name });
      case 'predictionHead':
        return predictionHead({ ...optionsOf(config), dim: inputDim, seed, name });
      case 'linearPredictor':
        return linearPredictor({ ...optionsOf(config), dim: inputDim, seed, name });
    }
  });
}

export function buildMethod(spec: JobSpec, data: DataModel): Method {
  const built: Network[] = [];
  try {
    const encoder = buildEncoder(spec, data);
    built.push(encoder);
    const projector = spec.projector ? buildHead(spec.projector, encoder.outputDim, spec.seed, 'projector', 'projector') : undefined;
    if (projector) built.push(projector);
    const top = (projector ?? encoder).outputDim;
    const predictor = spec.predictor ? buildHead(spec.predictor, top, spec.seed, 'predictor', 'predictor') : undefined;
    if (predictor) built.push(predictor);
    const heads = { encoder, ...(projector ? { projector } : {}) };
    const config = spec.method;
    return at('method', () => {
      switch (config.type) {
        case 'contrastive':
          if (predictor)
            throw new ConfigError("method: a contrastive method has no prediction head; remove 'predictor'", { path: 'predictor' });
          return contrastiveMethod({ ...optionsOf(config), ...heads });
        case 'simsiam':
          return simSiamMethod({ ...optionsOf(config), ...heads, ...(predictor ? { predictor } : {}) });
        case 'byol':
          if (!predictor)
            throw new ConfigError("method: byol needs a 'predictor' head (e.g. { type: predictionHead })", { path: 'predictor' });
          return byolMethod({ ...optionsOf(config), ...heads, predictor });
        case 'directpred':
          if (predictor) throw new ConfigError("method: DirectPred sets its own predictor; remove 'predictor'", { path: 'predictor' });
          return directPredMethod({ ...optionsOf(config), ...heads });
      }
    });
  } catch (e) {
    // A failed build frees what it had made (the networks' variables), so validation leaks nothing.
    for (const n of built) n.dispose();
    throw e;
  }
}
