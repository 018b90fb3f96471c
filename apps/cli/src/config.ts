import { optimizerOptionsSchema, lrScheduleSchema } from '@contrastive/train';
import { z } from 'zod';

/** A component given by `type` plus that factory's own options (validated by the package). */
const component = (types: readonly [string, ...string[]]) => z.object({ type: z.enum(types) }).catchall(z.unknown());

export const dataConfigSchema = component(['sparseCoding', 'labeledSparseCoding', 'hltm', 'latentMixing']);
export const augmentConfigSchema: z.ZodType<AugmentConfig> = z.lazy(() =>
  z.union([
    z.object({ type: z.literal('compose'), steps: z.array(augmentConfigSchema).min(1) }),
    component(['identity', 'complementaryMask', 'independentMask', 'gaussianNoise', 'denseJitter', 'dataPairs']),
  ]),
);
export type AugmentConfig = { type: 'compose'; steps: AugmentConfig[] } | ({ type: string } & Record<string, unknown>);

export const encoderConfigSchema = component(['symmetricRelu', 'mlp', 'treeNetwork']);
export const headConfigSchema = component(['mlp', 'projectionHead', 'predictionHead', 'linearPredictor']);
export type HeadConfig = z.output<typeof headConfigSchema>;
export const methodConfigSchema = component(['contrastive', 'simsiam', 'byol', 'directpred']);

/** What a run measures and how a claim is checked against it. */
export const checkSchema = z.object({
  /** Human statement of the expected outcome, printed in the report. */
  description: z.string(),
  /** Arm the check applies to. */
  arm: z.string(),
  /** Final metric name, e.g. `atomRecovery.fraction`. */
  metric: z.string(),
  op: z.enum(['>=', '<=', '>', '<']),
  /** The bound; with `than` or `relativeTo`, a margin added to the other side. */
  value: z.number().default(0),
  /** Compare with the same metric of another arm (same seed, or its mean): `metric op than.metric + value`. */
  than: z.string().optional(),
  /** Compare with this arm's own value before training (the step-0 evaluation): `metric op initial + value`. */
  relativeTo: z.literal('initial').optional(),
  /** Hold for every seed (default) or for the mean over seeds. */
  aggregate: z.enum(['every-seed', 'mean']).default('every-seed'),
});

const armSchema = z.object({
  /** Arm name, shown in tables and plots. */
  name: z.string().min(1),
  description: z.string().optional(),
  /** Section overrides for this arm (shallow-merged over the experiment's). */
  data: dataConfigSchema.optional(),
  augment: augmentConfigSchema.optional(),
  encoder: encoderConfigSchema.optional(),
  /** Replace the projection head; `null` removes it. */
  projector: headConfigSchema.nullable().optional(),
  /** Replace the prediction head; `null` removes it (the SimSiam "no predictor" ablation). */
  predictor: headConfigSchema.nullable().optional(),
  method: methodConfigSchema.optional(),
  optimizer: optimizerOptionsSchema.optional(),
});
export type ArmConfig = z.output<typeof armSchema>;

export const experimentSchema = z
  .object({
    /** Short id used for the run directory. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    title: z.string().optional(),
    description: z.string().optional(),
    /** The paper's claim this run reproduces, stated in the report. */
    claim: z.string().optional(),
    /** Independent seeds; each seed fixes data, initialisation, augmentation and batches. */
    seeds: z.array(z.number().int().min(0)).min(1).default([0]),
    steps: z.number().int().positive(),
    batchSize: z.number().int().min(2),
    evalEvery: z.number().int().min(0).default(100),
    checkpointEvery: z.number().int().min(0).default(250),
    data: dataConfigSchema,
    augment: augmentConfigSchema.default({ type: 'identity' }),
    encoder: encoderConfigSchema,
    projector: headConfigSchema.optional(),
    predictor: headConfigSchema.optional(),
    method: methodConfigSchema.default({ type: 'contrastive' }),
    optimizer: optimizerOptionsSchema,
    schedule: lrScheduleSchema,
    /** Samples used by the final evaluation (cross-view correlations, probes). */
    evalSamples: z.number().int().positive().default(4096),
    arms: z.array(armSchema).min(1),
    checks: z.array(checkSchema).default([]),
  })
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.arms.forEach((a, i) => {
      if (names.has(a.name)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'name'], message: `duplicate arm name '${a.name}'` });
      names.add(a.name);
    });
    cfg.checks.forEach((c, i) => {
      if (!names.has(c.arm)) ctx.addIssue({ code: 'custom', path: ['checks', i, 'arm'], message: `unknown arm '${c.arm}' (arms: ${[...names].join(', ')})` });
      if (c.than !== undefined && !names.has(c.than)) ctx.addIssue({ code: 'custom', path: ['checks', i, 'than'], message: `unknown arm '${c.than}' (arms: ${[...names].join(', ')})` });
      if (c.than !== undefined && c.relativeTo !== undefined) ctx.addIssue({ code: 'custom', path: ['checks', i, 'relativeTo'], message: "use either 'than' or 'relativeTo'" });
    });
  });

export type ExperimentInput = z.input<typeof experimentSchema>;
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
  data: Experiment['data'];
  augment: AugmentConfig;
  encoder: Experiment['encoder'];
  projector?: Experiment['projector'];
  predictor?: Experiment['predictor'];
  method: Experiment['method'];
  optimizer: Experiment['optimizer'];
  schedule: Experiment['schedule'];
}

/** Validates a config object; the error names the bad key path (`arms.1.augment.type`). */
export function parseExperiment(value: unknown, source = 'config'): Experiment {
  const r = experimentSchema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  throw new ConfigError(`invalid ${source}:\n${lines.join('\n')}`, r.error.issues);
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: unknown[] = [],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Expands an experiment into its jobs (arms × seeds), arms' sections shallow-merged over the defaults. */
export function jobsOf(exp: Experiment): JobSpec[] {
  return exp.arms.flatMap((arm) =>
    exp.seeds.map((seed) => ({
      experiment: exp.name,
      arm: arm.name,
      seed,
      steps: exp.steps,
      batchSize: exp.batchSize,
      evalEvery: exp.evalEvery,
      checkpointEvery: exp.checkpointEvery,
      evalSamples: exp.evalSamples,
      data: arm.data ? { ...exp.data, ...arm.data } : exp.data,
      augment: arm.augment ?? exp.augment,
      encoder: arm.encoder ? { ...exp.encoder, ...arm.encoder } : exp.encoder,
      ...pickHead('projector', arm.projector, exp.projector),
      ...pickHead('predictor', arm.predictor, exp.predictor),
      method: arm.method ? { ...exp.method, ...arm.method } : exp.method,
      optimizer: arm.optimizer ?? exp.optimizer,
      schedule: exp.schedule,
    })),
  );
}

/** An arm's head: its own (`null` = none) or else the experiment's. */
function pickHead<K extends 'projector' | 'predictor'>(key: K, armHead: HeadConfig | null | undefined, expHead: HeadConfig | undefined): Partial<Record<K, HeadConfig>> {
  const head = armHead === undefined ? expHead : armHead;
  return head ? ({ [key]: head } as Partial<Record<K, HeadConfig>>) : {};
}
