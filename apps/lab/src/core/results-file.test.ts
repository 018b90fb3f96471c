import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { parseResultsFile, pickResultsFile } from './results-file';

// A real `contrastive run feature-decoupling --seeds 0 --steps 800 --backend wasm` results.json.
const fixture = readFileSync(new URL('../../test/fixtures/feature-decoupling-results.json', import.meta.url), 'utf8');

describe('parseResultsFile', () => {
  it("reads a CLI run's results.json", () => {
    const r = parseResultsFile(fixture);
    expect(r.experiment).toBe('feature-decoupling');
    expect(r.arms.map((a) => a.name)).toEqual([
      'no augmentation',
      'gaussian noise',
      'complementary masking',
      'dense: masking',
      'dense: masking + jitter',
    ]);
    expect(r.arms[2]!.mean['atomRecovery.fraction']).toBeGreaterThan(0.5);
    expect(r.checks.length).toBe(5);
    // The CLI's reading: a metric stored as null is NaN again.
    const withNull = JSON.parse(fixture);
    withNull.arms[0].mean['stdOfNormalized'] = null;
    expect(parseResultsFile(JSON.stringify(withNull)).arms[0]!.mean['stdOfNormalized']).toBeNaN();
  });

  it('names the file and the bad key path', () => {
    const bad = JSON.parse(fixture);
    bad.arms[1].mean = 'oops';
    expect(() => parseResultsFile(JSON.stringify(bad), 'run/results.json')).toThrow(InvalidArgumentError);
    expect(() => parseResultsFile(JSON.stringify(bad), 'run/results.json')).toThrow(/run\/results\.json.*arms\.1\.mean/);
    const noCurves = JSON.parse(fixture);
    delete noCurves.arms[0].curves;
    expect(() => parseResultsFile(JSON.stringify(noCurves))).toThrow(/results\.json is not a contrastive results\.json: arms\.0\.curves/);
    expect(() => parseResultsFile('{"experiment": 1', 'x.json')).toThrow(/x\.json is not JSON/);
    expect(() => parseResultsFile('{"steps": 3}', 'config.json')).toThrow(/config\.json is not a contrastive results\.json: experiment/);
  });
});

describe('pickResultsFile', () => {
  it('takes the run folder’s own results.json, not one deeper down', () => {
    const files = [
      { name: 'config.json', webkitRelativePath: 'run/config.json' },
      { name: 'results.json', webkitRelativePath: 'run/old/results.json' },
      { name: 'results.json', webkitRelativePath: 'run/results.json' },
    ];
    expect(pickResultsFile(files)).toBe(files[2]);
    expect(pickResultsFile([{ name: 'report.html' }])).toBeUndefined();
  });
});
