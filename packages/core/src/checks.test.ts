import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { checkFinite, getChecks, setChecks } from './checks';
import { NonFiniteValueError } from './errors';

describe('setChecks', () => {
  afterEach(() => setChecks({ finite: true }));

  it('checkFinite scans by default and is a no-op once finite checks are off', () => {
    const bad = tf.tensor([1, Number.NaN]);
    expect(getChecks()).toEqual({ finite: true });
    expect(() => checkFinite('op', 'x', bad)).toThrow(NonFiniteValueError);
    expect(checkFinite('op', 'x', [1, -3, 2])).toBe(3);
    const previous = setChecks({ finite: false });
    expect(previous).toEqual({ finite: true });
    expect(getChecks()).toEqual({ finite: false });
    expect(checkFinite('op', 'x', bad)).toBeUndefined();
    setChecks(previous);
    expect(() => checkFinite('op', 'x', bad)).toThrow("op: 'x' contains NaN at flat index 1");
    bad.dispose();
  });

  it('validates its options', () => {
    expect(() => setChecks({ finite: 'no' } as never)).toThrow(
      'setChecks: invalid argument \'checks.finite\': expected a boolean (got "no")',
    );
    expect(() => setChecks({ finit: false } as never)).toThrow("'checks.finit': unknown key; known keys: finite");
  });
});
