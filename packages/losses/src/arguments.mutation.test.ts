// Every loss names the right argument in its errors (each position of each loss gets the NaN), the
// shared checks' exact fields and boundaries, l2Normalize's arguments, and supConLoss's input
// handling (labels of every accepted kind, rank > 3 features, non-float features, the error texts).
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, setChecks } from '@contrastive/core';
import { afterEach, describe, expect, it } from 'vitest';
import { alignmentLoss } from './alignment';
import { barlowTwinsLoss } from './barlow-twins';
import { byolLoss } from './byol';
import { checkEmbeddings, checkScale } from './checks';
import { cosineSimilarity } from './cosine-similarity';
import { infoNCELoss } from './info-nce';
import { l2Normalize } from './l2-normalize';
import { ntXentLoss } from './nt-xent';
import { simSiamLoss } from './sim-siam';
import { supConLoss } from './sup-con';
import { vicRegLoss } from './vic-reg';

function messageOf(f: () => unknown): string {
  try {
    tf.tidy(f as () => tf.Tensor);
  } catch (e) {
    return (e as Error).message;
  }
  return 'ok';
}
const good = () => tf.tensor2d([1, 2, -1, 0.5, 0.25, -2], [3, 2]) as tf.Tensor2D;
const withNaN = () => tf.tensor2d([1, 2, -1, Number.NaN, 0.25, -2], [3, 2]) as tf.Tensor2D;

afterEach(() => setChecks({ finite: true }));

describe('each argument is named in the error', () => {
  const cases: Array<[string, string[], (xs: tf.Tensor2D[]) => unknown]> = [
    ['infoNCELoss', ['a', 'b'], ([a, b]) => infoNCELoss(a!, b!)],
    ['ntXentLoss', ['a', 'b'], ([a, b]) => ntXentLoss(a!, b!)],
    ['barlowTwinsLoss', ['a', 'b'], ([a, b]) => barlowTwinsLoss(a!, b!)],
    ['vicRegLoss', ['a', 'b'], ([a, b]) => vicRegLoss(a!, b!)],
    ['alignmentLoss', ['a', 'b'], ([a, b]) => alignmentLoss(a!, b!)],
    ['cosineSimilarity', ['a', 'b'], ([a, b]) => cosineSimilarity(a!, b!)],
    ['simSiamLoss', ['p1', 'z1', 'p2', 'z2'], ([p1, z1, p2, z2]) => simSiamLoss(p1!, z1!, p2!, z2!)],
    ['byolLoss', ['q1', 't2', 'q2', 't1'], ([q1, t2, q2, t1]) => byolLoss(q1!, t2!, q2!, t1!)],
  ];
  for (const [op, names, call] of cases) {
    it(op, () => {
      names.forEach((name, k) => {
        const m = messageOf(() => call(names.map((_, j) => (j === k ? withNaN() : good()))));
        expect(m).toBe(`${op}: '${name}' contains NaN at flat index 3; all values must be finite`);
      });
      expect(messageOf(() => call(names.map(() => good())))).toBe('ok');
    });
  }

  it('cosineSimilarity, byolLoss and simSiamLoss refuse norms that overflow: max|x|²·dim > 1e38, naming the input', () => {
    const rows = (m: number) => tf.tensor2d([m, 0, 0, -m], [2, 2]) as tf.Tensor2D;
    const at = (f: number) => Math.sqrt((f * 1e38) / 2);
    const fix = 'rescale the features';
    const msg = (op: string, arg: string, m: number) =>
      `${op}: '${arg}' has entries up to ${m.toPrecision(3)}: the squared norms could reach ${(m * m * 2).toPrecision(3)}, beyond float32 (3.4e38), so the loss would be NaN or Infinity; ${fix}`;
    expect(messageOf(() => cosineSimilarity(rows(1), rows(at(0.9))))).toBe('ok');
    expect(messageOf(() => cosineSimilarity(rows(1), rows(at(1.1))))).toBe(msg('cosineSimilarity', 'b', at(1.1)));
    expect(messageOf(() => byolLoss(rows(1), rows(1), rows(at(1.1)), rows(1)))).toBe(msg('byolLoss', 'q2', at(1.1)));
    expect(messageOf(() => simSiamLoss(rows(1), rows(1), rows(1), rows(at(1.1))))).toBe(msg('simSiamLoss', 'z2', at(1.1)));
  });
});

describe('cosineSimilarity eps', () => {
  it('must be > 0', () => {
    const a = good();
    expect(messageOf(() => cosineSimilarity(a, a, 0))).toBe(
      "cosineSimilarity: invalid argument 'eps': expected a finite number > 0, got 0",
    );
    expect(messageOf(() => cosineSimilarity(a, a, 1e-30))).toBe('ok');
    a.dispose();
  });
});

describe('shared checks', () => {
  it('checkEmbeddings: maxAbs per input, undefined when the scan is off; batch = minBatch is enough', () => {
    const a = tf.tensor2d([1, -3], [2, 1]);
    const b = tf.tensor2d([0.5, 2], [2, 1]);
    expect(
      checkEmbeddings(
        'op',
        [
          ['a', a],
          ['b', b],
        ],
        2,
      ),
    ).toEqual({ batch: 2, dim: 1, maxAbs: [3, 2] });
    setChecks({ finite: false });
    expect(checkEmbeddings('op', [['a', a]])).toEqual({ batch: 2, dim: 1, maxAbs: undefined });
    setChecks({ finite: true });
    const e = (() => {
      try {
        checkEmbeddings('op', [['x', a]], 3);
      } catch (err) {
        return err as InvalidArgumentError;
      }
      throw new Error('did not throw');
    })();
    expect([e.argument, e.expected, e.actual]).toEqual(['x', 'at least 3 rows (batch ≥ 3)', [2, 1]]);
    tf.dispose([a, b]);
  });

  it('checkScale: a bound of exactly 1e38 passes, anything above throws; nothing is checked without a scan', () => {
    expect(() => checkScale('op', 'x', 1, 1e38, 'w', 'f')).not.toThrow();
    expect(() => checkScale('op', 'x', undefined, 1e39, 'w', 'f')).not.toThrow();
    const e = (() => {
      try {
        checkScale('op', 'x', 2, 1.0000001e38, 'the thing', 'fix it');
      } catch (err) {
        return err as InvalidArgumentError;
      }
      throw new Error('did not throw');
    })();
    expect(e.message).toBe(
      "op: 'x' has entries up to 2.00: the thing could reach 1.00e+38, beyond float32 (3.4e38), so the loss would be NaN or Infinity; fix it",
    );
    expect([e.argument, e.expected, e.actual]).toEqual([
      'x',
      'entries small enough that the thing stays within float32 (≤ 1e+38)',
      'max |x| = 2.00',
    ]);
  });
});

describe('l2Normalize', () => {
  it('normalises the last axis by default at any rank, or the axis given', () => {
    const x = tf.tensor3d([3, 4, 0, 5, 6, 8, 0, 0], [2, 2, 2]);
    const last = Array.from(l2Normalize(x).dataSync());
    [0.6, 0.8, 0, 1, 0.6, 0.8, 0, 0].forEach((v, i) => expect(last[i]).toBeCloseTo(v, 6));
    const y = l2Normalize(x, 1);
    // Along axis 1: (3, 0) → (1, 0), (4, 5) → (4, 5)/√41, (6, 0) → (1, 0), (8, 0) → (1, 0).
    expect(y.arraySync()[0]![1]![1]).toBeCloseTo(5 / Math.sqrt(41), 6);
    expect(y.arraySync()[1]![0]).toEqual([1, 1]);
    tf.dispose([x, y]);
  });

  it('refuses a scalar, a fractional or out-of-range axis and eps ≤ 0', () => {
    const s = tf.scalar(1);
    expect(messageOf(() => l2Normalize(s))).toBe(
      "l2Normalize: invalid argument 'x': expected a tensor of rank ≥ 1, got float32 tensor of shape []",
    );
    s.dispose();
    const x = tf.ones([2, 2]);
    expect(messageOf(() => l2Normalize(x, 0.5))).toBe("l2Normalize: invalid argument 'axis': expected an integer ≥ -2 ≤ 1, got 0.5");
    expect(messageOf(() => l2Normalize(x, 2))).toBe("l2Normalize: invalid argument 'axis': expected an integer ≥ -2 ≤ 1, got 2");
    expect(messageOf(() => l2Normalize(x, -1, 0))).toBe("l2Normalize: invalid argument 'eps': expected a finite number > 0, got 0");
    expect(messageOf(() => l2Normalize(x, -1, 1e-30))).toBe('ok');
    expect(messageOf(() => l2Normalize([1, 2] as never))).toBe("l2Normalize: invalid argument 'x': expected a tf.Tensor, got [1,2]");
    x.dispose();
  });
});

describe('infoNCELoss: similarity and normalize', () => {
  it('normalize alone is accepted either way; a contradiction names both', () => {
    const a = good();
    expect(messageOf(() => infoNCELoss(a, a, { normalize: true }))).toBe('ok');
    expect(messageOf(() => infoNCELoss(a, a, { normalize: false }))).toBe('ok');
    expect(messageOf(() => infoNCELoss(a, a, { similarity: 'dot', normalize: false }))).toBe('ok');
    expect(messageOf(() => infoNCELoss(a, a, { similarity: 'dot', normalize: true }))).toBe(
      "infoNCELoss: options.normalize = true contradicts options.similarity = 'dot' ('cosine' normalises, 'dot' does not)",
    );
    try {
      infoNCELoss(a, a, { similarity: 'cosine', normalize: false });
    } catch (e) {
      const err = e as InvalidArgumentError;
      expect([err.argument, err.expected, err.actual]).toEqual(['options.normalize', "true with similarity 'cosine'", false]);
    }
    expect(messageOf(() => infoNCELoss(a, a, { similarity: 'cosine', normalize: false }))).toMatch(/contradicts/);
    a.dispose();
  });
});

describe('supConLoss inputs', () => {
  const features = () => tf.tensor3d([1, 0, 0, 1, 0.6, 0.8, 0.8, 0.6, -1, 0, 0, -1, 0.3, 0.4, 1, 1], [4, 2, 2]);
  const value = (f: () => tf.Scalar) => tf.tidy(() => f().dataSync()[0]!);

  it('labels as an array, a typed array or a tensor give the same loss; strings and DataViews are refused', () => {
    const ref = value(() => supConLoss(features(), { labels: [0, 1, 0, 1] }));
    expect(value(() => supConLoss(features(), { labels: Int32Array.from([0, 1, 0, 1]) }))).toBe(ref);
    expect(value(() => supConLoss(features(), { labels: tf.tensor1d([0, 1, 0, 1], 'int32') }))).toBe(ref);
    expect(messageOf(() => supConLoss(features(), { labels: 'abcd' as never }))).toBe(
      `supConLoss: invalid argument 'options.labels': expected a tf.Tensor or an array of numbers (got "abcd")`,
    );
    expect(messageOf(() => supConLoss(features(), { labels: new DataView(new ArrayBuffer(4)) as never }))).toMatch(
      /^supConLoss: invalid argument 'options.labels': expected a tf.Tensor or an array of numbers/,
    );
  });

  it('labels: rank, length and finiteness errors name options.labels', () => {
    const err = (labels: unknown) => {
      try {
        tf.tidy(() => supConLoss(features(), { labels: labels as never }));
      } catch (e) {
        return e as InvalidArgumentError;
      }
      throw new Error('did not throw');
    };
    const r2 = err(tf.tensor2d([0, 1, 0, 1], [4, 1]));
    expect([r2.argument, r2.expected]).toEqual(['options.labels', '[4]']);
    const short = err([0, 1, 0]);
    expect([short.argument, short.expected, short.actual]).toEqual(['options.labels', '[4] (one label per sample)', [3]]);
    expect(short.message).toBe("supConLoss: 'options.labels' has 3 entries but 'features' has batch = 4");
    expect(err([0, 1, Number.NaN, 1]).message).toBe("supConLoss: 'options.labels' contains NaN at flat index 2; all values must be finite");
  });

  it('mask: non-finite and negative weights (also at [0, 0]) name options.mask', () => {
    const withMask = (v: number[]) => messageOf(() => supConLoss(features(), { mask: tf.tensor2d(v, [4, 4]) }));
    const eye = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    expect(withMask(eye)).toBe('ok');
    expect(withMask([-1, ...eye.slice(1)])).toBe("supConLoss: 'options.mask' has a negative weight -1 at [0, 0]; mask weights must be ≥ 0");
    expect(withMask([Number.NaN, ...eye.slice(1)])).toBe(
      "supConLoss: 'options.mask' contains NaN at flat index 0; all values must be finite",
    );
    try {
      tf.tidy(() => supConLoss(features(), { mask: tf.tensor2d([...eye.slice(0, 5), -0.5, ...eye.slice(6)], [4, 4]) }));
    } catch (e) {
      const err = e as InvalidArgumentError;
      expect([err.argument, err.expected, err.actual]).toEqual(['options.mask', 'non-negative weights', -0.5]);
    }
    expect(messageOf(() => supConLoss(features(), { labels: [0, 1, 0, 1], mask: tf.tensor2d(eye, [4, 4]) }))).toBe(
      "supConLoss: cannot define both 'options.labels' and 'options.mask' (the reference raises the same error)",
    );
  });

  it('features: names and shapes in the errors; rank > 3 is flattened; integer features are cast', () => {
    expect(messageOf(() => supConLoss(tf.ones([4, 2]) as never))).toBe(
      "supConLoss: 'features' must be rank 3 [batch, views, dim], got rank 2 [4, 2]",
    );
    expect(messageOf(() => supConLoss(tf.ones([1, 1, 2]) as tf.Tensor3D))).toBe(
      "supConLoss: 'features' has shape [1, 1, 2]: batch·views must be ≥ 2",
    );
    const nan = tf.tensor3d([1, Number.NaN, 0, 1], [2, 1, 2]);
    expect(messageOf(() => supConLoss(nan))).toBe("supConLoss: 'features' contains NaN at flat index 1; all values must be finite");
    const flat = value(() => supConLoss(features(), { labels: [0, 1, 0, 1] }));
    expect(value(() => supConLoss(tf.reshape(features(), [4, 2, 2, 1]) as unknown as tf.Tensor3D, { labels: [0, 1, 0, 1] }))).toBe(flat);
    const ints = [1, 0, 0, 2, 3, 1, 1, 1, -1, 0, 0, -2, 2, 1, 1, 3];
    expect(value(() => supConLoss(tf.tensor3d(ints, [4, 2, 2], 'int32'), { labels: [0, 1, 0, 1] }))).toBe(
      value(() => supConLoss(tf.tensor3d(ints, [4, 2, 2], 'float32'), { labels: [0, 1, 0, 1] })),
    );
    nan.dispose();
  });
});
