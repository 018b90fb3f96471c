import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { createOptimizer, type OptimizerOptions } from './optimizer';

/**
 * Trajectories over 8 steps against torch.optim (SGD, SGD + momentum / Nesterov / weight decay,
 * Adam, AdamW) computed once by `fixtures/optimizer-trajectories.py` (float64, committed beside
 * it). The gradient g(θ) = Aθ − b depends on θ, and the learning rate changes every step, so β₁,
 * β₂, ε, the bias corrections, Nesterov's update order and AdamW's decoupled decay all show after
 * step 1 (where most of them cancel).
 */
interface Fixture {
  A: number[][];
  b: number[];
  theta0: number[];
  lrs: number[];
  cases: Record<string, { options: Record<string, unknown>; trajectory: number[][] }>;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/optimizer-trajectories.json', import.meta.url), 'utf8')) as Fixture;

function gradient(theta: ArrayLike<number>): number[] {
  return fixture.A.map((row, i) => row.reduce((s, a, j) => s + a * theta[j]!, 0) - fixture.b[i]!);
}

function run(options: Record<string, unknown>): number[][] {
  const v = tf.tidy(() => tf.variable(tf.tensor1d(fixture.theta0)));
  const opt = createOptimizer({ ...options, lr: fixture.lrs[0] } as OptimizerOptions);
  const traj: number[][] = [];
  for (const lr of fixture.lrs) {
    const g = tf.tensor1d(gradient(v.dataSync()));
    opt.apply([v], [g], lr);
    g.dispose();
    traj.push(Array.from(v.dataSync()));
  }
  opt.dispose();
  v.dispose();
  return traj;
}

describeBackends('createOptimizer trajectories vs torch.optim', () => {
  it.each(Object.keys(fixture.cases))('%s: 8 steps match PyTorch', (name) => {
    const { options, trajectory } = fixture.cases[name]!;
    const ours = run(options);
    ours.forEach((theta, step) =>
      theta.forEach((x, i) => {
        const want = trajectory[step]![i]!;
        expect(Math.abs(x - want), `${name} step ${step + 1} θ[${i}]: ${x} vs ${want}`).toBeLessThan(2e-5 * Math.max(1, Math.abs(want)));
      }),
    );
  });

  it('every case moves θ differently from plain SGD after step 1 (the fixture can tell the rules apart)', () => {
    const sgd = fixture.cases['sgd']!.trajectory.at(-1)!;
    for (const [name, c] of Object.entries(fixture.cases)) {
      if (name === 'sgd') continue;
      const last = c.trajectory.at(-1)!;
      expect(Math.max(...last.map((x, i) => Math.abs(x - sgd[i]!))), name).toBeGreaterThan(1e-3);
    }
  });

  it('no tensor leaks across steps', async () => {
    await expectNoLeak(() => {
      run(fixture.cases['adamw-betas']!.options);
    });
  });
});
