import { describe, expect, it } from 'vitest';
import { adjustPValues, srmTest, type AdjustMethod } from '@marksman/experiments';
import { close, codeOf, fixture } from './helpers';

interface Ref {
  srmTest: { observed: number[]; weights: number[]; chiSquare: number; pValue: number }[];
  adjustPValues: { pValues: number[]; method: AdjustMethod; adjusted: number[] }[];
}
const ref = fixture<Ref>('reference.json');

describe('srmTest = scipy.stats.chisquare against the intended weights', () => {
  it.each(ref.srmTest.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const r = srmTest(Object.freeze(c.observed), Object.freeze(c.weights));
    expect(close(r.chiSquare, c.chiSquare, 1e-12, 1e-12)).toBe(true);
    expect(close(r.pValue, c.pValue, 1e-9, 1e-300)).toBe(true);
    expect(r.mismatch).toBe(c.pValue < 0.001);
  });
  it('mirrors the doc example; threshold is configurable', () => {
    expect(srmTest([5000, 5200]).mismatch).toBe(false);
    expect(srmTest([5000, 5500]).mismatch).toBe(true);
    expect(srmTest([2000, 8000], [0.2, 0.8]).pValue).toBe(1);
    expect(srmTest([5000, 5200], null, { threshold: 0.05 }).mismatch).toBe(true);
  });
  it('raises typed errors for bad counts and weights', () => {
    expect(codeOf(() => srmTest([100]))).toBe('E_TOO_FEW_VARIANTS');
    expect(codeOf(() => srmTest([100, -1]))).toBe('E_NEGATIVE_COUNT');
    expect(codeOf(() => srmTest([100, 1.5]))).toBe('E_NOT_INTEGER');
    expect(codeOf(() => srmTest([0, 0]))).toBe('E_ZERO_VISITORS');
    expect(codeOf(() => srmTest([10, 10], [0.5, 0.4]))).toBe('E_WEIGHTS_SUM');
    expect(codeOf(() => srmTest([10, 10], [1, 0]))).toBe('E_WEIGHTS');
    expect(codeOf(() => srmTest([10, 10], [0.5, 0.25, 0.25]))).toBe('E_WEIGHTS_LENGTH');
    expect(codeOf(() => srmTest([10, 10], null, { threshold: 2 }))).toBe('E_OPTION_RANGE');
  });
});

describe('adjustPValues = statsmodels multipletests (bonferroni, holm, fdr_bh)', () => {
  it.each(ref.adjustPValues.map((c, i) => [i, c.method, c] as const))('case %i (%s)', (_i, _m, c) => {
    const got = adjustPValues(Object.freeze(c.pValues), c.method);
    got.forEach((v, j) => expect(close(v, c.adjusted[j]!, 1e-12, 1e-15)).toBe(true));
  });
  it('mirrors the doc example and keeps monotonicity invariants', () => {
    expect(adjustPValues([0.01, 0.04, 0.03], 'holm')).toEqual([0.03, 0.06, 0.06]);
    expect(adjustPValues([0.01, 0.04, 0.03], 'bh')).toEqual([0.03, 0.04, 0.04]);
    const p = [0.2, 0.001, 0.04, 0.03, 0.5];
    const bonf = adjustPValues(p, 'bonferroni');
    const holm = adjustPValues(p, 'holm');
    const bh = adjustPValues(p, 'bh');
    p.forEach((x, i) => {
      expect(bh[i]!).toBeLessThanOrEqual(holm[i]! + 1e-15);
      expect(holm[i]!).toBeLessThanOrEqual(bonf[i]! + 1e-15);
      expect(bh[i]!).toBeGreaterThanOrEqual(x);
    });
    expect(adjustPValues([], 'bh')).toEqual([]);
  });
  it('raises typed errors', () => {
    expect(codeOf(() => adjustPValues([0.1, 1.2], 'holm'))).toBe('E_P_VALUE');
    expect(codeOf(() => adjustPValues([0.1], 'sidak' as AdjustMethod))).toBe('E_ADJUST_METHOD');
  });
});

describe('srmTest and adjustPValues inputs', () => {
  it('threshold must be a number, counts representable, p-values a list', () => {
    expect(codeOf(() => srmTest([5000, 5200], null, { threshold: '0.05' as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => srmTest([5000, 5200], 'even' as never))).toBe('E_WEIGHTS');
    expect(codeOf(() => srmTest([1e308, 5200]))).toBe('E_COUNT_TOO_LARGE');
    expect(codeOf(() => adjustPValues(undefined as never, 'holm'))).toBe('E_P_VALUE');
    expect(codeOf(() => adjustPValues('0.01' as never, 'bh'))).toBe('E_P_VALUE');
  });
});
