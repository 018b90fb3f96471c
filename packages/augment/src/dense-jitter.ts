import * as tf from '@tensorflow/tfjs-core';
import { assertShape, assertShapes, InvalidArgumentError, matMul, parseOptions, type Rng, seedSchema } from '@contrastive/core';
import * as z from 'zod/mini';
import { checkApply, type ConfiguredAugmentation, ownStream } from './view-utils';

/** The options of `denseJitter(options)` as a strict zod schema: a misspelt or unknown key is an error naming it. Each field says what it does and its default. */
export const denseJitterOptionsSchema = z.strictObject({
  /**
   * H [d1, k]: orthonormal columns spanning the structured dense part, e.g.
   * `sparseCoding({ denseRank: 8 }).denseBasis`. Owned by the caller (never disposed here); it
   * must stay alive while the augmentation is used.
   */
  basis: z.custom<tf.Tensor2D>((v) => v instanceof tf.Tensor, {
    message:
      'expected a tf.Tensor2D [d1, k] with orthonormal columns (a data model with denseRank = 0 has no dense basis: use no dense jitter)',
  }),
  /**
   * 'resample' (default) replaces the component of x in span(H) by a fresh draw,
   * x − HHᵀx + Hζ′, so the views share nothing along H (the colour-distortion analogue);
   * 'add' perturbs it, x + Hζ′, which only lowers the dense cross-view correlation to a/(a + s²).
   */
  mode: z._default(z.enum(['resample', 'add']), 'resample'),
  /**
   * s, the std of each coordinate of ζ′ ~ N(0, s²I_k), in the units of x; or 'match' (default):
   * per basis direction j, the root mean square of ⟨H_j, x⟩ over the batch, so resampling keeps
   * the dense part's energy (and the input distribution) unchanged.
   */
  scale: z._default(z.union([z.number().check(z.gte(0)), z.literal('match')]), 'match'),
  /** Number of views (≥ 1). Default 2. */
  views: z._default(z.int().check(z.gte(1)), 2),
  /** Seed of the augmentation's own stream (used when `apply` gets no `rng`). Default 0. */
  seed: z._default(seedSchema, 0),
});
/** Options of `denseJitter` (the input of its schema: a field with a default may be omitted). */
export type DenseJitterOptions = z.input<typeof denseJitterOptionsSchema>;
/** The options of `denseJitter` with every default filled in (the augmentation's or model's `options`). */
export type DenseJitterResolvedOptions = z.output<typeof denseJitterOptionsSchema>;
/** The augmentation `denseJitter(options)` returns: `apply` makes its views; `options` holds the resolved options. */
export type DenseJitter = ConfiguredAugmentation<'denseJitter', DenseJitterResolvedOptions>;

/**
 * Dense jitter, the analogue of colour distortion (Wen & Li 2021, Fig. 4; docs/science/feature-decoupling.md §1.0, §1.2):
 * per view the component of x in span(H) is replaced by fresh independent noise,
 * view v = x − HHᵀx + Hζ′_v, ζ′_v ~ N(0, s²I_k). The views then have zero cross-view covariance
 * along H, which masking alone cannot give: a dense direction is spread over all coordinates, so
 * complementary masks keep almost all of its covariance (Σ − diag Σ). Directions ⟂ H (atoms,
 * isotropic noise) are untouched, so `compose(complementaryMask(), denseJitter({ basis }))` keeps
 * the masking's decoupling and adds the dense one.
 *
 * Stream use: `apply`, `fillNormal(views·B·k)` (standard normals, view-major then row-major,
 * scaled by s in the graph); `transform`, `fillNormal(B·k)`.
 *
 * @example
 * const data = sparseCoding({ denseRank: 8 });
 * const aug = compose(complementaryMask({ seed: 1 }), denseJitter({ basis: data.denseBasis!, seed: 2 }));
 */
export function denseJitter(options: DenseJitterOptions): DenseJitter {
  const op = 'denseJitter';
  const o = parseOptions(op, denseJitterOptionsSchema, options);
  const basis = o.basis;
  assertShape(op, 'options.basis', basis, ['d1', 'k']);
  const [d1, k] = basis.shape as [number, number];
  if (basis.dtype !== 'float32') {
    throw new InvalidArgumentError({ op, argument: 'options.basis', expected: 'a float32 tensor', actual: `dtype '${basis.dtype}'` });
  }
  checkOrthonormal(op, basis.dataSync() as Float32Array, d1, k);
  const own = ownStream(o.seed, op);

  /** `views` jittered copies of x [batch, d1]. */
  const jitter = (x: tf.Tensor2D, r: Rng, views: number): tf.Tensor2D[] => {
    const b = x.shape[0];
    const fresh = r.fillNormal(new Float32Array(views * b * k));
    return tf.tidy(() => {
      const coef = matMul(x, basis); // [b, k]: ⟨H_j, x⟩
      const scale: tf.Tensor | number = o.scale === 'match' ? tf.sqrt(tf.mean(tf.square(coef), 0, true)) : o.scale; // [1, k]
      const basisT = tf.transpose(basis); // [k, d1]
      return Array.from({ length: views }, (_, v) => {
        const zeta = tf.mul(tf.tensor2d(fresh.subarray(v * b * k, (v + 1) * b * k), [b, k]), scale);
        // resample: x − H(Hᵀx − ζ′); add: x + Hζ′. Same-shape ops only (broadcasts are slow on cpu).
        return o.mode === 'resample' ? tf.sub(x, matMul(tf.sub(coef, zeta), basisT)) : tf.add(x, matMul(zeta as tf.Tensor2D, basisT));
      });
    });
  };
  const check = (name: string, x: unknown, rng: unknown): Rng => {
    assertShapes(`${op}.${name}`, [
      ['x', x, ['batch', 'd1']],
      ['options.basis', basis, ['d1', 'k']],
    ]);
    return checkApply(`${op}.${name}`, x, rng, own).rng;
  };

  return {
    name: op,
    views: o.views,
    options: o,
    apply(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D[] {
      return jitter(x, check('apply', x, rng), o.views);
    },
    transform(x: tf.Tensor2D, rng?: Rng): tf.Tensor2D {
      return jitter(x, check('transform', x, rng), 1)[0]!;
    },
  };
}

/** Throws unless HᵀH = I (to float32 accuracy): only then is x − HHᵀx the projection out of span(H). */
function checkOrthonormal(op: string, h: Float32Array, d1: number, k: number): void {
  let worst = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let i = 0; i < d1; i++) s += h[i * k + a]! * h[i * k + b]!;
      worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  if (!(worst < 1e-3)) {
    throw new InvalidArgumentError({
      op,
      argument: 'options.basis',
      expected: 'orthonormal columns (HᵀH = I), shape [d1, k]',
      actual: Number.isFinite(worst) ? `max |HᵀH − I| = ${worst.toPrecision(3)}` : 'non-finite values',
    });
  }
}
