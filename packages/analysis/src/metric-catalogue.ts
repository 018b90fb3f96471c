import { InvalidArgumentError } from '@contrastive/core';

/** Which way is better: `higher`, `lower`, or `neutral` (a descriptive quantity, e.g. a property of the augmentation). */
export type MetricDirection = 'higher' | 'lower' | 'neutral';

/**
 * What produces a metric: `sparseCoding` (neurons against the dictionary, `sparseCodingMetrics`),
 * `decoupling` (cross-view correlations, `decouplingMetrics`), `representation` (embeddings of
 * held-out samples, `representationMetrics`) or `training` (the training loop itself).
 */
/**
 * Which function produces a metric: the four suites, or the evaluation on a finite `Dataset`
 * (`knnMonitor`, a `train` eval hook, and `datasetMetrics` at the end).
 */
export type MetricSuite = 'sparseCoding' | 'decoupling' | 'representation' | 'training' | 'knnMonitor';

/** One metric the suites produce: how to name, order, judge and print it. */
export interface MetricInfo<K extends string = string> {
  /** Flat key as it appears in results (`atomRecovery.fraction`). */
  readonly key: K;
  /** Short label for tables. */
  readonly label: string;
  /** Whether higher or lower is better (arrows in tables, direction of checks). */
  readonly direction: MetricDirection;
  /** The metric suite that produces it. */
  readonly suite: MetricSuite;
  /** One sentence: what the number is and when it is produced. */
  readonly description: string;
  /** Format hint: decimals to print, and the metric's natural range when it has one (plot axes). */
  readonly format: {
    /** Decimals to print. */
    readonly digits: number;
    /** The natural range [low, high], when the metric has one. */
    readonly range?: readonly [number, number];
  };
  /** Shown in the final results table (false: a diagnostic kept in results.json and the curves only). */
  readonly table: boolean;
  /** What the setup must have for the metric to be produced (all of them); [] for every setup. */
  readonly requires: readonly MetricRequirement[];
}

/**
 * A precondition of a metric: a data capability of core (`dictionary`/`denseBasis`: `HasDictionary`,
 * `labels`: `HasLabels`, `recoverableLatents`: `HasRecoverableLatents`, `latentTree`:
 * `HasLatentTree`), a network capability (`neuronWeights` of the encoder, `predictorMatrix` of the
 * predictor), an `augmentation` (not the data's own pairs) or a `projector`.
 */
export type MetricRequirement =
  | 'dictionary'
  | 'denseBasis'
  | 'neuronWeights'
  | 'augmentation'
  | 'labels'
  | 'recoverableLatents'
  | 'latentTree'
  | 'projector'
  | 'predictorMatrix';

const unit = { digits: 3, range: [0, 1] } as const;
const real = { digits: 3 } as const;

/**
 * Every metric key the suites produce, in the order the report's tables show them.
 * References for the formulas are in the analysis functions' doc comments (docs/ and the papers).
 */
export const metricCatalogue = [
  {
    key: 'atomRecovery.fraction',
    label: 'atoms recovered (a_j > 0.8)',
    direction: 'higher',
    suite: 'sparseCoding',
    requires: ['dictionary', 'neuronWeights'],
    description:
      'Share of dictionary atoms M_j with a_j = max_i |cos(w_i, M_j)| > 0.8 (Wen & Li 2021). Needs a data model with a dictionary.',
    format: unit,
    table: true,
  },
  {
    key: 'atomRecovery.median',
    label: 'median a_j',
    direction: 'higher',
    suite: 'sparseCoding',
    requires: ['dictionary', 'neuronWeights'],
    description: 'Median over atoms of a_j = max_i |cos(w_i, M_j)|.',
    format: unit,
    table: true,
  },
  {
    key: 'atomRecovery.min',
    label: 'min a_j',
    direction: 'higher',
    suite: 'sparseCoding',
    requires: ['dictionary', 'neuronWeights'],
    description: 'Worst-recovered atom: min over atoms of a_j.',
    format: unit,
    table: true,
  },
  {
    key: 'neuronPurity.median',
    label: 'median neuron purity',
    direction: 'higher',
    suite: 'sparseCoding',
    requires: ['dictionary', 'neuronWeights'],
    description: 'Median over neurons of max_j |cos(w_i, M_j)|: how close each neuron is to a single atom.',
    format: unit,
    table: true,
  },
  {
    key: 'residualMass.mean',
    label: 'mass outside span(M)',
    direction: 'lower',
    suite: 'sparseCoding',
    requires: ['dictionary', 'neuronWeights'],
    description: 'Mean over neurons of the share of ‖w_i‖² outside the span of the dictionary.',
    format: unit,
    table: true,
  },
  {
    key: 'denseMass.mean',
    label: 'dense mass (span H)',
    direction: 'lower',
    suite: 'sparseCoding',
    requires: ['dictionary', 'denseBasis', 'neuronWeights'],
    description:
      'Mean over neurons of the share of ‖w_i‖² in the span of the dense basis H (dense features learned). Needs a data model with a dense basis.',
    format: unit,
    table: true,
  },
  {
    key: 'crossView.atoms',
    label: 'cross-view corr. (atoms)',
    direction: 'neutral',
    suite: 'decoupling',
    requires: ['dictionary', 'augmentation'],
    description: 'Mean over atoms M_j of the Pearson correlation of ⟨M_j, x⁺⟩ and ⟨M_j, x⁺⁺⟩ across the two views of the augmentation.',
    format: real,
    table: true,
  },
  {
    key: 'crossView.noise',
    label: 'cross-view corr. (noise)',
    direction: 'neutral',
    suite: 'decoupling',
    requires: ['dictionary', 'augmentation'],
    description:
      'The same along 16 random orthonormal directions orthogonal to span(M) (and span(H)): how much the views share their noise.',
    format: real,
    table: true,
  },
  {
    key: 'crossView.dense',
    label: 'cross-view corr. (dense)',
    direction: 'neutral',
    suite: 'decoupling',
    requires: ['dictionary', 'denseBasis', 'augmentation'],
    description: 'The same along the dense basis directions H.',
    format: real,
    table: true,
  },
  {
    key: 'featureCrossView.mean',
    label: 'cross-view corr. (features)',
    direction: 'neutral',
    suite: 'decoupling',
    requires: ['dictionary', 'augmentation'],
    description: 'Mean over output features of the Pearson correlation of h_i(x⁺) and h_i(x⁺⁺) (constant features skipped).',
    format: real,
    table: false,
  },
  {
    key: 'linearProbe.testAccuracy',
    label: 'linear probe acc.',
    direction: 'higher',
    suite: 'representation',
    requires: ['labels'],
    description:
      'Test accuracy of a logistic regression on frozen, standardised features: of held-out samples (half train, half test) for a data model; trained on the training split and tested on the test split for a dataset (datasetMetrics). Needs labels.',
    format: unit,
    table: true,
  },
  {
    key: 'knn.accuracy',
    label: 'kNN acc.',
    direction: 'higher',
    suite: 'representation',
    requires: ['labels'],
    description: 'Accuracy of a k = 20 cosine nearest-neighbour classifier on frozen features of held-out samples. Needs labels.',
    format: unit,
    table: true,
  },
  {
    key: 'knn.top1',
    requires: ['labels'],
    label: 'weighted kNN top-1',
    direction: 'higher',
    suite: 'knnMonitor',
    description:
      'Top-1 accuracy of the weighted kNN of InstDisc/lightly (cosine, k = 200, votes exp(s/0.07)) on held-out items against a training subset, embedded in eval mode (knnMonitor, during training). Needs labels.',
    format: unit,
    table: true,
  },
  {
    key: 'knn.top5',
    requires: ['labels'],
    label: 'weighted kNN top-5',
    direction: 'higher',
    suite: 'knnMonitor',
    description: 'The same weighted kNN: share of held-out items whose label is among the 5 highest-scoring classes.',
    format: unit,
    table: false,
  },
  {
    key: 'knn20.top1',
    requires: ['labels'],
    label: 'weighted kNN top-1 (k = 20)',
    direction: 'higher',
    suite: 'knnMonitor',
    description:
      "The weighted kNN with k = 20 (DINO's; cosine, votes exp(s/0.07)) of the test split against the training split, embedded in eval mode at the end of training (datasetMetrics). Needs a dataset.",
    format: unit,
    table: true,
  },
  {
    key: 'stdOfNormalized',
    label: 'std of normalised output',
    direction: 'higher',
    suite: 'representation',
    requires: [],
    description:
      "Channel-mean std over the batch of the L2-normalised embedding (SimSiam's collapse monitor: 0 collapsed, ≈ 1/√dim spread).",
    format: real,
    table: true,
  },
  {
    key: 'stdOfNormalized.projection',
    label: 'std of normalised projection',
    direction: 'higher',
    suite: 'representation',
    requires: ['projector'],
    description: 'The same for the projector output z (produced when the method has a projector).',
    format: real,
    table: true,
  },
  {
    key: 'stdOfNormalized.ideal',
    label: 'std of normalised output if spread (1/√dim)',
    direction: 'neutral',
    suite: 'representation',
    requires: [],
    description: 'Reference value 1/√dim of the embedding: the std of a coordinate of a uniform unit vector.',
    format: real,
    table: false,
  },
  {
    key: 'effectiveRank',
    label: 'effective rank',
    direction: 'higher',
    suite: 'representation',
    requires: [],
    description: 'exp of the entropy of the normalised singular values of the embeddings (Roy & Vetterli 2007).',
    format: real,
    table: true,
  },
  {
    key: 'alignment',
    label: 'alignment',
    direction: 'lower',
    suite: 'representation',
    requires: [],
    description: 'Mean ‖f(x⁺) − f(x⁺⁺)‖² of normalised embeddings of positive pairs (Wang & Isola 2020).',
    format: real,
    table: true,
  },
  {
    key: 'uniformity',
    label: 'uniformity',
    direction: 'lower',
    suite: 'representation',
    requires: [],
    description: 'log mean_{i<j} exp(−2‖f(x_i) − f(x_j)‖²) of normalised embeddings (Wang & Isola 2020).',
    format: real,
    table: true,
  },
  {
    key: 'hltmBestCorrelation.mean',
    label: 'best |corr| with latents',
    direction: 'higher',
    suite: 'representation',
    requires: ['latentTree'],
    description:
      'Mean over internal nodes of a hierarchical latent tree of the best |Pearson corr| of a hidden unit with the node (Tian et al. 2020).',
    format: unit,
    table: true,
  },
  {
    key: 'r2.mean',
    label: 'R² of latents',
    direction: 'higher',
    suite: 'representation',
    requires: ['recoverableLatents'],
    description: 'Held-out R² of a linear regression from features to the true latents (Zimmermann et al. 2021).',
    format: real,
    table: true,
  },
  {
    key: 'mcc',
    label: 'MCC',
    direction: 'higher',
    suite: 'representation',
    requires: ['recoverableLatents'],
    description: 'Mean |Pearson corr| of features and latents after the best one-to-one matching (Zimmermann et al. 2021).',
    format: unit,
    table: true,
  },
  {
    key: 'commutatorNorm',
    label: 'commutator ‖[F, W_p]‖',
    direction: 'lower',
    suite: 'representation',
    requires: ['predictorMatrix'],
    description:
      'Normalised commutator ‖F W_p − W_p F‖_F / (‖F‖_F‖W_p‖_F) of the predictor input correlation F and a square predictor W_p (Tian et al. 2021).',
    format: real,
    table: true,
  },
  {
    key: 'loss',
    label: 'final loss',
    direction: 'lower',
    suite: 'training',
    requires: [],
    description: 'Mean training loss over the last 50 logged steps.',
    format: real,
    table: true,
  },
] as const satisfies readonly MetricInfo[];

/** A metric key the suites produce (`atomRecovery.fraction`, `loss`, …). */
export type MetricKey = (typeof metricCatalogue)[number]['key'];

/** Metric values by catalogue key: what the suites return (absent keys did not apply). */
export type MetricRecord = Partial<Record<MetricKey, number>>;

/** Every metric key, in table order. */
export const metricKeys: readonly MetricKey[] = metricCatalogue.map((m) => m.key);

const byKey = new Map<string, MetricInfo<MetricKey>>(metricCatalogue.map((m) => [m.key, m]));

/** True when `s` is a key of the metric catalogue. */
export function isMetricKey(s: unknown): s is MetricKey {
  return typeof s === 'string' && byKey.has(s);
}

/** The catalogue entry of `key`, or undefined for an unknown key. */
export function metricInfo(key: string): MetricInfo<MetricKey> | undefined {
  return byKey.get(key);
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, each cost 1), so
 * 'fractoin' is 1 away from 'fraction'. Hand-written: 15 lines, not worth a dependency.
 */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The catalogue key nearest to a misspelt `s` (case-insensitive edit distance with transpositions),
 * or undefined when nothing is close (more than a third of the longer string, and at least 3, away).
 */
export function suggestMetricKey(s: string): MetricKey | undefined {
  const lower = s.toLowerCase();
  let best: MetricKey | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const key of metricKeys) {
    const dist = editDistance(lower, key.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [key, dist];
  }
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(2, Math.floor(Math.max(s.length, best.length) / 3)) ? best : undefined;
}

/**
 * The message for an unknown metric: "unknown metric 'atomRecovery.fractoin'; did you mean
 * 'atomRecovery.fraction'?" (or the list of keys when nothing is close).
 */
export function unknownMetricMessage(s: string): string {
  const near = suggestMetricKey(s);
  return near ? `unknown metric '${s}'; did you mean '${near}'?` : `unknown metric '${s}'; known metrics: ${metricKeys.join(', ')}`;
}

/**
 * Returns `s` typed as a metric key, or throws an `InvalidArgumentError` naming `argument` with a
 * suggestion (for validating config fields such as `checks[].metric`).
 */
export function assertMetricKey(s: unknown, argument = 'metric', op?: string): MetricKey {
  if (isMetricKey(s)) return s;
  throw new InvalidArgumentError({
    ...(op ? { op } : {}),
    argument,
    expected: 'a metric key of the catalogue',
    actual: s,
    ...(typeof s === 'string' ? { message: `${argument}: ${unknownMetricMessage(s)}` } : {}),
  });
}

/**
 * Prints a number with `digits` decimals, in exponent notation below 1e-3 or from 1e5 (so tiny
 * and huge values stay readable), and '–' for a missing or non-finite value.
 */
export function formatNumber(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  const a = Math.abs(value);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? value.toExponential(2) : value.toFixed(digits);
}

/** Prints a metric value with its catalogue hint (`formatNumber` with the entry's digits; 3 for an unknown key). */
export function formatMetric(key: string, value: number | undefined): string {
  return formatNumber(value, metricInfo(key)?.format.digits ?? 3);
}
