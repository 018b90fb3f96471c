import { parseOptions } from '@contrastive/core';
import * as z from 'zod/mini';
import { type Matrix, type MatrixInput, normalizeRows, readMatrices, readMatricesSync, transpose } from './matrix';
import { mean, median, min } from './stats';

/** The options of `atomRecovery(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const atomRecoveryOptionsSchema = z.strictObject({
  /** An atom counts as recovered when some neuron has |cos| above this (docs/science/feature-decoupling.md §1.6 uses 0.8). Default 0.8. */
  threshold: z._default(z.number().check(z.gte(0), z.lte(1)), 0.8),
});
/** Options of `atomRecovery` (the input of its schema: a field with a default may be omitted). */
export type AtomRecoveryOptions = z.input<typeof atomRecoveryOptionsSchema>;

/** What `atomRecovery` measures: how well the neurons match the dictionary atoms. */
export interface AtomRecoveryResult {
  /** a_j = max_i |cos(w_i, M_j)| for every atom j (length d). */
  perAtom: number[];
  /** argmax_i of the above: the neuron that best matches each atom (lowest index on ties). */
  bestNeuron: number[];
  /** Median of `perAtom`. */
  median: number;
  /** Smallest `perAtom` (the worst-recovered atom). */
  min: number;
  /** Mean of `perAtom`. */
  mean: number;
  /** Share of atoms with a_j > threshold. */
  fraction: number;
  /** The threshold `fraction` was counted at (the option, default 0.8). */
  threshold: number;
}

/**
 * |cos(w_i, M_j)| for all neurons i and atoms j, row-major [m, d]. Zero vectors give 0.
 * @param w [m, d1] neuron weights (rows)
 * @param dictionary [d1, d] atoms (columns)
 */
export function absCosines(w: Matrix, dictionary: Matrix): Float64Array {
  const wn = normalizeRows(w);
  const mn = normalizeRows(transpose(dictionary));
  const { rows: m, cols: d1 } = wn;
  const d = mn.rows;
  const out = new Float64Array(m * d);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d1; k++) s += wn.data[i * d1 + k]! * mn.data[j * d1 + k]!;
      out[i * d + j] = Math.min(1, Math.abs(s));
    }
  }
  return out;
}

const OP = 'atomRecovery';
const specs = (weights: MatrixInput, dictionary: MatrixInput) =>
  [
    ['weights', weights, ['neurons', 'inputDim']],
    ['dictionary', dictionary, ['inputDim', 'atoms']],
  ] as const;

function compute(w: Matrix, dictionary: Matrix, threshold: number): AtomRecoveryResult {
  const cos = absCosines(w, dictionary);
  const m = w.rows;
  const d = dictionary.cols;
  const perAtom: number[] = [];
  const bestNeuron: number[] = [];
  for (let j = 0; j < d; j++) {
    let best = -1;
    let arg = 0;
    for (let i = 0; i < m; i++) {
      if (cos[i * d + j]! > best) {
        best = cos[i * d + j]!;
        arg = i;
      }
    }
    perAtom.push(best);
    bestNeuron.push(arg);
  }
  return {
    perAtom,
    bestNeuron,
    median: median(perAtom),
    min: min(perAtom),
    mean: mean(perAtom),
    fraction: perAtom.filter((a) => a > threshold).length / d,
    threshold,
  };
}

/**
 * Atom recovery (docs/science/feature-decoupling.md §1.6 metric 1, as logged by Pokle et al.): how well the best neuron
 * matches each dictionary atom, a_j = max_i |cos(w_i, M_j)|. Sign is ignored because the
 * symmetric-ReLU neuron is odd (w and −w compute the same feature up to sign).
 *
 * @param weights    [m, d1] one row per neuron (the encoder's first layer)
 * @param dictionary [d1, d] one column per atom M_j
 */
export async function atomRecovery(
  weights: MatrixInput,
  dictionary: MatrixInput,
  options: AtomRecoveryOptions = {},
): Promise<AtomRecoveryResult> {
  const { threshold } = parseOptions(OP, atomRecoveryOptionsSchema, options);
  const [w, m] = await readMatrices(OP, specs(weights, dictionary));
  return compute(w, m, threshold);
}

/** Synchronous `atomRecovery` (reads tensors with `dataSync`). */
export function atomRecoverySync(weights: MatrixInput, dictionary: MatrixInput, options: AtomRecoveryOptions = {}): AtomRecoveryResult {
  const { threshold } = parseOptions(OP, atomRecoveryOptionsSchema, options);
  const [w, m] = readMatricesSync(OP, specs(weights, dictionary));
  return compute(w, m, threshold);
}
