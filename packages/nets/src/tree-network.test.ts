import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, type NetworkJSON, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectGradMatchesFiniteDiff, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { fromJSON } from './from-json';
import { treeNetwork, type TreeNetwork } from './tree-network';

let counter = 0;
const uid = (base: string) => `${base}${counter++}`;

/**
 * Float64 loop reference of luckmatters' HLTM net (docs/science/hltm.md §4.3): per internal node μ,
 * h_μ = W_μᵀ·concat(relu(h_children)) + b_μ (leaves: the raw leaf values). Returns per level
 * (root first) the pre-activations [batch][nodes][hid].
 */
function reference(json: NetworkJSON, x: number[][]): number[][][][] {
  const { depth: L, children: c, hid } = json.config as { depth: number; children: number; hid: number };
  const out: number[][][][] = new Array(L);
  let inputs = x.map((row) => Array.from({ length: c ** (L - 1) }, (_, k) => row.slice(k * c, (k + 1) * c)));
  for (let l = L - 1; l >= 0; l--) {
    const W = json.weights[`level${l}/W`]!.values;
    const b = json.weights[`level${l}/b`]!.values;
    const fanIn = l === L - 1 ? c : c * hid;
    out[l] = inputs.map((nodes) =>
      nodes.map((inp, k) =>
        Array.from({ length: hid }, (_, h) => inp.reduce((s, v, i) => s + v * W[(k * fanIn + i) * hid + h]!, b[k * hid + h]!)),
      ),
    );
    inputs = out[l]!.map((nodes) =>
      Array.from({ length: c ** (l - 1 < 0 ? 0 : l - 1) }, (_, k) =>
        nodes
          .slice(k * c, (k + 1) * c)
          .flat()
          .map((v) => Math.max(v, 0)),
      ),
    );
  }
  return out;
}

function leaves(seed: number, batch: number, n: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: batch }, () => Array.from({ length: n }, () => (rng.bernoulli(0.5) ? 1 : 0)));
}

describeBackends('treeNetwork', () => {
  it('forward equals the per-node loop reference; output is h_root/(‖h_root‖ + 1e-4)', () => {
    const net = treeNetwork({ depth: 3, children: 2, hid: 4, seed: 1, name: uid('t') });
    expect([net.inputDim, net.outputDim, net.numInternalNodes]).toEqual([8, 4, 7]);
    const xs = leaves(2, 5, 8);
    const x = tf.tensor2d(xs);
    const ref = reference(net.toJSON(), xs);
    const root = ref[0]!.map((nodes) => nodes[0]!);
    const y = net.apply(x);
    expectClose(
      y,
      root.flatMap((r) => r.map((v) => v / (Math.hypot(...r) + 1e-4))),
      { atol: 1e-5, rtol: 1e-5 },
    );
    // hiddenUnits: internal nodes breadth-first (root first), hid columns each.
    const hu = net.hiddenUnits(x);
    expect(hu.shape).toEqual([5, 7 * 4]);
    expectClose(hu, ref[0]!.map((_, r) => ref.flatMap((level) => level[r]!.flat())).flat(), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([x, y, hu]);
    net.dispose();
  });

  it('ternary tree of depth 2 also matches the reference; normalizeOutput false returns h_root', () => {
    const net = treeNetwork({ depth: 2, children: 3, hid: 2, normalizeOutput: false, seed: 3, name: uid('t3') });
    const xs = leaves(4, 3, 9);
    const x = tf.tensor2d(xs);
    const y = net.apply(x);
    expectClose(
      y,
      reference(net.toJSON(), xs)[0]!.flatMap((nodes) => nodes[0]!),
      { atol: 1e-5, rtol: 1e-5 },
    );
    tf.dispose([x, y]);
    net.dispose();
  });

  it('gradients: w.r.t. the input match finite differences; w.r.t. the weights match tfjs autograd of plain matMuls', () => {
    const net = treeNetwork({ depth: 2, children: 2, hid: 3, seed: 5, name: uid('g') });
    const x = tf.tensor2d(createRng(6).fillNormal(new Float32Array(4 * 4)), [4, 4]);
    const c = tf.tensor2d(createRng(7).fillNormal(new Float32Array(4 * 3)), [4, 3]);
    expectGradMatchesFiniteDiff((v) => tf.sum(tf.mul(net.apply(v as tf.Tensor2D), c)) as tf.Scalar, x, {
      eps: 1e-3,
      atol: 3e-3,
      rtol: 3e-2,
    });
    const [W0, W1, b0, b1] = net.variables as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    // The same network written with plain tf.matMul (autograd), per node.
    const plain = () => {
      const bottom = [0, 1].map((k) =>
        tf.relu(
          tf.add(
            tf.matMul(tf.slice(x, [0, 2 * k], [4, 2]), tf.squeeze(tf.slice(W1, [k, 0, 0], [1, 2, 3]), [0])),
            tf.slice(b1, [k, 0], [1, 3]),
          ),
        ),
      );
      const root = tf.add(tf.matMul(tf.concat(bottom, 1), tf.squeeze(W0, [0])), b0);
      const f = tf.div(root, tf.add(tf.norm(root, 'euclidean', 1, true), 1e-4));
      return tf.sum(tf.mul(f, c)) as tf.Scalar;
    };
    const a = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x), c)) as tf.Scalar);
    const b = tf.variableGrads(plain);
    expectClose(a.value, b.value, { atol: 1e-6, rtol: 1e-5 });
    for (const v of [W0, W1, b0, b1]) expectClose(a.grads[v.name]!, b.grads[v.name]!, { atol: 1e-6, rtol: 1e-4 });
    tf.dispose([x, c, a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
    net.dispose();
  });

  it('seeded PyTorch-style init U(±1/sqrt(fan_in)) is reproducible; JSON round trip is exact', () => {
    const a = treeNetwork({ depth: 3, hid: 5, seed: 8, name: uid('s') });
    const b = fromJSON(JSON.parse(JSON.stringify(a.toJSON())) as NetworkJSON) as TreeNetwork;
    expect(b.toJSON()).toEqual(a.toJSON());
    const w = a.toJSON().weights['level2/W']!.values; // fan_in = 2 leaves
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(2));
    const c = treeNetwork({ depth: 3, hid: 5, seed: 8, name: `${a.name}` });
    expect(c.toJSON().weights).toEqual(a.toJSON().weights);
    [a, b, c].forEach((n) => n.dispose());
  });

  it('leaks no tensors and rejects bad options and inputs', async () => {
    const net = treeNetwork({ depth: 2, hid: 2, name: uid('l') });
    const x = tf.tensor2d(leaves(1, 3, 4));
    await expectNoLeak(() => net.apply(x));
    await expectNoLeak(() => net.hiddenUnits(x));
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(net.apply(x)) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const bad = tf.zeros([3, 5]) as tf.Tensor2D;
    expect(() => net.apply(bad)).toThrow(ShapeMismatchError);
    expect(() => net.hiddenUnits(bad)).toThrow(/treeNetwork\('l\d+'\)\.hiddenUnits: 'x' must have shape \[batch, 4\]/);
    expect(() => treeNetwork({ depth: 30 })).toThrow(/options\.depth/);
    expect(() => treeNetwork({ children: 1 })).toThrow(InvalidArgumentError);
    expect(() => treeNetwork({ hid: Number.NaN })).toThrow(/options\.hid.*NaN/);
    tf.dispose([x, bad]);
    net.dispose();
  });
});
