import { InvalidArgumentError, parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { type Matrix, type MatrixInput, readMatrices, readMatricesSync } from './matrix';
import { correlationOf, standardizeColumns } from './stats';

/** The options of `hltmBestCorrelation(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const hltmBestCorrelationOptionsSchema = z.strictObject({
  /**
   * Units per latent node when the network mirrors the tree (luckmatters: `hid`): node μ is
   * compared only with its own units, columns μ·unitsPerNode … (μ+1)·unitsPerNode − 1 of `hidden`.
   * Omitted: every node is compared with every unit.
   * Default: none.
   */
  unitsPerNode: z.optional(z.int().check(z.gte(1))),
  /** Level (e.g. distance from the root) of every latent node, to report the mean per level. Default: none. */
  levels: z.optional(
    z.union([z.array(z.int()), z.custom<Int32Array>((v) => v instanceof Int32Array, { message: 'expected an array of integers' })]),
  ),
});
/** Options of `hltmBestCorrelation` (the input of its schema: a field with a default may be omitted). */
export type HltmBestCorrelationOptions = z.input<typeof hltmBestCorrelationOptionsSchema>;

/** How well hidden units mirror the latent nodes of a hierarchical latent tree (Tian et al. 2020). */
export interface HltmBestCorrelationResult {
  /** Per latent node: max over its units of |Pearson corr(s_μ, unit)|; null if the latent is constant in the batch. */
  perNode: Array<number | null>;
  /** Per latent node: the best unit's column in `hidden` (−1 when null). */
  bestUnit: number[];
  /** Mean over the nodes with a defined value. */
  mean: number;
  /** Mean best-|corr| per level (ascending level), when `levels` is given. */
  perLevel: Array<{
    /** Depth of the nodes (0 = root). */
    level: number;
    /** Mean best |corr| over the level's nodes with a defined value. */
    mean: number;
    /** Nodes of the level with a defined value. */
    count: number;
  }> | null;
}

const OP = 'hltmBestCorrelation';
const specs = (hidden: MatrixInput, latents: MatrixInput) =>
  [
    ['hidden', hidden, ['batch', 'units']],
    ['latents', latents, ['batch', 'nodes']],
  ] as const;

function compute(h: Matrix, s: Matrix, o: z.output<typeof hltmBestCorrelationOptionsSchema>): HltmBestCorrelationResult {
  const nodes = s.cols;
  if (h.rows < 2)
    throw new InvalidArgumentError({ op: OP, argument: 'hidden', expected: 'at least 2 samples (rows)', actual: `${h.rows} row` });
  if (o.unitsPerNode !== undefined && h.cols !== o.unitsPerNode * nodes) {
    throw new InvalidArgumentError({
      op: OP,
      argument: 'options.unitsPerNode',
      expected: `hidden.cols = unitsPerNode · nodes (${o.unitsPerNode} · ${nodes} = ${o.unitsPerNode * nodes})`,
      actual: `hidden has ${h.cols} columns`,
    });
  }
  const levels = o.levels === undefined ? undefined : Array.from(o.levels);
  if (levels !== undefined && levels.length !== nodes) {
    throw new InvalidArgumentError({
      op: OP,
      argument: 'options.levels',
      expected: `one level per latent node (${nodes})`,
      actual: `${levels.length} levels`,
    });
  }
  const sh = standardizeColumns(h);
  const ss = standardizeColumns(s);
  const perNode: Array<number | null> = [];
  const bestUnit: number[] = [];
  for (let mu = 0; mu < nodes; mu++) {
    const [from, to] = o.unitsPerNode === undefined ? [0, h.cols] : [mu * o.unitsPerNode, (mu + 1) * o.unitsPerNode];
    if (ss.constant[mu]) {
      perNode.push(null);
      bestUnit.push(-1);
      continue;
    }
    // Constant (dead) units correlate with nothing: they count as 0, as in corr_summary's nan-to-0.
    let best = 0;
    let arg = from;
    for (let u = from; u < to; u++) {
      const c = Math.abs(correlationOf(sh, u, ss, mu) ?? 0);
      if (c > best) {
        best = c;
        arg = u;
      }
    }
    perNode.push(best);
    bestUnit.push(arg);
  }
  const defined = perNode.filter((v): v is number => v !== null);
  const mean = defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : 0;
  let perLevel: HltmBestCorrelationResult['perLevel'] = null;
  if (levels !== undefined) {
    const acc = new Map<number, { sum: number; count: number }>();
    levels.forEach((level, mu) => {
      const v = perNode[mu];
      if (v === null || v === undefined) return;
      const e = acc.get(level) ?? { sum: 0, count: 0 };
      e.sum += v;
      e.count++;
      acc.set(level, e);
    });
    perLevel = [...acc].sort(([a], [b]) => a - b).map(([level, { sum, count }]) => ({ level, mean: sum / count, count }));
  }
  return { perNode, bestUnit, mean, perLevel };
}

/**
 * HLTM selectivity (Tian et al. 2020, luckmatters `ssl/hltm`, docs/science/hltm.md §4.5): for every latent
 * node μ, the Pearson correlation over the batch between its binary value s_μ and each hidden
 * unit, in absolute value (±1 are equally selective), maximised over the units. Training should
 * raise it above its random-initialisation value, most at the levels nearest the leaves.
 *
 * @param hidden  [n, units] pre-activations (e.g. all nodes' units concatenated, node-major)
 * @param latents [n, nodes] ground-truth latent values (0/1) of the nodes to score
 */
export async function hltmBestCorrelation(
  hidden: MatrixInput,
  latents: MatrixInput,
  options: HltmBestCorrelationOptions = {},
): Promise<HltmBestCorrelationResult> {
  const o = parseOptions(OP, hltmBestCorrelationOptionsSchema, options);
  const [h, s] = await readMatrices(OP, specs(hidden, latents));
  return compute(h, s, o);
}

/** Synchronous `hltmBestCorrelation`. */
export function hltmBestCorrelationSync(
  hidden: MatrixInput,
  latents: MatrixInput,
  options: HltmBestCorrelationOptions = {},
): HltmBestCorrelationResult {
  const o = parseOptions(OP, hltmBestCorrelationOptionsSchema, options);
  const [h, s] = readMatricesSync(OP, specs(hidden, latents));
  return compute(h, s, o);
}
