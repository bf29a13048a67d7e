import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import {
  demographicParityDifference,
  demographicParityRatio,
  equalizedOddsDifference,
  equalOpportunityDifference,
  fairnessByGroup,
} from '@marksman/metrics';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('fairness gaps', () => {
  it('documented examples', () => {
    const r = fairnessByGroup([1, 0, 1, 1], ['a', 'a', 'b', 'b'], [1, 1, 0, 1]);
    expect(r.groups).toEqual(['a', 'b']);
    expect(Array.from(r.selectionRate)).toEqual([0.5, 1]);
    expect(Array.from(r.truePositiveRate)).toEqual([0.5, 1]);
    expect(r.falsePositiveRate[0]).toBeNaN();
    expect(r.falsePositiveRate[1]).toBe(1);
    expect(Array.from(r.count)).toEqual([2, 2]);
    expect(fairnessByGroup([1, 0], [0, 1]).truePositiveRate[0]).toBeNaN();
    expect(demographicParityDifference([1, 0, 1, 1, 0, 0], ['a', 'a', 'b', 'b', 'c', 'c'])).toBe(1);
    expect(demographicParityRatio([1, 0, 1, 1], ['a', 'a', 'b', 'b'])).toBe(0.5);
    const y = [1, 1, 0, 1, 1, 0];
    const p = [1, 0, 0, 1, 1, 1];
    const g = ['a', 'a', 'a', 'b', 'b', 'b'];
    expect(equalOpportunityDifference(y, p, g)).toBe(0.5);
    expect(equalizedOddsDifference(y, p, g)).toBe(1);
  });

  it('match a direct per-group computation on random data; 0 when decisions ignore the group', () => {
    const r = new Random(6);
    const n = 3000;
    const groups = Array.from({ length: n }, () => ['x', 'y', 'z', 7][r.int(4)]!);
    const yTrue = Array.from({ length: n }, () => r.bernoulli(0.3));
    const yPred = Array.from({ length: n }, (_, i) => r.bernoulli(yTrue[i] ? 0.7 : 0.2));
    const rates = (mask: (i: number) => boolean) => {
      const by = new Map<string | number, [number, number]>();
      for (let i = 0; i < n; i++) {
        if (!mask(i)) continue;
        const e = by.get(groups[i]!) ?? [0, 0];
        e[0] += yPred[i] ? 1 : 0;
        e[1] += 1;
        by.set(groups[i]!, e);
      }
      const v = [...by.values()].map(([a, b]) => a / b);
      return Math.max(...v) - Math.min(...v);
    };
    expect(demographicParityDifference(yPred, groups)).toBeCloseTo(rates(() => true), 15);
    expect(equalOpportunityDifference(yTrue, yPred, groups)).toBeCloseTo(rates((i) => yTrue[i]!), 15);
    expect(equalizedOddsDifference(yTrue, yPred, groups)).toBeCloseTo(Math.max(rates((i) => yTrue[i]!), rates((i) => !yTrue[i])), 15);
    // Decisions independent of the group: the gaps shrink like 1/√(group size) (≈ 0.017 SE here).
    expect(demographicParityDifference(yPred, groups)).toBeLessThan(0.08);
    expect(demographicParityRatio(yPred, groups)).toBeGreaterThan(0.8);
    // A single group has no gap.
    expect(demographicParityDifference(yPred, groups.map(() => 'all'))).toBe(0);
  });

  it('throws typed errors', () => {
    expect(codeOf(() => demographicParityDifference([1, 0], ['a']))).toBe('E_LENGTH');
    expect(codeOf(() => equalOpportunityDifference([1], [1, 0], ['a', 'b']))).toBe('E_LENGTH');
    expect(codeOf(() => demographicParityDifference([], []))).toBe('E_EMPTY');
    expect(codeOf(() => demographicParityDifference([2, 0], ['a', 'b']))).toBe('E_LABEL');
    expect(codeOf(() => demographicParityDifference([1, 0], ['a', NaN]))).toBe('E_NAN');
    expect(codeOf(() => demographicParityRatio([0, 0], ['a', 'b']))).toBe('E_ZERO_DENOMINATOR');
    expect(codeOf(() => equalOpportunityDifference([1, 0], [1, 0], ['a', 'b']))).toBe('E_UNDEFINED_RATE');
    expect(codeOf(() => equalizedOddsDifference([1, 1, 0], [1, 0, 0], ['a', 'b', 'b']))).toBe('E_UNDEFINED_RATE');
  });
});

describe('fairness inputs', () => {
  it('refuse missing or non-list arguments, including a string of group names', () => {
    expect(codeOf(() => fairnessByGroup([1, 0], undefined as never))).toBe('E_SHAPE');
    expect(codeOf(() => demographicParityRatio([1, 0, 1, 1], 'abab' as never))).toBe('E_SHAPE');
    expect(codeOf(() => demographicParityDifference(null as never, ['a', 'b']))).toBe('E_SHAPE');
    expect(codeOf(() => equalOpportunityDifference([1, 0], undefined as never, ['a', 'b']))).toBe('E_SHAPE');
    expect(codeOf(() => equalizedOddsDifference([1, 0], [1, 0], null as never))).toBe('E_SHAPE');
  });
});
