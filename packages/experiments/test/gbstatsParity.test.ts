// GrowthBook parity (issue #12, section 2) against gbstats-reference.py,
// which writes out gbstats' and GrowthBook's power calculator's published
// formulas with numpy / scipy / statsmodels.
import { describe, expect, it } from 'vitest';
import {
  bayesNormal,
  capMetric,
  cuped,
  minimumDetectableEffect,
  power,
  ratioMetricMoments,
  ratioMetricTest,
  sampleSizeMeans,
  sampleSizeProportions,
  sequentialTest,
  type Alternative,
  type MeanInput,
  type ProportionInput,
} from '@marksman/experiments';
import { close, codeOf, errorOf, fixture } from './helpers';

interface SeqRef {
  estimate: number;
  ciLow: number;
  ciHigh: number;
  pValue: number;
}
const ref = fixture<{
  sequential: { variants: (ProportionInput | MeanInput)[]; tuningParameter: number; alpha: number; absolute: SeqRef; relative: SeqRef }[];
  power: {
    powerEst: { effect: number; mean: number; variance: number; n: number; nVariations: number; power: number }[];
    findMde: { power: number; mean: number; variance: number; n: number; nVariations: number; mde: number }[];
    proportions: { baseline: number; mde: number; nControl: number; ratio: number; alternative: Alternative; power: number }[];
  };
  bayesNormalProportions: { variants: ProportionInput[]; priorSd: number; posteriorMean: number; posteriorSd: number; chanceToWin: number }[];
  cupedPooled: {
    control: { values: number[]; covariates: number[] };
    treatment: { values: number[]; covariates: number[] };
    theta: number;
    diff: number;
    se: number;
    df: number;
    pValue: number;
    lift: number;
    liftSe: number;
    liftCiLow: number;
    liftCiHigh: number;
    liftPValue: number;
  }[];
  capping: { variants: number[][]; percentile: number; ignoreZeros: boolean; cap: number; capped: number[]; cappedMeans: number[] }[];
  ratioMoments: {
    numerator: number[];
    denominator: number[];
    numeratorMean: number;
    denominatorMean: number;
    numeratorVariance: number;
    denominatorVariance: number;
    covariance: number;
    ratio: number;
    ratioVariance: number;
  }[];
}>('gbstats-reference.json');

describe('sequentialTest = gbstats SequentialTwoSidedTTest (absolute and relative), plannedSampleSize = tuning parameter / 2', () => {
  it.each(ref.sequential.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    for (const difference of ['absolute', 'relative'] as const) {
      const r = sequentialTest(Object.freeze(c.variants), { plannedSampleSize: c.tuningParameter / 2, difference, alpha: c.alpha });
      const cmp = r.comparisons[0]!;
      const want = c[difference];
      expect(r.difference).toBe(difference);
      expect(close(difference === 'relative' ? cmp.lift : cmp.diff, want.estimate, 1e-12, 1e-15)).toBe(true);
      expect(close(cmp.ciLow, want.ciLow, 1e-9, 1e-12)).toBe(true);
      expect(close(cmp.ciHigh, want.ciHigh, 1e-9, 1e-12)).toBe(true);
      expect(close(cmp.pValue, want.pValue, 1e-9, 1e-15)).toBe(true);
    }
  });
  it('relative looks chain like absolute ones, and a previous look on the other scale is refused', () => {
    const day1 = sequentialTest([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }], { difference: 'relative' });
    const day2 = sequentialTest([{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }], { difference: 'relative', previous: day1 });
    expect(day2.look).toBe(2);
    expect(day2.comparisons[0]!.pValue).toBeLessThanOrEqual(day1.comparisons[0]!.pValue);
    expect(codeOf(() => sequentialTest([{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }], { previous: day1 }))).toBe('E_PREVIOUS_MISMATCH');
    // a look saved before the option existed (no `difference` field) reads as absolute
    const abs = sequentialTest([{ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 }]);
    const { difference: _d, ...legacy } = abs;
    expect(sequentialTest([{ n: 2000, conversions: 200 }, { n: 2000, conversions: 262 }], { previous: legacy as never }).look).toBe(2);
    expect(codeOf(() => sequentialTest([{ n: 10, conversions: 1 }, { n: 10, conversions: 2 }], { difference: 'ratio' as never }))).toBe('E_OPTION_RANGE');
    // the relative interval of rates never goes below −100 %
    const tiny = sequentialTest([{ n: 50, conversions: 5 }, { n: 50, conversions: 1 }], { difference: 'relative' });
    expect(tiny.comparisons[0]!.ciLow).toBeGreaterThanOrEqual(-1);
  });
});

describe("power / sampleSizeMeans / minimumDetectableEffect = GrowthBook's powerEst and findMde (liftMethod 'delta')", () => {
  it("GrowthBook's own unit tests: powerEst 0.52144, findMde 0.07027", () => {
    const sd = Math.sqrt(3909.9997749994377);
    expect(power({ mde: 0.05, mdeType: 'relative', mean: 10, sd }, 400000 / 3, { liftMethod: 'delta' }).toFixed(5)).toBe('0.52144');
    expect(minimumDetectableEffect(400000 / 3, { mean: 10, sd, liftMethod: 'delta' }).relative!.toFixed(5)).toBe('0.07027');
  });
  it.each(ref.power.powerEst.map((c, i) => [i, c] as const))('powerEst case %i', (_i, c) => {
    const got = power({ mde: c.effect, mdeType: 'relative', mean: c.mean, sd: Math.sqrt(c.variance) }, c.n / c.nVariations, { liftMethod: 'delta' });
    expect(close(got, c.power, 1e-10)).toBe(true);
  });
  it.each(ref.power.findMde.map((c, i) => [i, c] as const))('findMde case %i (GrowthBook ignores the far tail of a two-sided test: agreement to 1e-5)', (_i, c) => {
    const got = minimumDetectableEffect(c.n / c.nVariations, { mean: c.mean, sd: Math.sqrt(c.variance), liftMethod: 'delta', power: c.power });
    expect(close(got.relative, c.mde, 1e-5)).toBe(true);
  });
  it('sampleSizeMeans inverts the same power, and the default (fieller) relative size is the absolute one', () => {
    const sd = Math.sqrt(3909.9997749994377);
    const n = sampleSizeMeans(0.05, sd, { mdeType: 'relative', mean: 10, liftMethod: 'delta' });
    expect(power({ mde: 0.05, mdeType: 'relative', mean: 10, sd }, n.exact, { liftMethod: 'delta' })).toBeCloseTo(0.8, 8);
    expect(sampleSizeMeans(0.05, sd, { mdeType: 'relative', mean: 10 }).nControl).toBe(sampleSizeMeans(0.5, sd).nControl);
    // the delta-method lift test needs more units: its standard error grows with the lift
    expect(n.nControl).toBeGreaterThan(sampleSizeMeans(0.5, sd).nControl);
  });
  it.each(ref.power.proportions.map((c, i) => [i, c] as const))('two rates = statsmodels power_proportions_2indep: case %i', (_i, c) => {
    const got = power({ baseline: c.baseline, mde: c.mde }, c.nControl, { ratio: c.ratio, alternative: c.alternative });
    expect(close(got, c.power, 1e-10)).toBe(true);
  });
  it('power of two rates is the inverse of sampleSizeProportions (up to its ignored far tail)', () => {
    for (const [b, d] of [
      [0.1, 0.02],
      [0.04, 0.004],
      [0.3, -0.05],
    ] as const) {
      const n = sampleSizeProportions(b, d).exact;
      expect(Math.abs(power({ baseline: b, mde: d }, n) - 0.8)).toBeLessThan(1e-6);
      expect(close(power({ baseline: b, mde: d / b, mdeType: 'relative' }, n), power({ baseline: b, mde: d }, n), 1e-12)).toBe(true);
    }
  });
  it('refuses incomplete or misspelt effects with typed errors', () => {
    expect(codeOf(() => power({ mde: 0.05, mdeType: 'relative', sd: 2 }, 100))).toBe('E_MEAN');
    expect(codeOf(() => power({ mde: 0.05, sd: 2, mena: 10 } as never, 100))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => power({ baseline: 1.2, mde: 0.05 }, 100))).toBe('E_BASELINE');
    expect(codeOf(() => power({ baseline: 0.5, mde: 0.6 }, 100))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => power({ mde: 1, sd: -2 }, 100))).toBe('E_SD');
    expect(codeOf(() => power('big' as never, 100))).toBe('E_EFFECT_SIZE');
    expect(codeOf(() => power(0.2, 100, { liftMethod: 'log' as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => sampleSizeMeans(0.1, 2, { mdeType: 'relative' }))).toBe('E_MEAN');
    expect(codeOf(() => sampleSizeMeans(0.1, 2, { mdeType: 'relative', mean: 0 }))).toBe('E_MEAN');
    expect(codeOf(() => minimumDetectableEffect(100, { mean: 10 }))).toBe('E_SD');
  });
});

describe('bayesNormal on { n, conversions } = gbstats ProportionStatistic (variance p(1 − p))', () => {
  it.each(ref.bayesNormalProportions.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const r = bayesNormal(Object.freeze(c.variants), { priorSd: c.priorSd });
    const cmp = r.comparisons[0]!;
    expect(close(cmp.posteriorMean, c.posteriorMean, 1e-12)).toBe(true);
    expect(close(cmp.posteriorSd, c.posteriorSd, 1e-12)).toBe(true);
    expect(close(cmp.chanceToWin, c.chanceToWin, 1e-10)).toBe(true);
  });
  it('the issue figures: 0.14725 / 0.60918 from counts against 0.14799 / 0.60865 from 0/1 sums; kinds cannot be mixed', () => {
    const counts = bayesNormal([{ n: 100, conversions: 49 }, { n: 100, conversions: 51 }]).comparisons[0]!;
    const sums = bayesNormal([{ n: 100, sum: 49, sumSquares: 49 }, { n: 100, sum: 51, sumSquares: 51 }]).comparisons[0]!;
    expect([counts.posteriorSd.toFixed(5), counts.chanceToWin.toFixed(5)]).toEqual(['0.14725', '0.60918']);
    expect([sums.posteriorSd.toFixed(5), sums.chanceToWin.toFixed(5)]).toEqual(['0.14799', '0.60865']);
    expect(codeOf(() => bayesNormal([{ n: 100, conversions: 49 }, { n: 100, sum: 51, sumSquares: 51 }] as never))).toBe('E_METRIC_KIND');
    expect(codeOf(() => bayesNormal([{ n: 100, conversions: 149 }, { n: 100, conversions: 51 }]))).toBe('E_CONVERSIONS_EXCEED_N');
  });
});

describe("cuped theta 'pooled' = gbstats compute_theta (one regression over both arms); liftMethod 'delta' = its relative CUPED test", () => {
  it.each(ref.cupedPooled.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const r = cuped(c.control, c.treatment, { theta: 'pooled', liftMethod: 'delta' });
    expect(r.thetaMethod).toBe('pooled');
    expect(close(r.theta[0]!, c.theta, 1e-10)).toBe(true);
    expect(close(r.diff, c.diff, 1e-10, 1e-13)).toBe(true);
    expect(close(r.standardError, c.se, 1e-10)).toBe(true);
    expect(close(r.df, c.df, 1e-9)).toBe(true);
    expect(close(r.pValue, c.pValue, 1e-7, 1e-15)).toBe(true);
    expect(close(r.lift, c.lift, 1e-10)).toBe(true);
    expect(close(r.liftCiLow, c.liftCiLow, 1e-8)).toBe(true);
    expect(close(r.liftCiHigh, c.liftCiHigh, 1e-8)).toBe(true);
    // within-variant theta (the default) differs only slightly here; both are unbiased
    const within = cuped(c.control, c.treatment);
    expect(within.thetaMethod).toBe('within');
    expect(Math.abs(within.theta[0]! - r.theta[0]!)).toBeLessThan(0.05);
  });
  it('refuses an unknown theta', () => {
    const c = ref.cupedPooled[0]!;
    expect(codeOf(() => cuped(c.control, c.treatment, { theta: 'global' as never }))).toBe('E_OPTION_RANGE');
  });
  it('pooled theta on a ratio metric regresses the joint linearization: with no treatment effect it matches within', () => {
    const x = [3, 5, 0, 7, 2, 9, 4, 1, 6, 8, 5, 3];
    const y = [1, 2, 1, 3, 1, 3, 2, 1, 2, 3, 2, 1];
    const z = [2, 4, 1, 6, 2, 8, 3, 1, 5, 7, 4, 2];
    const arm = { numerator: x, denominator: y, covariates: z };
    const a = cuped(arm, arm, { theta: 'pooled' });
    const b = cuped(arm, arm);
    expect(a.theta[0]).toBeCloseTo(b.theta[0]!, 12);
  });
});

describe('capMetric = numpy percentile (linear, PERCENTILE_CONT) over all variants pooled', () => {
  it.each(ref.capping.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const r = capMetric(Object.freeze(c.variants.map((v) => Object.freeze(v))), { percentile: c.percentile, ignoreZeros: c.ignoreZeros });
    expect(close(r.cap, c.cap, 1e-12)).toBe(true);
    expect(r.capped).toEqual(c.capped);
    r.variants.forEach((v, i) => expect(close(v.reduce((s, x) => s + x, 0) / v.length, c.cappedMeans[i]!, 1e-12)).toBe(true));
  });
  it('a fixed cap, and typed errors', () => {
    const r = capMetric([[1, 5, 10], [20]], { cap: 8 });
    expect(r.variants.map((v) => Array.from(v))).toEqual([[1, 5, 8], [8]]);
    expect(r.capped).toEqual([1, 1]);
    expect(codeOf(() => capMetric([[1]], {}))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => capMetric([[1]], { cap: 1, percentile: 0.9 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => capMetric([[1]], { percentile: 0 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => capMetric([[1]], { cap: Infinity }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => capMetric([[1]], { percentile: 0.5, ignoreZeros: 'yes' as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => capMetric([[1]], { cap: 1, cpa: 2 } as never))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => capMetric([], { cap: 1 }))).toBe('E_TOO_FEW_VARIANTS');
    expect(codeOf(() => capMetric([[1, NaN]], { cap: 1 }))).toBe('E_NOT_FINITE');
    expect(codeOf(() => capMetric(['abc' as never], { cap: 1 }))).toBe('E_NOT_FINITE');
    expect(codeOf(() => capMetric([[0, 0]], { percentile: 0.9, ignoreZeros: true }))).toBe('E_TOO_FEW_UNITS');
  });
});

describe('ratioMetricMoments = numpy var / cov (ddof 1) and the delta-method variance', () => {
  it.each(ref.ratioMoments.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const m = ratioMetricMoments(Object.freeze({ numerator: c.numerator, denominator: c.denominator }));
    for (const k of ['numeratorMean', 'denominatorMean', 'numeratorVariance', 'denominatorVariance', 'covariance', 'ratio', 'ratioVariance'] as const) {
      expect(close(m[k], c[k], 1e-10), k).toBe(true);
    }
    // ratioMetricTest reports the same moments, and its variance is the sum of the two ratio variances
    const r = ratioMetricTest({ numerator: c.numerator, denominator: c.denominator }, { numerator: c.numerator, denominator: c.denominator });
    expect(r.controlMoments).toEqual(m);
    expect(r.standardError ** 2).toBeCloseTo(2 * m.ratioVariance, 14);
  });
  it('refuses bad sums with the ratio codes', () => {
    expect(codeOf(() => ratioMetricMoments({ n: 1, sumX: 1, sumY: 1, sumXX: 1, sumYY: 1, sumXY: 1 }))).toBe('E_TOO_FEW_UNITS');
    expect(codeOf(() => ratioMetricMoments(undefined as never))).toBe('E_MISSING_VARIANT');
  });
  it('refuses a ΣY so near 0 that the ratio overflows, instead of returning Infinity and a NaN variance', () => {
    const ok = Object.freeze({ n: 100, sumX: 250, sumY: 120, sumXX: 1400, sumYY: 180, sumXY: 420 });
    expect(Number.isFinite(ratioMetricMoments(ok).ratioVariance)).toBe(true);
    const e = errorOf(() => ratioMetricMoments({ ...ok, sumY: 1e-308 }));
    expect([e?.name, e?.code, e?.field]).toEqual(['ValidationError', 'E_OVERFLOW', 'ratio']);
    expect(errorOf(() => ratioMetricMoments({ ...ok, sumX: 0, sumY: 1e-308 }))?.field).toBe('ratioVariance');
  });
  it('names the sum or the array at fault (shared with ratioMetricTest)', () => {
    const ok = Object.freeze({ n: 100, sumX: 250, sumY: 120, sumXX: 1400, sumYY: 180, sumXY: 420 });
    const at = (f: () => unknown) => {
      const e = errorOf(f);
      return [e?.code, e?.field];
    };
    expect(at(() => ratioMetricMoments({ ...ok, sumXX: 0 }))).toEqual(['E_SUM_SQUARES', 'sumXX']);
    expect(at(() => ratioMetricMoments({ ...ok, sumYY: 0 }))).toEqual(['E_SUM_SQUARES', 'sumYY']);
    expect(at(() => ratioMetricMoments({ numerator: [1, 2, 3], denominator: [1, 2] }))).toEqual(['E_LENGTH_MISMATCH', 'denominator']);
    expect(at(() => ratioMetricMoments({ numerator: {} as never, denominator: [1, 2] }))).toEqual(['E_LENGTH_MISMATCH', 'numerator']);
    expect(at(() => ratioMetricMoments({ numerator: [1, 2], denominator: [1, NaN] }))).toEqual(['E_NOT_FINITE', 'denominator']);
    expect(at(() => ratioMetricMoments({ numerator: [Infinity, 2], denominator: [1, 1] }))).toEqual(['E_NOT_FINITE', 'numerator']);
    expect(at(() => ratioMetricTest({ numerator: [1, 2], denominator: [1, 1] }, { ...ok, sumYY: 1 }))).toEqual(['E_SUM_SQUARES', 'sumYY']);
  });
});
