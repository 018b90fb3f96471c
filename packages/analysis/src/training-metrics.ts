import { InvalidArgumentError } from '@contrastive/core';
import type { MetricRecord } from './metric-catalogue';

/**
 * The training suite: `loss`, the mean of the last `window` logged training losses (default 50),
 * which smooths the step-to-step noise of a stochastic loss. NaN for an empty log.
 *
 * @param losses the training loss per step, in order
 */
export function trainingMetrics(losses: readonly number[], options: { window?: number } = {}): MetricRecord {
  const window = options.window ?? 50;
  if (!Number.isInteger(window) || window < 1) {
    throw new InvalidArgumentError({ op: 'trainingMetrics', argument: 'options.window', expected: 'a positive integer', actual: window });
  }
  const tail = losses.slice(-window);
  return { loss: tail.length ? tail.reduce((s, v) => s + v, 0) / tail.length : Number.NaN };
}
