// train()'s fused plain-SGD path (`Method.fusedSgdStep`, taken only with plain SGD and a method that
// exposes one) against the tape path (loss under tf.variableGrads, the optimizer, afterUpdate).
// contrastiveMethod exposes the step when core's kernel registry holds 'symmetricReluInfoNCEStep';
// @contrastive/native is not a dependency of this package, so the test registers its own kernels:
// - 'symmetricReluInfoNCE' (the fused loss): composed tfjs ops, infoNCELoss on softThreshold(x Wᵀ, b)
//   with raw inner products, differentiated by the tape;
// - 'symmetricReluInfoNCEStep': a float64 JavaScript port of the same step written out here, the
//   InfoNCE gradient in closed form (van den Oord et al. 2018; ∂ℓ/∂S = (softmax(S) − I)/B for the
//   logits S = z1 z2ᵀ/τ), the soft-threshold's derivative 1[|u| > b] (Wen & Li 2021), the SGD update
//   W ← W − lr·∂ℓ/∂W and the unit-norm row projection, as core's SymmetricReluInfoNCEStepKernel
//   documents it.
import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteValueError, registerKernel, type SymmetricReluInfoNCEStepKernel, unregisterKernel } from '@contrastive/core';
import { infoNCELoss } from '@contrastive/losses';
import { softThreshold, symmetricRelu } from '@contrastive/nets';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { memoryCheckpointStore } from './checkpoint';
import type { Method } from './method';
import { contrastiveMethod } from './methods/contrastive';
import { kernelRestorer } from './testing/kernels';
import { toyData, toyNoise } from './testing/toy';
import { train, type TrainOptions } from './train';

type StepOptions = Parameters<SymmetricReluInfoNCEStepKernel>[3];

/** The step in float64: returns the loss at W; W ← W − lr·∂ℓ/∂W (then unit rows) when it is finite. */
const referenceStep: SymmetricReluInfoNCEStepKernel = (x1, x2, weight, o) => {
  const [B, d] = x1.shape;
  const m = weight.shape[0];
  const W = Float64Array.from(weight.dataSync());
  const b = o.threshold;
  const tau = o.temperature;
  const forward = (x: tf.Tensor2D) => {
    const X = Float64Array.from(x.dataSync());
    const U = new Float64Array(B * m);
    for (let i = 0; i < B; i++)
      for (let k = 0; k < m; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += X[i * d + j]! * W[k * d + j]!;
        U[i * m + k] = s;
      }
    const Z = U.map((u) => Math.sign(u) * Math.max(Math.abs(u) - b, 0));
    return { X, U, Z };
  };
  const [v1, v2] = [forward(x1), forward(x2)];
  const S = new Float64Array(B * B);
  for (let i = 0; i < B; i++)
    for (let j = 0; j < B; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += v1.Z[i * m + k]! * v2.Z[j * m + k]!;
      S[i * B + j] = s / tau;
    }
  let loss = 0;
  const G = new Float64Array(B * B); // ∂ℓ/∂S
  for (let i = 0; i < B; i++) {
    const row = S.subarray(i * B, (i + 1) * B);
    const max = Math.max(...row);
    const sum = row.reduce((a, s) => a + Math.exp(s - max), 0);
    loss += (max + Math.log(sum) - row[i]!) / B;
    for (let j = 0; j < B; j++) G[i * B + j] = (Math.exp(row[j]! - max) / sum - (i === j ? 1 : 0)) / B;
  }
  if (!Number.isFinite(loss)) return loss;
  const grad = new Float64Array(m * d);
  // ∂ℓ/∂z1_i = Σ_j G_ij z2_j / τ, ∂ℓ/∂z2_j = Σ_i G_ij z1_i / τ; through the soft threshold, then u = x wᵀ.
  for (const [self, other, transposed] of [
    [v1, v2, false],
    [v2, v1, true],
  ] as const) {
    for (let i = 0; i < B; i++)
      for (let k = 0; k < m; k++) {
        if (Math.abs(self.U[i * m + k]!) <= b) continue;
        let dz = 0;
        for (let j = 0; j < B; j++) dz += (transposed ? G[j * B + i]! : G[i * B + j]!) * other.Z[j * m + k]!;
        dz /= tau;
        for (let c = 0; c < d; c++) grad[k * d + c] = grad[k * d + c]! + dz * self.X[i * d + c]!;
      }
  }
  const next = W.map((w, i) => w - o.learningRate * grad[i]!);
  if (o.unitNormRows) {
    for (let k = 0; k < m; k++) {
      const row = next.subarray(k * d, (k + 1) * d);
      const norm = Math.max(Math.sqrt(row.reduce((a, w) => a + w * w, 0)), 1e-12);
      for (let c = 0; c < d; c++) row[c] = row[c]! / norm;
    }
  }
  weight.assign(tf.tensor2d(Float32Array.from(next), [m, d]));
  return loss;
};

const lossKernel = (x1: tf.Tensor2D, x2: tf.Tensor2D, w: tf.Tensor2D, o: { threshold: number; temperature: number }) =>
  tf.tidy(() =>
    infoNCELoss(softThreshold(tf.matMul(x1, w, false, true), o.threshold), softThreshold(tf.matMul(x2, w, false, true), o.threshold), {
      temperature: o.temperature,
      normalize: false,
    }),
  );

const restoreKernels = kernelRestorer('symmetricReluInfoNCE', 'symmetricReluInfoNCEStep');

/** Registers the loss kernel and (unless `step` is false) a recording float64 step kernel. */
function useKernels({ step = true, poisonCall = -1 } = {}) {
  const calls: StepOptions[] = [];
  registerKernel('symmetricReluInfoNCE', lossKernel, { provider: 'test' });
  if (step) {
    registerKernel(
      'symmetricReluInfoNCEStep',
      (x1, x2, w, o) => {
        calls.push(o);
        const loss = referenceStep(x1, x2, w, o);
        return calls.length === poisonCall ? Number.NaN : loss;
      },
      { provider: 'test' },
    );
  } else unregisterKernel('symmetricReluInfoNCEStep');
  return calls;
}

/** The Wen & Li setting (symmetric-ReLU encoder, no projector, InfoNCE on raw inner products). */
const flagship = () =>
  contrastiveMethod({
    // The same name every time: the initial W depends on it.
    encoder: symmetricRelu({ inputDim: 6, width: 4, threshold: 0.05, seed: 7, name: 'fs-enc' }),
    loss: 'infonce',
    temperature: 0.5,
    normalize: false,
  });

async function run(method: Method, overrides: Partial<TrainOptions> = {}) {
  const losses: number[] = [];
  try {
    for await (const e of train({
      data: toyData(6, 2),
      augment: toyNoise(0.3),
      method,
      optimizer: { type: 'sgd', lr: 0.2 },
      steps: 4,
      batchSize: 10,
      seed: 5,
      evalAtStart: false,
      ...overrides,
    })) {
      if (e.type === 'step') losses.push(e.loss);
    }
    return { losses, w: Array.from(method.networks['encoder']!.variables[0]!.dataSync()) };
  } finally {
    method.dispose();
  }
}

describeBackends('train() fused plain-SGD step (mutation)', () => {
  beforeEach(restoreKernels);
  afterEach(restoreKernels);

  it('the fused step (float64 reference kernel) trains the same network as the tape path; the optimizer counts its updates', async () => {
    const numTensors = tf.memory().numTensors;
    const calls = useKernels();
    const store = memoryCheckpointStore();
    const m = flagship();
    expect(m.engine).toBe('native');
    expect(typeof m.fusedSgdStep).toBe('function');
    const fused = await run(m, { checkpoint: store });
    expect(calls).toHaveLength(4);
    // Every call gets the step's options: b, τ, lr (one rate per trainable variable, its first) and the rows' projection.
    expect(calls[0]).toEqual({ threshold: 0.05, temperature: 0.5, learningRate: 0.2, unitNormRows: true });
    // A checkpoint of a fused run holds one optimizer update per step (parseCheckpoint checks it on load).
    expect((await store.load())!.optimizer.iterations).toBe(4);

    useKernels({ step: false });
    const t = flagship();
    expect(t.engine).toBe('native');
    expect(t.fusedSgdStep).toBeUndefined();
    const tape = await run(t);
    expect(fused.losses[0]).not.toBe(fused.losses[3]); // the steps move W
    expectClose(fused.losses, tape.losses, { atol: 2e-5, rtol: 1e-5 });
    expectClose(fused.w, tape.w, { atol: 2e-5 });
    expect(tf.memory().numTensors).toBe(numTensors);
  });

  it('learning-rate multipliers reach the fused step; momentum takes the tape path', async () => {
    const calls = useKernels();
    await run(flagship(), { steps: 1, optimizer: { type: 'sgd', lr: 0.2, lrMultipliers: { encoder: 0.5 } } });
    expect(calls.map((c) => c.learningRate)).toEqual([0.1]);
    const m = flagship();
    const spy = { n: 0 };
    const inner = m.loss;
    await run({ ...m, loss: (...a) => (spy.n++, inner(...a)) }, { steps: 2, optimizer: { type: 'sgd', lr: 0.2, momentum: 0.9 } });
    expect(calls).toHaveLength(1);
    expect(spy.n).toBe(2);
  });

  it("a method's afterUpdate still runs after a fused step, with the step and the views", async () => {
    useKernels();
    const m = flagship();
    const seen: Array<[number, number, number]> = [];
    await run({ ...m, afterUpdate: (step, total, views) => void seen.push([step, total, views.length]) }, { steps: 2 });
    expect(seen).toEqual([
      [0, 2, 2],
      [1, 2, 2],
    ]);
  });

  it("a non-finite fused loss is a NonFiniteValueError naming 'loss' and the step", async () => {
    const numTensors = tf.memory().numTensors;
    useKernels({ poisonCall: 3 });
    let error: unknown;
    try {
      await run(flagship(), { steps: 5 });
    } catch (e) {
      error = e;
    }
    expect(NonFiniteValueError.isInstance(error)).toBe(true);
    expect((error as NonFiniteValueError).argument).toBe('loss');
    expect((error as NonFiniteValueError).step).toBe(2);
    expect((error as Error).message).toBe("train: 'loss' contains NaN at step 2; all values must be finite");
    expect(tf.memory().numTensors).toBe(numTensors);
  });
});
