// Minimal data model, augmentation and method used by the train package's own tests, so the
// loop is tested independently of the other packages' implementations.
import * as tf from '@tensorflow/tfjs-core';
import { type Augmentation, createRng, type DataModel, type Network, randomNormalTensor, type Rng } from '@contrastive/core';
import type { Method } from '../method';

export function toyData(dim: number, seed = 0): DataModel {
  const own = createRng(seed);
  return {
    name: 'toy',
    inputDim: dim,
    sample: (b: number, rng?: Rng) => ({ x: randomNormalTensor<tf.Rank.R2>(rng ?? own, [b, dim]) as tf.Tensor2D }),
    dispose() {},
  };
}

export function toyNoise(std: number): Augmentation {
  const own = createRng(1);
  return {
    name: 'noise',
    views: 2,
    apply: (x, rng) => tf.tidy(() => [0, 1].map(() => tf.add(x, randomNormalTensor(rng ?? own, x.shape, 0, std)) as tf.Tensor2D)),
  };
}

export function linearNet(inputDim: number, outputDim: number, seed: number, name: string): Network {
  const w = tf.variable(randomNormalTensor(createRng(seed), [inputDim, outputDim], 0, 1 / Math.sqrt(inputDim)), true, `${name}/w`);
  return {
    name,
    inputDim,
    outputDim,
    apply: (x) => tf.matMul(x, w),
    variables: [w],
    toJSON: () => ({
      type: 'linear',
      config: { inputDim, outputDim },
      weights: { w: { shape: w.shape.slice(), values: Array.from(w.dataSync()) } },
    }),
    dispose: () => w.dispose(),
  };
}

/** Alignment + a quadratic spread penalty: a smooth loss with a non-trivial optimum. */
export function toyMethod(net: Network, { poison = -1 } = {}): Method & { calls: number } {
  const m = {
    name: 'toy',
    calls: 0,
    networks: { encoder: net },
    trainableVariables: () => net.variables,
    loss(views: tf.Tensor2D[]) {
      m.calls++;
      const [a, b] = views.map((v) => net.apply(v));
      const align = tf.mean(tf.square(tf.sub(a!, b!)));
      const spread = tf.square(tf.sub(tf.mean(tf.square(a!)), 1));
      const loss = tf.add(align, spread) as tf.Scalar;
      return m.calls === poison ? (tf.mul(loss, Number.NaN) as tf.Scalar) : loss;
    },
    embed: (x: tf.Tensor2D) => net.apply(x),
    dispose: () => net.dispose(),
  };
  return m;
}
