// ratioMetricTest, ratioMetricMoments, capMetric and cuped on Apache Arrow
// numeric vectors (and cuped's covariates as an Arrow table). Properties: the answer equals that of the same values as arrays;
// an Arrow null is the error a null in an array gives; a text or date vector
// is E_ARROW_TYPE naming the argument; the vectors are left unchanged.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import { capMetric, cuped, ratioMetricMoments, ratioMetricTest } from '@marksman/experiments';
import { errorWithRowOf } from '../../../test-support/errors';

const error = errorWithRowOf;

function arm(n: number, seed: number): { numerator: number[]; denominator: number[] } {
  const rng = new Random(seed);
  const denominator = Array.from({ length: n }, () => 1 + rng.int(5));
  const numerator = denominator.map((d) => Math.round(d * Math.exp(rng.normal(1, 1)) * 100) / 100);
  return { numerator, denominator };
}

const vec = (v: readonly number[]): arrow.Vector => arrow.makeVector(Float64Array.from(v));

describe('ratio metrics and capping of Arrow vectors', () => {
  const c = arm(300, 1);
  const t = arm(280, 2);

  it('ratioMetricTest and ratioMetricMoments: Arrow numerators and denominators give the arrays\' answer', () => {
    const expected = ratioMetricTest(c, t);
    const cv = { numerator: vec(c.numerator), denominator: arrow.makeVector(Int32Array.from(c.denominator)) };
    expect(ratioMetricTest(cv, { numerator: vec(t.numerator), denominator: t.denominator })).toEqual(expected);
    expect(ratioMetricMoments(cv)).toEqual(ratioMetricMoments(c));
    expect(cv.denominator.toArray()).toEqual(Int32Array.from(c.denominator));
  });

  it('capMetric: Arrow vectors give the arrays\' capped values and cap', () => {
    const expected = capMetric([c.numerator, t.numerator], { percentile: 0.95 });
    expect(capMetric([vec(c.numerator), t.numerator], { percentile: 0.95 })).toEqual(expected);
    expect(capMetric([vec(c.numerator), vec(t.numerator)], { cap: 10, ignoreZeros: true })).toEqual(capMetric([c.numerator, t.numerator], { cap: 10, ignoreZeros: true }));
  });

  it('a null is the array\'s error; text or dates are E_ARROW_TYPE naming the argument', () => {
    const withNull = arrow.vectorFromArray([null, ...c.numerator.slice(1)], new arrow.Float64());
    expect(error(() => ratioMetricTest({ numerator: withNull, denominator: c.denominator }, t))).toEqual(error(() => ratioMetricTest({ numerator: [null as unknown as number, ...c.numerator.slice(1)], denominator: c.denominator }, t)));
    expect(error(() => ratioMetricTest({ numerator: c.numerator, denominator: arrow.vectorFromArray(c.denominator.map(String)) }, t))).toEqual({ code: 'E_ARROW_TYPE', field: 'denominator', row: undefined });
    expect(error(() => capMetric([withNull], { cap: 5 }))).toEqual(error(() => capMetric([[null as unknown as number, ...c.numerator.slice(1)]], { cap: 5 })));
    expect(error(() => capMetric([arrow.vectorFromArray([new Date(0)])], { cap: 5 }))).toEqual({ code: 'E_ARROW_TYPE', field: 'variants', row: undefined });
  });

  it('cuped: Arrow values and covariates (a vector, or a table read as records) give the arrays\' answer', () => {
    const pre = (a: { numerator: number[] }, seed: number): { spend: number[]; visits: number[] } => {
      const rng = new Random(seed);
      return { spend: a.numerator.map((x) => Math.round((x * 0.6 + rng.normal(0, 2)) * 100) / 100), visits: a.numerator.map(() => rng.int(9)) };
    };
    const pc = pre(c, 8);
    const pt = pre(t, 9);
    const recs = (p: { spend: number[]; visits: number[] }) => p.spend.map((s, i) => ({ spend: s, visits: p.visits[i]! }));
    const expected = cuped({ values: c.numerator, covariates: recs(pc) }, { values: t.numerator, covariates: recs(pt) });
    const table = (p: { spend: number[]; visits: number[] }) => new arrow.Table({ visits: arrow.makeVector(Int32Array.from(p.visits)), spend: vec(p.spend) });
    expect(cuped({ values: vec(c.numerator), covariates: table(pc) }, { values: t.numerator, covariates: table(pt) })).toEqual(expected);
    const single = cuped({ values: c.numerator, covariates: pc.spend }, { values: t.numerator, covariates: pt.spend });
    expect(cuped({ values: vec(c.numerator), covariates: vec(pc.spend) }, { values: vec(t.numerator), covariates: vec(pt.spend) })).toEqual(single);
    const ratio = cuped({ ...c, covariates: pc.spend }, { ...t, covariates: pt.spend });
    expect(cuped({ numerator: vec(c.numerator), denominator: vec(c.denominator), covariates: vec(pc.spend) }, { ...t, covariates: pt.spend })).toEqual(ratio);
    const textCol = new arrow.Table({ spend: arrow.vectorFromArray(pc.spend.map(String)) });
    expect(error(() => cuped({ values: c.numerator, covariates: textCol }, { values: t.numerator, covariates: pt.spend }))).toEqual({ code: 'E_ARROW_TYPE', field: 'spend', row: undefined });
    const nullCol = new arrow.Table({ spend: arrow.vectorFromArray([null, ...pc.spend.slice(1)], new arrow.Float64()) });
    expect(error(() => cuped({ values: c.numerator, covariates: nullCol }, { values: t.numerator, covariates: recs(pt).map((r) => ({ spend: r.spend })) }))).toEqual(
      error(() => cuped({ values: c.numerator, covariates: [{ spend: null as unknown as number }, ...pc.spend.slice(1).map((s) => ({ spend: s }))] }, { values: t.numerator, covariates: recs(pt).map((r) => ({ spend: r.spend })) })),
    );
  });
});
