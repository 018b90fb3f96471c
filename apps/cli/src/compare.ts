import { type Experiment, parseExperiment } from './config';
import { ConfigError, escapeText } from './errors';
import { COMPARE_METHODS } from './presets';

/**
 * `contrastive compare`: the base experiment's data, augmentation, encoder, projector, optimizer,
 * steps and seeds, with one arm per loss (its method and, for SimSiam/BYOL, a prediction head).
 * Checks of the base are dropped: a comparison states no claim.
 */
export function comparison(base: Experiment, losses: string): Experiment {
  const names = losses
    .split(',')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((n) => !Object.hasOwn(COMPARE_METHODS, n));
  if (names.length === 0 || unknown.length) {
    throw new ConfigError(
      `--losses: unknown loss ${unknown.map((u) => `'${escapeText(u, 40)}'`).join(', ') || "''"}; choose from ${Object.keys(COMPARE_METHODS).join(', ')}`,
    );
  }
  if (new Set(names).size !== names.length)
    throw new ConfigError(`--losses: '${escapeText(losses, 100)}' names a loss twice`, { path: '--losses' });
  const arms = names.map((n) => {
    const m = COMPARE_METHODS[n]!;
    return { name: n, method: m.method, predictor: m.predictor ?? null };
  });
  const { checks: _checks, arms: _arms, ...rest } = base;
  return parseExperiment(
    {
      ...rest,
      name: base.name === 'compare' ? 'compare' : `compare-${base.name}`,
      title: base.name === 'compare' ? base.title : `Comparison of ${names.join(', ')} on ${base.title ?? base.name}`,
      arms,
      checks: [],
    },
    'compare',
  );
}
