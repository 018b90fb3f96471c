// The tiny feature-decoupling setting the CLI's tests share (d1 = 64, d = 8 atoms, 16 neurons): small
// enough to train in seconds, large enough that masking recovers atoms and identity does not.

/** The raw experiment config (before parseExperiment), with `overrides` merged on top. */
export function tinyDecoupling(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'tiny-decoupling',
    steps: 400,
    batchSize: 64,
    evalEvery: 200,
    evalSamples: 256,
    data: { type: 'sparseCoding', ambientDim: 64, latentDim: 8, sparsity: 0.1, noiseToSignal: 4 },
    encoder: {
      type: 'symmetricRelu',
      width: 16,
      unitNormRows: true,
      threshold: { type: 'linear-warmup', final: 1.34, unit: 'noiseStd', warmupFraction: 0.5 },
    },
    method: { type: 'contrastive', loss: 'infonce', temperature: 0.1, normalize: false },
    optimizer: { type: 'sgd', lr: 0.05 },
    arms: [
      { name: 'none', augment: { type: 'identity' } },
      { name: 'masking', augment: { type: 'complementaryMask', keepProb: 0.5 } },
    ],
    ...overrides,
  };
}
