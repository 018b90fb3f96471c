import { InvalidArgumentError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import {
  assertMetricKey,
  formatMetric,
  formatNumber,
  isMetricKey,
  metricCatalogue,
  metricInfo,
  metricKeys,
  suggestMetricKey,
  unknownMetricMessage,
} from './metric-catalogue';

describe('metricCatalogue', () => {
  it('has unique keys, labels and complete entries', () => {
    expect(new Set(metricKeys).size).toBe(metricCatalogue.length);
    expect(new Set(metricCatalogue.map((m) => m.label)).size).toBe(metricCatalogue.length);
    for (const m of metricCatalogue) {
      expect(m.label.length).toBeGreaterThan(0);
      expect(m.description.length).toBeGreaterThan(10);
      expect(['higher', 'lower', 'neutral']).toContain(m.direction);
      expect(['sparseCoding', 'decoupling', 'representation', 'training', 'knnMonitor']).toContain(m.suite);
      expect(Number.isInteger(m.format.digits)).toBe(true);
    }
  });

  it('knows the keys the presets check', () => {
    for (const k of [
      'atomRecovery.fraction',
      'denseMass.mean',
      'linearProbe.testAccuracy',
      'stdOfNormalized.projection',
      'stdOfNormalized',
      'knn.accuracy',
      'commutatorNorm',
      'hltmBestCorrelation.mean',
      'r2.mean',
      'mcc',
      'loss',
    ]) {
      expect(isMetricKey(k)).toBe(true);
    }
    expect(isMetricKey('atomRecovery.fractoin')).toBe(false);
    expect(isMetricKey(3)).toBe(false);
    expect(metricInfo('loss')?.direction).toBe('lower');
    expect(metricInfo('nope')).toBeUndefined();
  });
});

describe('suggestMetricKey', () => {
  it('suggests the nearest key for typos', () => {
    expect(suggestMetricKey('atomRecovery.fractoin')).toBe('atomRecovery.fraction'); // transposition
    expect(suggestMetricKey('atomrecovery.fraction')).toBe('atomRecovery.fraction'); // case
    expect(suggestMetricKey('knn.acuracy')).toBe('knn.accuracy'); // deletion
    expect(suggestMetricKey('linearProbe.testAccuracyy')).toBe('linearProbe.testAccuracy'); // insertion
    expect(suggestMetricKey('mmc')).toBe('mcc'); // substitution in a short key
    expect(suggestMetricKey('throughput.imagesPerSecond')).toBeUndefined();
  });

  it('builds the error message', () => {
    expect(unknownMetricMessage('atomRecovery.fractoin')).toBe(
      "unknown metric 'atomRecovery.fractoin'; did you mean 'atomRecovery.fraction'?",
    );
    expect(unknownMetricMessage('xyz.abcdefgh')).toMatch(/^unknown metric 'xyz.abcdefgh'; known metrics: atomRecovery.fraction, /);
    expect(assertMetricKey('mcc')).toBe('mcc');
    expect(() => assertMetricKey('atomRecovery.fractoin', 'checks[0].metric')).toThrow(
      "checks[0].metric: unknown metric 'atomRecovery.fractoin'; did you mean 'atomRecovery.fraction'?",
    );
    try {
      assertMetricKey(42, 'checks[1].metric');
    } catch (e) {
      expect(InvalidArgumentError.isInstance(e)).toBe(true);
      expect((e as InvalidArgumentError).argument).toBe('checks[1].metric');
    }
    expect.assertions(6);
  });
});

describe('formatMetric', () => {
  it('prints with the hint', () => {
    expect(formatMetric('atomRecovery.fraction', 0.96875)).toBe('0.969');
    expect(formatMetric('loss', 1e-5)).toBe('1.00e-5');
    expect(formatMetric('loss', Number.NaN)).toBe('–');
    expect(formatMetric('loss', undefined)).toBe('–');
    expect(formatMetric('unknown', 0)).toBe('0.000');
    expect(formatNumber(123456.7)).toBe('1.23e+5');
    expect(formatNumber(-0.5, 1)).toBe('-0.5');
  });
});
