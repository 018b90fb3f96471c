// methodToJSON: one entry per network role, each the network's own toJSON(), in the method's order.
import type { Tensor2D } from '@tensorflow/tfjs-core';
import type { Network, NetworkJSON } from '@contrastive/core';
import { expect, it } from 'vitest';
import { type Method, methodToJSON } from './method';

it('methodToJSON maps every role to its network toJSON()', () => {
  const net = (type: string): Network => ({
    name: type,
    inputDim: 1,
    outputDim: 1,
    apply: (x) => x as Tensor2D,
    variables: [],
    toJSON: (): NetworkJSON => ({ type, config: { k: type.length }, weights: {} }),
    dispose: () => undefined,
  });
  const method = { networks: { encoder: net('enc'), projector: net('proj') } } as unknown as Method;
  const json = methodToJSON(method);
  expect(json).toEqual({
    encoder: { type: 'enc', config: { k: 3 }, weights: {} },
    projector: { type: 'proj', config: { k: 4 }, weights: {} },
  });
  expect(Object.keys(json)).toEqual(['encoder', 'projector']);
});
