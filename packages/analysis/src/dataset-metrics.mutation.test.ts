// datasetMetrics' argument checks (messages written out by hand), the smallest accepted dataset
// (1 item), which networks it switches to eval mode (only objects with a setTraining function that
// are in training mode), the documented subset streams (createRng(seed).fork('train' | 'test'),
// "its own stream") and that probeEpochs reaches the linear probe (against linearProbeSync
// on the same, hand-built features, and the converged probe's exact accuracy on separable data).
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Dataset } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { datasetMetrics } from './dataset-metrics';
import { subset } from './knn-monitor';
import { linearProbeSync } from './linear-probe';

/** n items of shape [2]: item i is (i, ±1) with label i mod 2 (the sign), so an embedding names its item. */
function items(n: number): Dataset {
  return {
    name: `items-${n}`,
    length: n,
    shape: [2],
    numClasses: 2,
    get: (idx) =>
      tf.tidy(() => ({
        x: tf.tensor2d(Array.from(idx, (i) => [i, i % 2 === 0 ? -1 : 1])),
        labels: tf.tensor1d(
          Int32Array.from(idx, (i) => i % 2),
          'int32',
        ),
      })),
    dispose() {},
  };
}

function thrown(f: () => unknown): Error & { argument?: string } {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

const identity = { embed: (x: tf.Tensor2D) => tf.clone(x) };

describeBackends('datasetMetrics (mutation)', () => {
  it('rejects a missing, null, get-less or empty split, naming it', () => {
    const empty = { name: 'empty', length: 0, shape: [2], numClasses: 2, get: items(1).get, dispose() {} };
    const train = items(4);
    expect(thrown(() => datasetMetrics({ method: identity }, { train: undefined as never, test: train })).message).toBe(
      "datasetMetrics: invalid argument 'train': expected a non-empty Dataset, got undefined",
    );
    expect(thrown(() => datasetMetrics({ method: identity }, { train, test: null as never })).message).toBe(
      "datasetMetrics: invalid argument 'test': expected a non-empty Dataset, got null",
    );
    const e = thrown(() => datasetMetrics({ method: identity }, { train, test: empty }));
    expect(e.message).toBe(
      'datasetMetrics: invalid argument \'test\': expected a non-empty Dataset, got {"name":"empty","length":0,"shape":[2],"numClasses":2}',
    );
    expect(e.argument).toBe('test');
    const noGet = { name: 'no-get', length: 3, shape: [2], numClasses: 2, dispose() {} };
    expect(thrown(() => datasetMetrics({ method: identity }, { train: noGet as never, test: train })).message).toBe(
      'datasetMetrics: invalid argument \'train\': expected a non-empty Dataset, got {"name":"no-get","length":3,"shape":[2],"numClasses":2}',
    );
  });

  it('rejects a missing context or a method without embed, naming context.method', () => {
    const train = items(4);
    expect(thrown(() => datasetMetrics(undefined as never, { train, test: train })).message).toBe(
      "datasetMetrics: invalid argument 'context.method': expected a method with embed(x), got undefined",
    );
    expect(thrown(() => datasetMetrics({ method: {} as never }, { train, test: train })).message).toBe(
      "datasetMetrics: invalid argument 'context.method': expected a method with embed(x), got {}",
    );
  });

  it('a 1-item test split is enough; only object networks in training mode with a setTraining function switch', () => {
    const calls: string[] = [];
    const net = (name: string, training: boolean) => ({ training, setTraining: (m: boolean) => calls.push(`${name}:${m}`) });
    const fn = Object.assign(() => 0, { training: true, setTraining: (m: boolean) => calls.push(`fn:${m}`) });
    const method = {
      embed: (x: tf.Tensor2D) => tf.clone(x),
      networks: {
        encoder: net('encoder', true),
        frozen: net('frozen', false), // already in eval mode: left alone (and not switched to training after)
        fn, // not an object
        none: null,
        plain: { training: true }, // no setTraining
        odd: { training: true, setTraining: 'no' },
      },
    };
    const before = tf.memory().numTensors;
    // Test item 0 = (0, −1), label 0; the 6 training items are split ±1 by label, so both classifiers are exact.
    const m = datasetMetrics({ method }, { train: items(6), test: items(1) });
    expect(tf.memory().numTensors).toBe(before);
    expect(calls).toEqual(['encoder:false', 'encoder:true']);
    expect(m['knn.top1']).toBe(1);
    expect(m['linearProbe.testAccuracy']).toBe(1);
  });

  it("embeds the subsets of the documented streams createRng(seed).fork('train'/'test'), ", () => {
    const seen: number[] = [];
    const method = {
      embed: (x: tf.Tensor2D) => {
        seen.push(...Array.from(x.dataSync()).filter((_, i) => i % 2 === 0));
        return tf.clone(x);
      },
    };
    datasetMetrics({ method }, { train: items(40), test: items(30), trainSize: 10, testSize: 5, seed: 3, probeEpochs: 3 });
    const rng = createRng(3);
    const train = Array.from(subset(40, 10, rng.fork('train').seed));
    const test = Array.from(subset(30, 5, rng.fork('test').seed));
    expect(seen).toEqual([...train, ...test]);
  });

  it('probeEpochs reaches the probe: 1 L-BFGS step is not the converged probe on a trend-dominated split', () => {
    // Item i = (i + off, i + off ± 0.5), label i mod 2 (+ for odd): separable by x₂ − x₁, so the converged probe
    // (default 100 epochs) is exact; one step from W = 0 follows the class-mean difference, dominated by the
    // shared trend i, and is near chance.
    const trend = (n: number, off: number): Dataset => ({
      name: 'trend',
      length: n,
      shape: [2],
      numClasses: 2,
      get: (idx) =>
        tf.tidy(() => ({
          x: tf.tensor2d(Array.from(idx, (i) => [i + off, i + off + (i % 2 ? 0.5 : -0.5)])),
          labels: tf.tensor1d(
            Int32Array.from(idx, (i) => i % 2),
            'int32',
          ),
        })),
      dispose() {},
    });
    const [train, test] = [trend(40, 0), trend(30, 0.25)];
    expect(datasetMetrics({ method: identity }, { train, test })['linearProbe.testAccuracy']).toBe(1);
    const one = datasetMetrics({ method: identity }, { train, test, probeEpochs: 1 })['linearProbe.testAccuracy']!;
    const features = (n: number, off: number) => Array.from({ length: n }, (_, i) => [i + off, i + off + (i % 2 ? 0.5 : -0.5)]);
    const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 2);
    const reference = linearProbeSync(features(40, 0), labels(40), features(30, 0.25), labels(30), { epochs: 1 });
    expect(one).toBe(reference.testAccuracy);
    expect(one).toBeLessThan(0.7);
  });
});
