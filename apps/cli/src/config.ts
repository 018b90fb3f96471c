// The experiment config: composed from the option schemas the packages export (each package owns
// its options), strict at every depth, plus the few conventions the CLI adds (noise levels in units
// of the data's σ, heads sized from the network below them, seeds set per job).
import {
  complementaryMaskOptionsSchema,
  denseJitterOptionsSchema,
  gaussianNoiseOptionsSchema,
  identityOptionsSchema,
  independentMaskOptionsSchema,
} from '@contrastive/augment';
import {
  hltmOptionsSchema,
  labeledSparseCodingOptionsSchema,
  latentMixingOptionsSchema,
  sparseCodingOptionsSchema,
} from '@contrastive/data';
import {
  constantScheduleSchema,
  linearPredictorOptionsSchema,
  linearWarmupScheduleSchema,
  mlpOptionsSchema,
  predictionHeadOptionsSchema,
  projectionHeadOptionsSchema,
  symmetricReluOptionsSchema,
  treeNetworkOptionsSchema,
} from '@contrastive/nets';
import {
  byolMethodSchema,
  contrastiveMethodSchema,
  directPredMethodSchema,
  lrScheduleSchema,
  optimizerOptionsSchema,
  simSiamMethodSchema,
} from '@contrastive/train';
import { isMetricKey, metricInfo, unknownMetricMessage } from '@contrastive/analysis';
import { z } from 'zod';
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
/** The data model; its seed is the job's seed. */
export const dataConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sparseCoding'), ...fields(sparseCodingOptionsSchema, 'seed') }),
  z.strictObject({ type: z.literal('labeledSparseCoding'), ...fields(labeledSparseCodingOptionsSchema, 'seed') }),
  z.strictObject({ type: z.literal('hltm'), ...fields(hltmOptionsSchema, 'seed') }),
  z.strictObject({ type: z.literal('latentMixing'), ...fields(latentMixingOptionsSchema, 'seed') }),
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
]);
export type AugmentStep = z.output<typeof augmentStepSchema>;
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
  z.strictObject(fields(schedules[1])),
  z.strictObject(fields(schedules[2])),
]);
export type ScheduleConfig = z.output<typeof scheduleConfigSchema>;

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
    steps: z.number().int().positive().max(100_000_000),
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
export type Experiment = z.output<typeof experimentSchema>;

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
    case 'knn.accuracy':
      if (data.type !== 'labeledSparseCoding' && data.type !== 'hltm')
        return `it needs labels (labeledSparseCoding, or hltm's root), and data '${data.type}' has none`;
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
      if (method.loss === 'supcon' && (method.supervised ?? true) && !LABELED.has(data.type)) {
        problems.push({
          path: at('method', 'supervised'),
          message: `supervised SupCon needs labels, and data '${data.type}' has none (use labeledSparseCoding, or supervised: false for SimCLR)`,
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
    if (augment.type !== 'dataPairs') {
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
  });
  const schedule = exp.schedule;
  if (schedule.type === 'cosine' && schedule.warmupSteps >= exp.steps) {
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
export function parseExperiment(value: unknown, source = 'config'): Experiment {
  if (!isMapping(value))
    throw new ConfigError(
      `${source}: expected a mapping at the top level, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`,
    );
  const resolved = resolveArms(value);
  const r = experimentSchema.safeParse(resolved);
  if (!r.success) throw issuesError(r.error.issues, experimentSchema, resolved, source);
  const problems = contradictions(resolved, r.data);
  if (problems.length > 0) {
    const p = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new ConfigError(`${source}: ${formatPath(p.path)}: ${p.message}${more}`, { path: formatPath(p.path) });
  }
  return r.data;
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
