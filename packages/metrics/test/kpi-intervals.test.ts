// KPIs with intervals: Wilson (statsmodels), delta method and incremental
// Wald intervals (hand-computed in numpy) from test/fixtures/make_kpi_intervals.py,
// and the coverage of each interval over 2,000 seeded simulations.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MarksmanError, Random } from '@marksman/core';
import {
  RatioAccumulator,
  averageOrderValue,
  averageOrderValueInterval,
  churnRate,
  churnRateInterval,
  clickThroughRateInterval,
  conversionRate,
  conversionRateInterval,
  costPerAcquisition,
  costPerAcquisitionInterval,
  costPerClickInterval,
  customerAcquisitionCost,
  customerAcquisitionCostInterval,
  incrementalKpis,
  ratioInterval,
  repeatPurchaseRate,
  repeatPurchaseRateInterval,
  returnOnAdSpendInterval,
  returnOnInvestment,
  returnOnInvestmentInterval,
  wilsonInterval,
} from '@marksman/metrics';

interface Fixture {
  wilson: Array<{ successes: number; trials: number; confidence: number; lower: number; upper: number }>;
  ratio: Array<{ x: number[]; y: number[]; confidence: number; value: number; se: number; lower: number; upper: number }>;
  incremental: Array<{
    treatment: { n: number; conversions: number; revenue: number; revenueSquares: number };
    control: { n: number; conversions: number; revenue: number; revenueSquares: number };
    cost: number;
    margin: number;
    z: number;
    [k: string]: unknown;
  }>;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/kpi_intervals.json', import.meta.url), 'utf8')) as Fixture;

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};
const fieldOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.field;
    throw e;
  }
  return undefined;
};

/** Coverage of 2,000 intervals should lie within 4 binomial standard deviations of 0.95. */
const COVERAGE_TOLERANCE = 4 * Math.sqrt((0.95 * 0.05) / 2000);

describe('Wilson intervals of rate KPIs', () => {
  it("equal statsmodels' proportion_confint(method='wilson')", () => {
    for (const c of fixture.wilson) {
      const ci = wilsonInterval(c.successes, c.trials, { confidence: c.confidence });
      expect(ci.lower).toBeCloseTo(c.lower, 12);
      expect(ci.upper).toBeCloseTo(c.upper, 12);
      expect(ci.value).toBe(c.successes / c.trials);
      expect(ci.method).toBe('wilson');
      expect(ci.lower).toBeGreaterThanOrEqual(0);
      expect(ci.upper).toBeLessThanOrEqual(1);
    }
  });

  it('each named rate KPI is the Wilson interval of its counts, and its value is the bare KPI', () => {
    const named = [conversionRateInterval, clickThroughRateInterval, repeatPurchaseRateInterval, churnRateInterval];
    for (const f of named) expect(f(30, 1200, { confidence: 0.9 })).toEqual(wilsonInterval(30, 1200, { confidence: 0.9 }));
    expect(conversionRateInterval(30, 1200).value).toBe(conversionRate(30, 1200));
    expect(repeatPurchaseRateInterval(120, 400).value).toBe(repeatPurchaseRate(120, 400));
    expect(churnRateInterval(45, 1500).value).toBe(churnRate(45, 1500));
  });

  it('a higher confidence gives a wider interval that still holds the estimate', () => {
    const a = wilsonInterval(12, 80, { confidence: 0.8 });
    const b = wilsonInterval(12, 80, { confidence: 0.99 });
    expect(b.lower).toBeLessThan(a.lower);
    expect(b.upper).toBeGreaterThan(a.upper);
    expect(a.lower).toBeLessThan(a.value);
    expect(a.upper).toBeGreaterThan(a.value);
  });

  it('covers the true rate in about 95 % of 2,000 seeded binomial samples', () => {
    const rng = new Random(2024);
    const p = 0.3;
    const n = 400;
    let covered = 0;
    for (let s = 0; s < 2000; s++) {
      let k = 0;
      for (let i = 0; i < n; i++) if (rng.next() < p) k++;
      const ci = conversionRateInterval(k, n);
      if (ci.lower <= p && p <= ci.upper) covered++;
    }
    expect(Math.abs(covered / 2000 - 0.95)).toBeLessThan(COVERAGE_TOLERANCE);
  });

  it('refuses bad counts and options with typed errors naming the field', () => {
    expect(codeOf(() => conversionRateInterval(31, 30))).toBe('E_INCONSISTENT');
    expect(fieldOf(() => conversionRateInterval(31, 30))).toBe('conversions');
    expect(codeOf(() => churnRateInterval(1, 0))).toBe('E_ZERO_DENOMINATOR');
    expect(codeOf(() => clickThroughRateInterval(-1, 10))).toBe('E_RANGE');
    expect(codeOf(() => repeatPurchaseRateInterval(NaN, 10))).toBe('E_NAN');
    expect(codeOf(() => wilsonInterval(1, 10, { confidence: 1 }))).toBe('E_OPTION_RANGE');
    expect(fieldOf(() => wilsonInterval(1, 10, { confidence: 0 }))).toBe('confidence');
    expect(codeOf(() => wilsonInterval(1, 10, { level: 0.9 } as never))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => repeatPurchaseRate(5, 4))).toBe('E_INCONSISTENT');
    expect(codeOf(() => churnRate(5, 0))).toBe('E_ZERO_DENOMINATOR');
    expect(customerAcquisitionCost(24000, 300)).toBe(80);
  });
});

describe('delta-method intervals of ratio KPIs', () => {
  it('equal the delta method computed by hand in numpy', () => {
    for (const c of fixture.ratio) {
      const ci = ratioInterval({ numerator: c.x, denominator: c.y }, { confidence: c.confidence });
      expect(ci.value).toBeCloseTo(c.value, 10);
      expect(ci.standardError / c.se).toBeCloseTo(1, 10);
      expect(ci.lower).toBeCloseTo(c.lower, 8);
      expect(ci.upper).toBeCloseTo(c.upper, 8);
      expect(ci.method).toBe('delta');
      expect(ci.n).toBe(c.x.length);
    }
  });

  it('give the same interval from per-unit values and from cross sums (RatioAccumulator#toStats)', () => {
    const c = fixture.ratio[1]!;
    const stats = new RatioAccumulator().addMany(c.x, c.y).toStats();
    const a = ratioInterval({ numerator: c.x, denominator: c.y });
    const b = ratioInterval(stats);
    expect(b.value).toBeCloseTo(a.value, 12);
    expect(b.standardError / a.standardError).toBeCloseTo(1, 8);
    expect(new RatioAccumulator().addMany(c.x, c.y).ratioVariance()).toBeCloseTo(a.standardError ** 2, 12);
  });

  it('each named ratio KPI is the ratio interval of its fields; ROI is ROAS − 1; values equal the bare KPIs', () => {
    const x = Object.freeze([400, 350, 500, 250]);
    const y = Object.freeze([16, 15, 19, 10]);
    const base = ratioInterval({ numerator: x, denominator: y });
    for (const ci of [
      costPerAcquisitionInterval({ cost: x, acquisitions: y }),
      costPerClickInterval({ cost: x, clicks: y }),
      customerAcquisitionCostInterval({ cost: x, newCustomers: y }),
      returnOnAdSpendInterval({ revenue: x, adSpend: y }),
      averageOrderValueInterval({ revenue: x, orders: y }),
    ]) {
      expect(ci).toEqual(base);
    }
    const roi = returnOnInvestmentInterval({ revenue: x, cost: y });
    expect(roi.value).toBeCloseTo(base.value - 1, 12);
    expect(roi.lower).toBeCloseTo(base.lower - 1, 12);
    expect(roi.standardError).toBe(base.standardError);
    expect(roi.value).toBeCloseTo(returnOnInvestment(1500, 60), 12);
    expect(base.value).toBe(costPerAcquisition(1500, 60));
    expect(averageOrderValueInterval({ revenue: x, orders: y }).value).toBe(averageOrderValue(1500, 60));
  });

  it('with one order per row, AOV is the mean order value with its standard error', () => {
    const revenue = [12, 30, 18, 40];
    const ci = averageOrderValueInterval({ revenue, orders: [1, 1, 1, 1] });
    const mean = 25;
    const sd = Math.sqrt(revenue.reduce((s, v) => s + (v - mean) ** 2, 0) / 3);
    expect(ci.value).toBe(mean);
    expect(ci.standardError).toBeCloseTo(sd / 2, 12);
  });

  it('covers the true ratio in about 95 % of 2,000 seeded samples of 200 units', () => {
    const rng = new Random(7);
    const n = 200;
    const truth = 20; // x = y · g with E[g] = 20, so E[x] / E[y] = 20
    let covered = 0;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let s = 0; s < 2000; s++) {
      for (let i = 0; i < n; i++) {
        ys[i] = 1 + rng.poisson(3);
        xs[i] = (ys[i] as number) * rng.gamma(2, 10);
      }
      const ci = costPerAcquisitionInterval({ cost: xs, acquisitions: ys });
      if (ci.lower <= truth && truth <= ci.upper) covered++;
    }
    expect(Math.abs(covered / 2000 - 0.95)).toBeLessThan(COVERAGE_TOLERANCE);
  });

  it('refuses too few units, a zero denominator, negative values, unknown fields and impossible sums', () => {
    expect(codeOf(() => ratioInterval({ numerator: [1], denominator: [2] }))).toBe('E_TOO_FEW_UNITS');
    expect(codeOf(() => ratioInterval({ numerator: [1, 2], denominator: [0, 0] }))).toBe('E_ZERO_DENOMINATOR');
    expect(fieldOf(() => costPerClickInterval({ cost: [1, 2], clicks: [0, 0] }))).toBe('clicks');
    expect(codeOf(() => costPerClickInterval({ cost: [1, -2], clicks: [1, 1] }))).toBe('E_RANGE');
    expect(codeOf(() => costPerClickInterval({ cost: [1, 2], clicks: [1] }))).toBe('E_LENGTH');
    expect(codeOf(() => costPerClickInterval({ cost: [1, 2], click: [1, 1] } as never))).toBe('E_INPUT');
    expect(codeOf(() => ratioInterval(null as never))).toBe('E_INPUT');
    expect(codeOf(() => ratioInterval({ n: 3, sumX: 6, sumY: 3, sumXX: 1, sumYY: 3, sumXY: 6 }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => ratioInterval({ n: 3, sumX: -6, sumY: 3, sumXX: 14, sumYY: 3, sumXY: -6 }))).toBe('E_RANGE');
    expect(codeOf(() => ratioInterval({ n: 1, sumX: 6, sumY: 3, sumXX: 36, sumYY: 9, sumXY: 18 }))).toBe('E_TOO_FEW_UNITS');
    expect(codeOf(() => ratioInterval({ numerator: [1, 2], denominator: [1, 1] }, { confidence: 95 }))).toBe('E_OPTION_RANGE');
  });
});

describe('incremental KPIs of an experiment', () => {
  it('equal hand-computed unpooled Wald intervals', () => {
    for (const c of fixture.incremental) {
      const k = incrementalKpis({ treatment: c.treatment, control: c.control, cost: c.cost }, { margin: c.margin });
      for (const name of ['conversionLift', 'incrementalConversions', 'incrementalRevenue', 'incrementalRoas', 'roi'] as const) {
        const [value, se] = c[name] as [number, number];
        const est = k[name]!;
        expect(est.value).toBeCloseTo(value, 6);
        expect(est.standardError / se).toBeCloseTo(1, 8);
        expect(est.upper - est.value).toBeCloseTo(c.z * se, 6);
        expect(est.method).toBe('wald');
      }
    }
  });

  it('without revenue or cost, the revenue KPIs are null', () => {
    const k = incrementalKpis({ treatment: { n: 1000, conversions: 60 }, control: { n: 1000, conversions: 50 } });
    expect(k.incrementalConversions.value).toBeCloseTo(10, 10);
    expect(k.revenueLift).toBeNull();
    expect(k.incrementalRoas).toBeNull();
    const f = fixture.incremental[0]!;
    const noCost = incrementalKpis({ treatment: f.treatment, control: f.control });
    expect(noCost.incrementalRevenue).not.toBeNull();
    expect(noCost.roi).toBeNull();
  });

  it('covers the true incremental conversions in about 95 % of 2,000 seeded experiments', () => {
    const rng = new Random(99);
    const n = 1000;
    const [pt, pc] = [0.08, 0.05];
    const truth = n * (pt - pc);
    let covered = 0;
    for (let s = 0; s < 2000; s++) {
      let kt = 0;
      let kc = 0;
      for (let i = 0; i < n; i++) {
        if (rng.next() < pt) kt++;
        if (rng.next() < pc) kc++;
      }
      const ci = incrementalKpis({ treatment: { n, conversions: kt }, control: { n, conversions: kc } }).incrementalConversions;
      if (ci.lower <= truth && truth <= ci.upper) covered++;
    }
    expect(Math.abs(covered / 2000 - 0.95)).toBeLessThan(COVERAGE_TOLERANCE);
  });

  it('refuses bad arms, cost and options with typed errors naming the field', () => {
    const t = Object.freeze({ n: 100, conversions: 10, revenue: 500, revenueSquares: 20000 });
    const c = Object.freeze({ n: 100, conversions: 8, revenue: 400, revenueSquares: 16000 });
    expect(codeOf(() => incrementalKpis({ treatment: { n: 1, conversions: 0 }, control: c }))).toBe('E_TOO_FEW_UNITS');
    expect(fieldOf(() => incrementalKpis({ treatment: { n: 1, conversions: 0 }, control: c }))).toBe('treatment.n');
    expect(fieldOf(() => incrementalKpis({ treatment: t, control: { n: 10, conversions: 11 } }))).toBe('control.conversions');
    expect(codeOf(() => incrementalKpis({ treatment: t, control: { n: 10, conversions: 1 } }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => incrementalKpis({ treatment: { n: 100, conversions: 10, revenue: 5 }, control: c }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => incrementalKpis({ treatment: { ...t, revenueSquares: 1 }, control: c }))).toBe('E_INCONSISTENT');
    expect(codeOf(() => incrementalKpis({ treatment: t, control: c, cost: 0 }))).toBe('E_ZERO_DENOMINATOR');
    expect(codeOf(() => incrementalKpis({ treatment: t, control: c, cost: -5 }))).toBe('E_RANGE');
    expect(codeOf(() => incrementalKpis({ treatment: { ...t, n: 2.5 }, control: c }))).toBe('E_RANGE');
    expect(codeOf(() => incrementalKpis({ treatment: t, control: c, budget: 5 } as never))).toBe('E_INPUT');
    expect(codeOf(() => incrementalKpis({ treatment: t, control: c }, { margin: 0 }))).toBe('E_OPTION_RANGE');
    expect(fieldOf(() => incrementalKpis({ treatment: t, control: c }, { margin: 1.5 }))).toBe('margin');
  });
});
