import { ContrastiveError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { gramSchmidt } from './gram-schmidt';

describe('gramSchmidt', () => {
  it('orthonormalises against a prior basis and refuses dependent vectors', () => {
    const [e1] = gramSchmidt([Float64Array.from([2, 0, 0])]);
    expect(Array.from(e1!)).toEqual([1, 0, 0]);
    // (1,1,0) minus its e1 component is (0,1,0); normalised.
    const [v] = gramSchmidt([Float64Array.from([1, 1, 0])], [e1!]);
    expect(Array.from(v!)).toEqual([0, 1, 0]);
    expect(() => gramSchmidt([Float64Array.from([1, 0]), Float64Array.from([0, 1]), Float64Array.from([1, 1])])).toThrow(ContrastiveError);
    expect(() => gramSchmidt([new Float64Array(3)])).toThrow(/linearly dependent/);
  });
});
