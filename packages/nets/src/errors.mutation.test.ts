// Every error of the non-convolutional networks and of the shared helpers (serialization.ts,
// from-json.ts, ema.ts, direct-predictor.ts, mlp.ts, tree-network.ts, symmetric-relu.ts,
// linear-predictor.ts), with its full message written out by hand: op, argument, expected, actual.
import * as tf from '@tensorflow/tfjs-core';
import {
  ContrastiveError,
  InvalidArgumentError,
  type Network,
  type NetworkJSON,
  NonFiniteValueError,
  ShapeMismatchError,
} from '@contrastive/core';
import { messageOf } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { directPredictor, directPredictorFromJSON } from './direct-predictor';
import { ema } from './ema';
import { cloneNetwork, fromJSON, networkTypes, registerNetworkType } from './from-json';
import { linearPredictor, linearPredictorFromJSON } from './linear-predictor';
import { mlp, mlpFromJSON } from './mlp';
import { readWeight, uniqueVariableName } from './serialization';
import { symmetricRelu, symmetricReluFromJSON } from './symmetric-relu';
import { treeNetwork, treeNetworkFromJSON } from './tree-network';

let counter = 0;
const uid = (base: string) => `${base}-errmut${counter++}`;

const builtIns = "'symmetricRelu', 'mlp', 'linearPredictor', 'directPredictor', 'treeNetwork', 'convNet', 'resNet'";

describe('serialization helpers', () => {
  it('uniqueVariableName appends _1, _2, … to a taken name', () => {
    const base = uid('uvn');
    expect(uniqueVariableName(base)).toBe(base);
    const a = tf.variable(tf.scalar(1), false, base);
    expect(uniqueVariableName(base)).toBe(`${base}_1`);
    const b = tf.variable(tf.scalar(1), false, `${base}_1`);
    expect(uniqueVariableName(base)).toBe(`${base}_2`);
    tf.dispose([a, b]);
    expect(uniqueVariableName(base)).toBe(base);
  });

  it('readWeight: missing, malformed, wrong shape, wrong count, non-finite', () => {
    const json = (w: unknown) => ({ type: 't', config: {}, weights: { W: w } }) as unknown as NetworkJSON;
    expect(messageOf(() => readWeight('op', json(undefined), 'W', [2, 3]))).toBe(
      "op: invalid argument 'json.weights.W': expected { shape: [2, 3], values: number[] }, got undefined",
    );
    expect(messageOf(() => readWeight('op', { type: 't', config: {} } as NetworkJSON, 'W', [2]))).toMatch(
      /'json\.weights\.W'.*got undefined$/,
    );
    expect(messageOf(() => readWeight('op', json({ shape: 2, values: [] }), 'W', [2]))).toMatch(
      /^op: invalid argument 'json\.weights\.W': expected \{/,
    );
    expect(messageOf(() => readWeight('op', json({ shape: [2], values: 'x' }), 'W', [2]))).toMatch(
      /^op: invalid argument 'json\.weights\.W': expected \{/,
    );
    expect(() => readWeight('op', json({ shape: [3, 2], values: [1, 2, 3, 4, 5, 6] }), 'W', [2, 3])).toThrow(ShapeMismatchError);
    expect(messageOf(() => readWeight('op', json({ shape: [3, 2], values: [1, 2, 3, 4, 5, 6] }), 'W', [2, 3]))).toBe(
      "op: 'json.weights.W' must have shape [2, 3], got [3, 2]",
    );
    expect(messageOf(() => readWeight('op', json({ shape: [2, 3, 1], values: [1, 2, 3, 4, 5, 6] }), 'W', [2, 3]))).toBe(
      "op: 'json.weights.W' must have shape [2, 3], got [2, 3, 1]",
    );
    expect(messageOf(() => readWeight('op', json({ shape: [2, 3], values: [1, 2, 3, 4, 5] }), 'W', [2, 3]))).toBe(
      'op: invalid argument \'json.weights.W.values\': expected 6 numbers, got "5 numbers"',
    );
    expect(messageOf(() => readWeight('op', json({ shape: [3], values: [1, Number.NaN, 3] }), 'W', [3]))).toBe(
      "op: invalid argument 'json.weights.W.values[1]': expected a finite number, got NaN",
    );
    // Beyond float32 is Infinity once stored: also rejected.
    expect(messageOf(() => readWeight('op', json({ shape: [2], values: [1, 1e39] }), 'W', [2]))).toBe(
      "op: invalid argument 'json.weights.W.values[1]': expected a finite number, got 1e+39",
    );
    expect(readWeight('op', json({ shape: [2], values: [0.1, -2] }), 'W', [2])).toEqual(Float32Array.from([0.1, -2]));
  });
});

describe('fromJSON / registerNetworkType / cloneNetwork', () => {
  it('fromJSON names a missing json, an unknown type and a missing config', () => {
    for (const bad of [null, undefined, 3, 'mlp']) {
      expect(messageOf(() => fromJSON(bad as never))).toBe(
        `fromJSON: invalid argument 'json': expected a NetworkJSON object, got ${bad === undefined ? 'undefined' : JSON.stringify(bad)}`,
      );
    }
    const unknown = messageOf(() => fromJSON({ type: 7 as never, config: {}, weights: {} }));
    expect(unknown.startsWith(`fromJSON: invalid argument 'json.type': expected one of ${builtIns}`)).toBe(true);
    expect(
      unknown.endsWith(
        " (for another type, register a reader with registerNetworkType(type, (json) => network) from '@contrastive/nets'), got 7",
      ),
    ).toBe(true);
    expect(messageOf(() => fromJSON({ type: 'mlp', weights: {} } as never))).toBe(
      "fromJSON: invalid argument 'json.config': expected an object, got undefined",
    );
    expect(messageOf(() => fromJSON({ type: 'mlp', config: 'x', weights: {} } as never))).toBe(
      'fromJSON: invalid argument \'json.config\': expected an object, got "x"',
    );
    expect(networkTypes.slice(0, 7)).toEqual([
      'symmetricRelu',
      'mlp',
      'linearPredictor',
      'directPredictor',
      'treeNetwork',
      'convNet',
      'resNet',
    ]);
  });

  it('registerNetworkType names the argument and lists the built-in types', () => {
    const reader = (json: NetworkJSON) => fromJSON({ ...json, type: 'mlp' });
    expect(messageOf(() => registerNetworkType('', reader))).toBe(
      'registerNetworkType: invalid argument \'type\': expected a non-empty string, got ""',
    );
    expect(messageOf(() => registerNetworkType(3 as never, reader))).toBe(
      "registerNetworkType: invalid argument 'type': expected a non-empty string, got 3",
    );
    expect(messageOf(() => registerNetworkType('convNet', reader))).toBe(
      `registerNetworkType: invalid argument 'type': expected a type other than the built-in ${builtIns}, got "convNet"`,
    );
    const type = uid('aliasMlp');
    expect(messageOf(() => registerNetworkType(type, 'f' as never))).toBe(
      'registerNetworkType: invalid argument \'reader\': expected a function (json: NetworkJSON) => Network, got "f"',
    );
    // (No type is registered here: under StrykerJS the test files share one module graph, and
    // from-json.test.ts compares `networkTypes` with the built-in types; it tests registration.)
    expect(networkTypes).not.toContain(type);
  });

  it('cloneNetwork names a bad net and a bad name; renames through the config', () => {
    expect(messageOf(() => cloneNetwork(null as never))).toBe(
      "cloneNetwork: invalid argument 'net': expected a Network with clone() or toJSON(), got null",
    );
    expect(messageOf(() => cloneNetwork({ name: 'x' } as never))).toBe(
      'cloneNetwork: invalid argument \'net\': expected a Network with clone() or toJSON(), got {"name":"x"}',
    );
    const net = mlp({ inputDim: 2, outputDim: 1, name: uid('cl') });
    for (const bad of ['', 5]) {
      expect(messageOf(() => cloneNetwork(net, bad as never))).toBe(
        `cloneNetwork: invalid argument 'name': expected a non-empty string, got ${JSON.stringify(bad)}`,
      );
    }
    const renamed = cloneNetwork(net, 'renamed-clone');
    expect(renamed.name).toBe('renamed-clone');
    expect(renamed.toJSON().config).toEqual({ ...net.toJSON().config, name: 'renamed-clone' });
    // Only toJSON, of an unknown type: the message says how to fix it.
    const odd = { name: 'odd', toJSON: () => ({ type: 'oddType', config: {}, weights: {} }) } as unknown as Network;
    const m = messageOf(() => cloneNetwork(odd));
    expect(m).toBe(
      "cloneNetwork: cannot copy network 'odd' of type 'oddType': give it a clone(name?) method, or register a reader with " +
        "registerNetworkType(type, (json) => network) from '@contrastive/nets'. Registered types: " +
        networkTypes.map((t) => `'${t}'`).join(', '),
    );
    // Only clone(): used (no toJSON needed).
    const cloned = { name: 'c', clone: (n?: string) => ({ name: n ?? 'c-copy' }) } as unknown as Network;
    expect(cloneNetwork(cloned, 'c2').name).toBe('c2');
    net.dispose();
    renamed.dispose();
  });
});

describe('ema errors', () => {
  const fake = (name: string, ...shapes: number[][]) =>
    ({ name, variables: shapes.map((s) => tf.variable(tf.zeros(s), true, uid(name))) }) as unknown as Network;

  it('names target/online, the counts, and the first mismatched variable (rank or size)', () => {
    expect(messageOf(() => ema(null as never, fake('o', [2]), 0.5))).toBe("ema: invalid argument 'target': expected a Network, got null");
    const t = fake('t', [2], [3]);
    expect(messageOf(() => ema(t, { variables: 'x' } as never, 0.5))).toBe(
      'ema: invalid argument \'online\': expected a Network, got {"variables":"x"}',
    );
    expect(messageOf(() => ema(t, t, -0.1))).toMatch(/^ema: invalid argument 'momentum'/);
    const short = fake('s', [2]);
    expect(messageOf(() => ema(t, short, 0.5))).toBe(
      "ema: invalid argument 'online': expected 2 variables (as target 't'), got \"1 variables in 's'\"",
    );
    const rank = fake('r', [2], [3, 1]);
    expect(() => ema(t, rank, 0.5)).toThrow(ShapeMismatchError);
    expect(messageOf(() => ema(t, rank, 0.5))).toBe(
      `ema: variable 1 of online 'r' has shape [3, 1] but the target's ('${t.variables[1]!.name}') is [3]`,
    );
    const size = fake('z', [2], [4]);
    expect(messageOf(() => ema(t, size, 0.5))).toMatch(/^ema: variable 1 of online 'z' has shape \[4\]/);
    // Nothing moved on error (the checks run before any update).
    const ones = fake('ones', [2], [4]);
    ones.variables.forEach((v) => v.assign(tf.onesLike(v)));
    expect(() => ema(fake('t2', [2], [3]), ones, 0.5)).toThrow(ShapeMismatchError);
    for (const n of [t, short, rank, size, ones]) tf.dispose(n.variables);
  });

  it('m = 0.25 moves three quarters of the way: ξ ← 0.25ξ + 0.75θ', () => {
    const t = fake('tm', [2]);
    const o = fake('om', [2]);
    o.variables[0]!.assign(tf.tensor1d([4, -8]));
    ema(t, o, 0.25);
    expect(Array.from(t.variables[0]!.dataSync())).toEqual([3, -6]);
    ema(t, o, 1);
    expect(Array.from(t.variables[0]!.dataSync())).toEqual([3, -6]);
    tf.dispose([...t.variables, ...o.variables]);
  });
});

describe('network error messages', () => {
  it('disposed networks say so for every method', () => {
    const name = uid('d');
    const nets: Array<[string, { dispose(): void }, Array<[string, (n: never) => unknown]>]> = [
      [
        'mlp',
        mlp({ inputDim: 2, outputDim: 2, name }),
        [
          ['apply', (n: { apply(x: tf.Tensor2D): unknown }) => n.apply(tf.zeros([1, 2]))],
          ['toJSON', (n: Network) => n.toJSON()],
          ['neuronWeights', (n: { neuronWeights(): unknown }) => n.neuronWeights()],
        ],
      ],
      [
        'symmetricRelu',
        symmetricRelu({ inputDim: 2, width: 2, name }),
        [
          ['apply', (n: Network) => n.apply(tf.zeros([1, 2]) as tf.Tensor2D)],
          ['toJSON', (n: Network) => n.toJSON()],
          ['neuronWeights', (n: { neuronWeights(): unknown }) => n.neuronWeights()],
          ['onStep', (n: { onStep(a: number, b: number): void }) => n.onStep(0, 1)],
          ['afterUpdate', (n: { afterUpdate(): void }) => n.afterUpdate()],
          ['getState', (n: { getState(): unknown }) => n.getState()],
          ['setState', (n: { setState(s: unknown): void }) => n.setState({ threshold: 0 })],
        ],
      ],
      [
        'linearPredictor',
        linearPredictor({ dim: 2, name }),
        [
          ['apply', (n: Network) => n.apply(tf.zeros([1, 2]) as tf.Tensor2D)],
          ['toJSON', (n: Network) => n.toJSON()],
          ['predictorMatrix', (n: { predictorMatrix(): unknown }) => n.predictorMatrix()],
        ],
      ],
      [
        'directPredictor',
        directPredictor({ dim: 2, name }),
        [
          ['apply', (n: Network) => n.apply(tf.zeros([1, 2]) as tf.Tensor2D)],
          ['update', (n: { update(z: tf.Tensor2D): void }) => n.update(tf.zeros([1, 2]))],
          ['toJSON', (n: Network) => n.toJSON()],
          ['predictorMatrix', (n: { predictorMatrix(): unknown }) => n.predictorMatrix()],
          ['setState', (n: { setState(s: unknown): void }) => n.setState({})],
        ],
      ],
      [
        'treeNetwork',
        treeNetwork({ depth: 1, name }),
        [
          ['apply', (n: Network) => n.apply(tf.zeros([1, 2]) as tf.Tensor2D)],
          ['hiddenUnits', (n: { hiddenUnits(x: tf.Tensor2D): unknown }) => n.hiddenUnits(tf.zeros([1, 2]))],
          ['toJSON', (n: Network) => n.toJSON()],
        ],
      ],
    ];
    for (const [type, net, methods] of nets) {
      net.dispose();
      net.dispose(); // twice is fine
      for (const [method, call] of methods) {
        let error: unknown;
        try {
          tf.tidy(() => {
            call(net as never);
          });
        } catch (e) {
          error = e;
        }
        expect(ContrastiveError.isInstance(error), `${type}.${method}`).toBe(true);
        expect((error as Error).message).toBe(`${type}('${name}').${method}: the network has been disposed`);
      }
    }
  });

  it('fromJSON of each type checks json.type, naming the expected type', () => {
    const wrong = { type: 'other', config: {}, weights: {} } as NetworkJSON;
    for (const [type, read] of [
      ['mlp', mlpFromJSON],
      ['symmetricRelu', symmetricReluFromJSON],
      ['linearPredictor', linearPredictorFromJSON],
      ['directPredictor', directPredictorFromJSON],
      ['treeNetwork', treeNetworkFromJSON],
    ] as const) {
      expect(messageOf(() => read(wrong))).toBe(`fromJSON(${type}): invalid argument 'json.type': expected "${type}", got "other"`);
      expect(messageOf(() => read(undefined as never))).toBe(
        `fromJSON(${type}): invalid argument 'json.type': expected "${type}", got undefined`,
      );
    }
  });

  it('mlp: batch norm needs two rows (hidden BN or output BN); a single linear layer with batchNorm does not', () => {
    const name = uid('bn');
    const net = mlp({ inputDim: 2, hidden: [3], outputDim: 2, batchNorm: true, name });
    const one = tf.zeros([1, 2]) as tf.Tensor2D;
    expect(() => net.apply(one)).toThrow(InvalidArgumentError);
    expect(messageOf(() => net.apply(one))).toBe(
      `mlp('${name}').apply: invalid argument 'x': expected a batch of at least 2 rows (batch norm uses batch statistics), got "[1, 2]"`,
    );
    const out = mlp({ inputDim: 2, outputDim: 2, outputBatchNorm: true, name: uid('obn') });
    expect(messageOf(() => out.apply(one))).toMatch(/at least 2 rows/);
    const linear = mlp({ inputDim: 2, outputDim: 2, batchNorm: true, name: uid('lin') });
    const y = linear.apply(one);
    expect(y.shape).toEqual([1, 2]);
    const noBn = mlp({ inputDim: 2, hidden: [3], outputDim: 2, name: uid('nobn') });
    const y2 = noBn.apply(one);
    expect(y2.shape).toEqual([1, 2]);
    const two = tf.zeros([2, 2]) as tf.Tensor2D;
    const y3 = net.apply(two);
    expect(y3.shape).toEqual([2, 2]);
    tf.dispose([one, two, y, y2, y3]);
    [net, out, linear, noBn].forEach((n) => n.dispose());
  });

  it('treeNetwork: the size guard names depth, children and the node count, at its bound 2¹⁶', () => {
    // children 2: (2^L − 1) internal nodes; L = 16 gives 65535 ≤ 65536, L = 17 gives 131071.
    expect(messageOf(() => treeNetwork({ depth: 17, hid: 1 }))).toBe(
      'treeNetwork: invalid argument \'options.depth\': expected a tree of at most 65536 internal nodes, got "depth 17 with 2 children (131071 internal nodes)"',
    );
    // children 4^8: (4^9 − 1)/3 = 87381 > 65536; (4^8 − 1)/3 = 21845 fits.
    expect(messageOf(() => treeNetwork({ depth: 9, children: 4, hid: 1 }))).toMatch(/\(87381 internal nodes\)"$/);
    expect(messageOf(() => treeNetworkFromJSON({ type: 'treeNetwork', config: { depth: 17, hid: 1 }, weights: {} }))).toMatch(
      /^fromJSON\(treeNetwork\): invalid argument 'options\.depth'/,
    );
    // children 65536, depth 1: exactly 1 internal node; children = 2¹⁶ + 1, depth 2: 65538 nodes.
    const edge = (children: number, depth: number) => (children ** depth - 1) / (children - 1);
    expect(edge(2, 16)).toBe(65535);
    const big = treeNetwork({ depth: 1, children: 3, hid: 1, name: uid('t') });
    expect(big.numInternalNodes).toBe(1);
    big.dispose();
  });

  it('directPredictor: a non-finite batch and each state field of the wrong length', () => {
    const name = uid('dp');
    const net = directPredictor({ dim: 2, name });
    const inf = tf.tensor2d([[1e30, 1e30]]);
    expect(() => net.update(inf)).toThrow(NonFiniteValueError);
    expect(messageOf(() => net.update(inf))).toBe(
      `directPredictor('${name}').update: 'z' gives a non-finite correlation (z contains NaN/Infinity or overflows)`,
    );
    expect(net.correlation()).toBeNull();
    const ok = { correlation: [1, 0, 0, 1], predictor: [1, 0, 0, 1], eigenvalues: [1, 1], p: [1, 1], updates: 3 };
    for (const [key, value, n] of [
      ['correlation', [1, 0, 0], 3],
      ['predictor', [1], 1],
      ['eigenvalues', [1, 1, 1], 3],
      ['p', [1], 1],
    ] as const) {
      expect(messageOf(() => net.setState({ ...ok, [key]: value }))).toBe(
        `directPredictor('${name}').setState: invalid argument 'state.${key}': expected ${key === 'correlation' || key === 'predictor' ? 4 : 2} numbers (dim = 2), got "${n} numbers"`,
      );
    }
    expect(net.updates).toBe(0);
    net.setState(ok);
    expect(net.updates).toBe(3);
    net.setState({ ...ok, correlation: null, eigenvalues: null, p: null, updates: 0 });
    expect(net.correlation()).toBeNull();
    expect(net.spectrum()).toBeNull();
    inf.dispose();
    net.dispose();
  });

  it('symmetricRelu onStep names step and totalSteps', () => {
    const name = uid('sr');
    const net = symmetricRelu({ inputDim: 2, width: 2, name });
    expect(messageOf(() => net.onStep(1.5, 10))).toMatch(new RegExp(`^symmetricRelu\\('${name}'\\)\\.onStep: invalid argument 'step'`));
    expect(messageOf(() => net.onStep(0, 0))).toMatch(new RegExp(`^symmetricRelu\\('${name}'\\)\\.onStep: invalid argument 'totalSteps'`));
    expect(messageOf(() => net.setState({ threshold: 'x' }))).toMatch(
      new RegExp(`^symmetricRelu\\('${name}'\\)\\.setState: invalid argument 'state\\.threshold'`),
    );
    net.dispose();
  });
});
