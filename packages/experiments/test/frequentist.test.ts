import { describe, expect, it } from 'vitest';
import {
  type Alternative,
  cuped,
  proportionsZTest,
  ratioMetricTest,
  relativeLift,
  welchTTest,
  type RatioInput,
} from '@marksman/experiments';
import { Random } from '@marksman/core';
import { close, codeOf, fixture } from './helpers';

interface Ref {
  proportionsZTest: {
    control: { n: number; conversions: number };
    treatment: { n: number; conversions: number };
    alternative: Alternative;
    alpha: number;
    z: number;
    pValue: number;
    ciLow: number;
    ciHigh: number;
  }[];
  welchTTest: { control: number[]; treatment: number[]; alternative: Alternative; alpha: number; t: number; pValue: number; ciLow: number; ciHigh: number; df: number }[];
  welchTTestFromStats: { control: { mean: number; sd: number; n: number }; treatment: { mean: number; sd: number; n: number }; t: number; pValue: number }[];
  ratioMetricTest: ({ control: RatioInput; treatment: RatioInput } & { diff: number; se: number; ciLow: number; ciHigh: number; pValue: number; lift: number })[];
  cuped: {
    control: { values: number[]; covariates: number[][] };
    treatment: { values: number[]; covariates: number[][] };
    diff: number;
    theta: number[];
    se: number;
    df: number;
    pValue: number;
    varianceReduction: number;
  }[];
  cupedRatio: {
    control: { numerator: number[]; denominator: number[]; covariates: number[][] };
    treatment: { numerator: number[]; denominator: number[]; covariates: number[][] };
    diff: number;
    theta: number[];
    se: number;
    pValue: number;
    varianceReduction: number;
  }[];
}
const ref = fixture<Ref>('reference.json');
const deepFreeze = <T>(x: T): T => {
  if (x && typeof x === 'object') {
    Object.values(x).forEach(deepFreeze);
    Object.freeze(x);
  }
  return x;
};

describe('proportionsZTest = statsmodels proportions_ztest (pooled) + Wald CI (unpooled)', () => {
  it.each(ref.proportionsZTest.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const r = proportionsZTest(deepFreeze(c.control), deepFreeze(c.treatment), { alpha: c.alpha, alternative: c.alternative });
    expect(close(r.z, c.z, 1e-9, 1e-12)).toBe(true);
    expect(close(r.pValue, c.pValue, 1e-7, 1e-15)).toBe(true);
    expect(close(r.ciLow, c.ciLow, 1e-7, 1e-12)).toBe(true);
    expect(close(r.ciHigh, c.ciHigh, 1e-7, 1e-12)).toBe(true);
  });
  it('mirrors the doc example and accepts raw 0/1 outcomes', () => {
    const r = proportionsZTest({ n: 10000, conversions: 1000 }, { n: 10000, conversions: 1100 });
    expect(r.diff.toFixed(4)).toBe('0.0100');
    expect(r.pValue.toFixed(4)).toBe('0.0211');
    const raw = proportionsZTest(Object.freeze([1, 0, 0, 1, 0, true, false] as const), [1, 1, 0, 1]);
    const counts = proportionsZTest({ n: 7, conversions: 3 }, { n: 4, conversions: 3 });
    expect(raw).toEqual(counts);
  });
  it('keeps tiny p-values (no 1 − cdf): 1.25% vs 1.5% on 2 million visitors each', () => {
    const r = proportionsZTest({ n: 2_000_000, conversions: 25_000 }, { n: 2_000_000, conversions: 30_000 });
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(1e-100);
  });
  it('reports identical 0% arms as no evidence, and a null lift when the control is 0%', () => {
    const r = proportionsZTest({ n: 100, conversions: 0 }, { n: 100, conversions: 0 });
    expect(r.pValue).toBe(1);
    expect(r.lift).toBeNull();
  });
  it('raises typed errors for bad counts and missing variants', () => {
    expect(codeOf(() => proportionsZTest({ n: 0, conversions: 0 }, { n: 10, conversions: 1 }))).toBe('E_ZERO_VISITORS');
    expect(codeOf(() => proportionsZTest({ n: 10, conversions: 11 }, { n: 10, conversions: 1 }))).toBe('E_CONVERSIONS_EXCEED_N');
    expect(codeOf(() => proportionsZTest({ n: 10, conversions: -1 }, { n: 10, conversions: 1 }))).toBe('E_NEGATIVE_COUNT');
    expect(codeOf(() => proportionsZTest({ n: 10.5, conversions: 1 }, { n: 10, conversions: 1 }))).toBe('E_NOT_INTEGER');
    expect(codeOf(() => proportionsZTest({ n: NaN, conversions: 1 }, { n: 10, conversions: 1 }))).toBe('E_NOT_FINITE');
    expect(codeOf(() => proportionsZTest({ n: 10, conversions: 1 }, undefined as never))).toBe('E_MISSING_VARIANT');
    expect(codeOf(() => proportionsZTest([0, 2 as 1], [1, 0]))).toBe('E_NOT_BINARY');
    expect(codeOf(() => proportionsZTest({ n: 10, conversions: 1 }, { n: 10, conversions: 1 }, { alpha: 1.5 }))).toBe('E_ALPHA');
    expect(codeOf(() => proportionsZTest({ n: 10, conversions: 1 }, { n: 10, conversions: 1 }, { alternative: 'larger' as Alternative }))).toBe('E_ALTERNATIVE');
  });
});

describe('welchTTest = scipy ttest_ind(equal_var=False) + statsmodels tconfint_diff(usevar="unequal")', () => {
  it.each(ref.welchTTest.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const control = Object.freeze(c.control);
    const r = welchTTest(control, Float64Array.from(c.treatment), { alpha: c.alpha, alternative: c.alternative });
    expect(close(r.t, c.t, 1e-9)).toBe(true);
    expect(close(r.df, c.df, 1e-9)).toBe(true);
    expect(close(r.pValue, c.pValue, 1e-7, 1e-15)).toBe(true);
    expect(close(r.ciLow, c.ciLow, 1e-7, 1e-12)).toBe(true);
    expect(close(r.ciHigh, c.ciHigh, 1e-7, 1e-12)).toBe(true);
  });
  it.each(ref.welchTTestFromStats.map((c, i) => [i, c] as const))('from mean/sd/n: case %i', (_i, c) => {
    const r = welchTTest(c.control, c.treatment);
    expect(close(r.t, c.t, 1e-9)).toBe(true);
    expect(close(r.pValue, c.pValue, 1e-7)).toBe(true);
  });
  it('gives the same answer from raw values, mean/sd/n and sum/sumSquares/n', () => {
    const c = ref.welchTTest[0]!.control;
    const t = ref.welchTTest[0]!.treatment;
    const summary = (x: number[]) => {
      const n = x.length;
      const sum = x.reduce((s, v) => s + v, 0);
      const sumSquares = x.reduce((s, v) => s + v * v, 0);
      const mean = sum / n;
      const sd = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
      return { sums: { n, sum, sumSquares }, stats: { mean, sd, n } };
    };
    const a = welchTTest(c, t);
    const b = welchTTest(summary(c).sums, summary(t).sums);
    const d = welchTTest(summary(c).stats, summary(t).stats);
    for (const r of [b, d]) {
      expect(close(r.t, a.t, 1e-9)).toBe(true);
      expect(close(r.pValue, a.pValue, 1e-8)).toBe(true);
      expect(close(r.ciLow, a.ciLow, 1e-9)).toBe(true);
    }
  });
  it('mirrors the doc example', () => {
    const r = welchTTest({ mean: 10, sd: 2, n: 50 }, { mean: 11, sd: 3, n: 60 });
    expect(r.df.toFixed(2)).toBe('103.33');
    expect(r.pValue.toFixed(4)).toBe('0.0395');
  });
  it('raises typed errors for unusable samples', () => {
    expect(codeOf(() => welchTTest([1], [1, 2]))).toBe('E_TOO_FEW_UNITS');
    expect(codeOf(() => welchTTest([1, 1, 1], [2, 2, 2]))).toBe('E_ZERO_VARIANCE');
    expect(codeOf(() => welchTTest({ mean: 1, sd: -1, n: 5 }, { mean: 1, sd: 1, n: 5 }))).toBe('E_NEGATIVE_SD');
    expect(codeOf(() => welchTTest({ mean: 1, sd: 1, n: 1 }, { mean: 1, sd: 1, n: 5 }))).toBe('E_TOO_FEW_UNITS');
    expect(codeOf(() => welchTTest({ mean: NaN, sd: 1, n: 5 }, { mean: 1, sd: 1, n: 5 }))).toBe('E_NOT_FINITE');
    expect(codeOf(() => welchTTest([1, NaN, 3], [1, 2]))).toBe('E_NOT_FINITE');
    expect(codeOf(() => welchTTest({ n: 5, sum: 10, sumSquares: 1 }, { n: 5, sum: 10, sumSquares: 30 }))).toBe('E_SUM_SQUARES');
    expect(codeOf(() => welchTTest(undefined as never, [1, 2]))).toBe('E_MISSING_VARIANT');
  });
});

describe('relativeLift basics', () => {
  it('mirrors the doc example and agrees with the z-test lift', () => {
    const r = relativeLift({ n: 10000, conversions: 1000 }, { n: 10000, conversions: 1100 });
    expect(r.lift.toFixed(3)).toBe('0.100');
    expect([r.ciLow.toFixed(3), r.ciHigh.toFixed(3)]).toEqual(['0.014', '0.193']);
    const z = proportionsZTest({ n: 10000, conversions: 1000 }, { n: 10000, conversions: 1100 });
    expect(z.liftCiLow).toBeCloseTo(r.ciLow, 14);
    expect(z.liftCiHigh).toBeCloseTo(r.ciHigh, 14);
  });
  it('refuses a zero baseline and an unknown lift method', () => {
    expect(codeOf(() => relativeLift({ n: 10, conversions: 0 }, { n: 10, conversions: 2 }))).toBe('E_ZERO_BASELINE');
    expect(codeOf(() => relativeLift({ n: 10, conversions: 1 }, { n: 10, conversions: 2 }, { liftMethod: 'log' as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => welchTTest([1, 2, 3], [2, 3, 4], { liftMethod: 'katz' as never }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => cuped({ values: [1, 2, 3, 5], covariates: [1, 2, 4, 4] }, { values: [2, 3, 4, 6], covariates: [1, 3, 3, 5] }, { liftMethod: 'x' as never }))).toBe('E_OPTION_RANGE');
  });
});

describe('ratioMetricTest (delta method, Deng et al. 2018)', () => {
  it.each(ref.ratioMetricTest.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const r = ratioMetricTest(Object.freeze(c.control), Object.freeze(c.treatment));
    expect(close(r.diff, c.diff, 1e-9, 1e-12)).toBe(true);
    expect(close(r.standardError, c.se, 1e-9)).toBe(true);
    expect(close(r.ciLow, c.ciLow, 1e-9, 1e-12)).toBe(true);
    expect(close(r.ciHigh, c.ciHigh, 1e-9, 1e-12)).toBe(true);
    expect(close(r.pValue, c.pValue, 1e-7)).toBe(true);
    expect(close(r.lift, c.lift, 1e-9)).toBe(true);
  });
  it('mirrors the doc example; rows and sums agree', () => {
    const control = { numerator: [0, 10, 5, 0, 20], denominator: [1, 2, 1, 1, 3] };
    const treatment = { numerator: [5, 15, 0, 10, 30], denominator: [1, 2, 1, 2, 3] };
    const a = ratioMetricTest(control, treatment);
    expect(a.diff.toFixed(3)).toBe('2.292');
    const sums = (x: number[], y: number[]): RatioInput => ({
      n: x.length,
      sumX: x.reduce((s, v) => s + v, 0),
      sumY: y.reduce((s, v) => s + v, 0),
      sumXX: x.reduce((s, v) => s + v * v, 0),
      sumYY: y.reduce((s, v) => s + v * v, 0),
      sumXY: x.reduce((s, v, i) => s + v * y[i]!, 0),
    });
    const b = ratioMetricTest(sums(control.numerator, control.denominator), sums(treatment.numerator, treatment.denominator));
    expect(b.standardError).toBeCloseTo(a.standardError, 12);
  });
  it('raises typed errors', () => {
    const ok: RatioInput = { n: 10, sumX: 5, sumY: 10, sumXX: 5, sumYY: 12, sumXY: 6 };
    expect(codeOf(() => ratioMetricTest({ ...ok, sumY: 0, sumYY: 0, sumXY: 0 }, ok))).toBe('E_ZERO_DENOMINATOR');
    expect(codeOf(() => ratioMetricTest({ ...ok, n: 1 }, ok))).toBe('E_TOO_FEW_UNITS');
    expect(codeOf(() => ratioMetricTest({ ...ok, n: -3 }, ok))).toBe('E_NEGATIVE_COUNT');
    expect(codeOf(() => ratioMetricTest({ ...ok, sumXX: 0.1 }, ok))).toBe('E_SUM_SQUARES');
    expect(codeOf(() => ratioMetricTest({ ...ok, sumX: Infinity }, ok))).toBe('E_NOT_FINITE');
    expect(codeOf(() => ratioMetricTest({ numerator: [1, 2], denominator: [1] }, ok))).toBe('E_LENGTH_MISMATCH');
    expect(codeOf(() => ratioMetricTest(ok, undefined as never))).toBe('E_MISSING_VARIANT');
  });
});

describe('cuped (regression adjustment = OLS treatment coefficient)', () => {
  it.each(ref.cuped.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const r = cuped(deepFreeze(c.control), deepFreeze(c.treatment));
    expect(close(r.diff, c.diff, 1e-9, 1e-12)).toBe(true);
    r.theta.forEach((t, j) => expect(close(t, c.theta[j]!, 1e-9)).toBe(true));
    expect(close(r.standardError, c.se, 1e-9)).toBe(true);
    expect(close(r.df, c.df, 1e-9)).toBe(true);
    expect(close(r.pValue, c.pValue, 1e-7, 1e-15)).toBe(true);
    expect(close(r.varianceReduction, c.varianceReduction, 1e-9)).toBe(true);
  });
  it.each(ref.cupedRatio.map((c, i) => [i, c] as const))('ratio metric with pre-period numerator and denominator: case %i', (_i, c) => {
    const r = cuped(deepFreeze(c.control), deepFreeze(c.treatment));
    expect(r.metric).toBe('ratio');
    expect(close(r.diff, c.diff, 1e-9, 1e-12)).toBe(true);
    r.theta.forEach((t, j) => expect(close(t, c.theta[j]!, 1e-8)).toBe(true));
    expect(close(r.standardError, c.se, 1e-9)).toBe(true);
    expect(close(r.pValue, c.pValue, 1e-7)).toBe(true);
    expect(close(r.varianceReduction, c.varianceReduction, 1e-9)).toBe(true);
    // sufficient statistics give the same answer as rows
    const sums = (arm: typeof c.control) => {
      const x = arm.numerator;
      const y = arm.denominator;
      const z = arm.covariates;
      const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
      return {
        n: x.length,
        sumX: x.reduce((s, v) => s + v, 0),
        sumY: y.reduce((s, v) => s + v, 0),
        sumXX: dot(x, x),
        sumYY: dot(y, y),
        sumXY: dot(x, y),
        sumZ: z.map((col) => col.reduce((s, v) => s + v, 0)),
        sumZZ: z.map((a) => z.map((b) => dot(a, b))),
        sumZX: z.map((col) => dot(col, x)),
        sumZDenominator: z.map((col) => dot(col, y)),
      };
    };
    const b = cuped(sums(c.control), sums(c.treatment));
    expect(close(b.diff, r.diff, 1e-8)).toBe(true);
    expect(close(b.standardError, r.standardError, 1e-7)).toBe(true);
  });
  it('gives the same answer from rows and from SQL-style sufficient statistics (one covariate)', () => {
    const c = ref.cuped[0]!;
    const sums = (y: number[], z: number[]) => ({
      n: y.length,
      sum: y.reduce((s, v) => s + v, 0),
      sumSquares: y.reduce((s, v) => s + v * v, 0),
      sumZ: z.reduce((s, v) => s + v, 0),
      sumZZ: z.reduce((s, v) => s + v * v, 0),
      sumZY: z.reduce((s, v, i) => s + v * y[i]!, 0),
    });
    const a = cuped(c.control, c.treatment);
    const b = cuped(sums(c.control.values, c.control.covariates[0]!), sums(c.treatment.values, c.treatment.covariates[0]!));
    expect(b.diff).toBeCloseTo(a.diff, 9);
    expect(b.standardError).toBeCloseTo(a.standardError, 9);
  });
  it('mirrors the doc example', () => {
    const control = { values: [12, 8, 15, 9, 11, 14], covariates: [10, 7, 14, 8, 10, 12] };
    const treatment = { values: [14, 10, 16, 12, 13, 15], covariates: [10, 8, 13, 9, 11, 12] };
    const r = cuped(control, treatment);
    expect(r.diff.toFixed(3)).toBe('1.479');
    expect(r.varianceReduction > 0.8).toBe(true);
  });
  it('handles ratio metrics: with a useless covariate it reduces to ratioMetricTest', () => {
    // covariate = unit index parity: unrelated to the metric, theta ≈ 0 → same diff, similar se
    const x = [3, 5, 0, 7, 2, 9, 4, 1, 6, 8];
    const y = [1, 2, 1, 3, 1, 3, 2, 1, 2, 3];
    const x2 = [4, 6, 1, 9, 2, 8, 5, 2, 7, 9];
    const z = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
    const r = cuped({ numerator: x, denominator: y, covariates: z }, { numerator: x2, denominator: y, covariates: z });
    const plain = ratioMetricTest({ numerator: x, denominator: y }, { numerator: x2, denominator: y });
    expect(r.metric).toBe('ratio');
    expect(r.unadjusted.diff).toBeCloseTo(plain.diff, 12);
    expect(r.unadjusted.standardError).toBeCloseTo(plain.standardError, 12);
    expect(r.df).toBe(Infinity);
  });
  it('raises typed errors', () => {
    const c = { values: [1, 2, 3, 4], covariates: [1, 2, 3, 5] };
    expect(codeOf(() => cuped({ values: [1, 2, 3, 4], covariates: [1, 1, 1, 1] }, { values: [2, 3, 4, 5], covariates: [2, 2, 2, 2] }))).toBe(
      'E_SINGULAR_COVARIATES',
    );
    expect(codeOf(() => cuped({ values: [1, 2], covariates: [1, 2] }, c))).toBe('E_TOO_FEW_UNITS');
    expect(codeOf(() => cuped({ values: [1, 2, 3], covariates: [1, 2] }, c))).toBe('E_LENGTH_MISMATCH');
    expect(codeOf(() => cuped({ values: [1, NaN, 3, 4], covariates: [1, 2, 3, 4] }, c))).toBe('E_NOT_FINITE');
    expect(codeOf(() => cuped(c, { numerator: [1, 2, 3], denominator: [1, 1, 1], covariates: [1, 2, 3] }))).toBe('E_METRIC_KIND');
    expect(codeOf(() => cuped(c, { values: [1, 2, 3, 4], covariates: [[1, 2, 3, 5], [0, 1, 0, 2]] }))).toBe('E_COVARIATES');
    expect(codeOf(() => cuped({ values: [1, 2, 3, 4], covariates: [] as number[][] }, c))).toBe('E_COVARIATES');
    expect(codeOf(() => cuped({ n: 5, sum: 10, sumSquares: 30, sumZ: [1, 2], sumZZ: 3, sumZY: 4 }, c))).toBe('E_COVARIATES');
    expect(codeOf(() => cuped({ n: 5, sum: 10, sumSquares: 1, sumZ: 5, sumZZ: 9, sumZY: 10 }, c))).toBe('E_SUM_SQUARES');
    expect(codeOf(() => cuped({ n: -5, sum: 10, sumSquares: 1, sumZ: 5, sumZZ: 9, sumZY: 10 }, c))).toBe('E_NEGATIVE_COUNT');
    expect(codeOf(() => cuped({ values: [1, 2, 3], covariates: [1, 2, 3] }, { values: [2, 3, 4], covariates: [1, 2, 3] }))).toBe('E_ZERO_VARIANCE');
    expect(codeOf(() => cuped({ numerator: [1, 2, 3], denominator: [0, 0, 0], covariates: [1, 2, 4] }, { numerator: [1, 2, 3], denominator: [1, 1, 1], covariates: [1, 2, 4] }))).toBe('E_ZERO_DENOMINATOR');
    expect(codeOf(() => cuped(c, undefined as never))).toBe('E_MISSING_VARIANT');
  });
});

describe('cuped: sufficient-statistics shapes are validated, never guessed', () => {
  /** The error thrown by f (a MarksmanError with code and field), or null. */
  const errorOf = (f: () => unknown): { code: string; field?: string; message: string; name: string } | null => {
    try {
      f();
    } catch (e) {
      return e as { code: string; field?: string; message: string; name: string };
    }
    return null;
  };
  // Per-unit rows of one arm: revenue y, sessions s, pre-period revenue z (seeded).
  const unitRows = (shift: number) => {
    const rng = new Random(shift === 0 ? 11 : 12);
    const y: number[] = [];
    const s: number[] = [];
    const z: number[] = [];
    for (let i = 0; i < 200; i++) {
      z.push(rng.gamma(2, 5));
      s.push(1 + rng.poisson(2));
      y.push(0.6 * z[i]! + 2 * s[i]! + rng.normal(shift, 3));
    }
    return { y, s, z };
  };
  const dot = (a: number[], b: number[]) => a.reduce((acc, v, i) => acc + v * b[i]!, 0);
  const total = (a: number[]) => a.reduce((acc, v) => acc + v, 0);
  /** One combined warehouse row, as the README SQL computes it (sumZY = Σ z·revenue). */
  const warehouseRow = (shift: number) => {
    const { y, s, z } = unitRows(shift);
    return deepFreeze({
      n: y.length,
      sum: total(y),
      sumSquares: dot(y, y),
      sumX: total(y),
      sumY: total(s),
      sumXX: dot(y, y),
      sumYY: dot(s, s),
      sumXY: dot(y, s),
      sumZ: total(z),
      sumZZ: dot(z, z),
      sumZY: dot(z, y),
      sumZX: dot(z, y),
      sumZDenominator: dot(z, s),
    });
  };

  it("the reviewer's incomplete ratio sums give typed errors naming the field, not a TypeError", () => {
    const x = Object.freeze({ n: 100, sumX: 520, sumY: 300, sumXX: 5100, sumYY: 1300, sumXY: 1780, sumZ: 500, sumZZ: 4900, sumZY: 2570 });
    const e = errorOf(() => cuped(x as never, x as never));
    expect(e?.name).toBe('ValidationError');
    expect(e?.code).toBe('E_METRIC_KIND');
    expect(e?.field).toBe('sumZY');
    expect(e?.message).toMatch(/sumZDenominator/);
    const r = errorOf(() => cuped({ ...x, metric: 'ratio' } as never, x as never));
    expect([r?.code, r?.field]).toEqual(['E_COVARIATES', 'sumZX']);
  });

  it.each([
    ['mean', 'sumZ'],
    ['mean', 'sumZZ'],
    ['mean', 'sumZY'],
    ['ratio', 'sumZ'],
    ['ratio', 'sumZZ'],
    ['ratio', 'sumZX'],
    ['ratio', 'sumZDenominator'],
  ] as const)('a %s input without %s throws E_COVARIATES naming it', (kind, field) => {
    const { sum, sumSquares, sumX, sumY, sumXX, sumYY, sumXY, sumZ, sumZZ, sumZY, sumZX, sumZDenominator, n } = warehouseRow(0);
    const full: Record<string, number> =
      kind === 'mean' ? { n, sum, sumSquares, sumZ, sumZZ, sumZY } : { n, sumX, sumY, sumXX, sumYY, sumXY, sumZ, sumZZ, sumZX, sumZDenominator };
    const { [field]: _dropped, ...incomplete } = full;
    for (const [c, t] of [
      [incomplete, full],
      [full, incomplete],
    ] as const) {
      const e = errorOf(() => cuped(Object.freeze(c) as never, Object.freeze(t) as never));
      expect(e?.name).toBe('ValidationError');
      expect([e?.code, e?.field]).toEqual(['E_COVARIATES', field]);
      expect(e?.message).toContain(`has no ${field}`);
    }
    expect(codeOf(() => cuped(Object.freeze(full) as never, Object.freeze(full) as never))).toBe('no error');
  });

  it('a combined warehouse row (README SQL) is refused unless metric says which shape to read', () => {
    const [c, t] = [warehouseRow(0), warehouseRow(1.5)];
    const e = errorOf(() => cuped(c, t));
    expect([e?.code, e?.field]).toEqual(['E_METRIC_KIND', 'metric']);
    expect(e?.message).toMatch(/sum, sumSquares.*sumX/);

    // metric: 'mean' reads exactly the mean fields: same as a mean-only object, and as the OLS on the rows
    const meanOnly = (w: typeof c) => ({ n: w.n, sum: w.sum, sumSquares: w.sumSquares, sumZ: w.sumZ, sumZZ: w.sumZZ, sumZY: w.sumZY });
    const a = cuped({ ...c, metric: 'mean' }, { ...t, metric: 'mean' });
    const b = cuped(meanOnly(c), meanOnly(t));
    const rows = cuped({ values: unitRows(0).y, covariates: unitRows(0).z }, { values: unitRows(1.5).y, covariates: unitRows(1.5).z });
    expect(a.metric).toBe('mean');
    expect(a.diff).toBe(b.diff);
    expect(a.standardError).toBe(b.standardError);
    expect(close(a.diff, rows.diff, 1e-9, 1e-12)).toBe(true);
    expect(close(a.standardError, rows.standardError, 1e-8)).toBe(true);

    // metric: 'ratio' ignores the mean's sumZY and uses sumZX / sumZDenominator: same as the rows
    const ratio = cuped({ ...c, metric: 'ratio' }, { ...t, metric: 'ratio' });
    const u0 = unitRows(0);
    const u1 = unitRows(1.5);
    const ratioRows = cuped({ numerator: u0.y, denominator: u0.s, covariates: u0.z }, { numerator: u1.y, denominator: u1.s, covariates: u1.z });
    expect(ratio.metric).toBe('ratio');
    expect(close(ratio.diff, ratioRows.diff, 1e-9, 1e-12)).toBe(true);
    expect(close(ratio.standardError, ratioRows.standardError, 1e-8)).toBe(true);
    // ... and the old silent misreading (sumZY taken as Σ z·denominator) would have given another answer
    const misread = (w: typeof c) => ({
      n: w.n,
      sumX: w.sumX,
      sumY: w.sumY,
      sumXX: w.sumXX,
      sumYY: w.sumYY,
      sumXY: w.sumXY,
      sumZ: w.sumZ,
      sumZZ: w.sumZZ,
      sumZX: w.sumZX,
      sumZDenominator: w.sumZY,
    });
    let misreadSe = NaN; // the misread moments may not even be a covariance matrix
    try {
      misreadSe = cuped(misread(c), misread(t)).standardError;
    } catch {
      /* stays NaN */
    }
    expect(close(misreadSe, ratio.standardError, 1e-3)).toBe(false);

    // a combined row that lacks the ratio cross sum with the denominator says so, and why sumZY is not it
    const { sumZDenominator: _d, ...noDen } = c;
    const m = errorOf(() => cuped({ ...noDen, metric: 'ratio' } as never, { ...t, metric: 'ratio' }));
    expect([m?.code, m?.field]).toEqual(['E_COVARIATES', 'sumZDenominator']);
    expect(m?.message).toMatch(/sumZY is the mean-metric/);
  });

  it('refuses other ambiguous or malformed shapes with typed errors', () => {
    const w = warehouseRow(0);
    const mean = { n: w.n, sum: w.sum, sumSquares: w.sumSquares, sumZ: w.sumZ, sumZZ: w.sumZZ, sumZY: w.sumZY };
    const ratio = { n: w.n, sumX: w.sumX, sumY: w.sumY, sumXX: w.sumXX, sumYY: w.sumYY, sumXY: w.sumXY, sumZ: w.sumZ, sumZZ: w.sumZZ, sumZX: w.sumZX, sumZDenominator: w.sumZDenominator };
    expect(codeOf(() => cuped({ ...mean, metric: 'median' } as never, mean))).toBe('E_METRIC_KIND');
    expect(codeOf(() => cuped(mean, ratio))).toBe('E_METRIC_KIND'); // mean against ratio
    expect(codeOf(() => cuped({ ...mean, sumZX: w.sumZX } as never, mean))).toBe('E_METRIC_KIND'); // a ratio cross sum in a mean object
    expect(codeOf(() => cuped({ values: [1, 2, 3], numerator: [1, 2, 3], denominator: [1, 1, 1], covariates: [1, 2, 4] } as never, mean))).toBe('E_METRIC_KIND');
    expect(codeOf(() => cuped(5 as never, mean))).toBe('E_METRIC_KIND');
    expect(codeOf(() => cuped({ ...mean, sumZ: '500' } as never, mean))).toBe('E_COVARIATES');
    expect(codeOf(() => cuped({ ...mean, sumZZ: [w.sumZZ] } as never, mean))).toBe('E_COVARIATES');
    expect(codeOf(() => cuped({ ...mean, sumZ: [1, 2], sumZY: [1, 2], sumZZ: [[5, 1], [2, 5]] }, mean))).toBe('E_COVARIATES'); // asymmetric
    expect(codeOf(() => cuped({ ...mean, sumZY: [1, 2] }, mean))).toBe('E_COVARIATES'); // sizes
    const { sumXY: _xy, ...noXY } = ratio;
    expect(codeOf(() => cuped(noXY as never, ratio))).toBe('E_NOT_FINITE');
    expect(codeOf(() => cuped({ ...ratio, sumY: 0 }, ratio))).toBe('E_ZERO_DENOMINATOR');
  });
});

describe('frequentist tests refuse wrong types and overflowing statistics with typed errors', () => {
  it('a number, string or boolean where a variant belongs is a typed error, not a TypeError', () => {
    for (const bad of [5, '5', true, NaN]) {
      expect(codeOf(() => welchTTest(bad as never, [1, 2, 3]))).toBe('E_NOT_FINITE');
      expect(codeOf(() => ratioMetricTest(bad as never, { numerator: [1, 2], denominator: [1, 1] }))).toBe('E_NOT_FINITE');
      expect(codeOf(() => proportionsZTest(bad as never, { n: 10, conversions: 1 }))).toBe('E_NOT_FINITE');
    }
    expect(codeOf(() => cuped({ values: [1, 2, 3], covariates: null } as never, { values: [1, 2, 3], covariates: [1, 2, 3] }))).toBe('E_COVARIATES');
    expect(codeOf(() => cuped({ values: undefined, covariates: [1, 2, 3] } as never, { values: [1, 2, 3], covariates: [1, 2, 3] }))).toBe('E_LENGTH_MISMATCH');
    expect(codeOf(() => ratioMetricTest({ numerator: '12', denominator: '11' } as never, { numerator: [1, 2], denominator: [1, 1] }))).toBe('E_LENGTH_MISMATCH');
  });
  it('statistics that overflow are refused instead of reporting t = −Infinity or a NaN p-value', () => {
    expect(codeOf(() => welchTTest({ mean: 1e308, sd: 2, n: 50 }, { mean: -1e308, sd: 3, n: 60 }))).toBe('E_OVERFLOW');
    expect(codeOf(() => welchTTest({ mean: 10, sd: 1e308, n: 50 }, { mean: 11, sd: 3, n: 60 }))).toBe('E_OVERFLOW');
    expect(codeOf(() => welchTTest([1e308, -1e308, 0], [1, 2, 3]))).toBe('E_OVERFLOW');
    expect(codeOf(() => relativeLift({ n: 1e308, conversions: 1 }, { n: 10, conversions: 1 }))).toBe('E_COUNT_TOO_LARGE');
    expect(codeOf(() => welchTTest({ mean: 10, sd: 2, n: 1e308 }, { mean: 11, sd: 3, n: 60 }))).toBe('E_TOO_FEW_UNITS');
  });
});
