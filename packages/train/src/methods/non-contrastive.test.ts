import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@contrastive/core';
import { simSiamLoss } from '@contrastive/losses';
import { mlp } from '@contrastive/nets';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { memoryCheckpointStore } from '../checkpoint';
import { toyData, toyNoise } from '../testing/toy';
import { train, type TrainEvent } from '../train';
import { byolMethod, directPredMethod, simSiamMethod } from './non-contrastive';

let uid = 0;
const net = (inputDim: number, outputDim: number, name: string, seed = 1) =>
  mlp({ inputDim, hidden: [8], outputDim, seed, name: `${name}${uid++}` });
const views = (seed: number): [tf.Tensor2D, tf.Tensor2D] => {
  const r = createRng(seed);
  return [tf.tensor2d(r.fillNormal(new Float32Array(16 * 6)), [16, 6]), tf.tensor2d(r.fillNormal(new Float32Array(16 * 6)), [16, 6])];
};
async function run(options: Parameters<typeof train>[0]): Promise<Extract<TrainEvent, { type: 'end' }>> {
  let end: TrainEvent | undefined;
  for await (const e of train(options)) end = e;
  return end as Extract<TrainEvent, { type: 'end' }>;
}

describeBackends('non-contrastive methods', () => {
  it('simSiamMethod: loss = simSiamLoss(h(z1), z1, h(z2), z2); only the stop-gradient arm gets no gradient through z', () => {
    const encoder = net(6, 4, 'enc');
    const predictor = net(4, 4, 'pred');
    const m = simSiamMethod({ encoder, predictor });
    const [a, b] = views(0);
    const expected = tf.tidy(() => {
      const [z1, z2] = [encoder.apply(a), encoder.apply(b)];
      return simSiamLoss(predictor.apply(z1), z1, predictor.apply(z2), z2).dataSync()[0]!;
    });
    const got = tf.tidy(() => m.loss([a, b], { x: a }, []).dataSync()[0]!);
    expectClose(got, expected, { atol: 1e-6 });
    // Without stop-gradient the encoder gradient differs (the target branch contributes).
    const noSg = simSiamMethod({ encoder, predictor, stopGradient: false });
    const gradNorm = (method: typeof m) =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => method.loss([a, b], { x: a }, []), encoder.variables);
        return tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0]!;
      });
    expect(Math.abs(gradNorm(m) - gradNorm(noSg))).toBeGreaterThan(1e-8);
    expectClose(
      tf.tidy(() => noSg.loss([a, b], { x: a }, []).dataSync()[0]!),
      expected,
      { atol: 1e-6 },
    ); // same value
    m.dispose();
    tf.dispose([a, b]);
  });

  it('byolMethod: the target starts as a copy, gets no gradient, and follows ξ ← mξ + (1−m)θ', async () => {
    const encoder = net(6, 4, 'enc');
    const predictor = net(4, 4, 'pred');
    const m = byolMethod({ encoder, predictor, momentum: 0.9 });
    const target = m.networks['targetEncoder']!;
    const same = target.variables.map((v, i) => Array.from(v.dataSync()).every((x, j) => x === encoder.variables[i]!.dataSync()[j]));
    expect(same.every(Boolean)).toBe(true);
    expect(m.trainableVariables().some((v) => target.variables.includes(v))).toBe(false);
    const before = target.variables.map((v) => Float32Array.from(v.dataSync()));
    await run({
      data: toyData(6),
      augment: toyNoise(0.1),
      method: m,
      optimizer: { type: 'sgd', lr: 0.1 },
      steps: 1,
      batchSize: 16,
      seed: 1,
      evalAtStart: false,
    });
    target.variables.forEach((v, i) => {
      const online = encoder.variables[i]!.dataSync();
      const expected = Array.from(before[i]!, (x, j) => 0.9 * x + 0.1 * online[j]!);
      expectClose(Array.from(v.dataSync()), expected, { atol: 1e-6 });
    });
    m.dispose();
  });

  it('directPredMethod: W_p comes from the online correlation each step and resumes exactly from a checkpoint', async () => {
    // Same names ⇒ same initial weights in every run (init streams depend on seed and name).
    const make = () =>
      directPredMethod({
        encoder: mlp({ inputDim: 6, hidden: [8], outputDim: 4, seed: 3, name: 'dp-enc' }),
        projector: mlp({ inputDim: 4, hidden: [8], outputDim: 4, seed: 4, name: 'dp-proj' }),
        momentum: 0.99,
      });
    const opts = {
      data: toyData(6),
      augment: toyNoise(0.1),
      optimizer: { type: 'sgd' as const, lr: 0.05 },
      steps: 12,
      batchSize: 16,
      seed: 2,
      evalAtStart: false,
    };
    const full = make();
    const fullEnd = await run({ ...opts, method: full });
    expect(full.predictor.updates).toBe(12);
    const wp = full.predictor.predictorMatrix();
    // W_p is symmetric with top eigenvalue 1 + ε (docs/science/non-contrastive.md §3.3).
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expectClose(wp[i * 4 + j]!, wp[j * 4 + i]!, { atol: 1e-6 });

    const store = memoryCheckpointStore();
    const first = make();
    const controller = new AbortController();
    for await (const e of train({ ...opts, method: first, checkpoint: store, checkpointEvery: 4, signal: controller.signal })) {
      if (e.type === 'step' && e.step === 7) controller.abort();
    }
    first.dispose();
    const second = make();
    const end = await run({ ...opts, method: second, checkpoint: store, checkpointEvery: 4 });
    expect(end.history.loss).toEqual(fullEnd.history.loss);
    expect(Array.from(second.predictor.predictorMatrix())).toEqual(Array.from(wp));
    full.dispose();
    second.dispose();
  });

  it('keeps tf.memory().numTensors flat while training SimSiam, BYOL and DirectPred', async () => {
    for (const make of [
      () => simSiamMethod({ encoder: net(6, 4, 'e'), predictor: net(4, 4, 'p') }),
      () => byolMethod({ encoder: net(6, 4, 'e'), predictor: net(4, 4, 'p') }),
      () => directPredMethod({ encoder: net(6, 4, 'e') }),
    ]) {
      const m = make();
      const opts = {
        data: toyData(6),
        augment: toyNoise(0.1),
        method: m,
        optimizer: { type: 'sgd' as const, lr: 0.05 },
        batchSize: 16,
        seed: 1,
        evalAtStart: false,
      };
      await run({ ...opts, steps: 5 });
      const before = tf.memory().numTensors;
      await run({ ...opts, steps: 50 });
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
    }
  });

  it('rejects a missing encoder or predictor with a clear error', () => {
    expect(() => simSiamMethod({ encoder: undefined as never })).toThrow(/simSiamMethod.*encoder/s);
    expect(() => byolMethod({ encoder: net(6, 4, 'e'), predictor: undefined as never })).toThrow(/byolMethod.*predictor/s);
    const m = simSiamMethod({ encoder: net(6, 4, 'e') });
    const [a, b] = views(1);
    expect(() => m.loss([a], { x: a }, [])).toThrow(/views/);
    m.dispose();
    tf.dispose([a, b]);
  });

  it('optimizer.lrMultipliers: { predictor: 3 } moves the predictor 3× as far at the first SGD step and the encoder as before (parameter groups)', async () => {
    // One plain SGD step from the same weights on the same batch: the gradients are the same, so
    // Δθ = −lr·m·g gives Δpredictor(m = 3) = 3·Δpredictor(m = 1) and the same Δencoder.
    let init: number[][] | undefined;
    const step = async (lrMultipliers?: Record<string, number>) => {
      const encoder = net(6, 4, 'enc', 7);
      const predictor = net(4, 4, 'pred', 8);
      // The same starting weights in both runs.
      const vars = [...encoder.variables, ...predictor.variables];
      if (init) vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(init![i]!, v.shape))));
      else init = vars.map((v) => Array.from(v.dataSync()));
      const before = [...encoder.variables, ...predictor.variables].map((v) => Array.from(v.dataSync()));
      await run({
        data: toyData(6),
        augment: toyNoise(0.1),
        method: simSiamMethod({ encoder, predictor }),
        optimizer: { type: 'sgd', lr: 0.05, ...(lrMultipliers ? { lrMultipliers } : {}) },
        steps: 1,
        batchSize: 16,
        seed: 3,
      });
      const after = [...encoder.variables, ...predictor.variables].map((v) => Array.from(v.dataSync()));
      const nEnc = encoder.variables.length;
      encoder.dispose();
      predictor.dispose();
      const delta = after.map((a, i) => a.map((x, j) => x - before[i]![j]!));
      return { encoder: delta.slice(0, nEnc).flat(), predictor: delta.slice(nEnc).flat() };
    };
    const base = await step();
    const scaled = await step({ predictor: 3 });
    expectClose(scaled.encoder, base.encoder, { atol: 1e-7 });
    expectClose(
      scaled.predictor,
      base.predictor.map((d) => 3 * d),
      { atol: 1e-6 },
    );
    expect(Math.max(...base.predictor.map(Math.abs))).toBeGreaterThan(1e-4);
    const encoder = net(6, 4, 'enc');
    const predictor = net(4, 4, 'pred');
    await expect(
      run({
        data: toyData(6),
        augment: toyNoise(0.1),
        method: simSiamMethod({ encoder, predictor }),
        optimizer: { type: 'sgd', lr: 0.05, lrMultipliers: { predictr: 3 } },
        steps: 1,
        batchSize: 16,
      }),
    ).rejects.toThrow(/optimizer\.lrMultipliers\.predictr.*one of the method's networks \(encoder, predictor\)/);
    encoder.dispose();
    predictor.dispose();
  });
});
