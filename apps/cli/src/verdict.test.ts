import { describe, expect, it } from 'vitest';
import type { CheckResult } from './results';
import { calibrationNotes, EXIT, verdictOf } from './verdict';

const check = (pass: boolean, aggregate: 'every-seed' | 'mean' = 'every-seed'): CheckResult => ({
  description: 'masking recovers atoms',
  arm: 'masking',
  metric: 'atomRecovery.fraction',
  op: '>=',
  value: 0.9,
  aggregate,
  observed: [0.5],
  pass,
});
const calibrated = { steps: 3000, batchSize: 256, seeds: [0, 1, 2], evalSamples: 4096 };

describe('honest verdicts', () => {
  it('says which override changed the calibrated setting', () => {
    const notes = calibrationNotes({ ...calibrated, steps: 300, batchSize: 128 }, { checks: [check(false)] }, calibrated);
    expect(notes.map((n) => n.text)).toEqual([
      'checks were calibrated for 3000 steps; this run used 300',
      'checks were calibrated for batch size 256; this run used 128',
    ]);
    expect(calibrationNotes(calibrated, { checks: [check(false)] }, calibrated)).toEqual([]);
    expect(calibrationNotes({ ...calibrated, steps: 1 }, { checks: [check(false)] }, undefined)).toEqual([]);
    expect(calibrationNotes({ ...calibrated, steps: 1 }, { checks: [] }, calibrated)).toEqual([]);
  });

  it('a preset size other than the calibrated one is one blocking note naming both sizes', () => {
    const small = { ...calibrated, size: 'small' };
    const full = { ...calibrated, steps: 4680, size: 'full' };
    const notes = calibrationNotes(full, { checks: [check(false)] }, small);
    expect(notes).toEqual([
      {
        text: "checks were calibrated at --size small; this run used --size full (not measured on this project's machines; see the preset's page)",
        blocking: true,
      },
    ]);
    expect(verdictOf({ checks: [check(false)], passed: false }, notes).code).toBe(EXIT.notApplicable);
    expect(verdictOf({ checks: [check(true)], passed: true }, notes).line).toMatch(
      /in a setting other than the one its checks were calibrated for/,
    );
    expect(calibrationNotes(small, { checks: [check(false)] }, small)).toEqual([]);
  });

  it('exit 2 when a check fails in the calibrated setting, 3 when an override makes the checks not applicable', () => {
    const failed = { checks: [check(false)], passed: false };
    expect(verdictOf(failed)).toMatchObject({ status: 'not-shown', code: 2, line: 'The run does NOT show the claim.' });
    const steps = calibrationNotes({ ...calibrated, steps: 300 }, failed, calibrated);
    expect(verdictOf(failed, steps)).toMatchObject({
      status: 'not-applicable',
      code: EXIT.notApplicable,
      notes: ['checks were calibrated for 3000 steps; this run used 300'],
    });
    expect(verdictOf(failed, steps).line).toMatch(/^Checks not applicable/);
    expect(verdictOf({ checks: [check(true)], passed: true }, steps)).toMatchObject({ status: 'shown', code: 0 });
    expect(verdictOf({ checks: [], passed: true })).toMatchObject({ status: 'no-checks', code: 0 });
  });

  it('a per-seed check failing on a calibrated seed is a real failure; other seeds or mean checks are not applicable', () => {
    const failed = { checks: [check(false)], passed: false };
    const subset = calibrationNotes({ ...calibrated, seeds: [0] }, failed, calibrated);
    expect(subset[0]!.text).toBe('checks were calibrated for 3 seeds (0, 1, 2); this run used 1 seed (0)');
    expect(verdictOf(failed, subset).code).toBe(EXIT.notShown);
    expect(verdictOf(failed, calibrationNotes({ ...calibrated, seeds: [7] }, failed, calibrated)).code).toBe(EXIT.notApplicable);
    const mean = { checks: [check(false, 'mean')], passed: false };
    expect(verdictOf(mean, calibrationNotes({ ...calibrated, seeds: [0] }, mean, calibrated)).code).toBe(EXIT.notApplicable);
  });
});
