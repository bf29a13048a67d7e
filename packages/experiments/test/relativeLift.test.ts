// Relative lifts: Fieller's interval (default) and gbstats' delta method
// against lift-reference.py (scipy: Fieller by numerical test inversion,
// gbstats' TwoSidedTTest written out), and the consistency of every
// function that reports a lift.
import { describe, expect, it } from 'vitest';
import { type Alternative, cuped, proportionsZTest, ratioMetricTest, relativeLift, welchTTest, type RatioInput } from '@marksman/experiments';
import { close, fixture } from './helpers';

interface LiftRef {
  lift: number;
  ciLow: number;
  ciHigh: number;
  statistic: number;
  df: number;
  pValue: number;
  standardError?: number;
}
interface Case<I> {
  control: I;
  treatment: I;
  alternative: Alternative;
  alpha: number;
  fieller: LiftRef;
  delta: LiftRef | null;
}
const ref = fixture<{
  means: Case<{ mean: number; sd: number; n: number }>[];
  proportions: Case<{ n: number; conversions: number }>[];
  ratios: Case<RatioInput>[];
}>('lift-reference.json');

function expectLift(got: { lift: number | null; low: number | null; high: number | null }, want: LiftRef): void {
  expect(close(got.lift, want.lift, 1e-12, 1e-15)).toBe(true);
  expect(close(got.low, want.ciLow, 1e-8, 1e-12), `low ${got.low} vs ${want.ciLow}`).toBe(true);
  expect(close(got.high, want.ciHigh, 1e-8, 1e-12), `high ${got.high} vs ${want.ciHigh}`).toBe(true);
}

describe('relativeLift = lift-reference.py (Fieller by test inversion; gbstats relative t-test)', () => {
  for (const [name, cases] of [
    ['means', ref.means],
    ['proportions', ref.proportions],
  ] as const) {
    it.each((cases as Case<object>[]).map((c, i) => [i, c] as const))(`${name}: case %i`, (_i, c) => {
      for (const method of ['fieller', 'delta'] as const) {
        const want = c[method];
        if (want === null) continue;
        const r = relativeLift(Object.freeze(c.control) as never, Object.freeze(c.treatment) as never, { alternative: c.alternative, liftMethod: method });
        expectLift({ lift: r.lift, low: r.ciLow, high: r.ciHigh }, want);
        expect(close(r.statistic, want.statistic, 1e-9, 1e-12)).toBe(true);
        expect(close(r.df, want.df, 1e-9)).toBe(true);
        expect(close(r.pValue, want.pValue, 1e-7, 1e-15)).toBe(true);
        if (want.standardError !== undefined) expect(close(r.standardError, want.standardError, 1e-10)).toBe(true);
        expect(r.liftMethod).toBe(method);
      }
    });
  }
  it.each(ref.ratios.map((c, i) => [i, c] as const))('ratio metrics: case %i', (_i, c) => {
    for (const method of ['fieller', 'delta'] as const) {
      const r = ratioMetricTest(c.control, c.treatment, { liftMethod: method });
      expectLift({ lift: r.lift, low: r.liftCiLow, high: r.liftCiHigh }, c[method]!);
    }
  });
  it("reproduces gbstats' own relative t-test case (p 0.06191, CI −0.03526 to 1.44989, se 0.37879)", () => {
    const r = relativeLift({ mean: 0.41, sd: 3.9, n: 3407 }, { mean: 0.7, sd: 6.2, n: 3461 }, { liftMethod: 'delta' });
    expect(r.pValue.toFixed(5)).toBe('0.06191');
    expect([r.ciLow.toFixed(5), r.ciHigh.toFixed(5)]).toEqual(['-0.03526', '1.44989']);
    expect(r.standardError.toFixed(5)).toBe('0.37879');
  });
});

describe('one lift per function: the same interval wherever a lift is reported', () => {
  it('Fieller for means: excludes 0 exactly when the Welch test rejects, and its p-value is the Welch p-value', () => {
    for (const c of ref.means.filter((x) => x.alternative === 'two-sided')) {
      const w = welchTTest(c.control, c.treatment);
      const l = relativeLift(c.control, c.treatment);
      expect(close(l.pValue, w.pValue, 1e-12)).toBe(true);
      expect(l.ciLow).toBe(w.liftCiLow);
      expect(l.ciHigh).toBe(w.liftCiHigh);
      expect(l.ciLow > 0 || l.ciHigh < 0).toBe(w.ciLow > 0 || w.ciHigh < 0);
    }
  });
  it('Fieller for rates: the same interval from proportionsZTest and relativeLift, never below −100 %', () => {
    for (const c of ref.proportions) {
      const z = proportionsZTest(c.control, c.treatment, { alternative: c.alternative });
      const l = relativeLift(c.control, c.treatment, { alternative: c.alternative });
      expect(z.liftCiLow).toBe(l.ciLow);
      expect(z.liftCiHigh).toBe(l.ciHigh);
      expect(l.ciLow).toBeGreaterThanOrEqual(-1);
      // the Wald interval of the difference excludes 0 exactly when the lift interval does
      if (c.alternative === 'two-sided') expect(z.ciLow > 0 || z.ciHigh < 0).toBe(l.ciLow > 0 || l.ciHigh < 0);
    }
  });
  it('is asymmetric at low counts: 20 vs 27 conversions out of 2,000 stretch further up than down', () => {
    const l = relativeLift({ n: 2000, conversions: 20 }, { n: 2000, conversions: 27 });
    expect(l.ciHigh - l.lift).toBeGreaterThan(1.5 * (l.lift - l.ciLow));
    const d = relativeLift({ n: 2000, conversions: 20 }, { n: 2000, conversions: 27 }, { liftMethod: 'delta' });
    expect(close(d.ciHigh - d.lift, d.lift - d.ciLow, 1e-12)).toBe(true);
  });
  it('an unbounded interval when the baseline is not distinguishable from 0', () => {
    const l = relativeLift({ mean: 0.2, sd: 3, n: 100 }, { mean: 0.6, sd: 3, n: 100 });
    expect([l.ciLow, l.ciHigh]).toEqual([-Infinity, Infinity]);
    expect(l.pValue).toBeGreaterThan(0.05);
  });
  it('every test reporting a Fieller lift gives the unbounded interval as documented: ±Infinity (−1 below for rates)', () => {
    // the control is not distinguishable from 0 at alpha = 1e-308, nor with an sd of 42 around 10 over 50 units
    const z = proportionsZTest({ n: 10000, conversions: 1000 }, { n: 10000, conversions: 1100 }, { alpha: 1e-308 });
    expect([z.liftCiLow, z.liftCiHigh]).toEqual([-1, Infinity]);
    const t = welchTTest({ mean: 10, sd: 42, n: 50 }, { mean: 11, sd: 3, n: 60 });
    expect([t.liftCiLow, t.liftCiHigh]).toEqual([-Infinity, Infinity]);
    const control = { numerator: [42, 10, 5, 0, 20], denominator: [1, 2, 1, 1, 3] };
    const r = ratioMetricTest(control, { numerator: [5, 15, 0, 10, 30], denominator: [1, 2, 1, 2, 3] });
    expect([r.liftCiLow, r.liftCiHigh]).toEqual([-Infinity, Infinity]);
    const c = cuped({ values: [12, 8, 15, 9, 11, 14], covariates: [10, 7, 14, 8, 10, 12] }, { values: [14, 10, 16, 12, 13, 15], covariates: [10, 8, 13, 9, 11, 12] }, { alpha: 1e-308 });
    expect([c.liftCiLow, c.liftCiHigh]).toEqual([-Infinity, Infinity]);
    // and each is finite at the usual level
    expect(Number.isFinite(welchTTest({ mean: 10, sd: 2, n: 50 }, { mean: 11, sd: 3, n: 60 }).liftCiHigh)).toBe(true);
  });
  it('cuped reports the Fieller interval of its adjusted means (and gbstats-style delta on request)', () => {
    const control = { values: [12, 8, 15, 9, 11, 14, 10, 13], covariates: [10, 7, 14, 8, 10, 12, 9, 12] };
    const treatment = { values: [14, 10, 16, 12, 13, 15, 12, 15], covariates: [10, 8, 13, 9, 11, 12, 10, 13] };
    const r = cuped(control, treatment);
    const byHand = relativeLift(
      { mean: r.controlMean, sd: Math.sqrt(r.standardError ** 2 / 2) * Math.sqrt(8), n: 8 },
      { mean: r.treatmentMean, sd: Math.sqrt(r.standardError ** 2 / 2) * Math.sqrt(8), n: 8 },
    );
    expect(r.lift).toBeCloseTo(byHand.lift, 12);
    expect(r.liftMethod).toBe('fieller');
    expect(r.liftCiLow! > 0).toBe(r.ciLow > 0);
  });
});
