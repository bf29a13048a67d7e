// Mirrors the example in packages/metrics/README.md, so the README cannot drift.
import { describe, expect, it } from 'vitest';
import { MeanAccumulator, adjustedRandIndex, attribution, conversionRate, conversionRateInterval, rankingReport, rocAuc } from '@marksman/metrics';

describe('README example', () => {
  it('holds', () => {
    expect(adjustedRandIndex(['vip', 'vip', 'new', 'new'], [1, 1, 0, 0])).toBe(1);
    const recs = new Map([['ann', ['tea', 'jam', 'mug']], ['bob', ['jam', 'tea', 'cup']]]);
    const test = new Map([['ann', ['mug']], ['bob', ['jam', 'pot']]]);
    expect(rankingReport(recs, test, { k: 3 }).ndcg.toFixed(4)).toBe('0.5566');
    expect(conversionRate(30, 1200)).toBe(0.025);
    expect(() => conversionRate(3, 0)).toThrow(expect.objectContaining({ code: 'E_ZERO_DENOMINATOR' }));
    expect(conversionRateInterval(30, 1200).upper.toFixed(4)).toBe('0.0355');
    const shardA = new MeanAccumulator().addMany([12.5, 40, 7]);
    const shardB = MeanAccumulator.fromStats({ n: 2, sum: 30, sumSquares: 500 });
    expect(shardA.merge(shardB).toStats()).toEqual({ n: 5, sum: 89.5, sumSquares: 2305.25 });
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    const credit = attribution([['search', 'email'], ['email']], { model: 'position_based' });
    expect(credit.channels).toEqual(['email', 'search']);
    expect(Array.from(credit.credits)).toEqual([1.5, 0.5]);
  });
});
