import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  type HasLabels,
  type HasLatentTree,
  type PairedDataModel,
  parseOptions,
  type Rng,
  type Sample,
  seedSchema,
} from '@contrastive/core';
import * as z from 'zod/mini';
import { checkAlive, checkBatchSize, invalidOption } from './model-utils';

const TWO_POW_32 = 4294967296;
/** Largest tree accepted (nodes), so a typo in `depth` gives an error, not an out-of-memory. */
const MAX_NODES = 1 << 20;

/** The options of `hltm(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const hltmOptionsSchema = z.strictObject({
  /** L: number of edges from the root to a leaf; there are children^L leaves. Default 5 (hltm.yaml). */
  depth: z._default(z.int().check(z.gte(1)), 5),
  /** Children per internal node (2 = binary tree, the reference default). */
  children: z._default(z.int().check(z.gte(2)), 2),
  /** Lower bound δ_l of the polarity magnitude |δ| ~ U[δ_l, δ_u]. Default 0.7 (hltm.yaml). */
  deltaLower: z._default(z.number().check(z.gte(0), z.lte(1)), 0.7),
  /** Upper bound δ_u of the polarity magnitude. Default 1. */
  deltaUpper: z._default(z.number().check(z.gte(0), z.lte(1)), 1),
  /** Seed of the polarities and of the model's own sampling stream. Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `hltm` (the input of its schema: a field with a default may be omitted). */
export type HltmOptions = z.input<typeof hltmOptionsSchema>;
/** The options of `hltm` with every default filled in (the augmentation's or model's `options`). */
export type HltmResolvedOptions = z.output<typeof hltmOptionsSchema>;

export interface HltmSample extends Sample {
  /** Leaf values (0/1 float) [batch, leaves], in breadth-first order. */
  x: tf.Tensor2D;
  /** Every node's value (0/1 float) [batch, nodes], breadth-first, root first, leaves last. */
  latents: tf.Tensor2D;
  /** Root value [batch], int32 0/1 (the class the positive pair shares). */
  root: tf.Tensor1D;
}

export interface HltmPair extends HltmSample {
  /** The positive view: leaves of a second tree sample sharing the root [batch, leaves]. */
  xPositive: tf.Tensor2D;
  /** All node values of the positive sample [batch, nodes]. */
  latentsPositive: tf.Tensor2D;
}

export interface HltmModel extends PairedDataModel<HltmSample, HltmPair>, HasLatentTree, HasLabels {
  /** Always `hltm`. */
  readonly name: 'hltm';
  /** 'root': the root value is the class a positive pair shares (for probes). */
  readonly labelKey: 'root';
  /** Resolved options (defaults applied). */
  readonly options: HltmResolvedOptions;
  /** Number of leaves (= dimension of x). */
  readonly inputDim: number;
  /** Levels of the tree below the root (L). */
  readonly depth: number;
  /** Children per node (c). */
  readonly children: number;
  /** Total nodes, root and leaves included: (c^{L+1} − 1)/(c − 1). */
  readonly numNodes: number;
  /** Number of leaves c^L. */
  readonly numLeaves: number;
  /** Index of the first leaf in breadth-first order (leaves are numNodes − numLeaves … numNodes − 1). */
  readonly leafOffset: number;
  /**
   * Level l (distance from the root; 0 = root, L = leaves) holds nodes levelOffsets[l] …
   * levelOffsets[l+1] − 1. The reference code's `depth` of a node (its height, leaves 0) is L − l.
   */
  readonly levelOffsets: readonly number[];
  /** Fresh copy [nodes]: polarity δ of the edge parent(i) → i; entry 0 (the root) is 0. */
  polarities(): Float64Array;
  /** Fresh copy [nodes]: parent index of each node (−1 for the root). Children of i are c·i+1 … c·i+c. */
  parents(): Int32Array;
  /** Fresh copy [nodes]: level (distance from the root) of each node. */
  nodeLevels(): Int32Array;
  /** Draws `batchSize` independent trees: per sample, the root bit then every node top-down. */
  sample(batchSize: number, rng?: Rng): HltmSample;
  /**
   * Positive pairs (docs/science/hltm.md §4.2): per sample, one root bit shared by both trees, then every
   * other node of the first tree, then every other node of the second, each drawn independently.
   */
  samplePair(batchSize: number, rng?: Rng): HltmPair;
}

/**
 * The hierarchical latent tree model of Tian et al. 2020 (docs/science/hltm.md §4.2; luckmatters
 * `ssl/hltm/simCLR_hltm.py`): a complete c-ary tree of binary latents. Each edge has a polarity
 * δ = ±U[δ_l, δ_u] (random sign) and P(child = parent) = (1 + δ)/2; the root is uniform; the
 * observation is the vector of leaf values in breadth-first order. Nodes are numbered
 * breadth-first (root 0, children of i are c·i+1 … c·i+c).
 */
export function hltm(options: HltmOptions = {}): HltmModel {
  const op = 'hltm';
  const o = parseOptions(op, hltmOptionsSchema, options);
  const { depth: L, children: c } = o;
  if (o.deltaLower > o.deltaUpper) invalidOption(op, 'deltaLower', `≤ deltaUpper (${o.deltaUpper})`, o.deltaLower);
  const levelOffsets = [0];
  for (let l = 0, width = 1; l <= L; l++, width *= c) {
    levelOffsets.push(levelOffsets[l]! + width);
    if (levelOffsets[l + 1]! > MAX_NODES) {
      invalidOption(op, 'depth', `a tree of at most ${MAX_NODES} nodes (children^depth leaves)`, L);
    }
  }
  const numNodes = levelOffsets[L + 1]!;
  const leafOffset = levelOffsets[L]!;
  const numLeaves = numNodes - leafOffset;

  const parents = new Int32Array(numNodes);
  const levels = new Int32Array(numNodes);
  parents[0] = -1;
  for (let l = 1; l <= L; l++) {
    for (let i = levelOffsets[l]!; i < levelOffsets[l + 1]!; i++) {
      parents[i] = Math.floor((i - 1) / c);
      levels[i] = l;
    }
  }
  const polarities = new Float64Array(numNodes);
  const prng = createRng(o.seed).fork('polarities');
  for (let i = 1; i < numNodes; i++) {
    const magnitude = prng.uniform(o.deltaLower, o.deltaUpper);
    polarities[i] = prng.bernoulli(0.5) ? -magnitude : magnitude;
  }
  // P(child = parent) = (1 + δ)/2 as a uint32 threshold.
  const keep = new Float64Array(numNodes);
  for (let i = 1; i < numNodes; i++) keep[i] = ((1 + polarities[i]!) / 2) * TWO_POW_32;

  const own = createRng(o.seed).fork('samples');
  let disposed = false;

  /** Fills node values of one tree (given its root value) into `out` at `offset`. */
  const fillTree = (r: Rng, out: Float32Array, offset: number, root: number) => {
    out[offset] = root;
    for (let i = 1; i < numNodes; i++) {
      const parent = out[offset + parents[i]!]!;
      out[offset + i] = r.nextUint32() < keep[i]! ? parent : 1 - parent;
    }
  };
  const leavesOf = (latents: Float32Array, batchSize: number) => {
    const x = new Float32Array(batchSize * numLeaves);
    for (let b = 0; b < batchSize; b++) x.set(latents.subarray(b * numNodes + leafOffset, (b + 1) * numNodes), b * numLeaves);
    return x;
  };

  return {
    name: 'hltm',
    options: o,
    inputDim: numLeaves,
    depth: L,
    children: c,
    numNodes,
    numLeaves,
    leafOffset,
    labelKey: 'root',
    levelOffsets,
    polarities: () => polarities.slice(),
    parents: () => parents.slice(),
    nodeLevels: () => levels.slice(),
    sample(batchSize, rng) {
      checkAlive(`${op}.sample`, disposed);
      checkBatchSize(`${op}.sample`, batchSize);
      const r = rng ?? own;
      const latents = new Float32Array(batchSize * numNodes);
      const roots = new Int32Array(batchSize);
      for (let b = 0; b < batchSize; b++) {
        roots[b] = r.nextUint32() >>> 31;
        fillTree(r, latents, b * numNodes, roots[b]!);
      }
      return {
        x: tf.tensor2d(leavesOf(latents, batchSize), [batchSize, numLeaves]),
        latents: tf.tensor2d(latents, [batchSize, numNodes]),
        root: tf.tensor1d(roots, 'int32'),
      };
    },
    samplePair(batchSize, rng) {
      checkAlive(`${op}.samplePair`, disposed);
      checkBatchSize(`${op}.samplePair`, batchSize);
      const r = rng ?? own;
      const a = new Float32Array(batchSize * numNodes);
      const b2 = new Float32Array(batchSize * numNodes);
      const roots = new Int32Array(batchSize);
      for (let b = 0; b < batchSize; b++) {
        roots[b] = r.nextUint32() >>> 31;
        fillTree(r, a, b * numNodes, roots[b]!);
        fillTree(r, b2, b * numNodes, roots[b]!);
      }
      return {
        x: tf.tensor2d(leavesOf(a, batchSize), [batchSize, numLeaves]),
        xPositive: tf.tensor2d(leavesOf(b2, batchSize), [batchSize, numLeaves]),
        latents: tf.tensor2d(a, [batchSize, numNodes]),
        latentsPositive: tf.tensor2d(b2, [batchSize, numNodes]),
        root: tf.tensor1d(roots, 'int32'),
      };
    },
    dispose() {
      disposed = true;
    },
  };
}
