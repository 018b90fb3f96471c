// Builds a job's components from its parsed, typed config sections with the packages' factories
// (no global registries), applying the CLI's conventions: seeds from the job, input dimensions
// from the network below, noise levels and thresholds in units of the data's σ.
import * as tf from '@tensorflow/tfjs';
import { type Augmentation, type DataModel, type Dataset, drawsPairs, type Network, ContrastiveError } from '@contrastive/core';
import {
  colorJitter,
  complementaryMask,
  compose,
  denseJitter,
  gaussianBlur,
  gaussianNoise,
  horizontalFlip,
  identity,
  independentMask,
  randomApply,
  randomErasing,
  randomGrayscale,
  randomResizedCrop,
  solarize,
} from '@contrastive/augment';
import { hltm, labeledSparseCoding, latentMixing, sparseCoding } from '@contrastive/data';
import { convNet, linearPredictor, mlp, predictionHead, projectionHead, resNet, symmetricRelu, treeNetwork } from '@contrastive/nets';
import {
  barlowTwinsMethod,
  byolMethod,
  contrastiveMethod,
  directPredMethod,
  type Method,
  simSiamMethod,
  supervisedMethod,
  vicRegMethod,
} from '@contrastive/train';
import { type AugmentConfig, type AugmentStep, type DataConfig, type EncoderConfig, type HeadConfig, type JobSpec } from './config';
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
    default:
      throw new ConfigError(`data: '${config.type}' is a dataset, not a data model (load it with loadSplits)`, { path: 'data.type' });
  }
}

/** The data model of a job (data-model configs only; datasets are loaded with `loadSplits`). */
export function buildData(spec: JobSpec): DataModel {
  return at('data', () => createData(spec.data, spec.seed));
}

/** What the networks are built for: a data model, or a dataset's item shape and classes. */
export interface NetworkInput {
  /** What the data is (also keeps a bare DataModel from being passed where this is expected). */
  kind: 'model' | 'dataset';
  /** The data model (noise σ, dictionary, HLTM tree), when the data is one. */
  data?: DataModel;
  /** Size of one flattened item. */
  inputDim: number;
  /** Shape of one item [h, w, c] (images) or [d]. */
  inputShape?: readonly number[];
  /** Classes of a labelled dataset (the supervised method's head). */
  numClasses?: number;
}

/** A data model as a `NetworkInput`. */
export const modelInput = (data: DataModel): NetworkInput => ({ kind: 'model', data, inputDim: data.inputDim });

/** What a network is built for on a dataset: its item shape and classes. */
export const datasetInput = (ds: Dataset): NetworkInput => ({
  kind: 'dataset',
  inputDim: ds.shape.reduce((a, b) => a * b, 1),
  inputShape: ds.shape,
  numClasses: ds.numClasses,
});

/** The raw input flattened, [batch, ...shape] → [batch, inputDim]: the raw-pixel baseline (no variables). */
export function pixelsNetwork(inputShape: readonly number[], name = 'encoder'): Network {
  const inputDim = inputShape.reduce((a, b) => a * b, 1);
  return {
    name,
    inputDim,
    inputShape,
    outputDim: inputDim,
    variables: [],
    apply: (x) => tf.reshape(x, [x.shape[0]!, inputDim]) as tf.Tensor2D,
    toJSON: () => ({ type: 'pixels', config: { inputShape: [...inputShape] }, weights: {} }),
    dispose() {},
  };
}

/**
 * The augmentation of an arm; `{ type: 'dataPairs' }` means the data model draws the positive
 * pairs itself (a `PairedDataModel`: HLTM, latent mixing), and training takes no augmentation.
 */
export function buildViews(config: AugmentConfig, data: DataModel | undefined, seed: number): Augmentation | undefined {
  if (config.type !== 'dataPairs') return buildAugment(config, data, seed);
  if (!data || !drawsPairs(data)) {
    throw new ConfigError(
      `augment: 'dataPairs' needs a data model that draws positive pairs (hltm, latentMixing), not '${data?.name ?? 'a dataset'}'`,
      {
        path: 'augment',
      },
    );
  }
  return undefined;
}

export function buildAugment(
  config: Exclude<AugmentConfig, { type: 'dataPairs' }>,
  data: DataModel | undefined,
  seed: number,
  path = 'augment',
): Augmentation {
  if (config.type === 'compose') return compose(...config.steps.map((s, i) => buildStep(s, data, seed, `${path}.steps[${i}]`)));
  return buildStep(config, data, seed, path);
}

/** A data model the step needs (σ, dense basis), or a ConfigError naming the step. */
function modelFor(data: DataModel | undefined, what: string, path: string): DataModel {
  if (!data) throw new ConfigError(`${path}: ${what} needs a data model, not a dataset`, { path });
  return data;
}

function buildStep(config: AugmentStep, data: DataModel | undefined, seed: number, path: string): Augmentation {
  return at(path, () => {
    // Image steps: the CLI's `views` is left unset when not given; the factory's default is 2.
    const image = <T extends { type: string; views?: number | undefined }>(c: T) => {
      const { views, ...o } = optionsOf(c) as Omit<T, 'type'> & { views?: number };
      return { ...o, ...(views !== undefined ? { views } : {}), seed };
    };
    switch (config.type) {
      case 'randomResizedCrop':
        return randomResizedCrop(image(config));
      case 'horizontalFlip':
        return horizontalFlip(image(config));
      case 'colorJitter':
        return colorJitter(image(config));
      case 'randomGrayscale':
        return randomGrayscale(image(config));
      case 'gaussianBlur':
        return gaussianBlur(image(config));
      case 'solarize':
        return solarize(image(config));
      case 'randomErasing':
        return randomErasing(image(config));
      case 'randomApply': {
        const inner = config.steps.map((s, i) => buildStep(s, data, seed, `${path}.steps[${i}]`));
        return randomApply(config.p, (inner.length === 1 ? inner[0]! : compose(...inner)) as never, {
          ...(config.views !== undefined ? { views: config.views } : {}),
          seed,
        }) as unknown as Augmentation;
      }
      case 'identity':
        return identity({ ...optionsOf(config), seed });
      case 'complementaryMask':
        return complementaryMask({ ...optionsOf(config), seed });
      case 'independentMask':
        return independentMask({ ...optionsOf(config), seed });
      case 'gaussianNoise': {
        const { unit, std, ...o } = optionsOf(config);
        return gaussianNoise({ ...o, std: unit === 'noiseStd' ? std * noiseStdOf(modelFor(data, "unit 'noiseStd'", path)) : std, seed });
      }
      case 'denseJitter': {
        const model = modelFor(data, 'denseJitter', path);
        const basis = 'denseBasis' in model ? model.denseBasis : null;
        if (!(basis instanceof tf.Tensor) || basis.rank !== 2)
          throw new ConfigError(`${path}: denseJitter needs a data model with a structured dense part (denseRank > 0)`, { path });
        const denseStd = 'denseStd' in model && typeof model.denseStd === 'number' ? model.denseStd : 1;
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

export function buildEncoder(spec: JobSpec, input: NetworkInput, name = 'encoder'): Network {
  const config = spec.encoder;
  const seed = spec.seed;
  const model = (what: string) => {
    if (!input.data) throw new ConfigError(`encoder: ${what} needs a data model, not a dataset`, { path: 'encoder.type' });
    return input.data;
  };
  const imageShape = () => {
    const s = input.inputShape;
    if (!s || s.length !== 3)
      throw new ConfigError(
        `encoder: ${config.type} needs images [h, w, c], but the data's items have shape [${s?.join(', ') ?? input.inputDim}]`,
        {
          path: 'encoder.type',
        },
      );
    return [s[0]!, s[1]!, s[2]!] as [number, number, number];
  };
  return at('encoder', () => {
    switch (config.type) {
      case 'symmetricRelu':
        return symmetricRelu({
          ...optionsOf(config),
          threshold:
            typeof config.threshold === 'number'
              ? config.threshold
              : absoluteThreshold(config.threshold, model("a threshold in 'noiseStd'")),
          inputDim: input.inputDim,
          seed,
          name,
        });
      case 'mlp':
        return mlp({ ...optionsOf(config), inputDim: input.inputDim, seed, name });
      case 'treeNetwork': {
        // Mirrors the HLTM tree (docs: Tian et al. 2020 §4): depth and branching come from the data model.
        const data = model('treeNetwork');
        if (!('depth' in data && 'children' in data) || typeof data.depth !== 'number' || typeof data.children !== 'number') {
          throw new ConfigError(`encoder: treeNetwork needs hltm data, not '${data.name}'`, { path: 'encoder.type' });
        }
        return treeNetwork({ ...optionsOf(config), depth: data.depth, children: data.children, seed, name });
      }
      case 'convNet':
        return convNet({ ...optionsOf(config), inputShape: imageShape(), seed, name });
      case 'resNet':
        return resNet({ ...optionsOf(config), inputShape: imageShape(), seed, name });
      case 'pixels':
        return pixelsNetwork(input.inputShape ?? [input.inputDim], name);
    }
  });
}

/** The `none` method: the encoder as initialised, never trained (the baselines). */
function untrained(encoder: Network): Method {
  return {
    name: 'none',
    networks: { encoder },
    trainableVariables: () => [],
    loss() {
      throw new ConfigError('method none trains nothing (the job evaluates the encoder as initialised)');
    },
    embed: (x) => encoder.apply(x),
    dispose: () => encoder.dispose(),
  };
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

export function buildMethod(spec: JobSpec, input: NetworkInput): Method {
  const built: Network[] = [];
  try {
    const encoder = buildEncoder(spec, input);
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
        case 'barlowTwins':
          return barlowTwinsMethod({ ...optionsOf(config), ...heads });
        case 'vicReg':
          return vicRegMethod({ ...optionsOf(config), ...heads });
        case 'supervised':
          if (input.numClasses === undefined)
            throw new ConfigError('method: supervised needs labelled data (a dataset)', { path: 'method.type' });
          return supervisedMethod({ ...optionsOf(config), encoder, numClasses: input.numClasses, seed: spec.seed });
        case 'none':
          return untrained(encoder);
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
