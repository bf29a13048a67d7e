import { describe, expect, it } from 'vitest';
import { ThompsonSampling, bayesBinomial, sequentialTest } from '@marksman/experiments';

describe('README example (Bayesian, sequential, bandits section)', () => {
  it('is true', () => {
    const ab = bayesBinomial([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 120 }]);
    expect(ab.comparisons[0]!.chanceToWin.toFixed(4)).toBe('0.9232');
    expect(ab.comparisons[0]!.expectedLoss.toFixed(5)).toBe('0.00048');
    expect(ab.comparisons[0]!.ciLow.toFixed(3)).toBe('-0.065');
    expect(ab.comparisons[0]!.ciHigh.toFixed(3)).toBe('0.541');
    let look = sequentialTest([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }]);
    look = sequentialTest([{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }], { previous: look });
    expect(look.comparisons[0]!.pValue.toFixed(3)).toBe('0.057');
    const ts = new ThompsonSampling(3, { seed: 1 });
    [50, 55, 70].forEach((conversions, arm) => ts.updateStats(arm, { n: 500, conversions }));
    expect(ts.allocate(1000).counts).toEqual([20, 73, 907]);
  });
});
