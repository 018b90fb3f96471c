import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, randomNormalTensor, ShapeMismatchError } from '@contrastive/core';
import { sparseCoding } from '@contrastive/data';
import { describeBackends, expectClose, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { denseJitter } from './dense-jitter';

const [B, D1, K] = [128, 64, 4];
const model = () => sparseCoding({ ambientDim: D1, latentDim: 8, denseRank: K, denseScale: 2, seed: 1 });
const values = (t: tf.Tensor) => t.dataSync() as Float32Array;

describeBackends('denseJitter', () => {
  it("'resample' replaces Hᵀx by ζ′ from the documented stream and keeps the part ⟂ H", () => {
    const data = model();
    const H = data.denseBasis!;
    const { x, ...rest } = data.sample(B);
    const zeta = createRng(5)
      .fork('denseJitter')
      .fillNormal(new Float32Array(2 * B * K));
    const views = denseJitter({ basis: H, scale: 0.5, seed: 5 }).apply(x);
    const xPerp = tf.sub(x, tf.matMul(tf.matMul(x, H), H, false, true));
    views.forEach((v, k) => {
      // Hᵀ v = ζ′_v (here s = 0.5) and (I − HHᵀ) v = (I − HHᵀ) x.
      expectClose(
        tf.matMul(v, H),
        zeta.slice(k * B * K, (k + 1) * B * K).map((z) => 0.5 * z),
        { atol: 2e-5, rtol: 0 },
      );
      expectClose(tf.sub(v, tf.matMul(tf.matMul(v, H), H, false, true)), values(xPerp), { atol: 2e-5, rtol: 0 });
    });
    tf.dispose([x, xPerp, ...views, ...Object.values(rest)]);
    data.dispose();
  });

  it("scale 'match' keeps the dense energy: per direction, rms⟨H_j, view⟩ ≈ rms⟨H_j, x⟩ (= denseScale 2)", () => {
    const data = model();
    const { x, ...rest } = data.sample(2000);
    const [v] = denseJitter({ basis: data.denseBasis!, views: 1 }).apply(x);
    const rms = (t: tf.Tensor2D) => Array.from(values(tf.sqrt(tf.mean(tf.square(tf.matMul(t, data.denseBasis!)), 0))));
    // ζ′_j ~ N(0, rms_j²) over 2000 rows: the rms of the draw is within ~3 % (s.e. 1.6 %).
    rms(v!).forEach((r, j) => expect(Math.abs(r / rms(x)[j]! - 1)).toBeLessThan(0.06));
    rms(x).forEach((r) => expect(Math.abs(r / 2 - 1)).toBeLessThan(0.1));
    tf.dispose([x, v!, ...Object.values(rest)]);
    data.dispose();
  });

  it("'add' perturbs along H only: view − x = Hζ′", () => {
    const data = model();
    const H = data.denseBasis!;
    const { x, ...rest } = data.sample(B);
    const zeta = createRng(0)
      .fork('denseJitter')
      .fillNormal(new Float32Array(B * K));
    const t = denseJitter({ basis: H, mode: 'add', scale: 0.1 }).transform(x);
    const delta = tf.sub(t, x);
    expectClose(
      tf.matMul(delta, H),
      zeta.map((z) => 0.1 * z),
      { atol: 1e-5, rtol: 0 },
    );
    expectClose(tf.sub(delta, tf.matMul(tf.matMul(delta, H), H, false, true)), new Float32Array(B * D1), { atol: 1e-5, rtol: 0 });
    tf.dispose([x, t, delta, ...Object.values(rest)]);
    data.dispose();
  });

  it('never disposes the caller-owned basis, and does not leak', async () => {
    const data = model();
    const x = randomNormalTensor<tf.Rank.R2>(createRng(1), [B, D1]);
    const aug = denseJitter({ basis: data.denseBasis! });
    await expectNoLeak(() => aug.apply(x));
    await expectNoLeak(() => aug.transform(x));
    await expectNoLeak(() => denseJitter({ basis: data.denseBasis!, mode: 'add', scale: 1 }).apply(x));
    expect(data.denseBasis!.isDisposed).toBe(false);
    x.dispose();
    data.dispose();
  });
});

describe('denseJitter errors', () => {
  it('rejects a missing, malformed or non-orthonormal basis with a clear message', () => {
    expect(() => denseJitter({} as never)).toThrow(/options\.basis/);
    expect(() => denseJitter({ basis: null } as never)).toThrow(/denseRank = 0/);
    expect(() => denseJitter({ basis: tf.ones([4]) } as never)).toThrow(ShapeMismatchError);
    expect(() => denseJitter({ basis: tf.mul(tf.eye(4, 2), 2) as tf.Tensor2D })).toThrow(/orthonormal columns.*max \|HᵀH − I\| = 3/);
    expect(() => denseJitter({ basis: tf.eye(4, 2), mode: 'swap' } as never)).toThrow(/options\.mode/);
    expect(() => denseJitter({ basis: tf.eye(4, 2), scale: -1 })).toThrow(InvalidArgumentError);
  });

  it('rejects an x whose dim differs from the basis rows, and a basis disposed after creation', () => {
    const basis = tf.eye(4, 2) as tf.Tensor2D;
    const aug = denseJitter({ basis });
    expect(() => aug.apply(tf.ones([3, 5]) as tf.Tensor2D)).toThrow(/'options.basis' has d1 = 4 .* but 'x' has d1 = 5/);
    basis.dispose();
    expect(() => aug.apply(tf.ones([3, 4]) as tf.Tensor2D)).toThrow(/'options.basis' has already been disposed/);
  });
});
