import { describe, expect, it } from 'vitest';
import { splitTrainTest, takeRows } from './split-train-test';

describe('splitTrainTest', () => {
  it('partitions 0..n−1 into round(n·f) test rows, deterministically per seed', () => {
    const s = splitTrainTest(100, 0.25, 7);
    expect(s.test).toHaveLength(25);
    expect(s.train).toHaveLength(75);
    expect([...s.train, ...s.test].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(splitTrainTest(100, 0.25, 7)).toEqual(s);
    expect(splitTrainTest(100, 0.25, 8).test).not.toEqual(s.test);
    expect(splitTrainTest(3, 0.01, 0).test).toHaveLength(1); // at least one test row
    expect(splitTrainTest(3, 0.99, 0).train).toHaveLength(1); // at least one training row
  });

  it('rejects bad arguments by name', () => {
    expect(() => splitTrainTest(1, 0.5, 0)).toThrow(/'n'/);
    expect(() => splitTrainTest(10, 1, 0)).toThrow(/'testFraction'/);
    expect(() => splitTrainTest(10, 0, 0)).toThrow(/'testFraction'/);
  });

  it('takeRows gathers rows and checks indices', () => {
    expect(
      takeRows(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [2, 0],
      ),
    ).toEqual({ rows: 2, cols: 2, data: Float64Array.from([5, 6, 1, 2]) });
    expect(() => takeRows([[1]], [1])).toThrow(/indices\[0\]/);
  });
});
