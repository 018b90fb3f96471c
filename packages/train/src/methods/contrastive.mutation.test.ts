// contrastiveMethod passes each option to the loss it names: the method's loss equals the losses
// package's function called by hand with the documented mapping (normalize → cosine similarity,
// else raw dot products; baseTemperature defaulting to temperature; SupCon's labels only when
// supervised). The losses themselves are checked against float64 references in @contrastive/losses.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError, registerKernel, unregisterKernel } from '@contrastive/core';
import { infoNCELoss, ntXentLoss, supConLoss } from '@contrastive/losses';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { symmetricRelu } from '@contrastive/nets';
import { afterEach, expect, it } from 'vitest';
import { kernelRestorer } from '../testing/kernels';
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
    expect((error as InvalidArgumentError).expected).toBe('labels from the data model (supervised SupCon)');
    expect((error as Error).message).toBe(
      "contrastiveMethod: supervised SupCon needs a data model whose samples carry 'labels' (e.g. labeledSparseCoding); set supervised: false for SimCLR",
    );
    tf.dispose([a, b]);
    m.dispose();
  });
});

// The fused step is wired from core's kernel registry; these tests register stand-ins that record
// their calls (what the kernels compute is checked in fused-step.mutation.test.ts and @contrastive/native).
const restoreKernels = kernelRestorer('symmetricReluInfoNCE', 'symmetricReluInfoNCEStep');

describeBackends("contrastiveMethod kernels: 'native' says why not, the fused step gets the encoder's settings (mutation)", () => {
  afterEach(restoreKernels);
  const wenLi = (name: string) => symmetricRelu({ inputDim: 5, width: 3, threshold: 0.25, unitNormRows: false, seed: 1, name });

  it("every reason 'native' is refused, as a message and as the error's fields", () => {
    unregisterKernel('symmetricReluInfoNCE');
    const nets: Array<{ dispose(): void }> = [];
    const keep = <T extends { dispose(): void }>(x: T) => (nets.push(x), x);
    const refusal = (o: Partial<Parameters<typeof contrastiveMethod>[0]>) => {
      try {
        contrastiveMethod({
          encoder: keep(wenLi(`cm-r${nets.length}`)),
          loss: 'infonce',
          normalize: false,
          ...o,
          kernels: 'native',
        }).dispose();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        const { op, argument, expected, actual } = e as InvalidArgumentError;
        expect({ op, argument, expected, actual }).toEqual({
          op: 'contrastiveMethod',
          argument: 'options.kernels',
          expected: "'auto' or 'tfjs' here",
          actual: 'native',
        });
        return (e as Error).message.replace("contrastiveMethod: kernels 'native' is not possible: ", '');
      }
      return 'ok';
    };
    expect(refusal({ encoder: keep(linearNet(5, 3, 1, 'cm-lin')) })).toBe('the encoder is not a symmetricRelu network');
    expect(refusal({ projector: keep(linearNet(3, 2, 1, 'cm-pr')) })).toBe('a projector is set');
    expect(refusal({ loss: 'ntxent' })).toBe("loss is 'ntxent', not 'infonce'");
    expect(refusal({ normalize: true })).toBe('normalize is true (the fused step uses raw inner products)');
    expect(refusal({ symmetric: true })).toBe('symmetric InfoNCE is not fused');
    expect(refusal({})).toBe(
      "no fused kernel is registered: install @contrastive/native and call useNativeKernels() from it before creating the method (it registers the 'symmetricReluInfoNCE' kernel in @contrastive/core's registry)",
    );
    registerKernel('symmetricReluInfoNCE', () => tf.scalar(0));
    expect(refusal({})).toBe('ok');
    for (const n of nets) n.dispose();
  });

  it('fusedSgdStep exists only with the step kernel registered, and hands it the views, W, b, τ, lr[0] and unitNormRows', () => {
    registerKernel('symmetricReluInfoNCE', () => tf.scalar(0));
    unregisterKernel('symmetricReluInfoNCEStep');
    const encoder = wenLi('cm-fs');
    const without = contrastiveMethod({ encoder, normalize: false, temperature: 0.3 });
    expect(without.engine).toBe('native');
    expect(without.fusedSgdStep).toBeUndefined();
    const calls: unknown[][] = [];
    registerKernel('symmetricReluInfoNCEStep', (...args) => (calls.push(args), 1.25));
    const method = contrastiveMethod({ encoder, normalize: false, temperature: 0.3 });
    const [a, b] = views();
    expect(method.fusedSgdStep!([a, b], { x: a }, [0.125, 9])).toBe(1.25);
    expect(calls).toEqual([[a, b, encoder.weight, { threshold: 0.25, temperature: 0.3, learningRate: 0.125, unitNormRows: false }]]);
    tf.dispose([a, b]);
    method.dispose();
  });
});

/**
 * SupCon (Khosla et al. 2020, Eq. 2 L_out and Eq. 3 L_in) over the 2B views of a batch in float64,
 * scaled by τ/τ_base; no labels is SimCLR's NT-Xent (Chen et al. 2020: the only positive of a view
 * is the other view of its sample). Views L2-normalised first when `normalize`.
 */
function supConFloat64(
  z: number[][][],
  o: { labels?: number[]; temperature: number; baseTemperature: number; variant: 'out' | 'in'; normalize: boolean },
): number {
  const B = z[0]!.length;
  const unit = (v: number[]) => {
    const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    return o.normalize ? v.map((x) => x / Math.max(n, 1e-12)) : v;
  };
  const all = z.flatMap((view, vi) => view.map((v, i) => ({ v: unit(v), sample: i, label: o.labels?.[i] ?? i, id: vi * B + i })));
  const dot = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k]!, 0);
  let total = 0;
  for (const anchor of all) {
    const others = all.filter((c) => c.id !== anchor.id);
    const logits = others.map((c) => dot(anchor.v, c.v) / o.temperature);
    const max = Math.max(...logits);
    const logZ = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
    const pos = others.flatMap((c, k) => (c.label === anchor.label ? [logits[k]! - logZ] : []));
    const l =
      o.variant === 'out' ? -pos.reduce((s, x) => s + x, 0) / pos.length : -Math.log(pos.reduce((s, x) => s + Math.exp(x), 0) / pos.length);
    total += (o.temperature / o.baseTemperature) * l;
  }
  return total / all.length;
}

describeBackends('contrastiveMethod SupCon / NT-Xent against float64 references (mutation)', () => {
  it('supcon (out, in, base temperature, unsupervised = SimCLR) and ntxent equal the float64 formulas', () => {
    const encoder = linearNet(5, 4, 1, 'cm-f64');
    const [a, b] = views();
    const y = [0, 1, 0, 2, 1, 2];
    const labels = tf.tensor1d(y, 'int32');
    const rows = (t: tf.Tensor2D) => tf.tidy(() => encoder.apply(t).arraySync() as number[][]);
    const z = [rows(a), rows(b)];
    const cases: Array<[Parameters<typeof contrastiveMethod>[0], number]> = [
      [
        { encoder, loss: 'supcon', temperature: 0.2 },
        supConFloat64(z, { labels: y, temperature: 0.2, baseTemperature: 0.2, variant: 'out', normalize: true }),
      ],
      [
        { encoder, loss: 'supcon', temperature: 0.2, baseTemperature: 0.07, variant: 'in' },
        supConFloat64(z, { labels: y, temperature: 0.2, baseTemperature: 0.07, variant: 'in', normalize: true }),
      ],
      [
        { encoder, loss: 'supcon', supervised: false, normalize: false, temperature: 0.5 },
        supConFloat64(z, { temperature: 0.5, baseTemperature: 0.5, variant: 'out', normalize: false }),
      ],
      [
        { encoder, loss: 'ntxent', temperature: 0.3 },
        supConFloat64(z, { temperature: 0.3, baseTemperature: 0.3, variant: 'out', normalize: true }),
      ],
    ];
    for (const [options, want] of cases) {
      const m = contrastiveMethod(options);
      const got = tf.tidy(() => m.loss([a, b], { x: a, labels }, []).dataSync()[0]!);
      expectClose(got, want, { atol: 2e-5, rtol: 1e-5 });
    }
    tf.dispose([a, b, labels]);
    encoder.dispose();
  });
});
