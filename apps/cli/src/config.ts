// The experiment config: composed from the option schemas the packages export (each package owns
// its options), strict at every depth, plus the few conventions the CLI adds (noise levels in units
// of the data's σ, heads sized from the network below them, seeds set per job).
import {
  colorJitterOptionsSchema,
  complementaryMaskOptionsSchema,
  denseJitterOptionsSchema,
  gaussianBlurOptionsSchema,
  gaussianNoiseOptionsSchema,
  horizontalFlipOptionsSchema,
  identityOptionsSchema,
  independentMaskOptionsSchema,
  randomErasingOptionsSchema,
  randomGrayscaleOptionsSchema,
  randomResizedCropOptionsSchema,
  solarizeOptionsSchema,
} from '@contrastive/augment';
import { csvOptionsSchema, npyDatasetOptionsSchema } from '@contrastive/datasets';
import {
  hltmOptionsSchema,
  labeledSparseCodingOptionsSchema,
  latentMixingOptionsSchema,
  sparseCodingOptionsSchema,
} from '@contrastive/data';
import {
  constantScheduleSchema,
  convNetOptionsSchema,
  linearPredictorOptionsSchema,
  linearWarmupScheduleSchema,
  mlpOptionsSchema,
  predictionHeadOptionsSchema,
  projectionHeadOptionsSchema,
  resNetOptionsSchema,
  symmetricReluOptionsSchema,
  treeNetworkOptionsSchema,
} from '@contrastive/nets';
import {
  barlowTwinsMethodSchema,
  byolMethodSchema,
  contrastiveMethodSchema,
  directPredMethodSchema,
  lrScheduleSchema,
  createBatchSampler,
  type LrSchedule,
  optimizerOptionsSchema,
  samplerOptionsSchema,
  simSiamMethodSchema,
  supervisedMethodSchema,
  vicRegMethodSchema,
} from '@contrastive/train';
import { isMetricKey, metricInfo, unknownMetricMessage } from '@contrastive/analysis';
import { z } from 'zod';
import { datasetInfo, resolveDataPaths } from './datasets';
import { ConfigError, formatPath } from './errors';
import { issuesError } from './issues';

export { ConfigError } from './errors';

type ShapeOf<S> = S extends { _zod: { def: { shape: infer T } } } ? T : never;

/**
 * The fields of a package's object schema (classic zod or zod/mini) without `omit`: the keys the
 * CLI sets itself (seeds, names, input dimensions), so a config that sets them is rejected.
 */
function fields<S extends z.core.$ZodObject, K extends keyof ShapeOf<S> & string = never>(schema: S, ...omit: K[]): Omit<ShapeOf<S>, K> {
  const shape: Record<string, unknown> = { ...schema._zod.def.shape };
  for (const k of omit) delete shape[k];
  return shape as Omit<ShapeOf<S>, K>;
}
/** The inner schema of a `.default(…)` (classic or mini). */
const withoutDefault = <T extends z.core.$ZodType>(s: z.core.$ZodDefault<T>): T => s._zod.def.innerType;

/** Longest free text (title, description, claim): a bigger one is a mistake, not a description. */
export const MAX_TEXT = 10_000;
const text = (max = MAX_TEXT) => z.string().max(max);
/** A name shown in tables and used in file names: no control characters. */
const label = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'no control characters');

/**
 * Where a noise level or a threshold is measured: `absolute` (units of x) or `noiseStd` (units of
 * the data's noise std σ, sparse-coding data only). Default `absolute`.
 */
const unitSchema = z.enum(['absolute', 'noiseStd']).default('absolute');

// ---- data ------------------------------------------------------------------------------------
/** A file path; relative paths are relative to the config file's folder (the working directory for presets). */
const pathSchema = z.string().min(1).max(4096);
/**
 * Held-out share of the items when no test file is given: a fixed seeded split (the same for
 * every seed and arm), test items first of the permutation. Default 0.2.
 */
const testFractionSchema = z.number().gt(0).lt(1).optional();
/**
 * A finite labelled dataset (`@contrastive/datasets`) with its train/test split: trained on in
 * epochs (`epochs`, `sampler`), evaluated on the test split (linear probe, weighted kNN).
 */
export const datasetConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('fashionMnist'),
    /** Training images per class: the first n of each class of the package's training split. Default 6000 (all 60 000). */
    trainPerClass: z.number().int().min(1).max(6000).default(6000),
    /** Test images per class: the first n of each class of the test split. Default 1000 (all 10 000). */
    testPerClass: z.number().int().min(1).max(1000).default(1000),
  }),
  z.strictObject({
    type: z.literal('mnist'),
    /** Training digits per class (the package's split has 800 per digit). Default 800 (all 8 000). */
    trainPerClass: z.number().int().min(1).max(800).default(800),
    /** Test digits per class; the smallest class has 63. Default: all 2 000 (unbalanced). */
    testPerClass: z.number().int().min(1).max(63).optional(),
  }),
  z.strictObject({
    type: z.literal('csv'),
    /** The CSV file: numeric feature columns and a label column. */
    path: pathSchema,
    /** A separate test CSV (same columns). Default: a `testFraction` split of `path`. */
    test: pathSchema.optional(),
    testFraction: testFractionSchema,
    ...fields(csvOptionsSchema, 'source'),
    /** Item shape, e.g. [28, 28, 1] for images stored one per row. Default [features]. */
    shape: z.array(z.number().int().positive()).min(1).max(3).optional(),
    /** Multiplies every feature (1/255 for bytes). Default 1. */
    scale: z.number().positive().default(1),
  }),
  z.strictObject({
    type: z.literal('npy'),
    /** .npy of the items [n, d] or [n, h, w, c]. */
    x: pathSchema,
    /** .npy of the labels [n] (integers). */
    labels: pathSchema,
    /** Test items and labels (.npy). Default: a `testFraction` split of `x`. */
    testX: pathSchema.optional(),
    testLabels: pathSchema.optional(),
    testFraction: testFractionSchema,
    ...fields(npyDatasetOptionsSchema, 'name'),
  }),
  z.strictObject({
    type: z.literal('imageFolder'),
    /** Folder of PNG images, one sub-folder per class (`root/<class>/<image>.png`). */
    path: pathSchema,
    /** A test folder with the same class sub-folders. Default: a `testFraction` split of `path`. */
    test: pathSchema.optional(),
    testFraction: testFractionSchema,
    /** Channels: 1, 3, 4, or 'auto' (1 when every image is grey, else 3). Default 'auto'. */
    channels: z.union([z.literal(1), z.literal(3), z.literal(4), z.literal('auto')]).default('auto'),
  }),
]);
export type DatasetConfig = z.output<typeof datasetConfigSchema>;
/** Data types that are finite datasets (trained on in epochs), not data models. */
export const DATASET_TYPES: ReadonlySet<string> = new Set(datasetConfigSchema.options.map((o) => o.shape.type.value));
export const isDatasetConfig = (d: DataConfig): d is DatasetConfig => DATASET_TYPES.has(d.type);

/** The data: a data model (its seed is the job's seed) or a finite labelled dataset. */
export const dataConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sparseCoding'), ...fields(sparseCodingOptionsSchema, 'seed') }),
  z.strictObject({ type: z.literal('labeledSparseCoding'), ...fields(labeledSparseCodingOptionsSchema, 'seed') }),
  z.strictObject({ type: z.literal('hltm'), ...fields(hltmOptionsSchema, 'seed') }),
  z.strictObject({ type: z.literal('latentMixing'), ...fields(latentMixingOptionsSchema, 'seed') }),
  ...datasetConfigSchema.options,
]);
export type DataConfig = z.output<typeof dataConfigSchema>;

// ---- augmentation ----------------------------------------------------------------------------
/**
 * `views` left unset when not given (each factory's default is 2), so a `views` the run would
 * ignore (a later step of `compose`) or that the loss cannot use can be told from the default.
 */
const gaussianNoiseConfig = z.strictObject({
  type: z.literal('gaussianNoise'),
  ...fields(gaussianNoiseOptionsSchema, 'seed', 'views'),
  views: z.optional(withoutDefault(gaussianNoiseOptionsSchema._zod.def.shape.views)),
  /** Units of `std`: `noiseStd` multiplies it by the data's σ. */
  unit: unitSchema,
});
const denseJitterConfig = z.strictObject({
  type: z.literal('denseJitter'),
  ...fields(denseJitterOptionsSchema, 'seed', 'basis', 'scale', 'views'),
  views: z.optional(withoutDefault(denseJitterOptionsSchema._zod.def.shape.views)),
  /** s, or 'match'. Default: the data's dense std (its `denseScale`). */
  scale: z.optional(withoutDefault(denseJitterOptionsSchema._zod.def.shape.scale)),
});
/** An image augmentation step of `@contrastive/augment` (its `views` left unset when not given, as above). */
function imageStep<T extends string, S extends z.core.$ZodObject>(type: T, schema: S) {
  const { seed: _seed, views: _views, ...rest } = schema._zod.def.shape as ShapeOf<S> & { seed: unknown; views: unknown };
  return z.strictObject({
    type: z.literal(type),
    ...(rest as Omit<ShapeOf<S>, 'seed' | 'views'>),
    /** Views made when this is the first step (≥ 1; compose's later steps ignore it). Default 2. */
    views: z.optional(z.number().int().min(1)),
  });
}
const imageStepMembers = [
  imageStep('randomResizedCrop', randomResizedCropOptionsSchema),
  imageStep('horizontalFlip', horizontalFlipOptionsSchema),
  imageStep('colorJitter', colorJitterOptionsSchema),
  imageStep('randomGrayscale', randomGrayscaleOptionsSchema),
  imageStep('gaussianBlur', gaussianBlurOptionsSchema),
  imageStep('solarize', solarizeOptionsSchema),
  imageStep('randomErasing', randomErasingOptionsSchema),
] as const;

/** One augmentation step (the basis of `denseJitter` comes from the data model). */
export const augmentStepSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('identity'),
    ...fields(identityOptionsSchema, 'seed', 'views'),
    views: z.optional(withoutDefault(identityOptionsSchema._zod.def.shape.views)),
  }),
  z.strictObject({
    type: z.literal('complementaryMask'),
    ...fields(complementaryMaskOptionsSchema, 'seed', 'views'),
    views: z.optional(withoutDefault(complementaryMaskOptionsSchema._zod.def.shape.views)),
  }),
  z.strictObject({
    type: z.literal('independentMask'),
    ...fields(independentMaskOptionsSchema, 'seed', 'views'),
    views: z.optional(withoutDefault(independentMaskOptionsSchema._zod.def.shape.views)),
  }),
  gaussianNoiseConfig,
  denseJitterConfig,
  ...imageStepMembers,
  z.strictObject({
    type: z.literal('randomApply'),
    /** Probability that a sample gets the inner steps (per sample, per view). */
    p: z.number().min(0).max(1),
    views: z.optional(z.number().int().min(1)),
    /** The steps applied together (in order) to the chosen samples; image steps, without their own `views`. */
    steps: z.array(z.discriminatedUnion('type', imageStepMembers)).min(1).max(16),
  }),
]);
export type AugmentStep = z.output<typeof augmentStepSchema>;
/** Steps that act on image batches [batch, h, w, c] only. */
export const IMAGE_STEPS: ReadonlySet<string> = new Set([...imageStepMembers.map((m) => m.shape.type.value), 'randomApply']);
/** Steps that act on vector batches [batch, dim] only. */
export const VECTOR_STEPS: ReadonlySet<string> = new Set(['complementaryMask', 'independentMask', 'denseJitter', 'gaussianNoise']);
/** The views of an arm: one step, a `compose` of steps, or `dataPairs` (the data model draws positive pairs). */
export const augmentConfigSchema = z.discriminatedUnion('type', [
  ...augmentStepSchema.options,
  z.strictObject({ type: z.literal('compose'), steps: z.array(augmentStepSchema).min(1).max(16) }),
  z.strictObject({ type: z.literal('dataPairs') }),
]);
export type AugmentConfig = z.output<typeof augmentConfigSchema>;

// ---- networks --------------------------------------------------------------------------------
const thresholdMembers = [linearWarmupScheduleSchema, constantScheduleSchema] as const;
/** The symmetric-ReLU threshold: a number (absolute) or a schedule, with the CLI's `unit`. */
const thresholdConfigSchema = z.union([
  z.number().min(0),
  z.discriminatedUnion('type', [
    z.strictObject({ ...fields(thresholdMembers[0]), unit: unitSchema }),
    z.strictObject({ ...fields(thresholdMembers[1]), unit: unitSchema }),
  ]),
]);
/** The encoder; input dimension from the data, seed from the job, name `encoder`. */
export const encoderConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('symmetricRelu'),
    ...fields(symmetricReluOptionsSchema, 'inputDim', 'seed', 'name', 'threshold'),
    threshold: thresholdConfigSchema.default(0),
  }),
  z.strictObject({ type: z.literal('mlp'), ...fields(mlpOptionsSchema, 'inputDim', 'seed', 'name') }),
  /** Mirrors the HLTM tree: its depth and branching come from the data model. */
  z.strictObject({ type: z.literal('treeNetwork'), ...fields(treeNetworkOptionsSchema, 'seed', 'name', 'depth', 'children') }),
  /** A small CNN on image data (conv-BN-ReLU blocks, global average pooling); input shape from the data. */
  z.strictObject({ type: z.literal('convNet'), ...fields(convNetOptionsSchema, 'inputShape', 'seed', 'name') }),
  /** A ResNet-18-style network for small images; input shape from the data. */
  z.strictObject({ type: z.literal('resNet'), ...fields(resNetOptionsSchema, 'inputShape', 'seed', 'name') }),
  /** The raw input, flattened (no parameters): the raw-pixel baseline, with `method: { type: none }`. */
  z.strictObject({ type: z.literal('pixels') }),
]);
export type EncoderConfig = z.output<typeof encoderConfigSchema>;

/** A projection or prediction head; its input dimension is the output of the network below it. */
export const headConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('mlp'),
    ...fields(mlpOptionsSchema, 'inputDim', 'seed', 'name', 'outputDim'),
    /** Output dimension. Default: its input dimension. */
    outputDim: z.optional(mlpOptionsSchema._zod.def.shape.outputDim),
  }),
  z.strictObject({ type: z.literal('projectionHead'), ...fields(projectionHeadOptionsSchema, 'inputDim', 'seed', 'name') }),
  z.strictObject({ type: z.literal('predictionHead'), ...fields(predictionHeadOptionsSchema, 'dim', 'seed', 'name') }),
  z.strictObject({ type: z.literal('linearPredictor'), ...fields(linearPredictorOptionsSchema, 'dim', 'seed', 'name') }),
]);
export type HeadConfig = z.output<typeof headConfigSchema>;

// ---- method, optimizer, schedule -------------------------------------------------------------
export const methodConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('contrastive'),
    ...fields(contrastiveMethodSchema, 'supervised', 'variant', 'symmetric'),
    // Options of one loss only: left unset (the package's default applies) so that setting one for
    // another loss can be told from the default, and rejected.
    supervised: z.optional(withoutDefault(contrastiveMethodSchema._zod.def.shape.supervised)),
    variant: z.optional(withoutDefault(contrastiveMethodSchema._zod.def.shape.variant)),
    symmetric: z.optional(withoutDefault(contrastiveMethodSchema._zod.def.shape.symmetric)),
  }),
  z.strictObject({ type: z.literal('simsiam'), ...fields(simSiamMethodSchema) }),
  z.strictObject({ type: z.literal('byol'), ...fields(byolMethodSchema) }),
  z.strictObject({ type: z.literal('directpred'), ...fields(directPredMethodSchema) }),
  z.strictObject({ type: z.literal('barlowTwins'), ...fields(barlowTwinsMethodSchema) }),
  z.strictObject({ type: z.literal('vicReg'), ...fields(vicRegMethodSchema) }),
  /** Supervised cross-entropy on one view (a linear head on the encoder; classes from the data). */
  z.strictObject({ type: z.literal('supervised'), ...fields(supervisedMethodSchema, 'numClasses', 'seed') }),
  /** No training: the encoder as initialised (the untrained-encoder and raw-pixel baselines). */
  z.strictObject({ type: z.literal('none') }),
]);
export type MethodConfig = z.output<typeof methodConfigSchema>;

const optimizers = optimizerOptionsSchema._zod.def.options;
export const optimizerConfigSchema = z.discriminatedUnion('type', [
  z.strictObject(fields(optimizers[0])),
  z.strictObject(fields(optimizers[1])),
]);
export type OptimizerConfig = z.output<typeof optimizerConfigSchema>;

const schedules = withoutDefault(lrScheduleSchema)._zod.def.options;
export const scheduleConfigSchema = z.discriminatedUnion('type', [
  z.strictObject(fields(schedules[0])),
  z.strictObject({
    ...fields(schedules[1], 'warmupSteps'),
    /** Linear warm-up in steps. Default 0 (or `warmupEpochs`). */
    warmupSteps: z.optional(withoutDefault(schedules[1]._zod.def.shape.warmupSteps)),
    /** Linear warm-up in epochs (datasets only; may be fractional). */
    warmupEpochs: z.number().min(0).optional(),
  }),
  z.strictObject(fields(schedules[2])),
]);
export type ScheduleConfig = z.output<typeof scheduleConfigSchema>;

const samplers = withoutDefault(samplerOptionsSchema)._zod.def.options;
/** A dataset's batch sampler (`@contrastive/train`): seeded shuffling without replacement, or class-balanced batches. */
export const samplerConfigSchema = z.discriminatedUnion('type', [z.strictObject(fields(samplers[0])), z.strictObject(fields(samplers[1]))]);
export type SamplerConfig = z.output<typeof samplerConfigSchema>;

// ---- checks, arms, experiment ----------------------------------------------------------------
/** What a run measures and how a claim is checked against it. */
export const checkSchema = z.strictObject({
  /** Human statement of the expected outcome, printed in the report. */
  description: text(),
  /** Arm the check applies to. */
  arm: z.string(),
  /** Final metric, a key of analysis' `metricCatalogue`, e.g. `atomRecovery.fraction`. */
  metric: z
    .string()
    .max(200)
    .superRefine((m, ctx) => {
      if (!isMetricKey(m)) ctx.addIssue({ code: 'custom', message: unknownMetricMessage(m) });
    }),
  op: z.enum(['>=', '<=', '>', '<']),
  /** The bound; with `than` or `relativeTo`, a margin added to the other side. Default 0. */
  value: z.number().default(0),
  /** Compare with the same metric of another arm (same seed, or its mean): `metric op than.metric + value`. */
  than: z.string().optional(),
  /** Compare with this arm's own value before training (the step-0 evaluation): `metric op initial + value`. */
  relativeTo: z.literal('initial').optional(),
  /** Hold for every seed (default) or for the mean over seeds. */
  aggregate: z.enum(['every-seed', 'mean']).default('every-seed'),
});
export type CheckConfig = z.output<typeof checkSchema>;

const armSchema = z.strictObject({
  /** Arm name, shown in tables and plots; its file slug (lowercase, dashes) must be unique too. */
  name: label(100),
  description: text().optional(),
  /**
   * Section overrides. `data`, `encoder` and `method` of the experiment's own type are merged key
   * by key over the experiment's (the rest are kept); of another type, or any other section, they
   * replace it.
   */
  data: dataConfigSchema.optional(),
  augment: augmentConfigSchema.optional(),
  encoder: encoderConfigSchema.optional(),
  /** Replace the projection head; `null` removes it. */
  projector: headConfigSchema.nullable().optional(),
  /** Replace the prediction head; `null` removes it (the SimSiam "no predictor" ablation). */
  predictor: headConfigSchema.nullable().optional(),
  method: methodConfigSchema.optional(),
  optimizer: optimizerConfigSchema.optional(),
});
export type ArmConfig = z.output<typeof armSchema>;

/** The same file slug as the run directory's `jobs/<slug>-seed<n>.json`. */
export const armSlug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export const experimentSchema = z
  .strictObject({
    /** Short id used for the run directory. */
    name: z
      .string()
      .max(64)
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    title: text(200).optional(),
    description: text().optional(),
    /** The paper's claim this run reproduces, stated in the report. */
    claim: text().optional(),
    /** Independent seeds, all different; each seed fixes data, initialisation, augmentation and batches. */
    seeds: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
      )
      .min(1)
      .max(100)
      .default([0]),
    /** Optimisation steps (data models; for a dataset give `epochs` or `steps`). */
    steps: z.number().int().positive().max(100_000_000).optional(),
    /** Passes over a dataset's training split (datasets only); `steps` becomes epochs × batches per epoch. */
    epochs: z.number().int().positive().max(100_000).optional(),
    /** How a dataset is cut into batches (datasets only). Default `{ type: shuffle, dropLast: true }`. */
    sampler: samplerConfigSchema.optional(),
    /** The preset size this config is (`--size`), named in reports and verdicts. */
    size: z.enum(['small', 'full', 'large']).optional(),
    /** Samples per step; an upper bound keeps a typo from allocating gigabytes. */
    batchSize: z.number().int().min(2).max(65_536),
    evalEvery: z.number().int().min(0).default(100),
    checkpointEvery: z.number().int().min(0).default(250),
    data: dataConfigSchema,
    augment: augmentConfigSchema.prefault({ type: 'identity' }),
    encoder: encoderConfigSchema,
    projector: headConfigSchema.optional(),
    predictor: headConfigSchema.optional(),
    method: methodConfigSchema.prefault({ type: 'contrastive' }),
    optimizer: optimizerConfigSchema,
    schedule: scheduleConfigSchema.prefault({ type: 'constant' }),
    /**
     * Samples used by the final evaluation (cross-view correlations, probes; the periodic one uses
     * up to 1024). At least 64: the probes split them in halves and kNN votes among 20 neighbours.
     */
    evalSamples: z.number().int().min(64).max(1_000_000).default(4096),
    arms: z.array(armSchema).min(1).max(100),
    checks: z.array(checkSchema).max(1000).default([]),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<number, number>();
    cfg.seeds.forEach((s, i) => {
      if (seen.has(s))
        ctx.addIssue({
          code: 'custom',
          path: ['seeds', i],
          message: `seed ${s} is listed twice (also at seeds[${seen.get(s)}]); seeds must differ`,
        });
      seen.set(s, i);
    });
    const names = new Map<string, string>();
    const slugs = new Map<string, string>();
    cfg.arms.forEach((a, i) => {
      const slug = armSlug(a.name);
      if (names.has(a.name)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'name'], message: `duplicate arm name '${a.name}'` });
      else if (!slug)
        ctx.addIssue({
          code: 'custom',
          path: ['arms', i, 'name'],
          message: `arm name '${a.name}' needs a letter or digit (it names the arm's files)`,
        });
      else if (slugs.has(slug))
        ctx.addIssue({
          code: 'custom',
          path: ['arms', i, 'name'],
          message: `arm names '${slugs.get(slug)}' and '${a.name}' share the file name '${slug}'; rename one`,
        });
      names.set(a.name, slug);
      slugs.set(slug, a.name);
    });
    const list = [...names.keys()].map((n) => `'${n}'`).join(', ');
    cfg.checks.forEach((c, i) => {
      if (!names.has(c.arm))
        ctx.addIssue({ code: 'custom', path: ['checks', i, 'arm'], message: `unknown arm '${c.arm}' (arms: ${list})` });
      if (c.than !== undefined && !names.has(c.than))
        ctx.addIssue({ code: 'custom', path: ['checks', i, 'than'], message: `unknown arm '${c.than}' (arms: ${list})` });
      if (c.than !== undefined && c.than === c.arm)
        ctx.addIssue({ code: 'custom', path: ['checks', i, 'than'], message: `compares arm '${c.arm}' with itself; name another arm` });
      if (c.than !== undefined && c.relativeTo !== undefined)
        ctx.addIssue({ code: 'custom', path: ['checks', i, 'relativeTo'], message: "use either 'than' or 'relativeTo', not both" });
      if (c.relativeTo === 'initial' && cfg.evalEvery === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['checks', i, 'relativeTo'],
          message: "'initial' needs the step-0 evaluation, which evalEvery: 0 turns off; set evalEvery > 0",
        });
      }
    });
  });

/** An arm's override of a section: its type, and (for the experiment's own type) any of its keys. */
type Override<T> = T extends { type: infer K } ? { type: K } & Partial<Omit<T, 'type'>> : never;
type Input = z.input<typeof experimentSchema>;
type ArmInput = Omit<z.input<typeof armSchema>, 'data' | 'encoder' | 'method'> & {
  data?: Override<Input['data']>;
  encoder?: Override<Input['encoder']>;
  method?: Override<NonNullable<Input['method']>>;
};
/** A config as written (presets are typed with it): defaults may be left out. */
export type ExperimentInput = Omit<Input, 'arms'> & { arms: ArmInput[] };
/** A parsed config: defaults applied, every arm's sections resolved. */
export type Experiment = Omit<z.output<typeof experimentSchema>, 'steps'> & {
  /** Optimisation steps of every job (for a dataset: `epochs` × batches per epoch). */
  steps: number;
};

/** One unit of work: an arm at a seed, with every section resolved. */
export interface JobSpec {
  experiment: string;
  arm: string;
  seed: number;
  steps: number;
  batchSize: number;
  evalEvery: number;
  checkpointEvery: number;
  evalSamples: number;
  /** Passes over the dataset (datasets only; `steps` = epochs × batches per epoch). */
  epochs?: number;
  /** The dataset's batch sampler (datasets only). */
  sampler?: SamplerConfig;
  data: DataConfig;
  augment: AugmentConfig;
  encoder: EncoderConfig;
  projector?: HeadConfig;
  predictor?: HeadConfig;
  method: MethodConfig;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Sections an arm merges over the experiment's when it keeps the type. */
const MERGED = ['data', 'encoder', 'method'] as const;

/**
 * Every arm's `data`/`encoder`/`method` as it will run: merged over the experiment's when of the
 * same type (so both are validated whole, with the package's defaults).
 */
function resolveArms(raw: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(raw['arms'])) return raw;
  const arms = raw['arms'].map((arm: unknown) => {
    if (!isMapping(arm)) return arm;
    const out: Record<string, unknown> = { ...arm };
    for (const key of MERGED) {
      const base = raw[key];
      const own = arm[key];
      if (isMapping(base) && isMapping(own) && own['type'] === base['type']) out[key] = { ...base, ...own };
    }
    return out;
  });
  return { ...raw, arms };
}

interface Problem {
  path: (string | number)[];
  message: string;
}

/** Data types whose samples carry class `labels` (supervised SupCon, probes). */
const LABELED = new Set(['labeledSparseCoding']);
/** Data types that draw their own positive pairs (`augment: { type: dataPairs }`). */
const PAIRED = new Set(['hltm', 'latentMixing']);
/** Data types with an isotropic noise std σ (the `noiseStd` unit). */
const NOISY = new Set(['sparseCoding', 'labeledSparseCoding']);

/**
 * Why the arm's setup produces no `metric` (the evaluation suites need the data's ground truth), or
 * undefined when it does. Mirrors what the suites measure (analysis' `metricCatalogue` says what
 * each needs).
 */
function missingMetric(metric: string, exp: Experiment, arm: ArmConfig): string | undefined {
  const data = arm.data ?? exp.data;
  const augment = arm.augment ?? exp.augment;
  const method = arm.method ?? exp.method;
  const predictor = arm.predictor === undefined ? exp.predictor : arm.predictor;
  const projector = arm.projector === undefined ? exp.projector : arm.projector;
  const dictionary = data.type === 'sparseCoding' || data.type === 'labeledSparseCoding';
  const dense = data.type === 'sparseCoding' && data.denseRank > 0;
  switch (metric) {
    case 'denseMass.mean':
    case 'crossView.dense':
      if (!dense) return 'it needs sparseCoding data with a dense part (denseRank > 0)';
      break;
    case 'linearProbe.testAccuracy':
      if (data.type !== 'labeledSparseCoding' && data.type !== 'hltm' && !isDatasetConfig(data))
        return `it needs labels (labeledSparseCoding, hltm's root, or a dataset), and data '${data.type}' has none`;
      break;
    case 'knn.accuracy':
      if (data.type !== 'labeledSparseCoding' && data.type !== 'hltm')
        return `it needs labels on a data model (labeledSparseCoding, or hltm's root); for a dataset use knn.top1 or knn20.top1`;
      break;
    case 'knn.top1':
    case 'knn.top5':
    case 'knn20.top1':
      if (!isDatasetConfig(data))
        return `it needs a dataset with a test split (fashionMnist, mnist, csv, npy, imageFolder), not '${data.type}'`;
      break;
    case 'hltmBestCorrelation.mean':
      if (data.type !== 'hltm') return `it needs hltm data, not '${data.type}'`;
      break;
    case 'r2.mean':
    case 'mcc':
      if (data.type !== 'latentMixing') return `it needs latentMixing data (known latents), not '${data.type}'`;
      break;
    case 'commutatorNorm':
      if (method.type !== 'directpred' && predictor?.type !== 'linearPredictor')
        return 'it needs a linear predictor (directpred, or predictor: { type: linearPredictor })';
      break;
    case 'stdOfNormalized.projection':
      if (!projector) return 'it needs a projector';
      break;
  }
  const suite = metricInfo(metric)?.suite;
  if (suite === 'sparseCoding' && !dictionary)
    return `it needs data with a dictionary (sparseCoding, labeledSparseCoding), not '${data.type}'`;
  if (suite === 'decoupling' && (!dictionary || augment.type === 'dataPairs'))
    return 'it needs data with a dictionary and an augmentation (not dataPairs)';
  return undefined;
}

/** Where an arm's section comes from (its own override or the experiment's), for messages. */
type At = (section: string, ...rest: (string | number)[]) => (string | number)[];
type AugmentSteps = Array<{ step: { type: string }; path: (string | number)[] }>;

const VECTOR_ENCODERS = new Set(['symmetricRelu', 'mlp', 'treeNetwork']);
const IMAGE_ENCODERS = new Set(['convNet', 'resNet']);

/** Image steps and conv encoders on vector data, vector steps and MLPs on images. */
function shapeProblems(data: DataConfig, steps: AugmentSteps, encoder: EncoderConfig, at: At): Problem[] {
  const problems: Problem[] = [];
  const kind = isDatasetConfig(data) ? datasetInfo(data).kind : 'vector';
  const what = isDatasetConfig(data)
    ? `data '${data.type}' holds ${kind === 'image' ? 'images [h, w, c]' : 'vectors [d]'}`
    : `data '${data.type}' holds vectors [d]`;
  const rowsHint = data.type === 'csv' ? ' (images stored one per row need data.shape: [h, w, c])' : '';
  for (const { step, path } of steps) {
    if (IMAGE_STEPS.has(step.type) && kind !== 'image')
      problems.push({
        path: [...path, 'type'],
        message: `${step.type} is an image augmentation (batches [batch, h, w, c]), but ${what}${rowsHint}`,
      });
    if (VECTOR_STEPS.has(step.type) && kind === 'image')
      problems.push({
        path: [...path, 'type'],
        message: `${step.type} acts on vectors [batch, dim], but ${what}; use image augmentations (randomResizedCrop, colorJitter, …)`,
      });
  }
  if (IMAGE_ENCODERS.has(encoder.type) && kind !== 'image')
    problems.push({
      path: at('encoder', 'type'),
      message: `${encoder.type} is a convolutional network for images, but ${what}${rowsHint}; use mlp`,
    });
  if (VECTOR_ENCODERS.has(encoder.type) && kind === 'image')
    problems.push({
      path: at('encoder', 'type'),
      message: `${encoder.type} takes vectors, but ${what}; use convNet or resNet (or pixels for the raw-pixel baseline)`,
    });
  return problems;
}

/** Methods against their heads, encoders and data (labels, the no-training baselines). */
function methodProblems(
  method: MethodConfig,
  encoder: EncoderConfig,
  data: DataConfig,
  arm: ArmConfig,
  exp: Experiment,
  at: At,
): Problem[] {
  const problems: Problem[] = [];
  const projector = arm.projector === undefined ? exp.projector : arm.projector;
  const predictor = arm.predictor === undefined ? exp.predictor : arm.predictor;
  if (encoder.type === 'pixels' && method.type !== 'none')
    problems.push({
      path: at('encoder', 'type'),
      message: `pixels has no parameters to train; use it with method: { type: none } (the raw-pixel baseline)`,
    });
  if (method.type === 'none' || method.type === 'supervised') {
    const what = method.type === 'none' ? 'method none trains nothing' : 'the supervised method trains the encoder and a linear classifier';
    if (projector) problems.push({ path: at('projector'), message: `${what}; remove 'projector' (projector: null in an arm)` });
    if (predictor) problems.push({ path: at('predictor'), message: `${what}; remove 'predictor' (predictor: null in an arm)` });
  }
  if ((method.type === 'barlowTwins' || method.type === 'vicReg') && predictor)
    problems.push({ path: at('predictor'), message: `${method.type} has no prediction head; remove 'predictor'` });
  if (method.type === 'supervised' && !hasLabels(data))
    problems.push({ path: at('method', 'type'), message: `the supervised method needs labels, and data '${data.type}' has none` });
  return problems;
}

/**
 * Options that contradict each other or the data, which the packages would otherwise ignore or
 * reject only after training started. `raw` holds the keys as written (to tell a set option from
 * a default).
 */
function contradictions(raw: Record<string, unknown>, exp: Experiment): Problem[] {
  const problems: Problem[] = [];
  const rawArms = (raw['arms'] as Record<string, unknown>[]) ?? [];
  exp.arms.forEach((arm, i) => {
    const rawArm = isMapping(rawArms[i]) ? rawArms[i] : {};
    /** Where a section of this arm comes from: the arm's own override or the experiment's. */
    const at = (section: string, ...rest: (string | number)[]) =>
      section in rawArm && rawArm[section] !== undefined ? ['arms', i, section, ...rest] : [section, ...rest];
    const data = arm.data ?? exp.data;
    const augment = arm.augment ?? exp.augment;
    const encoder = arm.encoder ?? exp.encoder;
    const method = arm.method ?? exp.method;
    const predictor = arm.predictor === undefined ? exp.predictor : arm.predictor;

    if (method.type === 'contrastive') {
      const only = { supervised: 'supcon', variant: 'supcon', baseTemperature: 'supcon', symmetric: 'infonce' } as const;
      for (const [key, loss] of Object.entries(only)) {
        if (method[key as keyof typeof only] !== undefined && method.loss !== loss)
          problems.push({ path: at('method', key), message: `applies to loss '${loss}' only, but loss is '${method.loss}'; remove it` });
      }
      if (method.loss === 'supcon' && (method.supervised ?? true) && !hasLabels(data)) {
        problems.push({
          path: at('method', 'supervised'),
          message: `supervised SupCon needs labels, and data '${data.type}' has none (use labeledSparseCoding or a dataset, or supervised: false for SimCLR)`,
        });
      }
      if (predictor) problems.push({ path: at('predictor'), message: "a contrastive method has no prediction head; remove 'predictor'" });
    }
    if (method.type === 'directpred' && predictor)
      problems.push({
        path: at('predictor'),
        message: "DirectPred sets its own linear predictor from the correlation F̂; remove 'predictor'",
      });
    if (method.type === 'byol' && !predictor)
      problems.push({ path: at('method', 'type'), message: "byol needs a 'predictor' head (e.g. { type: predictionHead })" });

    // How many views the loss gets: the first step makes them (compose ignores the others' `views`).
    if (augment.type !== 'dataPairs' && method.type !== 'none' && method.type !== 'supervised') {
      const first = augment.type === 'compose' ? augment.steps[0]! : augment;
      const firstPath = augment.type === 'compose' ? at('augment', 'steps', 0, 'views') : at('augment', 'views');
      const views = first.views ?? 2;
      const multi = method.type === 'contrastive' && method.loss === 'supcon';
      if (views < 2) problems.push({ path: firstPath, message: `training needs at least 2 views, got ${views}` });
      else if (views !== 2 && !multi)
        problems.push({
          path: firstPath,
          message: `${method.type === 'contrastive' ? `loss '${method.loss}'` : method.type} uses 2 views; ${views} would leave ${views - 2} unused (only supcon takes more)`,
        });
      if (augment.type === 'compose') {
        augment.steps.forEach((step, j) => {
          if (j > 0 && step.views !== undefined)
            problems.push({
              path: at('augment', 'steps', j, 'views'),
              message: 'ignored: in compose the first step makes the views and later steps transform each one; remove it',
            });
        });
      }
    }
    const steps =
      augment.type === 'compose'
        ? augment.steps.map((s, j) => ({ step: s, path: at('augment', 'steps', j) }))
        : [{ step: augment, path: at('augment') }];
    if (augment.type === 'dataPairs' && !PAIRED.has(data.type)) {
      problems.push({
        path: at('augment', 'type'),
        message: `'dataPairs' needs a data model that draws positive pairs (${[...PAIRED].join(', ')}), not '${data.type}'`,
      });
    }
    for (const { step, path } of steps) {
      if (step.type === 'denseJitter' && !(data.type === 'sparseCoding' && data.denseRank > 0)) {
        problems.push({
          path: [...path, 'type'],
          message: `denseJitter needs sparseCoding data with a dense part (denseRank > 0); data is '${data.type}'${data.type === 'sparseCoding' ? ' with denseRank 0' : ''}`,
        });
      }
      if (step.type === 'gaussianNoise' && step.unit === 'noiseStd' && !NOISY.has(data.type)) {
        problems.push({
          path: [...path, 'unit'],
          message: `'noiseStd' needs data with a noise std σ (${[...NOISY].join(', ')}), not '${data.type}'`,
        });
      }
    }
    if (
      encoder.type === 'symmetricRelu' &&
      typeof encoder.threshold === 'object' &&
      encoder.threshold.unit === 'noiseStd' &&
      !NOISY.has(data.type)
    ) {
      problems.push({
        path: at('encoder', 'threshold', 'unit'),
        message: `'noiseStd' needs data with a noise std σ (${[...NOISY].join(', ')}), not '${data.type}'`,
      });
    }
    if (encoder.type === 'treeNetwork' && data.type !== 'hltm')
      problems.push({ path: at('encoder', 'type'), message: `treeNetwork mirrors an HLTM tree and needs data 'hltm', not '${data.type}'` });
    problems.push(...shapeProblems(data, steps, encoder, at));
    problems.push(...methodProblems(method, encoder, data, arm, exp, at));
  });
  const schedule = exp.schedule;
  if (schedule.type === 'cosine' && (schedule.warmupSteps ?? 0) >= exp.steps) {
    problems.push({
      path: ['schedule', 'warmupSteps'],
      message: `the warm-up (${schedule.warmupSteps} steps) does not end within the run's ${exp.steps} steps`,
    });
  }
  if (schedule.type === 'step') {
    const late = schedule.milestones.findIndex((m) => m >= exp.steps);
    if (late >= 0)
      problems.push({
        path: ['schedule', 'milestones', late],
        message: `milestone ${schedule.milestones[late]} is never reached in ${exp.steps} steps`,
      });
    const unsorted = schedule.milestones.findIndex((m, j) => j > 0 && m <= schedule.milestones[j - 1]!);
    if (unsorted >= 0) problems.push({ path: ['schedule', 'milestones', unsorted], message: 'milestones must increase' });
  }
  exp.checks.forEach((c, i) => {
    for (const name of c.than === undefined ? [c.arm] : [c.arm, c.than]) {
      const arm = exp.arms.find((a) => a.name === name);
      const why = arm && missingMetric(c.metric, exp, arm);
      if (why) problems.push({ path: ['checks', i, 'metric'], message: `arm '${name}' produces no '${c.metric}': ${why}` });
    }
  });
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${formatPath(p.path)}: ${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Validates a config object: unknown keys, wrong types and contradictory options are errors
 * (`ConfigError`, one line naming the path, e.g. `arms[1].augment.keepProb`).
 * @param source  how messages name the config (file name or `preset 'x'`)
 */
export function parseExperiment(value: unknown, source = 'config', options: { baseDir?: string } = {}): Experiment {
  if (!isMapping(value))
    throw new ConfigError(
      `${source}: expected a mapping at the top level, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`,
    );
  const resolved = resolveArms(value);
  const r = experimentSchema.safeParse(resolved);
  if (!r.success) throw issuesError(r.error.issues, experimentSchema, resolved, source);
  const fail = (problems: Problem[]) => {
    const p = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new ConfigError(`${source}: ${formatPath(p.path)}: ${p.message}${more}`, { path: formatPath(p.path) });
  };
  let exp: Experiment;
  try {
    const planned = planSteps(resolved, withDataPaths(r.data, options.baseDir ?? process.cwd()));
    if (planned.problems.length > 0) fail(planned.problems);
    exp = planned.exp!;
  } catch (e) {
    if (ConfigError.isInstance(e) && !e.message.startsWith(`${source}: `))
      throw new ConfigError(`${source}: ${e.message}`, { ...(e.path ? { path: e.path } : {}), cause: e });
    throw e;
  }
  const problems = contradictions(resolved, exp);
  if (problems.length > 0) fail(problems);
  return exp;
}

/** The experiment with the file paths of its datasets (its own and its arms') absolute. */
function withDataPaths(exp: z.output<typeof experimentSchema>, baseDir: string): z.output<typeof experimentSchema> {
  return {
    ...exp,
    data: resolveDataPaths(exp.data, baseDir),
    arms: exp.arms.map((a) => (a.data ? { ...a, data: resolveDataPaths(a.data, baseDir) } : a)),
  };
}

/** Which data types hold the labels a supervised method or SupCon needs. */
const hasLabels = (data: DataConfig) => LABELED.has(data.type) || isDatasetConfig(data);

/**
 * `steps` of every job: as given, or for a dataset `epochs` × batches per epoch (the same for
 * every arm); and the options that only a dataset (epochs, sampler, warm-up in epochs) or only a
 * data model (no epochs) takes.
 */
function planSteps(raw: Record<string, unknown>, parsed: z.output<typeof experimentSchema>): { exp?: Experiment; problems: Problem[] } {
  const problems: Problem[] = [];
  const rawArms = (raw['arms'] as Record<string, unknown>[]) ?? [];
  const perArm: Array<{ steps: number; arm: string }> = [];
  let anyDataset = false;
  let anyModel = false;
  parsed.arms.forEach((arm, i) => {
    const own = isMapping(rawArms[i]) && rawArms[i]['data'] !== undefined;
    const dataPath: (string | number)[] = own ? ['arms', i, 'data'] : ['data'];
    const data = arm.data ?? parsed.data;
    if (!isDatasetConfig(data)) {
      anyModel = true;
      if (parsed.steps !== undefined) perArm.push({ steps: parsed.steps, arm: arm.name });
      return;
    }
    anyDataset = true;
    const info = datasetInfo(data, formatPath(dataPath));
    if (parsed.epochs === undefined) {
      if (parsed.steps !== undefined) perArm.push({ steps: parsed.steps, arm: arm.name });
      return;
    }
    const n = info.trainLabels.length;
    if ((parsed.sampler?.type ?? 'shuffle') === 'shuffle' && parsed.sampler?.type !== 'classBalanced' && parsed.batchSize > n) {
      const dropLast = parsed.sampler?.type === 'shuffle' ? parsed.sampler.dropLast : true;
      if (dropLast) {
        problems.push({
          path: ['batchSize'],
          message: `batch size ${parsed.batchSize} exceeds the ${n} training items of ${formatPath(dataPath)} (with dropLast an epoch would have no batch)`,
        });
        return;
      }
    }
    let stepsPerEpoch: number;
    try {
      stepsPerEpoch = createBatchSampler(
        { length: info.trainLabels.length, numClasses: info.numClasses, name: formatPath(dataPath) },
        parsed.batchSize,
        parsed.sampler,
        0,
        info.trainLabels,
      ).stepsPerEpoch;
    } catch (e) {
      problems.push({ path: parsed.sampler ? ['sampler'] : ['batchSize'], message: (e as Error).message.replace(/^(\w+: )\1/, '$1') });
      return;
    }
    if (stepsPerEpoch < 1) {
      problems.push({
        path: ['batchSize'],
        message: `batch size ${parsed.batchSize} exceeds the ${info.trainLabels.length} training items of ${formatPath(dataPath)} (with dropLast an epoch would have no batch)`,
      });
      return;
    }
    perArm.push({ steps: parsed.epochs * stepsPerEpoch, arm: arm.name });
  });
  if (anyDataset && parsed.epochs === undefined && parsed.steps === undefined)
    problems.push({ path: ['epochs'], message: 'a dataset is trained for a number of epochs: give epochs (or steps)' });
  if (parsed.epochs !== undefined && parsed.steps !== undefined)
    problems.push({ path: ['epochs'], message: 'give epochs or steps, not both (steps = epochs × batches per epoch)' });
  if (anyModel) {
    const what = 'an online data model (sparseCoding, labeledSparseCoding, hltm, latentMixing) has no epochs';
    if (parsed.steps === undefined) problems.push({ path: ['steps'], message: `required: ${what}` });
    if (parsed.epochs !== undefined) problems.push({ path: ['epochs'], message: `${what}; give steps` });
    if (parsed.sampler !== undefined) problems.push({ path: ['sampler'], message: `${what} to cut into batches; remove it` });
    if (parsed.schedule.type === 'cosine' && parsed.schedule.warmupEpochs !== undefined)
      problems.push({ path: ['schedule', 'warmupEpochs'], message: `${what}; use warmupSteps` });
  }
  if (parsed.schedule.type === 'cosine' && parsed.schedule.warmupEpochs !== undefined && parsed.schedule.warmupSteps !== undefined)
    problems.push({ path: ['schedule', 'warmupSteps'], message: 'give warmupSteps or warmupEpochs, not both' });
  if (parsed.schedule.type === 'cosine' && parsed.schedule.warmupEpochs !== undefined && parsed.epochs === undefined && !anyModel)
    problems.push({ path: ['schedule', 'warmupEpochs'], message: 'a warm-up in epochs needs epochs; give epochs, or warmupSteps' });
  const distinct = [...new Set(perArm.map((a) => a.steps))];
  if (distinct.length > 1) {
    const a = perArm.find((x) => x.steps === distinct[0])!;
    const b = perArm.find((x) => x.steps === distinct[1])!;
    problems.push({
      path: ['epochs'],
      message: `arms '${a.arm}' and '${b.arm}' would train for different numbers of steps (${a.steps} and ${b.steps}: their datasets differ in size); every arm must train for the same steps`,
    });
  }
  if (problems.length > 0 || perArm.length === 0) return { problems };
  return { exp: { ...parsed, steps: perArm[0]!.steps }, problems };
}

/**
 * A job's learning-rate schedule in steps, as `train` takes it: a warm-up in epochs becomes
 * round(warmupEpochs × batches per epoch) steps (as train's `scheduleInSteps` converts it).
 */
export function stepSchedule(spec: Pick<JobSpec, 'schedule' | 'steps' | 'epochs'>): LrSchedule {
  const s = spec.schedule;
  if (s.type !== 'cosine') return s;
  const { warmupEpochs, warmupSteps, ...rest } = s;
  const perEpoch = spec.epochs ? spec.steps / spec.epochs : 1;
  return { ...rest, warmupSteps: warmupEpochs !== undefined ? Math.round(warmupEpochs * perEpoch) : (warmupSteps ?? 0) };
}

/** Expands an experiment into its jobs (arms × seeds), each arm's sections already resolved. */
export function jobsOf(exp: Experiment): JobSpec[] {
  return exp.arms.flatMap((arm) =>
    exp.seeds.map((seed) => {
      const projector = arm.projector === undefined ? exp.projector : arm.projector;
      const predictor = arm.predictor === undefined ? exp.predictor : arm.predictor;
      return {
        experiment: exp.name,
        arm: arm.name,
        seed,
        steps: exp.steps,
        batchSize: exp.batchSize,
        evalEvery: exp.evalEvery,
        checkpointEvery: exp.checkpointEvery,
        evalSamples: exp.evalSamples,
        ...(exp.epochs !== undefined ? { epochs: exp.epochs } : {}),
        ...(exp.sampler !== undefined ? { sampler: exp.sampler } : {}),
        data: arm.data ?? exp.data,
        augment: arm.augment ?? exp.augment,
        encoder: arm.encoder ?? exp.encoder,
        ...(projector ? { projector } : {}),
        ...(predictor ? { predictor } : {}),
        method: arm.method ?? exp.method,
        optimizer: arm.optimizer ?? exp.optimizer,
        schedule: exp.schedule,
      };
    }),
  );
}
