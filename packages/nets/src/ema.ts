import * as tf from '@tensorflow/tfjs-core';
import { assertNumber, InvalidArgumentError, type Network, ShapeMismatchError } from '@contrastive/core';

function requireNetwork(argument: string, net: unknown): asserts net is Network {
  if (!net || typeof net !== 'object' || !Array.isArray((net as Network).variables)) {
    throw new InvalidArgumentError({ op: 'ema', argument, expected: 'a Network', actual: net });
  }
}

/**
 * BYOL's target update (docs/science/non-contrastive.md §3.2), in place: ξ ← m·ξ + (1 − m)·θ for every variable,
 * pairing `target.variables[i]` with `online.variables[i]` (same architecture, e.g. a
 * `cloneNetwork` of the online net). m = 1 freezes the target; m = 0 copies the online weights.
 *
 * @param target   network whose variables are overwritten (ξ)
 * @param online   network read (θ)
 * @param momentum m ∈ [0, 1] (luckmatters: 0.996)
 */
export function ema(target: Network, online: Network, momentum: number): void {
  requireNetwork('target', target);
  requireNetwork('online', online);
  assertNumber('ema', 'momentum', momentum, { min: 0, max: 1 });
  const tv = target.variables;
  const ov = online.variables;
  if (tv.length !== ov.length) {
    throw new InvalidArgumentError({
      op: 'ema',
      argument: 'online',
      expected: `${tv.length} variables (as target '${target.name}')`,
      actual: `${ov.length} variables in '${online.name}'`,
    });
  }
  tv.forEach((t, i) => {
    const o = ov[i]!;
    if (t.shape.length !== o.shape.length || t.shape.some((d, k) => d !== o.shape[k])) {
      throw new ShapeMismatchError({
        op: 'ema',
        argument: `online.variables[${i}]`,
        expected: `[${t.shape.join(', ')}]`,
        actual: o.shape,
        message: `variable ${i} of online '${online.name}' has shape [${o.shape.join(', ')}] but the target's ('${t.name}') is [${t.shape.join(', ')}]`,
      });
    }
  });
  if (momentum === 1) return;
  tv.forEach((t, i) => {
    const next = tf.tidy(() => tf.add(tf.mul(t, momentum), tf.mul(ov[i]!, 1 - momentum)));
    t.assign(next);
    next.dispose();
  });
}
