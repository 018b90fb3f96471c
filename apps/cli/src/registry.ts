// Name → factory tables built from the packages' exports (no global registries), plus the
// config conventions the CLI adds on top (thresholds and noise levels in units of the data's σ).
import * as tf from '@tensorflow/tfjs';
import { type Augmentation, type DataModel, type Network, ContrastiveError } from '@contrastive/core';
import { complementaryMask, compose, denseJitter, gaussianNoise, identity, independentMask } from '@contrastive/augment';
import { hltm, labeledSparseCoding, latentMixing, sparseCoding } from '@contrastive/data';
import { linearPredictor, mlp, predictionHead, projectionHead, symmetricRelu, treeNetwork } from '@contrastive/nets';
import { byolMethod, contrastiveMethod, directPredMethod, type Method, simSiamMethod } from '@contrastive/train';
import type { AugmentConfig, HeadConfig, JobSpec } from './config';

/** Rethrows a package's validation error with the config path in front (`arms[2].data: …`). */
function at<T>(path: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (ContrastiveError.isInstance(e)) {
      const err = new Error(`${path}: ${e.message}`, { cause: e });
      err.name = 'ConfigError';
      throw err;
    }
    throw e;
  }
}

function strip<T extends Record<string, unknown>>(o: T, ...keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...o };
  for (const k of ['type', ...keys]) delete out[k];
  return out;
}

/** The data's isotropic noise std σ, the unit of thresholds and noise levels in presets. */
export function noiseStdOf(data: DataModel): number {
  const s = (data as unknown as { noiseStd?: number }).noiseStd;
  return typeof s === 'number' ? s : 1;
}

export function buildData(spec: JobSpec): DataModel {
  const { type } = spec.data;
  const options = { ...strip(spec.data), seed: spec.seed };
  return at('data', () => {
    switch (type) {
      case 'sparseCoding':
        return sparseCoding(options as never);
      case 'labeledSparseCoding':
        return labeledSparseCoding(options as never);
      case 'hltm':
        return hltm(options as never) as unknown as DataModel;
      case 'latentMixing':
        return latentMixing(options as never) as unknown as DataModel;
      default:
        throw new Error(`unknown data type '${type}'`);
    }
  });
}

/**
 * The augmentation of an arm; `{ type: 'dataPairs' }` means the data model draws the positive
 * pairs itself (HLTM, latent mixing) and is returned as the train loop's `'data-pairs'`.
 */
export function buildViews(config: AugmentConfig, data: DataModel, seed: number): Augmentation | 'data-pairs' {
  if (config.type !== 'dataPairs') return buildAugment(config, data, seed);
  if (typeof (data as { samplePair?: unknown }).samplePair !== 'function') {
    throw Object.assign(new Error(`augment: 'dataPairs' needs a data model that draws positive pairs (hltm, latentMixing), not '${data.name}'`), { name: 'ConfigError' });
  }
  return 'data-pairs';
}

export function buildAugment(config: AugmentConfig, data: DataModel, seed: number, path = 'augment'): Augmentation {
  return at(path, () => {
    if (config.type === 'compose') {
      const steps = (config as { steps: AugmentConfig[] }).steps;
      return compose(...steps.map((s, i) => buildAugment(s, data, seed, `${path}.steps[${i}]`)));
    }
    const o = strip(config, 'unit');
    switch (config.type) {
      case 'identity':
        return identity(o as never);
      case 'complementaryMask':
        return complementaryMask({ ...o, seed } as never);
      case 'independentMask':
        return independentMask({ ...o, seed } as never);
      case 'gaussianNoise': {
        const std = (o['std'] as number | undefined) ?? 1;
        return gaussianNoise({ ...o, std: config['unit'] === 'noiseStd' ? std * noiseStdOf(data) : std, seed } as never);
      }
      case 'denseJitter': {
        const basis = (data as unknown as { denseBasis?: tf.Tensor2D }).denseBasis;
        if (!basis) throw new Error("denseJitter needs a data model with a structured dense part (denseRank > 0)");
        const scale = (o['scale'] as number | undefined) ?? (data as unknown as { denseStd?: number }).denseStd ?? 1;
        return denseJitter({ ...o, basis, scale, seed } as never);
      }
      default:
        throw new Error(`unknown augmentation '${config.type}'`);
    }
  });
}

export function buildEncoder(spec: JobSpec, data: DataModel, name = 'encoder'): Network {
  const cfg = spec.encoder;
  return at('encoder', () => {
    const o = strip(cfg);
    switch (cfg.type) {
      case 'symmetricRelu': {
        let threshold = o['threshold'];
        if (threshold && typeof threshold === 'object' && (threshold as { unit?: string }).unit === 'noiseStd') {
          const { unit: _unit, ...t } = threshold as { unit: string; final?: number; value?: number };
          const sigma = noiseStdOf(data);
          threshold = { ...t, ...(t.final !== undefined ? { final: t.final * sigma } : {}), ...(t.value !== undefined ? { value: t.value * sigma } : {}) };
        }
        return symmetricRelu({ ...o, threshold, inputDim: data.inputDim, seed: spec.seed, name } as never);
      }
      case 'mlp':
        return mlp({ ...o, inputDim: data.inputDim, seed: spec.seed, name } as never);
      case 'treeNetwork': {
        // Mirrors the HLTM tree (THEORY.md §4.3): depth and branching come from the data model.
        const tree = data as unknown as { depth?: number; children?: number };
        return treeNetwork({ ...(tree.depth ? { depth: tree.depth, children: tree.children } : {}), ...o, seed: spec.seed, name } as never);
      }
      default:
        throw new Error(`unknown encoder '${cfg.type}'`);
    }
  });
}

/** A head on top of a network with output dimension `inputDim`. */
export function buildHead(cfg: HeadConfig, inputDim: number, seed: number, name: string, path: string): Network {
  return at(path, () => {
    const o = strip(cfg);
    switch (cfg.type) {
      case 'mlp':
        return mlp({ outputDim: inputDim, ...o, inputDim, seed, name } as never);
      case 'projectionHead':
        return projectionHead({ ...o, inputDim, seed, name } as never);
      case 'predictionHead':
        return predictionHead({ ...o, dim: inputDim, seed, name } as never);
      case 'linearPredictor':
        return linearPredictor({ ...o, dim: inputDim, seed, name } as never);
      default:
        throw new Error(`unknown head '${cfg.type}'`);
    }
  });
}

export function buildMethod(spec: JobSpec, data: DataModel): Method {
  const encoder = buildEncoder(spec, data);
  const projector = spec.projector ? buildHead(spec.projector, encoder.outputDim, spec.seed, 'projector', 'projector') : undefined;
  const top = (projector ?? encoder).outputDim;
  const predictor = spec.predictor ? buildHead(spec.predictor, top, spec.seed, 'predictor', 'predictor') : undefined;
  const heads = { encoder, ...(projector ? { projector } : {}) };
  const cfg = spec.method;
  return at('method', () => {
    const o = strip(cfg);
    switch (cfg.type) {
      case 'contrastive':
        return contrastiveMethod({ ...o, ...heads } as never);
      case 'simsiam':
        return simSiamMethod({ ...o, ...heads, ...(predictor ? { predictor } : {}) } as never);
      case 'byol':
        if (!predictor) throw new Error("byol needs a 'predictor' head (e.g. { type: 'predictionHead' })");
        return byolMethod({ ...o, ...heads, predictor } as never);
      case 'directpred':
        return directPredMethod({ ...o, ...heads } as never);
      default:
        throw new Error(`unknown method '${cfg.type}'`);
    }
  });
}
