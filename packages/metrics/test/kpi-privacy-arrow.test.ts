// Ratio-KPI intervals and private sums/means on Apache Arrow input.
// Properties: an Arrow table (one row per unit) or Arrow vectors give the
// interval the same per-unit arrays give; the same seeded budget gives the
// same private release for an Arrow vector as for its array; a null is the
// error a null in an array is (typed, naming the field and row), and for the
// private releases no budget is spent; a column of the wrong type is
// E_ARROW_TYPE naming it; inputs are left unchanged.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import {
  PrivacyBudget,
  averageOrderValueInterval,
  costPerAcquisitionInterval,
  costPerClickInterval,
  customerAcquisitionCostInterval,
  privateMean,
  privateSum,
  ratioInterval,
  returnOnAdSpendInterval,
  returnOnInvestmentInterval,
} from '@marksman/metrics';
import type { KpiEstimate } from '@marksman/metrics';
import { errorWithRowOf } from '../../../test-support/errors';

const error = errorWithRowOf;

type Interval = (data: never) => KpiEstimate;

// Each interval with the names of its numerator and denominator.
const INTERVALS: Readonly<Record<string, { f: Interval; num: string; den: string }>> = {
  ratioInterval: { f: ratioInterval as Interval, num: 'numerator', den: 'denominator' },
  costPerAcquisitionInterval: { f: costPerAcquisitionInterval as Interval, num: 'cost', den: 'acquisitions' },
  costPerClickInterval: { f: costPerClickInterval as Interval, num: 'cost', den: 'clicks' },
  customerAcquisitionCostInterval: { f: customerAcquisitionCostInterval as Interval, num: 'cost', den: 'newCustomers' },
  returnOnAdSpendInterval: { f: returnOnAdSpendInterval as Interval, num: 'revenue', den: 'adSpend' },
  returnOnInvestmentInterval: { f: returnOnInvestmentInterval as Interval, num: 'revenue', den: 'cost' },
  averageOrderValueInterval: { f: averageOrderValueInterval as Interval, num: 'revenue', den: 'orders' },
};

function withNull<T>(xs: readonly T[], at: number): (T | null)[] {
  const out: (T | null)[] = [...xs];
  out[at] = null;
  return out;
}

describe('ratio-KPI intervals of Arrow tables and vectors', () => {
  const rng = new Random(21);
  const units = 60;
  const den = Array.from({ length: units }, () => 1 + Math.floor(rng.uniform() * 40));
  const num = den.map((d) => Math.round(d * (5 + 10 * rng.uniform()) * 100) / 100);
  const days = Array.from({ length: units }, (_, i) => `day-${i}`);

  for (const [name, { f, num: x, den: y }] of Object.entries(INTERVALS)) {
    it(`${name}: an Arrow table or Arrow vectors give the per-unit arrays' interval; nulls, wrong types and a missing column are typed errors`, () => {
      const expected = f(Object.freeze({ [x]: Object.freeze([...num]), [y]: Object.freeze([...den]) }) as never);
      const table = arrow.tableFromArrays({ day: days, [x]: Float64Array.from(num), [y]: Int32Array.from(den) });
      expect(f(table as never)).toEqual(expected);
      expect(f({ [x]: table.getChild(x), [y]: table.getChild(y) } as never)).toEqual(expected);
      expect(f({ [x]: arrow.makeVector(Float64Array.from(num)), [y]: den } as never)).toEqual(expected);
      const wide = arrow.tableFromArrays({ [x]: Float64Array.from(num), [y]: BigInt64Array.from(den.map(BigInt)) });
      expect(f(wide as never)).toEqual(expected);

      // Nulls: the error of a null at the same row of the arrays.
      const nullTable = new arrow.Table({ [x]: arrow.vectorFromArray(withNull(num, 9), new arrow.Float64()), [y]: arrow.makeVector(Int32Array.from(den)) });
      const arrays = error(() => f({ [x]: withNull(num, 9), [y]: den } as never));
      expect(arrays).toMatchObject({ field: x, row: 9 });
      expect(error(() => f(nullTable as never))).toEqual(arrays);
      expect(error(() => f({ [x]: nullTable.getChild(x), [y]: den } as never))).toEqual(arrays);
      const denNull = arrow.vectorFromArray(withNull(den, 0), new arrow.Int32());
      expect(error(() => f({ [x]: num, [y]: denNull } as never))).toEqual(error(() => f({ [x]: num, [y]: withNull(den, 0) } as never)));

      const textTable = arrow.tableFromArrays({ [x]: Float64Array.from(num), [y]: den.map(String) });
      expect(error(() => f(textTable as never))).toEqual({ code: 'E_ARROW_TYPE', field: y, row: undefined });
      expect(error(() => f({ [x]: arrow.vectorFromArray(num.map(String)), [y]: den } as never))).toEqual({ code: 'E_ARROW_TYPE', field: x, row: undefined });
      expect(error(() => f(arrow.tableFromArrays({ day: days, [x]: Float64Array.from(num) }) as never))).toEqual({ code: 'E_SHAPE', field: y, row: undefined });
      expect(error(() => f(arrow.tableFromArrays({ day: days, [y]: Int32Array.from(den) }) as never))).toEqual({ code: 'E_SHAPE', field: x, row: undefined });
      expect(table.getChild(y)!.toArray()).toEqual(Int32Array.from(den));
    });
  }

  it('costPerAcquisitionInterval: the documented example as an Arrow table', () => {
    const ci = costPerAcquisitionInterval(arrow.tableFromArrays({ cost: Float64Array.of(400, 350, 500, 250), acquisitions: Int32Array.of(16, 15, 19, 10) }));
    expect(ci.value).toBe(25);
    expect([ci.lower, ci.upper].map((v) => +v.toFixed(2))).toEqual([23.67, 26.33]);
  });
});

describe('privateSum and privateMean of Arrow vectors', () => {
  const rng = new Random(4);
  const spend = Array.from({ length: 500 }, () => Math.round(rng.uniform() * 20000) / 100);
  const OPTIONS = Object.freeze({ epsilon: 0.5, lower: 0, upper: 200 });

  for (const [name, f] of Object.entries({ privateSum, privateMean })) {
    it(`${name}: an Arrow vector gives the array's release from the same seeded budget; a null or a text column is a typed error and spends nothing`, () => {
      const expected = f(Object.freeze([...spend]), new PrivacyBudget({ epsilon: 1, seed: 17 }), OPTIONS);
      const vec = arrow.makeVector(Float64Array.from(spend));
      const budget = new PrivacyBudget({ epsilon: 1, seed: 17 });
      expect(f(vec, budget, OPTIONS)).toEqual(expected);
      expect(budget.spent().epsilon).toBe(0.5);
      // Integer columns (32- and 64-bit) give the release of the same integers as an array.
      const cents = spend.map((v) => Math.round(v));
      const ints = f(cents, new PrivacyBudget({ epsilon: 1, seed: 3 }), OPTIONS);
      expect(f(arrow.makeVector(Int32Array.from(cents)), new PrivacyBudget({ epsilon: 1, seed: 3 }), OPTIONS)).toEqual(ints);
      expect(f(arrow.vectorFromArray(cents.map(BigInt), new arrow.Int64()), new PrivacyBudget({ epsilon: 1, seed: 3 }), OPTIONS)).toEqual(ints);

      const fresh = new PrivacyBudget({ epsilon: 1, seed: 17 });
      const nulls = withNull(spend, 42);
      const expectedError = error(() => f(nulls as never, new PrivacyBudget({ epsilon: 1, seed: 17 }), OPTIONS));
      expect(expectedError).toMatchObject({ field: 'values', row: 42 });
      expect(error(() => f(arrow.vectorFromArray(nulls, new arrow.Float64()), fresh, OPTIONS))).toEqual(expectedError);
      expect(error(() => f(arrow.vectorFromArray(spend.map(String)), fresh, OPTIONS))).toEqual({ code: 'E_ARROW_TYPE', field: 'values', row: undefined });
      expect(error(() => f(arrow.vectorFromArray(spend.map((v) => v > 100), new arrow.Bool()), fresh, OPTIONS))).toEqual({ code: 'E_ARROW_TYPE', field: 'values', row: undefined });
      expect(fresh.spent().epsilon).toBe(0);
      // Out of bounds in an Arrow vector: E_RANGE with its row, as in an array.
      const over = [...spend];
      over[5] = 250;
      expect(error(() => f(arrow.makeVector(Float64Array.from(over)), fresh, OPTIONS))).toEqual({ code: 'E_RANGE', field: 'values', row: 5 });
      expect(vec.toArray()).toEqual(Float64Array.from(spend));
    });
  }
});
