import { describe, expect, it } from 'vitest';
import { trainingMetrics } from './training-metrics';

describe('trainingMetrics', () => {
  it('loss is the mean of the last `window` losses', () => {
    const losses = Array.from({ length: 60 }, (_, i) => i); // last 50: 10 … 59, mean 34.5
    expect(trainingMetrics(losses)).toEqual({ loss: 34.5 });
    expect(trainingMetrics([4, 2], { window: 50 })).toEqual({ loss: 3 });
    expect(trainingMetrics([1, 2, 3, 5], { window: 2 })).toEqual({ loss: 4 });
    expect(trainingMetrics([]).loss).toBeNaN();
    expect(() => trainingMetrics([1], { window: 0 })).toThrow(/trainingMetrics: invalid argument 'options\.window'/);
  });
});
