import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import {
  log1pTransform,
  Log1pTransform,
  minMaxScaler,
  MinMaxScaler,
  quantileRank,
  QuantileRank,
  robustScaler,
  RobustScaler,
  standardScaler,
  StandardScaler,
} from '@marksman/profiling';

type Cell = number | null;
const ref = JSON.parse(readFileSync(new URL('./fixtures/scalers-reference.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>> & {
  fit: Cell[][];
  transformInput: Cell[][];
};
const toNum = (m: Cell[][]): number[][] => m.map((r) => r.map((v) => (v === null ? NaN : v)));
const deepFreeze = (m: number[][]): readonly (readonly number[])[] => Object.freeze(m.map((r) => Object.freeze(r)));
const X = deepFreeze(toNum(ref.fit));
const T = deepFreeze(toNum(ref.transformInput));

function expectClose(actual: readonly (readonly number[])[] | ArrayLike<number>, expected: unknown, tol = 1e-10): void {
  const a = (Array.isArray(actual) ? (actual as number[][]).flat() : Array.from(actual as ArrayLike<number>)) as number[];
  const e = ((expected as Cell[] | Cell[][]).flat() as Cell[]).map((v) => (v === null ? NaN : v));
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(e[i])) expect(a[i], `cell ${i}`).toBeNaN();
    else expect(Math.abs((a[i] as number) - (e[i] as number)), `cell ${i}: ${a[i]} vs ${e[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e[i] as number)));
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof MarksmanError) return `${e.name}:${e.code}`;
    throw e;
  }
  return undefined;
}

const roundTrip = <T>(json: T): T => JSON.parse(JSON.stringify(json)) as T;

describe('standardScaler (scikit-learn StandardScaler fixture)', () => {
  const s = standardScaler().fit(X);
  const r = ref.standard as Record<string, unknown>;
  it('matches mean, population variance (ddof 0) and scale, with NaN ignored and a constant feature scaled by 1', () => {
    const j = s.toJSON();
    expectClose(j.mean.map((v) => v ?? NaN), r.mean);
    expectClose(j.variance.map((v) => v ?? NaN), r.variance);
    expectClose(j.scale.map((v) => v ?? NaN), r.scale);
    expect(j.scale[2]).toBe(1);
    expect(j.counts).toEqual([40, 37, 40, 40, 40]);
  });
  it('matches transform on the fitted and on new data (NaN kept as NaN)', () => {
    expectClose(s.transform(X), r.fitTransform);
    expectClose(s.transform(T), r.transform);
  });
  it('round-trips: inverseTransform(transform(x)) ≈ x and toJSON/fromJSON reproduces every output', () => {
    expectClose(s.inverseTransform(s.transform(T)), ref.transformInput, 1e-12);
    const back = StandardScaler.fromJSON(roundTrip(s.toJSON()));
    expect(back.transform(T)).toEqual(s.transform(T));
    expect(back.toJSON()).toEqual(s.toJSON());
  });
  it('honours withMean / withStd', () => {
    const noMean = standardScaler({ withMean: false }).fit([[1], [3]]);
    expect(noMean.transform([[2]])).toEqual([[2]]);
    expect(standardScaler({ withStd: false }).fitTransform([[1], [3]])).toEqual([[-1], [1]]);
  });
  it('a feature with no values fits to NaN and transforms to NaN', () => {
    const t = standardScaler().fit([[NaN, 1], [NaN, 2]]);
    expect(t.transform([[5, 1.5]])[0]![0]).toBeNaN();
    expect(t.transform([[5, 1.5]])[0]![1]).toBe(0);
  });
});

describe('minMaxScaler (scikit-learn MinMaxScaler fixture)', () => {
  const s = minMaxScaler().fit(X);
  const r = ref.minMax as Record<string, unknown>;
  it('matches data min/max, scale and offset (min_) and transform', () => {
    const j = s.toJSON();
    expectClose(j.dataMin.map((v) => v ?? NaN), r.dataMin);
    expectClose(j.dataMax.map((v) => v ?? NaN), r.dataMax);
    expectClose(j.scale.map((v) => v ?? NaN), r.scale);
    expectClose(j.offset.map((v) => v ?? NaN), r.offset);
    expectClose(s.transform(T), r.transform);
  });
  it('matches featureRange (-2, 3) with clip', () => {
    expectClose(minMaxScaler({ featureRange: [-2, 3], clip: true }).fit(X).transform(T), (ref.minMaxClip as Record<string, unknown>).transform);
  });
  it('round-trips', () => {
    expectClose(s.inverseTransform(s.transform(T)), ref.transformInput, 1e-12);
    expect(MinMaxScaler.fromJSON(roundTrip(s.toJSON())).transform(T)).toEqual(s.transform(T));
  });
});

describe('robustScaler (scikit-learn RobustScaler fixture)', () => {
  it('matches median, IQR (25–75, linear interpolation) and transform', () => {
    const s = robustScaler().fit(X);
    const r = ref.robust as Record<string, unknown>;
    expectClose(s.toJSON().center.map((v) => v ?? NaN), r.center);
    expectClose(s.toJSON().scale.map((v) => v ?? NaN), r.scale);
    expectClose(s.transform(T), r.transform);
    expectClose(s.inverseTransform(s.transform(T)), ref.transformInput, 1e-12);
    expect(RobustScaler.fromJSON(roundTrip(s.toJSON())).transform(T)).toEqual(s.transform(T));
  });
  it('matches quantileRange (10, 90)', () => {
    const s = robustScaler({ quantileRange: [10, 90] }).fit(X);
    const r = ref.robust1090 as Record<string, unknown>;
    expectClose(s.toJSON().scale.map((v) => v ?? NaN), r.scale);
    expectClose(s.transform(T), r.transform);
  });
});

describe('quantileRank (scikit-learn QuantileTransformer, uniform output)', () => {
  const q = quantileRank().fit(X);
  const r = ref.quantile as Record<string, unknown>;
  it('matches the landmarks (min(1000, n) of them) and transform, ties mapped to mid-level', () => {
    const j = q.toJSON();
    expect(j.references.length).toBe(r.nQuantiles);
    expectClose(j.references, r.references, 1e-14);
    expectClose(j.quantiles.map((c) => c.map((v) => v ?? NaN)), r.quantiles, 1e-12);
    expectClose(q.transform(X), r.fitTransform, 1e-9);
    expectClose(q.transform(T), r.transform, 1e-9);
  });
  it('matches inverseTransform and n_quantiles = 7', () => {
    expectClose(q.inverseTransform(toNum(r.inverseInput as Cell[][])), r.inverse, 1e-9);
    const q7 = quantileRank({ nQuantiles: 7 }).fit(X);
    const r7 = ref.quantile7 as Record<string, unknown>;
    expectClose(q7.toJSON().quantiles.map((c) => c.map((v) => v ?? NaN)), r7.quantiles, 1e-12);
    expectClose(q7.transform(T), r7.transform, 1e-9);
  });
  it('is the scaled rank on distinct training data and round-trips inside the fitted range', () => {
    const data = [[5], [1], [4], [2], [3]];
    expect(quantileRank().fitTransform(data)).toEqual([[1], [0], [0.75], [0.25], [0.5]]);
    const inside = [[4.2], [1.5], [NaN]];
    const qr = quantileRank().fit(data);
    expectClose(qr.inverseTransform(qr.transform(inside)), [[4.2], [1.5], [null]], 1e-12);
    expect(QuantileRank.fromJSON(roundTrip(qr.toJSON())).transform(inside)).toEqual(qr.transform(inside));
  });
});

describe('log1pTransform', () => {
  it('is numpy log1p, keeps NaN and round-trips', () => {
    const abs = T.map((row) => row.map(Math.abs));
    const t = log1pTransform().fit(abs);
    expectClose(t.transform(abs), (ref.log1p as Record<string, unknown>).transform, 1e-14);
    expectClose(t.inverseTransform(t.transform(abs)), abs.map((row) => row.map((v) => (Number.isNaN(v) ? null : v))), 1e-12);
    expect(Log1pTransform.fromJSON(roundTrip(t.toJSON())).transform([[0, 0, 0, 0, 0]])).toEqual([[0, 0, 0, 0, 0]]);
  });
});

describe('scaler layouts: rows, records and columns give the same numbers, back in the layout given', () => {
  const names = ['a', 'b', 'c', 'd', 'e'];
  const asRecords = (m: readonly (readonly number[])[]) => Object.freeze(m.map((r) => Object.freeze(Object.fromEntries(names.map((n, j) => [n, r[j]!])))));
  const asColumns = (m: readonly (readonly number[])[]) => Object.freeze(Object.fromEntries(names.map((n, j) => [n, Float64Array.from(m, (r) => r[j]!)])));
  const makers = [
    ['standardScaler', () => standardScaler()],
    ['minMaxScaler', () => minMaxScaler()],
    ['robustScaler', () => robustScaler()],
    ['quantileRank', () => quantileRank()],
    ['log1pTransform', () => log1pTransform()],
  ] as const;
  for (const [label, make] of makers) {
    it(`${label}: fit and transform on records and on columns equal the rows result, and the JSON keeps the names`, () => {
      // log1p needs values > −1: shift the fixture for it (the same shift in every layout).
      const shift = (m: readonly (readonly number[])[]) => (label === 'log1pTransform' ? m.map((r) => r.map((v) => Math.abs(v))) : m);
      const fitX = shift(X);
      const newX = shift(T);
      const byRows = make().fit(fitX).transform(newX);
      const fromRecords = make().fit(asRecords(fitX));
      const recs = fromRecords.transform(asRecords(newX));
      expect(recs.map((r) => names.map((n) => r[n]!))).toEqual(byRows);
      const fromColumns = make().fit(asColumns(fitX));
      const cols = fromColumns.transform(asColumns(newX));
      expect(names.map((n) => Array.from(cols[n]!))).toEqual(names.map((_, j) => byRows.map((r) => r[j]!)));
      // Named input is matched by name, whatever the field order; rows stay positional.
      const reordered = asRecords(newX).map((r) => Object.fromEntries([...names].reverse().map((n) => [n, (r as Record<string, number>)[n]!])));
      expect(fromRecords.transform(reordered)).toEqual(recs);
      expect(fromRecords.transform(newX)).toEqual(byRows);
      // inverse in the same layout; JSON round trip keeps the feature names
      const back = fromColumns.inverseTransform(cols);
      expect(Object.keys(back)).toEqual(names);
      const json = roundTrip(fromRecords.toJSON());
      expect(json.featureNames).toEqual(names);
      expect((fromRecords.constructor as unknown as { fromJSON(j: unknown): typeof fromRecords }).fromJSON(json).transform(asRecords(newX))).toEqual(recs);
      expect('featureNames' in make().fit(fitX).toJSON()).toBe(false);
    });
  }
  it('names the layout when it does not match: E_LAYOUT for mixed layouts, other names, or names on a scaler fitted on rows', () => {
    const fitted = standardScaler().fit([{ recency: 1, spend: 10 }, { recency: 3, spend: 30 }]);
    expect(codeOf(() => fitted.transform([{ recency: 1 }]))).toBe('ValidationError:E_LAYOUT');
    expect(codeOf(() => fitted.transform([{ recency: 1, spend: 2, extra: 3 }]))).toBe('ValidationError:E_LAYOUT');
    expect(codeOf(() => fitted.transform({ recency: [1], amount: [2] }))).toBe('ValidationError:E_LAYOUT');
    expect(codeOf(() => standardScaler().fit([[1], [2]]).transform([{ a: 1 }]))).toBe('ValidationError:E_LAYOUT');
    expect(codeOf(() => standardScaler().fit([[1, 2], { a: 1, b: 2 } as unknown as number[]]))).toBe('ValidationError:E_LAYOUT');
    expect(codeOf(() => standardScaler().fit([{ a: 1 }, [1] as unknown as object]))).toBe('ValidationError:E_LAYOUT');
    expect(codeOf(() => standardScaler().fit([{ a: 1 }, { a: 2, b: 3 }]))).toBe('ValidationError:E_LAYOUT');
    expect(codeOf(() => standardScaler().fit({ a: [1, 2], b: 'x' as unknown as number[] }))).toBe('ValidationError:E_LAYOUT');
    expect(codeOf(() => standardScaler().fit({ a: [1, 2], b: [1] }))).toBe('ValidationError:E_SHAPE');
    expect(codeOf(() => standardScaler().fit({}))).toBe('ValidationError:E_SHAPE');
    expect(codeOf(() => standardScaler().fit({ a: [] }))).toBe('ValidationError:E_EMPTY');
    expect(codeOf(() => standardScaler().fit([{ a: 'x' as unknown as number }]))).toBe('ValidationError:E_NUMBER');
    expect(codeOf(() => standardScaler().fit(Float64Array.of(1, 2) as unknown as number[][]))).toBe('ValidationError:E_INPUT');
    try {
      fitted.transform([{ recency: 1 }]);
    } catch (e) {
      expect((e as Error).message).toMatch(/fitted on features recency, spend; these records have missing spend/);
      expect((e as MarksmanError).field).toBe('spend');
    }
    try {
      standardScaler().fit([[1, 2], [3]]);
    } catch (e) {
      expect((e as Error).message).toMatch(/read as rows .* for columns, pass an object with one array per named feature/);
    }
  });
});

describe('scaler errors', () => {
  it('refuses use before fit, empty fits, ragged rows, wrong width, infinities and bad JSON', () => {
    expect(codeOf(() => standardScaler().transform([[1]]))).toBe('StateError:E_NOT_FITTED');
    expect(codeOf(() => minMaxScaler().toJSON())).toBe('StateError:E_NOT_FITTED');
    expect(codeOf(() => robustScaler().inverseTransform([[1]]))).toBe('StateError:E_NOT_FITTED');
    expect(codeOf(() => quantileRank().transform([[1]]))).toBe('StateError:E_NOT_FITTED');
    expect(codeOf(() => log1pTransform().transform([[1]]))).toBe('StateError:E_NOT_FITTED');
    expect(codeOf(() => standardScaler().fit([]))).toBe('ValidationError:E_EMPTY');
    expect(codeOf(() => standardScaler().fit([[1, 2], [3]]))).toBe('ValidationError:E_SHAPE');
    expect(codeOf(() => standardScaler().fit([[]]))).toBe('ValidationError:E_SHAPE');
    expect(codeOf(() => standardScaler().fit([[1, 2]]).transform([[1, 2, 3]]))).toBe('ValidationError:E_SHAPE');
    expect(codeOf(() => minMaxScaler().fit([[Infinity]]))).toBe('ValidationError:E_NUMBER');
    expect(codeOf(() => minMaxScaler().fit([['1' as unknown as number]]))).toBe('ValidationError:E_NUMBER');
    expect(codeOf(() => robustScaler().fit('x' as unknown as number[][]))).toBe('ValidationError:E_INPUT');
    expect(codeOf(() => log1pTransform().fit([[-1]]))).toBe('ValidationError:E_DOMAIN');
    expect(codeOf(() => log1pTransform().fit([[0]]).transform([[-2]]))).toBe('ValidationError:E_DOMAIN');
    expect(codeOf(() => StandardScaler.fromJSON({ type: 'MinMaxScaler' } as never))).toBe('ValidationError:E_JSON');
    const j = minMaxScaler().fit([[1], [2]]).toJSON();
    expect(codeOf(() => MinMaxScaler.fromJSON({ ...j, scale: [1, 2] }))).toBe('ValidationError:E_JSON');
    expect(codeOf(() => QuantileRank.fromJSON({ ...quantileRank().fit([[1]]).toJSON(), version: 2 as 1 }))).toBe('ValidationError:E_JSON');
  });
  it('refuses bad options', () => {
    expect(codeOf(() => standardScaler({ withMean: 1 as unknown as boolean }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => minMaxScaler({ featureRange: [1, 1] }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => robustScaler({ quantileRange: [80, 20] }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => quantileRank({ nQuantiles: 1 }))).toBe('OptionsError:E_OPTION_RANGE');
    expect(codeOf(() => log1pTransform({ base: 2 } as never))).toBe('OptionsError:E_OPTION_UNKNOWN');
  });
  it('refuses values whose statistics or scaled values overflow (they used to become 0, NaN or Infinity)', () => {
    const huge = [[1e308], [-1e308]];
    expect(codeOf(() => standardScaler().fit(huge))).toBe('ValidationError:E_OVERFLOW');
    expect(codeOf(() => minMaxScaler().fit(huge))).toBe('ValidationError:E_OVERFLOW');
    expect(codeOf(() => robustScaler().fit(huge))).toBe('ValidationError:E_OVERFLOW');
    expect(codeOf(() => quantileRank().fit(huge))).toBe('ValidationError:E_OVERFLOW');
    expect(codeOf(() => standardScaler().fit([[0], [1e-10]]).transform([[1e308]]))).toBe('ValidationError:E_OVERFLOW');
    expect(codeOf(() => log1pTransform().fit([[1]]).inverseTransform([[1000]]))).toBe('ValidationError:E_OVERFLOW');
  });
  it('fromJSON refuses unknown fields, infinite or out-of-range statistics and non-integer counts', () => {
    const std = JSON.parse(JSON.stringify(standardScaler().fit([[1, 10], [3, 10], [5, 20]]).toJSON())) as Record<string, unknown>;
    expect(StandardScaler.fromJSON(std as never).transform([[3, 10]])).toEqual(standardScaler().fit([[1, 10], [3, 10], [5, 20]]).transform([[3, 10]]));
    expect(codeOf(() => StandardScaler.fromJSON({ ...std, extra: 1 } as never))).toBe('ValidationError:E_JSON');
    expect(codeOf(() => StandardScaler.fromJSON({ ...std, mean: [Infinity, 1] } as never))).toBe('ValidationError:E_JSON');
    expect(codeOf(() => StandardScaler.fromJSON({ ...std, variance: [-1, 1] } as never))).toBe('ValidationError:E_JSON');
    expect(codeOf(() => StandardScaler.fromJSON({ ...std, scale: [0, 1] } as never))).toBe('ValidationError:E_JSON');
    expect(codeOf(() => StandardScaler.fromJSON({ ...std, counts: [null, 3] } as never))).toBe('ValidationError:E_JSON');
    const mm = minMaxScaler().fit([[1], [2]]).toJSON();
    expect(codeOf(() => MinMaxScaler.fromJSON({ ...mm, featureRange: [1, 0] }))).toBe('ValidationError:E_JSON');
    const q = quantileRank().fit([[1], [2], [3]]).toJSON();
    expect(codeOf(() => QuantileRank.fromJSON({ ...q, quantiles: [[3, 2, 1]] }))).toBe('ValidationError:E_JSON');
    expect(codeOf(() => QuantileRank.fromJSON({ ...q, references: [0, 0.7, 0.5] }))).toBe('ValidationError:E_JSON');
    const rb = robustScaler().fit([[1], [2], [3]]).toJSON();
    expect(codeOf(() => RobustScaler.fromJSON({ ...rb, quantileRange: ['25', 75] as never }))).toBe('ValidationError:E_JSON');
    expect(codeOf(() => robustScaler({ quantileRange: ['25', 75] as never }))).toBe('OptionsError:E_OPTION_RANGE');
  });
  it('never mutates its input and fit returns a new scaler', () => {
    const unfitted = standardScaler();
    const fitted = unfitted.fit(X);
    expect(unfitted.fitted).toBe(false);
    expect(fitted.fitted).toBe(true);
    expect(fitted.nFeatures).toBe(5);
  });
});
