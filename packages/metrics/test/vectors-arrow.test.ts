// Classification and uplift metrics on Apache Arrow vectors. Properties: the
// metric of Arrow vectors equals the metric of the same values as arrays
// (Bool or numeric outcomes, any numeric score type); a null gives the error
// a null in an array gives (typed, naming the field and row); a text or date
// column is E_ARROW_TYPE naming the field; inputs are left unchanged.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import {
  areaUnderUpliftCurve,
  averagePrecisionScore,
  brierScore,
  calibrationCurve,
  logLoss,
  precisionRecallCurve,
  qiniCoefficient,
  qiniCurve,
  rocAuc,
  rocCurve,
  upliftAtK,
  upliftByPercentile,
  upliftCurve,
} from '@marksman/metrics';
import { errorWithRowOf } from '../../../test-support/errors';

const error = errorWithRowOf;

type Vec = arrow.Vector | readonly unknown[];
type Metric2 = (y: Vec, s: Vec) => unknown;
type Metric3 = (y: Vec, t: Vec, s: Vec) => unknown;

const BINARY: Readonly<Record<string, Metric2>> = {
  rocAuc: rocAuc as Metric2,
  averagePrecisionScore: averagePrecisionScore as Metric2,
  rocCurve: rocCurve as Metric2,
  precisionRecallCurve: precisionRecallCurve as Metric2,
  logLoss: logLoss as Metric2,
  brierScore: brierScore as Metric2,
  calibrationCurve: ((y: Vec, p: Vec) => calibrationCurve(y as never, p as never, { bins: 4 })) as Metric2,
};

const UPLIFT: Readonly<Record<string, Metric3>> = {
  upliftCurve: upliftCurve as Metric3,
  qiniCurve: qiniCurve as Metric3,
  qiniCoefficient: qiniCoefficient as Metric3,
  areaUnderUpliftCurve: areaUnderUpliftCurve as Metric3,
  upliftAtK: ((y: Vec, t: Vec, s: Vec) => upliftAtK(y as never, t as never, s as never, { k: 0.3 })) as Metric3,
  upliftByPercentile: ((y: Vec, t: Vec, s: Vec) => upliftByPercentile(y as never, t as never, s as never, { bins: 5 })) as Metric3,
};

function data(n: number, seed: number): { y: number[]; t: number[]; p: number[] } {
  const rng = new Random(seed);
  const p = Array.from({ length: n }, () => Math.round(rng.uniform() * 1000) / 1000);
  const y = p.map((q) => (rng.uniform() < q ? 1 : 0));
  const t = p.map(() => (rng.uniform() < 0.5 ? 1 : 0));
  return { y, t, p };
}

describe('metrics of Arrow vectors', () => {
  const { y, t, p } = data(300, 1);
  const yArr = Object.freeze([...y]);
  const pArr = Object.freeze([...p]);
  const tArr = Object.freeze([...t]);

  for (const [name, f] of Object.entries(BINARY)) {
    it(`${name}: Arrow vectors (numeric or Bool outcomes, Float32 or Float64 scores) give the array answer; nulls and text are typed errors`, () => {
      const expected = f(yArr, pArr);
      const yInt = arrow.makeVector(Int32Array.from(y));
      const yBool = arrow.vectorFromArray(y.map((v) => v === 1), new arrow.Bool());
      const pVec = arrow.makeVector(Float64Array.from(p));
      expect(f(yInt, pVec)).toEqual(expected);
      expect(f(yBool, pVec)).toEqual(expected);
      // Float32 scores: the answer for the same Float32 values as an array.
      const p32 = Float32Array.from(p);
      expect(f(yInt, arrow.makeVector(p32))).toEqual(f(yArr, Array.from(p32)));
      const pNull = arrow.vectorFromArray([null, ...p.slice(1)], new arrow.Float64());
      expect(error(() => f(yInt, pNull))).toEqual(error(() => f(yArr, [null, ...p.slice(1)])));
      const yNull = arrow.vectorFromArray([...y.slice(0, 5), null, ...y.slice(6)], new arrow.Int32());
      expect(error(() => f(yNull, pVec))).toMatchObject({ field: 'yTrue', row: 5 });
      expect(error(() => f(arrow.vectorFromArray(y.map(String)), pVec))).toEqual({ code: 'E_ARROW_TYPE', field: 'yTrue', row: undefined });
      expect(error(() => f(yInt, arrow.vectorFromArray(p.map((q) => new Date(q)))))).toMatchObject({ code: 'E_ARROW_TYPE', field: expect.stringMatching(/^(scores|probabilities)$/) });
      expect(yInt.toArray()).toEqual(Int32Array.from(y));
    });
  }

  for (const [name, f] of Object.entries(UPLIFT)) {
    it(`${name}: Arrow vectors give the array answer; nulls and text are typed errors naming the field`, () => {
      const expected = f(yArr, tArr, pArr);
      const yVec = arrow.makeVector(Float64Array.from(y));
      const tVec = arrow.vectorFromArray(t.map((v) => v === 1), new arrow.Bool());
      const sVec = arrow.makeVector(Float64Array.from(p));
      expect(f(yVec, tVec, sVec)).toEqual(expected);
      expect(f(yArr, arrow.makeVector(Uint8Array.from(t)), pArr)).toEqual(expected);
      const tNull = arrow.vectorFromArray([...t.slice(0, 3), null, ...t.slice(4)], new arrow.Int8());
      expect(error(() => f(yVec, tNull, sVec))).toMatchObject({ field: 'treatment', row: 3 });
      expect(error(() => f(yVec, tVec, arrow.vectorFromArray(p.map(String))))).toEqual({ code: 'E_ARROW_TYPE', field: 'scores', row: undefined });
    });
  }
});
