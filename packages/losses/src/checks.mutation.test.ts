// The float32 overflow guards of every loss at their documented bounds (checks.ts and each loss's
// comment): just under 1e38 passes, just over throws, naming the larger input and the intermediate.
// Each bound is written out here from its comment, so a changed factor, exponent or operand fails.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { alignmentLoss } from './alignment';
import { barlowTwinsLoss } from './barlow-twins';
import { FLOAT32_SAFE } from './checks';
import { infoNCELoss } from './info-nce';
import { ntXentLoss } from './nt-xent';
import { supConLoss } from './sup-con';
import { uniformityLoss } from './uniformity';
import { vicRegLoss } from './vic-reg';

/** [2, 2] rows (m, 0) and (0, −m): max |x| = m. */
const rows = (m: number) => tf.tensor2d([m, 0, 0, -m], [2, 2]);

/** Runs `f` (inside a tidy) with inputs whose max |x| makes the documented bound equal `factor`·1e38. */
function outcome(f: () => tf.Tensor): string {
  try {
    tf.tidy(f);
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

const message = (op: string, arg: string, m: number, what: string, bound: number, fix: string) =>
  `${op}: '${arg}' has entries up to ${m.toPrecision(3)}: ${what} could reach ${bound.toPrecision(3)}, beyond float32 (3.4e38), so the loss would be NaN or Infinity; ${fix}`;

describe('overflow guards at their bounds', () => {
  it('FLOAT32_SAFE is 1e38', () => expect(FLOAT32_SAFE).toBe(1e38));

  it('similarity logits without normalisation: max|a|·max|b|·dim/τ, naming the larger input', () => {
    // dim = 2, τ = 0.5: bound = ma·mb·4.
    const small = 1e18;
    const edge = (factor: number) => (factor * 1e38) / 4 / small; // mb for bound = factor·1e38
    for (const [name, loss] of [
      ['infoNCELoss', (a: tf.Tensor2D, b: tf.Tensor2D) => infoNCELoss(a, b, { temperature: 0.5, normalize: false })],
      ['ntXentLoss', (a: tf.Tensor2D, b: tf.Tensor2D) => ntXentLoss(a, b, { temperature: 0.5, normalize: false })],
    ] as const) {
      expect(outcome(() => loss(rows(small), rows(edge(0.9))))).not.toMatch(/beyond float32/);
      const mb = edge(1.1);
      expect(outcome(() => loss(rows(small), rows(mb)))).toBe(
        message(name, 'b', mb, 'the logits a·bᵀ/τ', (small * mb * 2) / 0.5, 'L2-normalise them (normalize: true) or rescale them'),
      );
      expect(outcome(() => loss(rows(mb), rows(small)))).toBe(
        message(name, 'a', mb, 'the logits a·bᵀ/τ', (small * mb * 2) / 0.5, 'L2-normalise them (normalize: true) or rescale them'),
      );
    }
  });

  it('similarity logits with normalisation: max|x|²·dim', () => {
    const m = (factor: number) => Math.sqrt((factor * 1e38) / 2);
    expect(outcome(() => infoNCELoss(rows(m(0.9)), rows(1)))).toBe('ok');
    expect(outcome(() => infoNCELoss(rows(1), rows(m(1.1))))).toBe(
      message('infoNCELoss', 'b', m(1.1), 'the squared norms', m(1.1) ** 2 * 2, 'rescale the features'),
    );
    expect(outcome(() => supConLoss(tf.stack([rows(m(1.1)), rows(1)], 1) as tf.Tensor3D))).toBe(
      message('supConLoss', 'features', m(1.1), 'the squared norms', m(1.1) ** 2 * 2, 'rescale the features'),
    );
  });

  it('alignment: max((ma + mb)²·dim, ((ma + mb)²·dim)^(α/2))', () => {
    // α = 2, dim = 2: (ma + mb)²·2; the larger input is named.
    const sum = (factor: number) => Math.sqrt((factor * 1e38) / 2);
    expect(outcome(() => alignmentLoss(rows(sum(0.9) - 1), rows(1)))).toBe('ok');
    const s = sum(1.1);
    expect(outcome(() => alignmentLoss(rows(1), rows(s - 1)))).toBe(
      message('alignmentLoss', 'b', s - 1, '‖a − b‖^α', s * s * 2, 'rescale the features'),
    );
    // α = 4: the bound is sq² with sq = (ma + mb)²·2, so sq = 1.1e19 overflows while α = 2 would not.
    const s4 = Math.sqrt(1.1e19 / 2);
    expect(outcome(() => alignmentLoss(rows(s4 - 1), rows(1), { alpha: 2 }))).toBe('ok');
    expect(outcome(() => alignmentLoss(rows(s4 - 1), rows(1), { alpha: 4 }))).toBe(
      message('alignmentLoss', 'a', s4 - 1, '‖a − b‖^α', (s4 * s4 * 2) ** 2, 'rescale the features'),
    );
    // α = 1: the bound stays sq (not √sq).
    expect(outcome(() => alignmentLoss(rows(1), rows(s - 1), { alpha: 1 }))).toMatch(/beyond float32/);
  });

  it('barlow twins: 4·max|x|²·batch for each input', () => {
    // batch = 2: 8·m².
    const m = (factor: number) => Math.sqrt((factor * 1e38) / 8);
    expect(outcome(() => barlowTwinsLoss(rows(m(0.9)), rows(1)))).not.toMatch(/beyond float32/);
    expect(outcome(() => barlowTwinsLoss(rows(1), rows(m(1.1))))).toBe(
      message('barlowTwinsLoss', 'b', m(1.1), 'the batch variance', 8 * m(1.1) ** 2, 'rescale the features'),
    );
  });

  it('VICReg: max(λ, μ, ν, 1)·max((ma + mb)²·batch·dim, 4·max|x|²·batch)', () => {
    // batch = dim = 2. Equal inputs m: (2m)²·4 = 16m² dominates 8m²; b = 0: 8m² dominates 4m².
    const at = (factor: number, k: number) => Math.sqrt((factor * 1e38) / k);
    const w = 25; // defaults λ = μ = 25, ν = 1
    expect(outcome(() => vicRegLoss(rows(at(0.9, w * 16)), rows(at(0.9, w * 16))))).not.toMatch(/beyond float32/);
    const m = at(1.1, w * 16);
    expect(outcome(() => vicRegLoss(rows(m), rows(m)))).toBe(
      message('vicRegLoss', 'a', m, 'the invariance and covariance sums', w * 16 * m * m, 'rescale the features'),
    );
    expect(outcome(() => vicRegLoss(rows(at(0.9, w * 8)), rows(0)))).not.toMatch(/beyond float32/);
    const m0 = at(1.1, w * 8);
    expect(outcome(() => vicRegLoss(rows(0), rows(m0)))).toBe(
      message('vicRegLoss', 'b', m0, 'the invariance and covariance sums', w * 8 * m0 * m0, 'rescale the features'),
    );
    // All weights below 1: w = 1. A large covariance weight counts too (w = ν = 100).
    const small = { invariance: 0.5, variance: 0.5, covariance: 0.5 };
    expect(outcome(() => vicRegLoss(rows(at(0.9, 16)), rows(at(0.9, 16)), small))).not.toMatch(/beyond float32/);
    expect(outcome(() => vicRegLoss(rows(at(1.1, 16)), rows(at(1.1, 16)), small))).toMatch(/beyond float32/);
    const nu = { invariance: 1, variance: 1, covariance: 100 };
    expect(outcome(() => vicRegLoss(rows(at(0.9, 100 * 16)), rows(at(0.9, 100 * 16)), nu))).not.toMatch(/beyond float32/);
    expect(outcome(() => vicRegLoss(rows(at(1.1, 100 * 16)), rows(at(1.1, 100 * 16)), nu))).toMatch(/beyond float32/);
  });

  it('uniformity: 4·max|x|²·dim·max(t, 1)', () => {
    // dim = 2, t = 2 (default): 16·m²; t = 0.5 counts as 1: 8·m².
    const m = (factor: number, k: number) => Math.sqrt((factor * 1e38) / k);
    expect(outcome(() => uniformityLoss(rows(m(0.9, 16))))).toBe('ok');
    expect(outcome(() => uniformityLoss(rows(m(1.1, 16))))).toBe(
      message('uniformityLoss', 'x', m(1.1, 16), 'the squared distances', 16 * m(1.1, 16) ** 2, 'rescale the features'),
    );
    expect(outcome(() => uniformityLoss(rows(m(0.9, 8)), { t: 0.5 }))).toBe('ok');
    expect(outcome(() => uniformityLoss(rows(m(1.1, 8)), { t: 0.5 }))).toMatch(/beyond float32/);
  });
});
