// supervisedMethod: every refusal with its message written out by hand, the label checks at their
// edges (a fraction, a negative label, the first row, the class count), what the method exposes
// (name, networks, embed, dispose), and the loss against the cross-entropy baseline of Khosla et al.
// 2020 written out in float64: −(1/B) Σ_i log softmax(head(encoder(x_i)))[y_i].
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Network } from '@contrastive/core';
import { mlp } from '@contrastive/nets';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { linearNet } from '../testing/toy';
import { supervisedMethod } from './supervised';

const messageOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(InvalidArgumentError.isInstance(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  return 'ok';
};

describeBackends('supervisedMethod (mutation)', () => {
  it('refuses a missing encoder or head, a missing class count and a head that does not fit the encoder', () => {
    expect(messageOf(() => supervisedMethod({ encoder: undefined as never, numClasses: 2 }))).toBe(
      "supervisedMethod: invalid argument 'encoder': expected a Network, got undefined",
    );
    expect(messageOf(() => supervisedMethod({ encoder: {} as never, numClasses: 2 }))).toBe(
      "supervisedMethod: invalid argument 'encoder': expected a Network, got {}",
    );
    const encoder = linearNet(4, 3, 1, 'sv-enc');
    expect(messageOf(() => supervisedMethod({ encoder, head: {} as never }))).toBe(
      "supervisedMethod: invalid argument 'head': expected a Network, got {}",
    );
    expect(messageOf(() => supervisedMethod({ encoder, head: null as never }))).toBe(
      "supervisedMethod: invalid argument 'head': expected a Network, got null",
    );
    expect(messageOf(() => supervisedMethod({ encoder }))).toBe(
      "supervisedMethod: invalid argument 'numClasses': expected the number of classes (or a head network), got undefined",
    );
    const wide = linearNet(4, 2, 2, 'sv-head');
    expect(messageOf(() => supervisedMethod({ encoder, head: wide }))).toBe(
      "supervisedMethod: invalid argument 'head.inputDim': expected the encoder's outputDim 3, got 4",
    );
    wide.dispose();
    encoder.dispose();
  });

  it('labels: missing, fractional, negative (also in row 0) or ≥ the class count are refused by row', () => {
    const encoder = linearNet(4, 3, 1, 'sv-lab');
    const method = supervisedMethod({ encoder, numClasses: 3 });
    const x = tf.ones([3, 4]) as tf.Tensor2D;
    const lossWith = (labels?: number[]) =>
      messageOf(() => {
        const y = labels && tf.tensor1d(labels, 'float32');
        try {
          tf.dispose(method.loss([x], y ? { x, labels: y } : { x }, []));
        } finally {
          y?.dispose();
        }
      });
    expect(lossWith()).toBe(
      "supervisedMethod: invalid argument 'batch.labels': expected labels [batch] (a Dataset, or a data model whose samples carry 'labels'), got undefined",
    );
    expect(lossWith([0, 1.5, 2])).toBe("supervisedMethod: invalid argument 'batch.labels[1]': expected a class in 0..2, got 1.5");
    expect(lossWith([-1, 1, 2])).toBe("supervisedMethod: invalid argument 'batch.labels[0]': expected a class in 0..2, got -1");
    expect(lossWith([0, 1, 3])).toBe("supervisedMethod: invalid argument 'batch.labels[2]': expected a class in 0..2, got 3");
    expect(lossWith([0, 1, 2])).toBe('ok');
    x.dispose();
    method.dispose();
  });

  it('the loss is the float64 mean cross-entropy; name, networks, embed and dispose', () => {
    const encoder = linearNet(4, 3, 1, 'sv-ce');
    const head: Network = mlp({ inputDim: 3, hidden: [], outputDim: 3, seed: 5, name: 'sv-ce-head' });
    const method = supervisedMethod({ encoder, head });
    expect(method.name).toBe('supervised');
    expect(Object.keys(method.networks)).toEqual(['encoder', 'head']);
    expect(method.networks['head']).toBe(head);
    const xs = [0.5, -1, 2, 0.25, 1, 0, -0.5, 1.5, -2, 0.75, 0.3, -0.2];
    const y = [2, 0, 1];
    const x = tf.tensor2d(xs, [3, 4]);
    const labels = tf.tensor1d(y, 'int32');
    const before = tf.memory().numTensors;
    const logits = tf.tidy(() => Array.from(method.logits(x).dataSync()));
    let want = 0;
    for (let i = 0; i < 3; i++) {
      const row = logits.slice(3 * i, 3 * i + 3);
      const max = Math.max(...row);
      want -= (row[y[i]!]! - max - Math.log(row.reduce((a, l) => a + Math.exp(l - max), 0))) / 3;
    }
    const got = tf.tidy(() => method.loss([x], { x, labels }, []).dataSync()[0]!);
    expectClose(got, want, { atol: 1e-6 });
    expectClose(
      tf.tidy(() => Array.from(method.embed(x).dataSync())),
      tf.tidy(() => Array.from(encoder.apply(x).dataSync())),
      { atol: 0 },
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, labels]);
    method.dispose();
    expect([...encoder.variables, ...head.variables].every((v) => v.isDisposed)).toBe(true);
  });
});
