// contrastiveMethod passes each option to the loss it names: the method's loss equals the losses
// package's function called by hand with the documented mapping (normalize → cosine similarity,
// else raw dot products; baseTemperature defaulting to temperature; SupCon's labels only when
// supervised). The losses themselves are checked against float64 references in @contrastive/losses.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError } from '@contrastive/core';
import { infoNCELoss, ntXentLoss, supConLoss } from '@contrastive/losses';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { linearNet } from '../testing/toy';
import { contrastiveMethod, contrastiveMethodSchema } from './contrastive';

const views = (): [tf.Tensor2D, tf.Tensor2D] => {
  const r = createRng(11);
  return [tf.tensor2d(r.fillNormal(new Float32Array(6 * 5)), [6, 5]), tf.tensor2d(r.fillNormal(new Float32Array(6 * 5)), [6, 5])];
};

describeBackends('contrastiveMethod options reach the loss (mutation)', () => {
  it('the defaults: InfoNCE, τ = 0.1, normalized, one-sided, SupCon variant out, supervised, kernels auto', () => {
    expect(contrastiveMethodSchema.parse({})).toEqual({
      loss: 'infonce',
      temperature: 0.1,
      normalize: true,
      symmetric: false,
      variant: 'out',
      supervised: true,
      kernels: 'auto',
    });
  });

  it('each loss and option gives the loss function called with the same options by hand', () => {
    const encoder = linearNet(5, 4, 1, 'cm-enc');
    const projector = linearNet(4, 3, 2, 'cm-proj');
    const [a, b] = views();
    const labels = tf.tensor1d([0, 1, 0, 2, 1, 2], 'int32');
    const before = tf.memory().numTensors;
    const z = (x: tf.Tensor2D) => projector.apply(encoder.apply(x));
    const cases: Array<[string, Parameters<typeof contrastiveMethod>[0], () => tf.Scalar]> = [
      [
        'infonce default',
        { encoder, projector },
        () => infoNCELoss(z(a), z(b), { temperature: 0.1, normalize: true, symmetric: false, similarity: 'cosine' }),
      ],
      [
        'infonce dot, symmetric, τ = 0.5',
        { encoder, projector, normalize: false, symmetric: true, temperature: 0.5 },
        () => infoNCELoss(z(a), z(b), { temperature: 0.5, normalize: false, symmetric: true, similarity: 'dot' }),
      ],
      [
        'ntxent',
        { encoder, projector, loss: 'ntxent', temperature: 0.3 },
        () => ntXentLoss(z(a), z(b), { temperature: 0.3, normalize: true }),
      ],
      [
        'ntxent raw',
        { encoder, projector, loss: 'ntxent', normalize: false },
        () => ntXentLoss(z(a), z(b), { temperature: 0.1, normalize: false }),
      ],
      [
        'supcon supervised',
        { encoder, projector, loss: 'supcon', temperature: 0.2 },
        () =>
          supConLoss(tf.stack([z(a), z(b)], 1) as tf.Tensor3D, {
            labels,
            temperature: 0.2,
            baseTemperature: 0.2,
            variant: 'out',
            normalize: true,
          }),
      ],
      [
        'supcon in, base temperature',
        { encoder, projector, loss: 'supcon', temperature: 0.2, baseTemperature: 0.07, variant: 'in' },
        () =>
          supConLoss(tf.stack([z(a), z(b)], 1) as tf.Tensor3D, {
            labels,
            temperature: 0.2,
            baseTemperature: 0.07,
            variant: 'in',
            normalize: true,
          }),
      ],
      [
        'simclr (supcon unsupervised)',
        { encoder, projector, loss: 'supcon', supervised: false, normalize: false, temperature: 0.15 },
        () =>
          supConLoss(tf.stack([z(a), z(b)], 1) as tf.Tensor3D, {
            temperature: 0.15,
            baseTemperature: 0.15,
            variant: 'out',
            normalize: false,
          }),
      ],
    ];
    const seen = new Set<number>();
    for (const [what, options, reference] of cases) {
      const m = contrastiveMethod(options);
      expect(m.name, what).toBe(options.loss ?? 'infonce');
      expect(m.engine, what).toBe('tfjs');
      const got = tf.tidy(() => m.loss([a, b], { x: a, labels }, []).dataSync()[0]!);
      const want = tf.tidy(() => reference().dataSync()[0]!);
      expectClose(got, want, { atol: 1e-6 });
      seen.add(Math.round(want * 1e5));
    }
    // Every case computes a different number (SimCLR at τ = 0.1 would equal NT-Xent: the same loss).
    expect(seen.size).toBe(cases.length);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, labels]);
    encoder.dispose();
    projector.dispose();
  });

  it('without a projector the loss sees the encoder output; networks and trainable variables follow', () => {
    const encoder = linearNet(5, 4, 1, 'cm-solo');
    const m = contrastiveMethod({ encoder, temperature: 0.25 });
    expect(Object.keys(m.networks)).toEqual(['encoder']);
    expect(m.trainableVariables()).toEqual(encoder.variables);
    const [a, b] = views();
    const got = tf.tidy(() => m.loss([a, b], { x: a }, []).dataSync()[0]!);
    const want = tf.tidy(() => infoNCELoss(encoder.apply(a), encoder.apply(b), { temperature: 0.25 }).dataSync()[0]!);
    expectClose(got, want, { atol: 1e-6 });
    const projector = linearNet(4, 3, 2, 'cm-p');
    const withProjector = contrastiveMethod({ encoder, projector });
    expect(Object.keys(withProjector.networks)).toEqual(['encoder', 'projector']);
    expect(withProjector.trainableVariables()).toEqual([...encoder.variables, ...projector.variables]);
    expectClose(
      tf.tidy(() => Array.from(withProjector.embed(a).dataSync())),
      tf.tidy(() => Array.from(encoder.apply(a).dataSync())),
      { atol: 0 },
    );
    tf.dispose([a, b]);
    m.dispose();
    projector.dispose();
  });

  it('errors: no encoder; supervised SupCon without labels says what to do', () => {
    expect(() => contrastiveMethod({ encoder: undefined as never })).toThrow(
      "contrastiveMethod: invalid argument 'encoder': expected a Network, got undefined",
    );
    const encoder = linearNet(5, 4, 1, 'cm-err');
    const m = contrastiveMethod({ encoder, loss: 'supcon' });
    const [a, b] = views();
    let error: unknown;
    try {
      m.loss([a, b], { x: a }, []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('batch.labels');
    expect((error as Error).message).toBe(
      "contrastiveMethod: supervised SupCon needs a data model whose samples carry 'labels' (e.g. labeledSparseCoding); set supervised: false for SimCLR",
    );
    tf.dispose([a, b]);
    m.dispose();
  });
});
