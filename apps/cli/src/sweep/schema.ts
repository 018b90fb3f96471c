// The sweep file (`contrastive sweep sweep.yaml`): a base experiment, axes over its config paths,
// optional random search, seeds and checks. Strict at every depth, like the experiment config.
import { isMetricKey, unknownMetricMessage } from '@contrastive/analysis';
import { z } from 'zod';

/** A config path: keys joined by `.`, list entries as `[n]` (`method.temperature`, `augment.steps[0].keepProb`). */
export const axisPathSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*)*$/,
    'a config path like method.temperature or augment.steps[0].keepProb',
  );

const finite = z.number().refine(Number.isFinite, 'a finite number');

/**
 * `steps` values from `range[0]` to `range[1]` (both included), evenly spaced, or geometrically
 * spaced with `log: true` (then both ends > 0). `integer: true` rounds each value (batch sizes, widths).
 */
export const rangeAxisSchema = z
  .strictObject({
    /** [first, last], both included. */
    range: z.tuple([finite, finite]),
    /** Number of values, at least 2. */
    steps: z.number().int().min(2).max(1000),
    /** Geometric spacing (equal ratios). Default false. */
    log: z.boolean().default(false),
    /** Round every value to the nearest integer (duplicates removed). Default false. */
    integer: z.boolean().default(false),
  })
  .superRefine((a, ctx) => {
    if (a.log && !(a.range[0] > 0 && a.range[1] > 0))
      ctx.addIssue({ code: 'custom', path: ['range'], message: `log spacing needs both ends > 0, got [${a.range.join(', ')}]` });
  });

/** One grid axis: an explicit list of values (any config value: numbers, strings, whole sections), or a range. */
export const axisSchema = z.union([z.array(z.unknown()).min(1).max(1000), rangeAxisSchema]);
export type AxisInput = z.input<typeof axisSchema>;

/** A random-search dimension: uniform on `range` (log-uniform with `log: true`), or a uniform choice among `values`. */
export const randomAxisSchema = z.union([
  z
    .strictObject({
      /** [low, high]. */
      range: z.tuple([finite, finite]),
      /** Log-uniform (uniform in log space). Default false. */
      log: z.boolean().default(false),
      /** Round every draw to the nearest integer. Default false. */
      integer: z.boolean().default(false),
    })
    .superRefine((a, ctx) => {
      if (!(a.range[1] >= a.range[0]))
        ctx.addIssue({ code: 'custom', path: ['range'], message: `expected low ≤ high, got [${a.range.join(', ')}]` });
      if (a.log && !(a.range[0] > 0))
        ctx.addIssue({ code: 'custom', path: ['range'], message: `log-uniform needs low > 0, got [${a.range.join(', ')}]` });
    }),
  z.strictObject({ /** Uniform choice among these. */ values: z.array(z.unknown()).min(1).max(1000) }),
]);

/** Random search: `count` points drawn from the product of `axes` with the seeded generator `seed` (crossed with the grid axes). */
export const randomSearchSchema = z.strictObject({
  axes: z.record(axisPathSchema, randomAxisSchema),
  /** Points drawn. */
  count: z.number().int().min(1).max(10_000),
  /** Seed of the draws (the same seed draws the same points). Default 0. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
});

const metricKey = z
  .string()
  .max(200)
  .superRefine((m, ctx) => {
    if (!isMetricKey(m)) ctx.addIssue({ code: 'custom', message: unknownMetricMessage(m) });
  });

/** A claim about the phase diagram: at every grid point matching `where`, the mean over seeds of `metric` `op` `value`. */
export const sweepCheckSchema = z.strictObject({
  /** Human statement of the expected outcome, printed in the report. */
  description: z.string().max(10_000),
  /** A key of analysis' `metricCatalogue`. */
  metric: metricKey,
  /** Grid-axis values selecting the points (each a value listed on that axis); `{}` selects every point. */
  where: z.record(axisPathSchema, z.unknown()).default({}),
  op: z.enum(['>=', '<=', '>', '<']),
  value: finite,
});
export type SweepCheck = z.output<typeof sweepCheckSchema>;

export const sweepSchema = z.strictObject({
  /** Short id; the default run directory is `runs/sweep-<name>` (rerunning the sweep reuses its finished jobs). */
  name: z
    .string()
    .max(64)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  title: z.string().max(200).optional(),
  description: z.string().max(10_000).optional(),
  /** The question the phase diagram answers, stated in the report. */
  claim: z.string().max(10_000).optional(),
  /** The base experiment: a preset name, a config file (relative to the sweep file), or an inline config. */
  base: z.union([z.string().min(1).max(1000), z.record(z.string(), z.unknown())]),
  /** The arm of the base whose setting is swept (its sections resolved over the experiment's). Default: the first arm. */
  arm: z.string().optional(),
  /** Fixed changes to the base before the axes apply (`steps: 600`, `data.latentDim: 16`), validated like axes. */
  set: z.record(axisPathSchema, z.unknown()).default({}),
  /** Grid axes, crossed in the order written (the first is the outermost). */
  axes: z.record(axisPathSchema, axisSchema).default({}),
  random: randomSearchSchema.optional(),
  /** Seeds of every point. Default: the base experiment's. */
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
    .optional(),
  /** Metric the phase diagrams show (`--metric` overrides). Default: the first check's metric. */
  metric: metricKey.optional(),
  checks: z.array(sweepCheckSchema).max(1000).default([]),
});
export type SweepInput = z.input<typeof sweepSchema>;
export type SweepConfig = z.output<typeof sweepSchema>;
