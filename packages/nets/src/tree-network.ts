import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  type HasHiddenUnits,
  InvalidArgumentError,
  matMul,
  type Network,
  type NetworkJSON,
  parseOptions,
  seedSchema,
} from '@contrastive/core';
import * as z from 'zod/mini';
import { checkAlive, checkInput, checkType, makeVariable, netLabel, readWeight, tensorToJSON } from './serialization';

const TYPE = 'treeNetwork';
/** Largest tree accepted (internal nodes), so a typo in `depth` gives an error, not an out-of-memory. */
const MAX_INTERNAL_NODES = 1 << 16;

/** The options of `treeNetwork(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const treeNetworkOptionsSchema = z.strictObject({
  /** L: edges from the root to a leaf, as the HLTM data model (children^L leaves = inputDim). Default 5. */
  depth: z._default(z.int().check(z.gte(1)), 5),
  /** Children per internal node, as the data model. Default 2. */
  children: z._default(z.int().check(z.gte(2)), 2),
  /** Units per internal node (luckmatters `hid`, the over-parameterisation). Default 10. */
  hid: z._default(z.int().check(z.positive()), 10),
  /** Output f = h_root/(‖h_root‖ + normEps) (luckmatters); false returns h_root. Default true. */
  normalizeOutput: z._default(z.boolean(), true),
  /** ε of the output normalisation. Default 1e-4 (luckmatters). */
  normEps: z._default(z.number().check(z.gte(0)), 1e-4),
  /** Seed of the initial weights (PyTorch Linear default: W, b ~ U(±1/sqrt(fan_in))). */
  seed: z._default(seedSchema, 0),
  /** Network name. Default 'treeNetwork'. */
  name: z._default(z.string().check(z.minLength(1)), TYPE),
});
/** Options of `treeNetwork` (the input of its schema: a field with a default may be omitted). */
export type TreeNetworkOptions = z.input<typeof treeNetworkOptionsSchema>;
type Resolved = z.output<typeof treeNetworkOptionsSchema>;

/** The HLTM network that mirrors the latent tree (see `treeNetwork`). */
export interface TreeNetwork extends Network, HasHiddenUnits {
  /** Levels of the mirrored latent tree. */
  readonly depth: number;
  /** Children per node. */
  readonly children: number;
  /** Hidden units per latent node. */
  readonly hid: number;
  /** Internal (latent) nodes: (c^L − 1)/(c − 1), breadth-first, root first (as the HLTM data model). */
  readonly numInternalNodes: number;
  /**
   * Pre-activations of every internal node μ: [batch, numInternalNodes·hid], node μ (breadth-first,
   * root 0) in columns μ·hid … (μ+1)·hid − 1, matching the data model's `latents` columns
   * 0 … numInternalNodes − 1 (for `hltmBestCorrelation` with `unitsPerNode: hid`).
   * @param x [batch, children^depth] leaf values
   */
  hiddenUnits(x: tf.Tensor2D): tf.Tensor2D;
}

/** Per level l = 0 (root) … L−1: nodes c^l, each a Linear(in_l → hid). */
function levelSpecs(o: Resolved): Array<{ level: number; nodes: number; fanIn: number }> {
  return Array.from({ length: o.depth }, (_, l) => ({
    level: l,
    nodes: o.children ** l,
    fanIn: l === o.depth - 1 ? o.children : o.children * o.hid,
  }));
}

class TreeNet implements TreeNetwork {
  readonly name: string;
  readonly inputDim: number;
  readonly outputDim: number;
  readonly depth: number;
  readonly children: number;
  readonly hid: number;
  readonly numInternalNodes: number;
  private readonly label: string;
  private readonly W: Array<tf.Variable<tf.Rank.R3>> = [];
  private readonly b: Array<tf.Variable<tf.Rank.R2>> = [];
  private disposed = false;

  constructor(
    private readonly config: Resolved,
    weights: Map<string, Float32Array>,
  ) {
    this.name = config.name;
    this.depth = config.depth;
    this.children = config.children;
    this.hid = config.hid;
    this.inputDim = config.children ** config.depth;
    this.outputDim = config.hid;
    this.numInternalNodes = (config.children ** config.depth - 1) / (config.children - 1);
    this.label = netLabel(TYPE, config.name);
    for (const s of levelSpecs(config)) {
      this.W.push(makeVariable(config.name, `level${s.level}/W`, weights.get(`level${s.level}/W`)!, [s.nodes, s.fanIn, config.hid]));
      this.b.push(makeVariable(config.name, `level${s.level}/b`, weights.get(`level${s.level}/b`)!, [s.nodes, config.hid]));
    }
  }

  get variables(): tf.Variable[] {
    return [...this.W, ...this.b];
  }

  /** Pre-activations per level, root (index 0) first, each [batch, c^l, hid]. Call inside a tidy. */
  private forward(x: tf.Tensor2D): tf.Tensor3D[] {
    const { depth: L, children: c, hid } = this;
    const batch = x.shape[0];
    const out: tf.Tensor3D[] = new Array<tf.Tensor3D>(L);
    let input: tf.Tensor3D = tf.reshape(x, [batch, c ** (L - 1), c]);
    for (let l = L - 1; l >= 0; l--) {
      const nodes = c ** l;
      // Node-wise products [nodes, batch, in] × [nodes, in, hid] (core matMul: plain products in the gradient too).
      const h = tf.add(matMul(tf.transpose(input, [1, 0, 2]) as tf.Tensor3D, this.W[l]!), tf.reshape(this.b[l]!, [nodes, 1, hid]));
      out[l] = tf.transpose(h as tf.Tensor3D, [1, 0, 2]);
      if (l > 0) input = tf.reshape(tf.relu(out[l]!), [batch, c ** (l - 1), c * hid]);
    }
    return out;
  }

  /**
   * @param x [batch, children^depth] leaf values (breadth-first, as the HLTM data model)
   * @returns [batch, hid] the root's pre-activation, L2-normalised unless `normalizeOutput: false`
   */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    checkAlive(this.label, 'apply', this.disposed);
    checkInput(this.label, x, this.inputDim);
    return tf.tidy(() => {
      const root = tf.reshape(this.forward(x)[0]!, [x.shape[0], this.hid]) as tf.Tensor2D;
      if (!this.config.normalizeOutput) return root;
      return tf.div(root, tf.add(tf.norm(root, 'euclidean', 1, true), this.config.normEps));
    });
  }

  hiddenUnits(x: tf.Tensor2D): tf.Tensor2D {
    checkAlive(this.label, 'hiddenUnits', this.disposed);
    checkInput(this.label, x, this.inputDim, 'hiddenUnits');
    return tf.tidy(() => {
      const levels = this.forward(x).map((h) => tf.reshape(h, [x.shape[0], h.shape[1] * this.hid]) as tf.Tensor2D);
      return tf.concat(levels, 1);
    });
  }

  toJSON(): NetworkJSON {
    checkAlive(this.label, 'toJSON', this.disposed);
    const weights: NetworkJSON['weights'] = {};
    levelSpecs(this.config).forEach((s) => {
      weights[`level${s.level}/W`] = tensorToJSON(this.W[s.level]!);
      weights[`level${s.level}/b`] = tensorToJSON(this.b[s.level]!);
    });
    return { type: TYPE, config: structuredClone(this.config) as unknown as Record<string, unknown>, weights };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.variables);
  }
}

function checkSize(op: string, o: Resolved): void {
  const internal = (o.children ** o.depth - 1) / (o.children - 1);
  if (internal > MAX_INTERNAL_NODES) {
    throw new InvalidArgumentError({
      op,
      argument: 'options.depth',
      expected: `a tree of at most ${MAX_INTERNAL_NODES} internal nodes`,
      actual: `depth ${o.depth} with ${o.children} children (${internal} internal nodes)`,
    });
  }
}

/**
 * The HLTM network of Tian et al. 2020 (docs/science/hltm.md §4.3; luckmatters `ssl/hltm`): it mirrors the
 * latent tree. Every internal node μ has its own Linear(in → hid) with bias; at the lowest
 * internal level its input is its c leaves, above it the concatenated ReLU outputs of its c
 * children's hid units. The output is the root's pre-activation, L2-normalised with ε.
 * Each level is one batched product over its nodes.
 *
 * @example const net = treeNetwork({ depth: 3, children: 2, hid: 10, seed: 0 }) // inputDim 8
 */
export function treeNetwork(options: TreeNetworkOptions = {}): TreeNetwork {
  const o = parseOptions(TYPE, treeNetworkOptionsSchema, options);
  checkSize(TYPE, o);
  const rng = createRng(o.seed).fork(`${TYPE}/${o.name}`);
  const weights = new Map<string, Float32Array>();
  for (const s of levelSpecs(o)) {
    const bound = 1 / Math.sqrt(s.fanIn);
    weights.set(`level${s.level}/W`, rng.fillUniform(new Float32Array(s.nodes * s.fanIn * o.hid), -bound, bound));
    weights.set(`level${s.level}/b`, rng.fillUniform(new Float32Array(s.nodes * o.hid), -bound, bound));
  }
  return new TreeNet(o, weights);
}

/** Rebuilds a tree network from `toJSON()` exactly. */
export function treeNetworkFromJSON(json: NetworkJSON): TreeNetwork {
  const op = `fromJSON(${TYPE})`;
  checkType(op, json, TYPE);
  const o = parseOptions(op, treeNetworkOptionsSchema, json.config, 'json.config');
  checkSize(op, o);
  const weights = new Map<string, Float32Array>();
  for (const s of levelSpecs(o)) {
    weights.set(`level${s.level}/W`, readWeight(op, json, `level${s.level}/W`, [s.nodes, s.fanIn, o.hid]));
    weights.set(`level${s.level}/b`, readWeight(op, json, `level${s.level}/b`, [s.nodes, o.hid]));
  }
  return new TreeNet(o, weights);
}
