// Label metrics and fairness gaps on Apache Arrow vectors. Properties: the
// answer for Arrow vectors equals the answer for the same labels as arrays
// (Utf8, dictionary-encoded Utf8, Int32, Int64, Float64 columns; a Bool
// column equals the 0/1 array); a null gives exactly the error a null in an
// array gives (typed, naming the field and row); a date column, or a 64-bit
// integer beyond ±2^53, is E_ARROW_TYPE naming the field; inputs are left
// unchanged.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import {
  adjustedRandIndex,
  confusionMatrix,
  contingencyTable,
  demographicParityDifference,
  demographicParityRatio,
  equalizedOddsDifference,
  equalOpportunityDifference,
  fairnessByGroup,
  normalizedMutualInfo,
  precisionRecallF1,
} from '@marksman/metrics';
import { errorWithRowOf } from '../../../test-support/errors';

const error = errorWithRowOf;

type Vec = arrow.Vector | readonly unknown[];
type LabelMetric = (a: Vec, b: Vec) => unknown;

// Each metric with the names of its two label arguments.
const LABEL_METRICS: Readonly<Record<string, { f: LabelMetric; fields: readonly [string, string] }>> = {
  confusionMatrix: { f: confusionMatrix as LabelMetric, fields: ['yTrue', 'yPred'] },
  'confusionMatrix with labels': {
    f: ((a: Vec, b: Vec) => confusionMatrix(a as never, b as never, { labels: ['d', 'c', 'b', 'a', 3, 2, 1, 0] })) as LabelMetric,
    fields: ['yTrue', 'yPred'],
  },
  contingencyTable: { f: contingencyTable as LabelMetric, fields: ['labelsTrue', 'labelsPred'] },
  adjustedRandIndex: { f: adjustedRandIndex as LabelMetric, fields: ['labelsTrue', 'labelsPred'] },
  normalizedMutualInfo: { f: normalizedMutualInfo as LabelMetric, fields: ['labelsTrue', 'labelsPred'] },
  'normalizedMutualInfo geometric': {
    f: ((a: Vec, b: Vec) => normalizedMutualInfo(a as never, b as never, { averageMethod: 'geometric' })) as LabelMetric,
    fields: ['labelsTrue', 'labelsPred'],
  },
  'precisionRecallF1 macro': {
    f: ((a: Vec, b: Vec) => precisionRecallF1(a as never, b as never, { average: 'macro' })) as LabelMetric,
    fields: ['yTrue', 'yPred'],
  },
  'precisionRecallF1 weighted': {
    f: ((a: Vec, b: Vec) => precisionRecallF1(a as never, b as never, { average: 'weighted' })) as LabelMetric,
    fields: ['yTrue', 'yPred'],
  },
};

function labels(n: number, seed: number): { s: string[]; t: string[]; i: number[]; j: number[]; b: boolean[]; c: boolean[] } {
  const rng = new Random(seed);
  const names = ['a', 'b', 'c', 'd'];
  const i = Array.from({ length: n }, () => Math.floor(rng.uniform() * 4));
  // Predictions agree with the truth two times in three, so the scores are not trivial.
  const j = i.map((v) => (rng.uniform() < 2 / 3 ? v : Math.floor(rng.uniform() * 4)));
  const b = i.map((v) => v >= 2);
  const c = j.map((v) => v >= 2);
  return { s: i.map((v) => names[v]!), t: j.map((v) => names[v]!), i, j, b, c };
}

function withNull<T>(xs: readonly T[], at: number): (T | null)[] {
  const out: (T | null)[] = [...xs];
  out[at] = null;
  return out;
}

describe('label metrics of Arrow vectors', () => {
  const { s, t, i, j, b, c } = labels(200, 5);
  const sArr = Object.freeze([...s]);
  const tArr = Object.freeze([...t]);
  const iArr = Object.freeze([...i]);
  const jArr = Object.freeze([...j]);
  const b01 = Object.freeze(b.map((v) => (v ? 1 : 0)));
  const c01 = Object.freeze(c.map((v) => (v ? 1 : 0)));

  for (const [name, { f, fields }] of Object.entries(LABEL_METRICS)) {
    it(`${name}: Utf8, dictionary, integer, Float and Bool columns give the array answer; nulls and dates are typed errors naming the field`, () => {
      const text = f(sArr, tArr);
      const sUtf8 = arrow.vectorFromArray(s, new arrow.Utf8());
      const tUtf8 = arrow.vectorFromArray(t, new arrow.Utf8());
      const sDict = arrow.vectorFromArray(s);
      const tDict = arrow.vectorFromArray(t);
      expect(String(sDict.type)).toBe('Dictionary<Int32, Utf8>');
      expect(f(sUtf8, tUtf8)).toEqual(text);
      expect(f(sDict, tDict)).toEqual(text);
      expect(f(sDict, tArr)).toEqual(text);
      expect(f(sArr, tUtf8)).toEqual(text);

      const numbers = f(iArr, jArr);
      expect(f(arrow.makeVector(Int32Array.from(i)), arrow.makeVector(Int32Array.from(j)))).toEqual(numbers);
      expect(f(arrow.vectorFromArray(i.map(BigInt), new arrow.Int64()), arrow.makeVector(Float64Array.from(j)))).toEqual(numbers);
      expect(f(arrow.makeVector(Uint8Array.from(i)), jArr)).toEqual(numbers);

      // A Bool column is its labels as 0/1.
      const bools = f(b01, c01);
      expect(f(arrow.vectorFromArray(b, new arrow.Bool()), arrow.vectorFromArray(c, new arrow.Bool()))).toEqual(bools);
      expect(f(arrow.vectorFromArray(b, new arrow.Bool()), c01)).toEqual(bools);

      // Nulls: the error a null at the same row of an array gives, for each column type.
      for (const [vec, arr] of [
        [arrow.vectorFromArray(withNull(s, 7), new arrow.Utf8()), withNull(s, 7)],
        [arrow.vectorFromArray(withNull(s, 7)), withNull(s, 7)],
        [arrow.vectorFromArray(withNull(i, 7), new arrow.Int32()), withNull(i, 7)],
        [arrow.vectorFromArray(withNull(b, 7), new arrow.Bool()), withNull(b01, 7)],
      ] as const) {
        const expected = error(() => f(arr, tArr));
        expect(expected).toMatchObject({ field: fields[0], row: 7 });
        expect(error(() => f(vec, tArr))).toEqual(expected);
        expect(error(() => f(sArr, vec))).toEqual(error(() => f(sArr, arr)));
      }

      const dates = arrow.vectorFromArray(i.map((v) => new Date(Date.UTC(2024, 0, 1 + v))));
      expect(error(() => f(dates, tArr))).toEqual({ code: 'E_ARROW_TYPE', field: fields[0], row: undefined });
      expect(error(() => f(sArr, dates))).toEqual({ code: 'E_ARROW_TYPE', field: fields[1], row: undefined });
      const huge = arrow.vectorFromArray([...i.slice(0, 3).map(BigInt), 2n ** 60n, ...i.slice(4).map(BigInt)], new arrow.Int64());
      expect(error(() => f(iArr, huge))).toEqual({ code: 'E_ARROW_TYPE', field: fields[1], row: 3 });

      // Inputs unchanged.
      expect(sDict.toArray()).toEqual(s);
      expect(sUtf8.toArray()).toEqual(s);
    });
  }

  it('precisionRecallF1 binary: a Bool column scores the positive class 1 (true), as the 0/1 array does', () => {
    const yTrue = arrow.vectorFromArray(b, new arrow.Bool());
    const yPred = arrow.vectorFromArray(c, new arrow.Bool());
    const r = precisionRecallF1(yTrue, yPred);
    expect(r).toEqual(precisionRecallF1(b01, c01));
    expect(r.perClass.labels).toEqual([0, 1]);
    expect(r.support).toBe(b.filter(Boolean).length);
  });

  it('confusionMatrix counts a dictionary column and its array alike on a known example', () => {
    const m = confusionMatrix(arrow.vectorFromArray(['buy', 'skip', 'buy', 'skip']), arrow.vectorFromArray(['buy', 'buy', 'buy', 'skip'], new arrow.Utf8()));
    expect(m.labels).toEqual(['buy', 'skip']);
    expect(Array.from(m.counts)).toEqual([2, 0, 1, 1]);
  });
});

describe('fairness gaps of Arrow vectors', () => {
  const rng = new Random(9);
  const n = 240;
  const groupNames = ['18-34', '35-54', '55+'];
  const g = Array.from({ length: n }, () => groupNames[Math.floor(rng.uniform() * 3)]!);
  const y = g.map((v) => (rng.uniform() < (v === '55+' ? 0.3 : 0.5) ? 1 : 0));
  const p = y.map((v) => (rng.uniform() < (v === 1 ? 0.8 : 0.2) ? 1 : 0));
  const gArr = Object.freeze([...g]);
  const yArr = Object.freeze([...y]);
  const pArr = Object.freeze([...p]);
  const gDict = arrow.vectorFromArray(g);
  const yBool = arrow.vectorFromArray(y.map((v) => v === 1), new arrow.Bool());
  const pInt = arrow.makeVector(Int8Array.from(p));

  const GAPS: Readonly<Record<string, (yTrue: Vec, yPred: Vec, groups: Vec) => unknown>> = {
    fairnessByGroup: (yt, yp, gr) => fairnessByGroup(yp as never, gr as never, yt as never),
    'fairnessByGroup without yTrue': (_yt, yp, gr) => fairnessByGroup(yp as never, gr as never),
    demographicParityDifference: (_yt, yp, gr) => demographicParityDifference(yp as never, gr as never),
    demographicParityRatio: (_yt, yp, gr) => demographicParityRatio(yp as never, gr as never),
    equalOpportunityDifference: (yt, yp, gr) => equalOpportunityDifference(yt as never, yp as never, gr as never),
    equalizedOddsDifference: (yt, yp, gr) => equalizedOddsDifference(yt as never, yp as never, gr as never),
  };

  for (const [name, f] of Object.entries(GAPS)) {
    it(`${name}: Arrow decisions, outcomes and groups give the array answer; nulls and wrong types are typed errors naming the field`, () => {
      const expected = f(yArr, pArr, gArr);
      expect(f(yBool, pInt, gDict)).toEqual(expected);
      expect(f(yArr, pArr, arrow.vectorFromArray(g, new arrow.Utf8()))).toEqual(expected);
      expect(f(arrow.makeVector(Float64Array.from(y)), arrow.vectorFromArray(p.map((v) => v === 1), new arrow.Bool()), gArr)).toEqual(expected);
      // Integer group codes as an Arrow column: the answer for the same codes as an array.
      const codes = g.map((v) => groupNames.indexOf(v));
      expect(f(yBool, pInt, arrow.makeVector(Int32Array.from(codes)))).toEqual(f(yArr, pArr, codes));

      const gNull = withNull(g, 11);
      expect(error(() => f(yBool, pInt, arrow.vectorFromArray(gNull)))).toEqual(error(() => f(yArr, pArr, gNull)));
      expect(error(() => f(yBool, pInt, arrow.vectorFromArray(gNull)))).toMatchObject({ field: 'groups', row: 11 });
      const pNull = withNull(p, 4);
      expect(error(() => f(yBool, arrow.vectorFromArray(pNull, new arrow.Int8()), gDict))).toEqual(error(() => f(yArr, pNull, gArr)));
      expect(error(() => f(yBool, arrow.vectorFromArray(pNull, new arrow.Int8()), gDict))).toMatchObject({ field: 'yPred', row: 4 });

      expect(error(() => f(yBool, arrow.vectorFromArray(p.map(String)), gDict))).toEqual({ code: 'E_ARROW_TYPE', field: 'yPred', row: undefined });
      expect(error(() => f(yBool, pInt, arrow.vectorFromArray(g.map(() => new Date(0)))))).toEqual({ code: 'E_ARROW_TYPE', field: 'groups', row: undefined });
      expect(gDict.toArray()).toEqual(g);
      expect(pInt.toArray()).toEqual(Int8Array.from(p));
    });
  }

  it('equalOpportunityDifference: a null or a text column among the outcomes is a typed error naming yTrue', () => {
    const yNull = withNull(y, 2);
    expect(error(() => equalOpportunityDifference(arrow.vectorFromArray(yNull, new arrow.Float64()), pInt, gDict))).toEqual(error(() => equalOpportunityDifference(yNull as never, pArr, gArr)));
    expect(error(() => equalOpportunityDifference(arrow.vectorFromArray(yNull, new arrow.Float64()), pInt, gDict))).toMatchObject({ field: 'yTrue', row: 2 });
    expect(error(() => equalizedOddsDifference(arrow.vectorFromArray(y.map(String)), pInt, gDict))).toEqual({ code: 'E_ARROW_TYPE', field: 'yTrue', row: undefined });
  });
});
