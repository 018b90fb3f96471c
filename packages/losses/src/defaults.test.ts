import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@contrastive/core';
import { describeBackends } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { alignmentLoss } from './alignment';
import { barlowTwinsLoss } from './barlow-twins';
import { infoNCELoss } from './info-nce';
import { ntXentLoss } from './nt-xent';
import { supConLoss } from './sup-con';
import { uniformityLoss } from './uniformity';
import { vicRegLoss } from './vic-reg';

// Every documented default, asserted against its source: calling a loss without options must give
// exactly the value of the same call with the published values spelled out. (Changing a default
// in a schema breaks one of these.)
const randn = (seed: number, n: number) => createRng(seed).fillNormal(new Float32Array(n));
const value = (f: () => tf.Scalar) => tf.tidy(() => f().dataSync()[0]!);

describeBackends('loss defaults', () => {
  // Built inside each `value(…)` tidy, on the suite's backend.
  const A = randn(1, 16 * 8);
  const B = randn(2, 16 * 8);
  const F = randn(3, 8 * 2 * 8);
  const a = () => tf.tensor2d(A, [16, 8]);
  const b = () => tf.tensor2d(B, [16, 8]);
  const f = () => tf.tensor3d(F, [8, 2, 8]);
  const labels = [0, 1, 2, 3, 0, 1, 2, 3];

  it('supConLoss: τ = 0.07, τ_base = τ, contrastMode all, L_out, normalised (SupContrast losses.py; Khosla et al. Eq. 2)', () => {
    const explicit = value(() =>
      supConLoss(f(), { labels, temperature: 0.07, baseTemperature: 0.07, contrastMode: 'all', variant: 'out', normalize: true }),
    );
    expect(value(() => supConLoss(f(), { labels }))).toBe(explicit);
    // τ_base follows τ when only τ is given (factor τ/τ_base = 1).
    expect(value(() => supConLoss(f(), { labels, temperature: 0.2 }))).toBe(
      value(() => supConLoss(f(), { labels, temperature: 0.2, baseTemperature: 0.2 })),
    );
    expect(value(() => supConLoss(f(), { labels, temperature: 0.2 }))).not.toBe(
      value(() => supConLoss(f(), { labels, temperature: 0.2, baseTemperature: 0.07 })),
    );
  });

  it('infoNCELoss: τ = 0.1 (docs/science/feature-decoupling.md §1.4), cosine similarity, one direction', () => {
    expect(value(() => infoNCELoss(a(), b()))).toBe(
      value(() => infoNCELoss(a(), b(), { temperature: 0.1, similarity: 'cosine', normalize: true, symmetric: false })),
    );
  });

  it('ntXentLoss: τ = 0.1 (SimCLR official code, flag `temperature`), normalised', () => {
    expect(value(() => ntXentLoss(a(), b()))).toBe(value(() => ntXentLoss(a(), b(), { temperature: 0.1, normalize: true })));
  });

  it('barlowTwinsLoss: λ = 0.0051 (facebookresearch/barlowtwins main.py `--lambd`)', () => {
    expect(value(() => barlowTwinsLoss(a(), b()))).toBe(value(() => barlowTwinsLoss(a(), b(), { lambda: 0.0051 })));
  });

  it('vicRegLoss: λ = 25, μ = 25, ν = 1 (Bardes et al. 2022, §4.1)', () => {
    expect(value(() => vicRegLoss(a(), b()))).toBe(value(() => vicRegLoss(a(), b(), { invariance: 25, variance: 25, covariance: 1 })));
  });

  it('alignmentLoss α = 2 and uniformityLoss t = 2 (ssnl/align_uniform)', () => {
    expect(value(() => alignmentLoss(a(), b()))).toBe(value(() => alignmentLoss(a(), b(), { alpha: 2 })));
    expect(value(() => uniformityLoss(a()))).toBe(value(() => uniformityLoss(a(), { t: 2 })));
  });

  it('leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    value(() => supConLoss(f(), { labels }));
    value(() => infoNCELoss(a(), b()));
    expect(tf.memory().numTensors).toBe(before);
  });
});
