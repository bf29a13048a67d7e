import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import type { ValidationError } from '@marksman/core';
import { bayesNormal } from '@marksman/experiments';
import reference from './fixtures/bayes-reference.json';

function close(actual: number, expected: number, tol = 1e-7) {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

describe('bayesNormal', () => {
  it('mirrors the doc example', () => {
    const r = bayesNormal([
      { n: 5000, sum: 50000, sumSquares: 5000 * 125 },
      { n: 5100, sum: 52020, sumSquares: 5100 * 131.04 },
    ]);
    expect(r.comparisons[0]!.lift.toFixed(3)).toBe('0.020');
    expect(r.comparisons[0]!.chanceToWin.toFixed(4)).toBe('0.9745');
  });

  for (const c of reference.normal) {
    it(`agrees with scipy (norm, quad) to 1e-7: ${c.name}`, () => {
      const r = bayesNormal(Object.freeze([Object.freeze({ ...c.control }), Object.freeze({ ...c.variant })]), {
        difference: c.difference as 'relative' | 'absolute',
        priorMean: c.priorMean,
        priorSd: c.priorSd ?? Infinity,
        credibleLevel: c.credibleLevel,
      });
      const cmp = r.comparisons[0]!;
      close(cmp.posteriorMean, c.posteriorMean);
      close(cmp.posteriorSd, c.posteriorSd);
      close(cmp.chanceToWin, c.chanceToWin);
      close(cmp.expectedLoss, c.expectedLoss);
      close(cmp.controlExpectedLoss, c.controlExpectedLoss);
      close(cmp.ciLow, c.interval[0]!);
      close(cmp.ciHigh, c.interval[1]!);
      close(r.arms[0]!.chanceToBeBest, c.armChanceToBeBest[0]!);
      close(r.arms[1]!.chanceToBeBest, c.armChanceToBeBest[1]!);
      if (c.difference === 'relative') close(cmp.lift, c.posteriorMean);
      else close(cmp.diff, c.posteriorMean);
    });
  }

  it('a flat prior reproduces the z-interval; a tight prior shrinks towards the prior mean', () => {
    const v = [
      { n: 400, sum: 4000, sumSquares: 400 * 200 },
      { n: 420, sum: 4410, sumSquares: 420 * 220.25 },
    ];
    const flat = bayesNormal(v, { difference: 'absolute' }).comparisons[0]!;
    close(flat.posteriorMean, 10.5 - 10, 1e-12);
    const se = Math.sqrt((220.25 - 110.25) * (420 / 419) / 420 + (200 - 100) * (400 / 399) / 400);
    close(flat.posteriorSd, se, 1e-12);
    const tight = bayesNormal(v, { difference: 'absolute', priorSd: 0.01 }).comparisons[0]!;
    expect(Math.abs(tight.posteriorMean)).toBeLessThan(0.01);
    expect(tight.posteriorSd).toBeLessThan(0.01);
  });

  it('several variants: chance to be best sums to 1 and matches a seeded Monte Carlo', () => {
    const v = Object.freeze([
      { n: 800, sum: 800 * 20, sumSquares: 800 * (400 + 100) },
      { n: 820, sum: 820 * 20.6, sumSquares: 820 * (20.6 ** 2 + 110) },
      { n: 790, sum: 790 * 20.9, sumSquares: 790 * (20.9 ** 2 + 120) },
    ]);
    const r = bayesNormal(v, { difference: 'absolute' });
    expect(r.comparisons.map((c) => c.index)).toEqual([1, 2]);
    close(r.arms.reduce((s, a) => s + a.chanceToBeBest, 0), 1, 1e-9);
    const rng = new Random(77);
    const draws = 100_000;
    const wins = [0, 0, 0];
    let maxSum = 0;
    for (let i = 0; i < draws; i++) {
      const x = r.arms.map((a) => rng.normal(a.mean, (a.ciHigh - a.mean) / 1.959963984540054));
      const best = x.indexOf(Math.max(...x));
      wins[best]!++;
      maxSum += x[best]!;
    }
    r.arms.forEach((a, i) => {
      const p = a.chanceToBeBest;
      expect(Math.abs(wins[i]! / draws - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / draws) + 1e-9);
    });
    // expected loss against the best = E[max] − mean_i; E[max] from the draws within 0.01 (SE ≈ 0.0015)
    expect(Math.abs(maxSum / draws - (r.arms[0]!.expectedLoss + r.arms[0]!.mean))).toBeLessThan(0.01);
  });

  it('refuses bad input with stable codes', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ValidationError).code;
      }
      return 'no error';
    };
    const ok = { n: 10, sum: 20, sumSquares: 50 };
    expect(code(() => bayesNormal([ok]))).toBe('E_TOO_FEW_VARIANTS');
    expect(code(() => bayesNormal([ok, { n: 0, sum: 0, sumSquares: 0 }]))).toBe('E_ZERO_VISITORS');
    expect(code(() => bayesNormal([ok, { n: 1, sum: 2, sumSquares: 4 }]))).toBe('E_TOO_FEW_UNITS');
    expect(code(() => bayesNormal([ok, { n: -3, sum: 2, sumSquares: 4 }]))).toBe('E_NEGATIVE_COUNT');
    expect(code(() => bayesNormal([ok, { n: 10, sum: 20, sumSquares: 30 }]))).toBe('E_SUM_SQUARES');
    expect(code(() => bayesNormal([ok, { n: 10, sum: Infinity, sumSquares: 30 }]))).toBe('E_NOT_FINITE');
    expect(code(() => bayesNormal([{ n: 10, sum: 20, sumSquares: 40 }, { n: 10, sum: 30, sumSquares: 90 }]))).toBe('E_ZERO_VARIANCE');
    expect(code(() => bayesNormal([{ n: 10, sum: 0, sumSquares: 40 }, ok]))).toBe('E_CONTROL_MEAN');
    expect(code(() => bayesNormal([{ n: 10, sum: -5, sumSquares: 40 }, ok]))).toBe('E_CONTROL_MEAN');
    expect(code(() => bayesNormal([{ n: 10, sum: 0, sumSquares: 40 }, ok], { difference: 'absolute' }))).toBe('no error');
    expect(code(() => bayesNormal([ok, ok], { priorSd: 0 }))).toBe('E_PRIOR');
    expect(code(() => bayesNormal([ok, ok], { priorMean: NaN }))).toBe('E_PRIOR');
  });
});
