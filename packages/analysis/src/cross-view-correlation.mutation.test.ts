// Cross-view correlation at its smallest valid batch (2 samples: the Pearson correlation of two
// points is the sign of (a₂ − a₁)(b₂ − b₁), a closed form) and the 1-sample error of every entry
// point, with the message written out by hand (it names the first view).
import { rejectionOf } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import {
  crossViewCorrelation,
  crossViewCorrelationSync,
  featureCrossViewCorrelation,
  featureCrossViewCorrelationSync,
} from './cross-view-correlation';

describe('cross-view correlation with 2 samples (closed form ±1, up to float64 rounding)', () => {
  // Projections on e0: view a (1, 2), view b (3, 1) → opposite order → −1; on e1: (0, 5) and (0, 4) → +1.
  const a = [
    [1, 0],
    [2, 5],
  ];
  const b = [
    [3, 0],
    [1, 4],
  ];
  const dirs = [
    [1, 0],
    [0, 1],
  ];

  it('crossViewCorrelation accepts 2 rows', async () => {
    for (const r of [crossViewCorrelationSync(a, b, dirs), await crossViewCorrelation(a, b, dirs)]) {
      expect(r.perItem[0]).toBeCloseTo(-1, 14);
      expect(r.perItem[1]).toBeCloseTo(1, 14);
      expect(r.skipped).toBe(0);
    }
  });

  it('featureCrossViewCorrelation accepts 2 rows', async () => {
    for (const r of [featureCrossViewCorrelationSync(a, b), await featureCrossViewCorrelation(a, b)]) {
      expect(r.perItem[0]).toBeCloseTo(-1, 14);
      expect(r.perItem[1]).toBeCloseTo(1, 14);
    }
  });
});

describe('a single sample is an error naming the first view', () => {
  const one = [[1, 2]];
  const dirs = [[1], [0]];

  it('crossViewCorrelation (both forms) names viewA', async () => {
    for (const f of [() => crossViewCorrelationSync(one, one, dirs), () => crossViewCorrelation(one, one, dirs)]) {
      const e = await rejectionOf(f);
      expect(e.message).toBe(
        'crossViewCorrelation: invalid argument \'viewA\': expected at least 2 samples (rows) to correlate, got "1 row"',
      );
      expect(e.argument).toBe('viewA');
    }
  });

  it('featureCrossViewCorrelation (both forms) names featA', async () => {
    for (const f of [() => featureCrossViewCorrelationSync(one, one), () => featureCrossViewCorrelation(one, one)]) {
      const e = await rejectionOf(f);
      expect(e.message).toBe(
        'featureCrossViewCorrelation: invalid argument \'featA\': expected at least 2 samples (rows) to correlate, got "1 row"',
      );
    }
  });
});
