// What the report draws of what was learned: the neuron × atom |cos| matrix, the dense mass per
// neuron and the eigenvalue spectrum of the representation, computed once per job at the end of
// training and kept small (3 decimals; the spectrum with 3 significant digits, as its tail spans
// orders of magnitude).
import * as tf from '@tensorflow/tfjs';
import { denseMassSync, hungarian, spectrumSync } from '@contrastive/analysis';
import { type DataModel, hasDictionary, hasNeuronWeights, type Network, symmetricEigen } from '@contrastive/core';
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
  /**
   * The first layer's filters of a convolutional encoder: each filter [size, size, channels]
   * min–max scaled to bytes 0–255 (row-major, channels last), base64.
   */
  filters: z.object({ size: z.number().int().min(1), channels: z.number().int().min(1), images: z.array(z.string()) }).optional(),
  /** A few training images and their two augmented views: bytes 0–255 [h, w, c] (values clipped to [0, 1]), base64. */
  preview: z
    .object({
      shape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
      images: z.array(z.string()),
      views: z.array(z.array(z.string())),
    })
    .optional(),
  /** The test embeddings projected on their first two principal components, with their labels. */
  scatter: z
    .object({
      x: z.array(z.number()),
      y: z.array(z.number()),
      labels: z.array(z.number().int()),
      classNames: z.array(z.string()).optional(),
    })
    .optional(),
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

/** Bytes 0–255 of values in [0, 1] (clipped), base64. */
export function imageBytes(values: ArrayLike<number>): string {
  const bytes = Uint8Array.from(values, (v) => Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0))));
  return Buffer.from(bytes).toString('base64');
}

/** The bytes of `imageBytes` back. */
export const decodeBytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

/** The first layer's filters of a convolutional encoder (its first rank-4 variable [k, k, in, out]), or undefined. */
export function firstLayerFilters(encoder: Network | undefined): Pictures['filters'] {
  const w = encoder?.variables.find((v) => v.rank === 4);
  if (!w) return undefined;
  const [k, , inC, outC] = w.shape as [number, number, number, number];
  const values = w.dataSync();
  const images: string[] = [];
  for (let o = 0; o < outC; o++) {
    const f: number[] = [];
    for (let i = 0; i < k * k * inC; i++) f.push(values[i * outC + o]!);
    const lo = Math.min(...f);
    const hi = Math.max(...f);
    images.push(imageBytes(f.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5))));
  }
  return { size: k, channels: inC, images };
}

/**
 * Rows of `x` [n, d] projected on their first two principal components (centred; eigenvectors of
 * the covariance by Jacobi, sign fixed so the largest |entry| is positive), 3 decimals.
 */
export function pca2(x: ArrayLike<number>, n: number, d: number): { x: number[]; y: number[] } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) {
      const va = x[i * d + a]! - mean[a]!;
      if (va === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b]! += (va * (x[i * d + b]! - mean[b]!)) / Math.max(1, n - 1);
    }
  const { vectors } = symmetricEigen(cov, d);
  const component = (k: number) => {
    const v = Array.from({ length: d }, (_, j) => (k < d ? vectors[j * d + k]! : 0));
    const big = v.reduce((m, e) => (Math.abs(e) > Math.abs(m) ? e : m), 0);
    return big < 0 ? v.map((e) => -e) : v;
  };
  const [p, q] = [component(0), component(1)];
  const proj = (w: number[]) =>
    Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j]! - mean[j]!) * w[j]!;
      return r3(s);
    });
  return { x: proj(p), y: proj(q) };
}
