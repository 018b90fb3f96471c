// What the report draws of what was learned: the neuron × atom |cos| matrix, the dense mass per
// neuron and the eigenvalue spectrum of the representation, computed once per job at the end of
// training and kept small (3 decimals; the spectrum with 3 significant digits, as its tail spans
// orders of magnitude).
import * as tf from '@tensorflow/tfjs';
import { denseMassSync, hungarian, spectrumSync } from '@contrastive/analysis';
import { type DataModel, hasDictionary, hasNeuronWeights, type Network } from '@contrastive/core';
import { z } from 'zod';

export const picturesSchema = z.object({
  /**
   * |cos(w_i, M_j)| when the data has a dictionary and the encoder exposes its neurons: one string
   * per neuron of its values against every atom, space-separated with 3 decimals (one line per
   * neuron in results.json, not one per number; read with `absCosRows`).
   */
  absCos: z.array(z.string().regex(/^\d\.\d{3}( \d\.\d{3})*$/, 'space-separated numbers with 3 decimals')).optional(),
  /** Share of each neuron's squared norm in the dense subspace span(H), when the data has one. */
  denseMass: z.array(z.number()).optional(),
  /** Eigenvalues of the representation's covariance on the held-out batch, descending. */
  spectrum: z.array(z.number()).optional(),
});
export type Pictures = z.output<typeof picturesSchema>;

const r3 = (v: number) => Math.round(v * 1000) / 1000;
const sig3 = (v: number) => Number(v.toPrecision(3));

/** The |cos| matrix of `Pictures` as numbers, [neurons][atoms]. */
export const absCosRows = (absCos: readonly string[]): number[][] => absCos.map((row) => row.split(' ').map(Number));

/** The spectrum is O(dim³): beyond this width it is left out. */
const MAX_SPECTRUM_DIM = 256;

/** |cos| rows of neurons against dictionary columns (w [m, d1], M [d1, d]) → [m][d]. */
export function absCosMatrix(w: number[][], dictionary: number[][]): number[][] {
  const d1 = dictionary.length;
  const d = dictionary[0]?.length ?? 0;
  const colNorm = Array.from({ length: d }, (_, j) => Math.hypot(...dictionary.map((row) => row[j]!)));
  return w.map((wi) => {
    const n = Math.hypot(...wi);
    return Array.from({ length: d }, (_, j) => {
      let s = 0;
      for (let k = 0; k < d1; k++) s += wi[k]! * dictionary[k]![j]!;
      return n > 0 && colNorm[j]! > 0 ? Math.min(1, Math.abs(s) / (n * colNorm[j]!)) : 0;
    });
  });
}

/** The pictures of a trained encoder (`embedded`: the representation of the held-out batch, [n, dim]). */
export function computePictures(encoder: Network | undefined, data: DataModel, embedded: tf.Tensor2D): Pictures {
  const out: Pictures = {};
  if (encoder && hasDictionary(data) && hasNeuronWeights(encoder) && encoder.inputDim === data.dictionary.shape[0]) {
    const w = encoder.neuronWeights();
    try {
      const rows = w.arraySync();
      out.absCos = absCosMatrix(rows, data.dictionary.arraySync()).map((r) => r.map((v) => v.toFixed(3)).join(' '));
      if (data.denseBasis) out.denseMass = denseMassSync(w, data.denseBasis).perNeuron.map(r3);
    } finally {
      w.dispose();
    }
  }
  if (embedded.shape[1] <= MAX_SPECTRUM_DIM && embedded.shape[0] > 1) out.spectrum = spectrumSync(embedded).eigenvalues.map(sig3);
  return out;
}

/**
 * Row and column order that shows a recovered dictionary as a bright diagonal: atoms matched
 * one-to-one with neurons by maximum total |cos| (Hungarian assignment), atoms sorted by their
 * matched |cos| (brightest first), their neurons in the same order, then the unmatched neurons by
 * their best |cos|.
 */
export function diagonalOrder(absCos: number[][]): { rows: number[]; cols: number[] } {
  const m = absCos.length;
  const d = absCos[0]?.length ?? 0;
  if (m === 0 || d === 0) return { rows: [], cols: [] };
  const { colToRow } = hungarian(absCos, { maximize: true });
  const value = (j: number) => (colToRow[j]! >= 0 ? absCos[colToRow[j]!]![j]! : -1);
  const cols = Array.from({ length: d }, (_, j) => j).sort((a, b) => value(b) - value(a) || a - b);
  const matched = cols.map((j) => colToRow[j]!).filter((i) => i >= 0);
  const best = (i: number) => Math.max(...absCos[i]!);
  const rest = Array.from({ length: m }, (_, i) => i)
    .filter((i) => !matched.includes(i))
    .sort((a, b) => best(b) - best(a) || a - b);
  return { rows: [...matched, ...rest], cols };
}
