import { parseOptions } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import * as z from 'zod/mini';
import { absCosines } from './atom-recovery';
import { type Matrix, type MatrixInput, type MatrixSpec, readMatrices, readMatricesSync } from './matrix';
import { shareInSpan, orthonormalBasis } from './subspace';
import { summarize, type Summary } from './stats';

const matrixInput = z.custom<MatrixInput>(
  (v) => v instanceof tf.Tensor || Array.isArray(v) || (typeof v === 'object' && v !== null && 'rows' in v),
  {
    message: 'expected a rank-2 tf.Tensor, { rows, cols, data } or an array of rows',
  },
);

/** The options of `neuronPurity(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const neuronPurityOptionsSchema = z.strictObject({
  /** Dense basis H [d1, k] of the data model (if any): also report each neuron's share in span(H). Default: none. */
  denseBasis: z.optional(z.nullable(matrixInput)),
});
/** Options of `neuronPurity` (the input of its schema: a field with a default may be omitted). */
export type NeuronPurityOptions = z.input<typeof neuronPurityOptionsSchema>;

/** How pure each neuron is: its share in span(M), along its best atom, and in span(H). */
export interface NeuronPurityResult {
  /** Per neuron: ‖P_M w_i‖² / ‖w_i‖², the share of its squared norm inside span(M). */
  spanShare: number[];
  /** Per neuron: cos²(w_i, M_top), the share of its squared norm along its best atom. */
  topAtomShare: number[];
  /** Per neuron: index of the best atom (lowest index on ties). */
  topAtom: number[];
  /** Per neuron: q_i = max_j |cos(w_i, M_j)| (docs/science/feature-decoupling.md §1.6 metric 2). */
  purity: number[];
  /** Per neuron share in span(H), or null without a dense basis. */
  denseShare: number[] | null;
  /** Mean, median, min and max of each per-neuron array. */
  summary: {
    /** Summary of `spanShare`. */
    spanShare: Summary;
    /** Summary of `topAtomShare`. */
    topAtomShare: Summary;
    /** Summary of `purity`. */
    purity: Summary;
    /** Summary of `denseShare`, or null without a dense basis. */
    denseShare: Summary | null;
  };
}

const OP = 'neuronPurity';

function specs(weights: MatrixInput, dictionary: MatrixInput, denseBasis: MatrixInput | null | undefined): MatrixSpec[] {
  const s: MatrixSpec[] = [
    ['weights', weights, ['neurons', 'inputDim']],
    ['dictionary', dictionary, ['inputDim', 'atoms']],
  ];
  if (denseBasis != null) s.push(['options.denseBasis', denseBasis, ['inputDim', null]]);
  return s;
}

function compute([w, m, h]: Matrix[]): NeuronPurityResult {
  const cos = absCosines(w!, m!);
  const d = m!.cols;
  const purity: number[] = [];
  const topAtom: number[] = [];
  for (let i = 0; i < w!.rows; i++) {
    let best = -1;
    let arg = 0;
    for (let j = 0; j < d; j++) {
      if (cos[i * d + j]! > best) {
        best = cos[i * d + j]!;
        arg = j;
      }
    }
    purity.push(best);
    topAtom.push(arg);
  }
  const topAtomShare = purity.map((q) => q * q);
  const spanShare = Array.from(shareInSpan(w!, orthonormalBasis(m!)));
  const denseShare = h ? Array.from(shareInSpan(w!, orthonormalBasis(h))) : null;
  return {
    spanShare,
    topAtomShare,
    topAtom,
    purity,
    denseShare,
    summary: {
      spanShare: summarize(spanShare),
      topAtomShare: summarize(topAtomShare),
      purity: summarize(purity),
      denseShare: denseShare ? summarize(denseShare) : null,
    },
  };
}

/**
 * Neuron purity: does each neuron read one atom (pure, sparse feature), a mixture of atoms, or
 * dense directions? For a unit atom, topAtomShare ≤ spanShare ≤ 1; a pure neuron has both ≈ 1,
 * a mixture has spanShare ≈ 1 but a small topAtomShare, a dense neuron has a small spanShare.
 *
 * @param weights    [m, d1] one row per neuron
 * @param dictionary [d1, d] one column per atom (the span is computed exactly even if the columns are not orthonormal)
 */
export async function neuronPurity(
  weights: MatrixInput,
  dictionary: MatrixInput,
  options: NeuronPurityOptions = {},
): Promise<NeuronPurityResult> {
  const { denseBasis } = parseOptions(OP, neuronPurityOptionsSchema, options);
  return compute(await readMatrices(OP, specs(weights, dictionary, denseBasis)));
}

/** Synchronous `neuronPurity`. */
export function neuronPuritySync(weights: MatrixInput, dictionary: MatrixInput, options: NeuronPurityOptions = {}): NeuronPurityResult {
  const { denseBasis } = parseOptions(OP, neuronPurityOptionsSchema, options);
  return compute(readMatricesSync(OP, specs(weights, dictionary, denseBasis)));
}
