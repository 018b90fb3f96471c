// The wiring of the twin methods (Barlow Twins, Zbontar et al. 2021; VICReg, Bardes et al. 2022):
// one shared encoder → optional projector on both views, the representation is the encoder's output
// (not the projector's: both papers evaluate the backbone), the method names the CLI and the
// checkpoints use, and every refusal written out in full.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@contrastive/core';
import { describeBackends, expectClose } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { linearNet } from '../testing/toy';
import { barlowTwinsMethod, vicRegMethod } from './redundancy-reduction';

const makers = [
  ['barlowTwinsMethod', 'barlowtwins', barlowTwinsMethod],
  ['vicRegMethod', 'vicreg', vicRegMethod],
] as const;

let uid = 0;
const net = (i: number, o: number, seed: number) => linearNet(i, o, seed, `rr-mut${uid++}`);

describeBackends('Barlow Twins and VICReg methods (mutation)', () => {
  for (const [op, name, make] of makers) {
    it(`${op}: name '${name}'; networks, variables and embed with and without a projector`, () => {
      const encoder = net(3, 4, 1);
      const projector = net(4, 2, 2);
      const withProj = make({ encoder, projector });
      expect(withProj.name).toBe(name);
      expect(Object.keys(withProj.networks)).toEqual(['encoder', 'projector']);
      expect(withProj.networks['projector']).toBe(projector);
      expect(withProj.trainableVariables()).toEqual([...encoder.variables, ...projector.variables]);
      const x = tf.tensor2d([1, -2, 0.5, 3, 0, -1], [2, 3]);
      // embed is the encoder's output [2, 4], not the projector's [2, 2].
      const e = withProj.embed(x);
      expect(e.shape).toEqual([2, 4]);
      const ref = encoder.apply(x);
      expectClose(e, ref, { atol: 0, rtol: 0 });
      const withoutProj = make({ encoder: net(3, 4, 3) });
      expect(Object.keys(withoutProj.networks)).toEqual(['encoder']);
      tf.dispose([x, e, ref]);
      withProj.dispose();
      withoutProj.dispose();
    });

    it(`${op}: refusals name the method, the argument, what was expected and what came`, () => {
      const ok = net(3, 4, 4);
      const msg = (argument: string, actual: string) =>
        `${op}: invalid argument '${argument}': expected a Network (from @contrastive/nets), got ${actual}`;
      expect(() => make({ encoder: { apply: 1 } as never })).toThrow(msg('encoder', '{"apply":1}'));
      expect(() => make({ encoder: undefined as never })).toThrow(msg('encoder', 'undefined'));
      expect(() => make({ encoder: ok, projector: {} as never })).toThrow(msg('projector', '{}'));
      try {
        make({ encoder: ok, projector: 'mlp' as never });
        expect.unreachable();
      } catch (e) {
        expect(InvalidArgumentError.isInstance(e)).toBe(true);
        expect((e as Error).message).toBe(msg('projector', '"mlp"'));
      }
      const m = make({ encoder: ok });
      const v = tf.ones([2, 3]) as tf.Tensor2D;
      expect(() => m.loss([v, v, v], { x: v }, [])).toThrow(`${op}: invalid argument 'views': expected exactly 2 views, got "3 views"`);
      v.dispose();
      m.dispose();
    });
  }
});
