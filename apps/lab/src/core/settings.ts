import { InvalidArgumentError, parseOptions } from '@contrastive/core';
import { z } from 'zod';
import { COMPARE_METHODS, comparison, type Experiment, jobsOf, type JobSpec, parseExperiment, PRESETS } from './cli';

/** The CLI's `feature-decoupling` preset, resolved (the lab's defaults are read from it, never restated). */
export function decouplingPreset(): Experiment {
  return parseExperiment(PRESETS['feature-decoupling']!.build(), 'feature-decoupling preset');
}

/** The lab's augmentation choices and the CLI preset arm each one runs. */
export const AUGMENTATIONS = {
  none: 'no augmentation',
  noise: 'gaussian noise',
  masking: 'complementary masking',
  maskingJitter: 'dense: masking + jitter',
} as const;
export type AugmentationChoice = keyof typeof AUGMENTATIONS;

const preset = decouplingPreset();
const presetMethod = preset.method as { temperature?: number };

export const decouplingSettingsSchema = z.strictObject({
  /** Which views training sees (an arm of the CLI preset). Default 'masking'. */
  augment: z.enum(Object.keys(AUGMENTATIONS) as [AugmentationChoice, ...AugmentationChoice[]]).default('masking'),
  /** InfoNCE temperature τ. Default: the preset's (0.1). */
  temperature: z
    .number()
    .positive()
    .default(presetMethod.temperature ?? 0.1),
  /** Width m of the symmetric-ReLU network. Default: the preset's (64). */
  width: z
    .number()
    .int()
    .positive()
    .max(4096)
    .default(Number((preset.encoder as { width?: number }).width ?? 64)),
  /** SGD learning rate. Default: the preset's (0.05). */
  lr: z.number().positive().default(preset.optimizer.lr),
  /** Seed of data, initialisation, augmentation and batches. Default 0. */
  seed: z.number().int().min(0).default(0),
  /** Training steps; the threshold warm-up is a fraction of these. Default: the preset's (3000). */
  steps: z.number().int().positive().default(preset.steps),
  /** Evaluate (metrics and heatmap) every this many steps. Default: the preset's (100). */
  evalEvery: z.number().int().positive().default(preset.evalEvery),
});
export type DecouplingSettings = z.output<typeof decouplingSettingsSchema>;
export type DecouplingSettingsInput = z.input<typeof decouplingSettingsSchema>;

export function parseDecouplingSettings(input: DecouplingSettingsInput = {}): DecouplingSettings {
  return parseOptions('lab.decoupling', decouplingSettingsSchema, input);
}

/** The CLI job of `contrastive run feature-decoupling --seed <seed>` for the chosen arm, with the lab's overrides. */
export function decouplingJob(input: DecouplingSettingsInput = {}): JobSpec {
  const s = parseDecouplingSettings(input);
  const arm = AUGMENTATIONS[s.augment];
  const job = jobsOf({ ...preset, seeds: [s.seed] }).find((j) => j.arm === arm);
  if (!job) throw new InvalidArgumentError({ op: 'lab.decoupling', argument: 'augment', expected: `an arm of the preset`, actual: arm });
  // The preset's arms are a symmetric-ReLU encoder trained by contrastive InfoNCE with SGD.
  if (job.encoder.type !== 'symmetricRelu' || job.method.type !== 'contrastive') {
    throw new InvalidArgumentError({
      op: 'lab.decoupling',
      argument: 'preset',
      expected: 'a symmetricRelu encoder and a contrastive method',
      actual: `${job.encoder.type}, ${job.method.type}`,
    });
  }
  return {
    ...job,
    steps: s.steps,
    evalEvery: s.evalEvery,
    encoder: { ...job.encoder, width: s.width },
    method: { ...job.method, temperature: s.temperature },
    optimizer: { ...job.optimizer, lr: s.lr },
  };
}

export const compareSettingsSchema = z.strictObject({
  /** Losses to compare (names of `contrastive compare --losses`), at least one. Default infonce, simclr, simsiam. */
  losses: z
    .array(z.enum(Object.keys(COMPARE_METHODS) as [string, ...string[]]))
    .min(1)
    .default(['infonce', 'simclr', 'simsiam']),
  /** Seed shared by every loss (same data, views and initialisation). Default 0. */
  seed: z.number().int().min(0).default(0),
  /** Steps per loss. Default: the compare preset's (800). */
  steps: z.number().int().positive().optional(),
});
export type CompareSettingsInput = z.input<typeof compareSettingsSchema>;

/** `contrastive compare --losses a,b --seeds <seed> [--steps n]`: the experiment and its jobs. */
export function compareExperiment(input: CompareSettingsInput = {}): { experiment: Experiment; jobs: JobSpec[] } {
  const s = parseOptions('lab.compare', compareSettingsSchema, input);
  const base = parseExperiment(PRESETS['compare']!.build(), 'compare preset');
  const experiment = comparison({ ...base, seeds: [s.seed], ...(s.steps ? { steps: s.steps } : {}) }, s.losses.join(','));
  return { experiment, jobs: jobsOf(experiment) };
}
