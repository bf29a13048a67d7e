import { describe, expect, it } from 'vitest';
import { Random, OptionsError, ValidationError } from '@marksman/core';
import { bayesBinomial } from '@marksman/experiments';
import reference from './fixtures/bayes-reference.json';

const TOL = 1e-7;

function close(actual: number, expected: number, tol = TOL) {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

describe('bayesBinomial', () => {
  it('mirrors the doc example', () => {
    const r = bayesBinomial([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 120 }]);
    expect(r.comparisons[0]!.chanceToWin.toFixed(4)).toBe('0.9232');
    expect(r.comparisons[0]!.expectedLoss.toFixed(5)).toBe('0.00048');
    expect(r.arms[1]!.ciLow.toFixed(4)).toBe('0.1013');
  });

  for (const c of reference.binomial) {
    it(`agrees with scipy (quad, beta.ppf) to 1e-7: ${c.name}`, () => {
      const input = Object.freeze([Object.freeze({ ...c.control }), Object.freeze({ ...c.variant })]);
      const base = { priorAlpha: c.prior.alpha, priorBeta: c.prior.beta, credibleLevel: c.credibleLevel };
      const rel = bayesBinomial(input, base);
      const abs = bayesBinomial(input, { ...base, difference: 'absolute' });
      const cmp = rel.comparisons[0]!;
      close(cmp.chanceToWin, c.chanceToWin);
      close(cmp.expectedLoss, c.expectedLoss);
      close(cmp.controlExpectedLoss, c.controlExpectedLoss);
      close(rel.arms[0]!.ciLow, c.controlInterval[0]!);
      close(rel.arms[0]!.ciHigh, c.controlInterval[1]!);
      close(rel.arms[1]!.ciLow, c.variantInterval[0]!);
      close(rel.arms[1]!.ciHigh, c.variantInterval[1]!);
      close(cmp.ciLow, c.liftInterval[0]!, TOL * Math.max(1, Math.abs(c.liftInterval[0]!)));
      close(cmp.ciHigh, c.liftInterval[1]!, TOL * Math.max(1, Math.abs(c.liftInterval[1]!)));
      close(abs.comparisons[0]!.ciLow, c.diffInterval[0]!);
      close(abs.comparisons[0]!.ciHigh, c.diffInterval[1]!);
      // two arms: chance to be best is the chance to win, computed by another route (quadrature)
      close(rel.arms[1]!.chanceToBeBest, c.chanceToWin);
      close(rel.arms[1]!.expectedLoss, c.expectedLoss);
      close(rel.arms[0]!.expectedLoss, c.controlExpectedLoss);
      // E[max(c − v, 0)] − E[max(v − c, 0)] = E[c − v] = −diff exactly
      close(cmp.controlExpectedLoss - cmp.expectedLoss, cmp.diff, 1e-10);
    });
  }

  it('uses the exact finite sum for integer shapes and quadrature otherwise', () => {
    const v = [{ n: 1000, conversions: 100 }, { n: 1000, conversions: 120 }];
    expect(bayesBinomial(v).comparisons[0]!.method).toBe('exact');
    expect(bayesBinomial(v, { priorAlpha: 0.5, priorBeta: 0.5 }).comparisons[0]!.method).toBe('quadrature');
    // both routes agree with each other where both apply (shapes 100.5/900.5 vs 101/901)
    const a = bayesBinomial(v, { priorAlpha: 1.0000001, priorBeta: 1.0000001 }).comparisons[0]!;
    const b = bayesBinomial(v).comparisons[0]!;
    expect(a.method).toBe('quadrature');
    close(a.chanceToWin, b.chanceToWin, 1e-6);
  });

  for (const c of reference.multi) {
    it(`chance to be best and loss against the best agree with scipy: ${c.name}`, () => {
      const r = bayesBinomial(Object.freeze(c.variants.map((v) => Object.freeze({ ...v }))), { priorAlpha: c.prior.alpha, priorBeta: c.prior.beta });
      r.arms.forEach((arm, i) => {
        close(arm.chanceToBeBest, c.chanceToBeBest[i]!);
        close(arm.expectedLoss, c.expectedLossVsBest[i]!);
      });
      close(r.arms.reduce((s, a) => s + a.chanceToBeBest, 0), 1, 1e-9);
    });
  }

  it('chanceToWin agrees with a large seeded Monte Carlo within its standard error', () => {
    const cases = [
      [{ n: 1000, conversions: 100 }, { n: 1000, conversions: 112 }],
      [{ n: 80, conversions: 4 }, { n: 75, conversions: 6 }],
    ];
    const rng = new Random(2024);
    const draws = 100_000;
    for (const v of cases) {
      const r = bayesBinomial(v, { priorAlpha: 0.5, priorBeta: 0.5 });
      const p = r.comparisons[0]!.chanceToWin;
      const [a, b] = r.arms;
      let wins = 0;
      let loss = 0;
      for (let i = 0; i < draws; i++) {
        const x = rng.beta(a!.alpha, a!.beta);
        const y = rng.beta(b!.alpha, b!.beta);
        if (y > x) wins++;
        else loss += x - y;
      }
      const se = Math.sqrt((p * (1 - p)) / draws);
      expect(Math.abs(wins / draws - p)).toBeLessThan(4 * se);
      // expected loss: the MC mean of max(x − y, 0) within 5% (its relative SE here is < 1%)
      expect(Math.abs(loss / draws - r.comparisons[0]!.expectedLoss)).toBeLessThan(0.05 * r.comparisons[0]!.expectedLoss);
    }
  });

  it('honours the control index and is symmetric under swapping', () => {
    const v = [{ n: 500, conversions: 60 }, { n: 500, conversions: 45 }];
    const a = bayesBinomial(v, { control: 1 });
    const b = bayesBinomial([v[1]!, v[0]!]);
    expect(a.control).toBe(1);
    expect(a.comparisons[0]!.index).toBe(0);
    close(a.comparisons[0]!.chanceToWin, b.comparisons[0]!.chanceToWin, 1e-12);
    // P(B > A) + P(A > B) = 1
    const c = bayesBinomial(v);
    close(a.comparisons[0]!.chanceToWin + c.comparisons[0]!.chanceToWin, 1, 1e-12);
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
    expect(code(() => bayesBinomial([{ n: 10, conversions: 1 }]))).toBe('E_TOO_FEW_VARIANTS');
    expect(code(() => bayesBinomial([{ n: 0, conversions: 0 }, { n: 10, conversions: 1 }]))).toBe('E_ZERO_VISITORS');
    expect(code(() => bayesBinomial([{ n: 10, conversions: 11 }, { n: 10, conversions: 1 }]))).toBe('E_CONVERSIONS_EXCEED_N');
    expect(code(() => bayesBinomial([{ n: 10, conversions: -1 }, { n: 10, conversions: 1 }]))).toBe('E_NEGATIVE_COUNT');
    expect(code(() => bayesBinomial([{ n: 10.5, conversions: 1 }, { n: 10, conversions: 1 }]))).toBe('E_NOT_INTEGER');
    expect(code(() => bayesBinomial([{ n: NaN, conversions: 1 }, { n: 10, conversions: 1 }]))).toBe('E_NOT_FINITE');
    expect(code(() => bayesBinomial([{ n: 10, conversions: 1 }, { n: 10, conversions: 1 }], { priorAlpha: 0 }))).toBe('E_PRIOR');
    expect(code(() => bayesBinomial([{ n: 10, conversions: 1 }, { n: 10, conversions: 1 }], { priorBeta: -1 }))).toBe('E_PRIOR');
    expect(code(() => bayesBinomial([{ n: 10, conversions: 1 }, { n: 10, conversions: 1 }], { credibleLevel: 1 }))).toBe('E_OPTION_RANGE');
    expect(code(() => bayesBinomial([{ n: 10, conversions: 1 }, { n: 10, conversions: 1 }], { control: 2 }))).toBe('E_OPTION_RANGE');
    expect(code(() => bayesBinomial([{ n: 10, conversions: 1 }, { n: 10, conversions: 1 }], { difference: 'ratio' as never }))).toBe('E_OPTION_RANGE');
    expect(() => bayesBinomial([{ n: 10, conversions: 1 }, { n: 10, conversions: 1 }], { prior: 1 } as never)).toThrow(OptionsError);
    const e = (() => {
      try {
        bayesBinomial([{ n: 10, conversions: 1 }, { n: 10, conversions: 12 }]);
      } catch (err) {
        return err as ValidationError;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(ValidationError);
    expect(e!.row).toBe(1);
    expect(e!.field).toBe('conversions');
    expect(e!.source).toBe('bayesBinomial');
  });
});

describe('bayesBinomial in bounded time', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as ValidationError).code;
    }
    return 'no error';
  };
  const v = [
    { n: 1000, conversions: 100 },
    { n: 1000, conversions: 120 },
  ];
  it('refuses priors and counts whose posterior shapes would make the exact computations run for minutes or forever', () => {
    // These never returned: the incomplete beta's continued fraction needs ~√shape terms per evaluation.
    expect(code(() => bayesBinomial(v, { priorAlpha: 1e308 }))).toBe('E_PRIOR');
    expect(code(() => bayesBinomial(v, { priorAlpha: 1e15, priorBeta: 1e15 }))).toBe('E_PRIOR');
    expect(code(() => bayesBinomial([{ n: 1e308, conversions: 1 }, v[1]!]))).toBe('E_COUNT_TOO_LARGE');
    expect(code(() => bayesBinomial([{ n: 1e15, conversions: 1e14 }, { n: 1e15, conversions: 1.2e14 }]))).toBe('E_COUNT_TOO_LARGE');
    expect(code(() => bayesBinomial(v, { priorAlpha: '1' as never }))).toBe('E_PRIOR');
    // A prior so small that the intervals underflow to NaN.
    expect(code(() => bayesBinomial([{ n: 10, conversions: 0 }, { n: 10, conversions: 10 }], { priorAlpha: 1e-300, priorBeta: 1e-300 }))).toBe('E_PRIOR');
  });
  it('still answers at the edges that are allowed, with finite numbers', () => {
    const r = bayesBinomial(v, { priorAlpha: 1e6, priorBeta: 1e6 });
    expect(r.comparisons[0]!.chanceToWin).toBeGreaterThan(0.5);
    expect(r.comparisons[0]!.chanceToWin).toBeLessThan(0.6);
    const tiny = bayesBinomial([{ n: 10, conversions: 0 }, { n: 10, conversions: 10 }], { priorAlpha: 0.001, priorBeta: 0.001 });
    for (const x of [tiny.comparisons[0]!.ciLow, tiny.comparisons[0]!.ciHigh, tiny.arms[0]!.ciLow, tiny.arms[1]!.ciHigh]) expect(Number.isFinite(x)).toBe(true);
  });
});
