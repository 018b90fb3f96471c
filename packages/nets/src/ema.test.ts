import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from '@contrastive/core';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { ema } from './ema';
import { cloneNetwork } from './from-json';
import { linearPredictor } from './linear-predictor';
import { mlp } from './mlp';
import { symmetricRelu } from './symmetric-relu';

let counter = 0;
const uid = (base: string) => `${base}${counter++}`;

describeBackends('ema', () => {
  it('ξ ← m·ξ + (1 − m)·θ in place (docs/science/non-contrastive.md §3.2); k steps toward a fixed θ leave m^k of the gap', () => {
    const online = linearPredictor({ dim: 2, init: 'normal', seed: 1, name: uid('on') });
    const target = linearPredictor({ dim: 2, name: uid('tg') }); // identity
    const theta = Array.from(online.weight.dataSync());
    const xi0 = [1, 0, 0, 1];
    ema(target, online, 0.9);
    expectClose(
      target.weight,
      xi0.map((v, i) => 0.9 * v + 0.1 * theta[i]!),
      { atol: 1e-6, rtol: 0 },
    );
    for (let k = 1; k < 5; k++) ema(target, online, 0.9);
    // After 5 updates: ξ = θ + 0.9⁵ (ξ0 − θ)
    expectClose(
      target.weight,
      xi0.map((v, i) => theta[i]! + 0.9 ** 5 * (v - theta[i]!)),
      { atol: 1e-6, rtol: 0 },
    );
    expect(Array.from(online.weight.dataSync())).toEqual(theta); // online untouched
    online.dispose();
    target.dispose();
  });

  it('m = 1 freezes the target, m = 0 copies the online weights', () => {
    const online = mlp({ inputDim: 3, hidden: [4], outputDim: 2, seed: 1, name: uid('on') });
    const target = mlp({ inputDim: 3, hidden: [4], outputDim: 2, seed: 2, name: uid('tg') });
    const before = target.variables.map((v) => Array.from(v.dataSync()));
    ema(target, online, 1);
    expect(target.variables.map((v) => Array.from(v.dataSync()))).toEqual(before);
    ema(target, online, 0);
    expect(target.variables.map((v) => Array.from(v.dataSync()))).toEqual(online.variables.map((v) => Array.from(v.dataSync())));
    online.dispose();
    target.dispose();
  });

  it('cloneNetwork makes an independent copy with the same outputs (a BYOL target)', () => {
    const online = symmetricRelu({ inputDim: 4, width: 3, threshold: 0.1, seed: 3, name: uid('enc') });
    const target = cloneNetwork(online, `${online.name}-target`);
    expect(target.name).toBe(`${online.name}-target`);
    expect(target.weight.name).not.toBe(online.weight.name);
    expect(Array.from(target.weight.dataSync())).toEqual(Array.from(online.weight.dataSync()));
    const zeros = tf.zerosLike(online.weight);
    online.weight.assign(zeros);
    zeros.dispose();
    expect(Array.from(target.weight.dataSync()).some((v) => v !== 0)).toBe(true);
    const same = cloneNetwork(target);
    expect(same.name).toBe(target.name);
    [online, target, same].forEach((n) => n.dispose());
  });

  it('leaks no tensors', async () => {
    const online = mlp({ inputDim: 3, hidden: [4], outputDim: 2, batchNorm: true, seed: 1, name: uid('on') });
    const target = cloneNetwork(online, uid('tg'));
    await expectNoLeak(() => ema(target, online, 0.996));
    await expectNoLeak(() => cloneNetwork(online, uid('c')).dispose());
    online.dispose();
    target.dispose();
  });

  it('rejects a bad momentum and mismatched networks, naming them', () => {
    const a = linearPredictor({ dim: 2, name: uid('a') });
    const b = linearPredictor({ dim: 3, name: uid('b') });
    const c = linearPredictor({ dim: 2, bias: true, name: uid('c') });
    expect(() => ema(a, a, Number.NaN)).toThrow(/ema: invalid argument 'momentum'.*NaN/);
    expect(() => ema(a, a, 1.5)).toThrow(InvalidArgumentError);
    expect(() => ema(a, b, 0.9)).toThrow(ShapeMismatchError);
    expect(() => ema(a, b, 0.9)).toThrow(new RegExp(`online '${b.name}' has shape \\[3, 3\\]`));
    expect(() => ema(a, c, 0.9)).toThrow(/1 variables/);
    expect(() => ema(a, undefined as never, 0.9)).toThrow(/'online'/);
    [a, b, c].forEach((n) => n.dispose());
  });
});
