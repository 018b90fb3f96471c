import { type Matrix, type MatrixInput, type MatrixSpec, readMatrices, readMatricesSync } from './matrix';
import { mean, median } from './stats';
import { orthonormalBasis, shareInSpan } from './subspace';

/** Per-neuron share of the squared weight norm inside a subspace, with summaries. */
export interface MassResult {
  /** Per neuron share of ‖w_i‖² (in [0, 1]). */
  perNeuron: number[];
  /** Mean of `perNeuron`. */
  mean: number;
  /** Median of `perNeuron`. */
  median: number;
}

function result(perNeuron: number[]): MassResult {
  return { perNeuron, mean: mean(perNeuron), median: median(perNeuron) };
}

const DENSE = 'denseMass';
const RESIDUAL = 'residualMass';
const spec = (weights: MatrixInput, basisName: string, basis: MatrixInput): MatrixSpec[] => [
  ['weights', weights, ['neurons', 'inputDim']],
  [basisName, basis, ['inputDim', null]],
];

function shares([w, basis]: Matrix[], complement: boolean): MassResult {
  const inside = shareInSpan(w!, orthonormalBasis(basis!));
  return result(Array.from(inside, (s) => (complement ? 1 - s : s)));
}

/**
 * Dense mass: share of each neuron's squared norm in the dense subspace span(H) of the data model,
 * ‖P_H w_i‖² / ‖w_i‖². A random direction gives k/d1 on average. Without a dense basis (null or
 * undefined) every share is 0: there is nothing dense to learn.
 *
 * @param weights    [m, d1] one row per neuron
 * @param denseBasis [d1, k] basis of the dense subspace (need not be orthonormal), or null
 */
export async function denseMass(weights: MatrixInput, denseBasis: MatrixInput | null | undefined): Promise<MassResult> {
  if (denseBasis == null) {
    const [w] = await readMatrices(DENSE, [['weights', weights, ['neurons', null]]] as const);
    return result(new Array<number>(w.rows).fill(0));
  }
  return shares(await readMatrices(DENSE, spec(weights, 'denseBasis', denseBasis)), false);
}

/** Synchronous `denseMass`. */
export function denseMassSync(weights: MatrixInput, denseBasis: MatrixInput | null | undefined): MassResult {
  if (denseBasis == null) {
    const [w] = readMatricesSync(DENSE, [['weights', weights, ['neurons', null]]] as const);
    return result(new Array<number>(w.rows).fill(0));
  }
  return shares(readMatricesSync(DENSE, spec(weights, 'denseBasis', denseBasis)), false);
}

/**
 * Residual mass ρ_i = ‖(I − P_M) w_i‖² / ‖w_i‖² (docs/science/feature-decoupling.md §1.6 metric 3): the share of each
 * neuron outside span(M). A random direction gives 1 − d/d1; a learned atom gives ≈ 0.
 *
 * @param weights    [m, d1] one row per neuron
 * @param dictionary [d1, d] the atoms M
 */
export async function residualMass(weights: MatrixInput, dictionary: MatrixInput): Promise<MassResult> {
  return shares(await readMatrices(RESIDUAL, spec(weights, 'dictionary', dictionary)), true);
}

/** Synchronous `residualMass`. */
export function residualMassSync(weights: MatrixInput, dictionary: MatrixInput): MassResult {
  return shares(readMatricesSync(RESIDUAL, spec(weights, 'dictionary', dictionary)), true);
}
