import { describe, expect, it } from 'vitest';
import { MarksmanError, ValidationError } from '@marksman/core';
import {
  averageOrderValue,
  clickThroughRate,
  conversionRate,
  costPerAcquisition,
  costPerClick,
  historicClv,
  returnOnAdSpend,
  returnOnInvestment,
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

const ratios: Array<[string, (a: number, b: number) => number]> = [
  ['conversionRate', conversionRate],
  ['clickThroughRate', clickThroughRate],
  ['costPerAcquisition', costPerAcquisition],
  ['costPerClick', costPerClick],
  ['returnOnAdSpend', returnOnAdSpend],
  ['averageOrderValue', averageOrderValue],
];

describe('marketing KPIs', () => {
  it('documented examples', () => {
    expect(conversionRate(30, 1200)).toBe(0.025);
    expect(clickThroughRate(42, 8400)).toBe(0.005);
    expect(costPerAcquisition(1500, 60)).toBe(25);
    expect(costPerClick(90, 120)).toBe(0.75);
    expect(returnOnInvestment(5000, 2000)).toBe(1.5);
    expect(returnOnAdSpend(8000, 2000)).toBe(4);
    expect(averageOrderValue(12500, 250)).toBe(50);
  });

  it('ratios are numerator ÷ denominator; ROI = ROAS − 1 on the same totals', () => {
    for (const [, f] of ratios) {
      expect(f(7, 8)).toBe(0.875);
      expect(f(0, 3)).toBe(0);
    }
    expect(returnOnInvestment(0, 10)).toBe(-1);
    expect(returnOnInvestment(10, 10)).toBe(0);
    expect(returnOnInvestment(3, 7)).toBeCloseTo(returnOnAdSpend(3, 7) - 1, 15);
  });

  it('a zero denominator is a typed error, not NaN or Infinity', () => {
    for (const [name, f] of ratios) {
      try {
        f(1, 0);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).code).toBe('E_ZERO_DENOMINATOR');
        expect((e as ValidationError).source).toBe(name);
      }
      expect(codeOf(() => f(0, 0))).toBe('E_ZERO_DENOMINATOR');
    }
    expect(codeOf(() => returnOnInvestment(5, 0))).toBe('E_ZERO_DENOMINATOR');
  });

  it('rejects negative, NaN and infinite inputs', () => {
    for (const [, f] of [...ratios, ['roi', returnOnInvestment] as const]) {
      expect(codeOf(() => f(-1, 2))).toBe('E_RANGE');
      expect(codeOf(() => f(1, -2))).toBe('E_RANGE');
      expect(codeOf(() => f(NaN, 2))).toBe('E_NAN');
      expect(codeOf(() => f(1, Infinity))).toBe('E_NOT_FINITE');
    }
  });
});

describe('historicClv', () => {
  const base = Object.freeze({ averageOrderValue: 50, purchaseFrequency: 4, grossMargin: 0.3, lifespan: 3 });
  it('documented example: AOV × frequency × margin × lifespan', () => {
    expect(historicClv(base)).toBe(180);
  });
  it('is linear in each factor and composes with the KPI helpers', () => {
    expect(historicClv({ ...base, lifespan: 6 })).toBeCloseTo(360, 12);
    expect(historicClv({ ...base, grossMargin: 0 })).toBe(0);
    // 250 orders by 100 customers in one year, €12 500 revenue
    const aov = averageOrderValue(12500, 250);
    const frequency = 250 / 100;
    expect(historicClv({ averageOrderValue: aov, purchaseFrequency: frequency, grossMargin: 1, lifespan: 1 })).toBe(125);
  });
  it('throws typed errors', () => {
    expect(codeOf(() => historicClv({ ...base, grossMargin: 1.2 }))).toBe('E_RANGE');
    expect(codeOf(() => historicClv({ ...base, lifespan: -1 }))).toBe('E_RANGE');
    expect(codeOf(() => historicClv({ ...base, purchaseFrequency: NaN }))).toBe('E_NAN');
    expect(codeOf(() => historicClv({ ...base, averageOrderValue: Infinity }))).toBe('E_NOT_FINITE');
    expect(codeOf(() => historicClv({ averageOrderValue: 1, purchaseFrequency: 1, lifespan: 1 } as never))).toBe('E_NAN');
    expect(codeOf(() => historicClv(null as never))).toBe('E_INPUT');
  });
});

describe('KPIs refuse impossible or overflowing inputs', () => {
  it('a rate cannot exceed 1: more conversions than visitors, or clicks than impressions, is an error', () => {
    expect(codeOf(() => conversionRate(5, 3))).toBe('E_INCONSISTENT');
    expect(codeOf(() => clickThroughRate(5, 3))).toBe('E_INCONSISTENT');
    expect(conversionRate(3, 3)).toBe(1);
  });
  it('a result that overflows is refused rather than returned as Infinity', () => {
    expect(codeOf(() => returnOnInvestment(1e308, 1e-308))).toBe('E_OVERFLOW');
    expect(codeOf(() => averageOrderValue(1e308, 1e-308))).toBe('E_OVERFLOW');
    expect(codeOf(() => historicClv({ averageOrderValue: 1e308, purchaseFrequency: 1e308, grossMargin: 0.3, lifespan: 3 }))).toBe('E_OVERFLOW');
  });
  it('historicClv refuses a misspelt field, listing the known ones', () => {
    let err: unknown;
    try {
      historicClv({ averageOrderValue: 50, purchaseFrequency: 4, grossMargin: 0.3, lifespan: 3, lifeSpan: 5 } as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MarksmanError);
    expect((err as MarksmanError).code).toBe('E_OPTION_UNKNOWN');
    expect((err as MarksmanError).field).toBe('lifeSpan');
    expect((err as MarksmanError).message).toMatch(/averageOrderValue, purchaseFrequency, grossMargin, lifespan/);
  });
  it('numbers must be numbers', () => {
    expect(codeOf(() => conversionRate('3' as never, 10))).toBe('E_NAN');
    expect(codeOf(() => costPerClick(undefined as never, 10))).toBe('E_NAN');
  });
});
