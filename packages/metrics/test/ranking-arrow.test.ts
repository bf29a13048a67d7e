// Ranking and beyond-accuracy metrics on Apache Arrow input. Properties: a
// metric of Arrow tables (per-user userId/itemId rows, itemId/count,
// itemId/feature, itemId + vector columns) and Arrow vectors of ids equals
// the metric of the same data as Maps, lists and Sets, for text,
// dictionary-encoded text and integer ids; a column of the wrong type is
// E_ARROW_TYPE naming it, a missing one E_COLUMN, a null the typed error
// naming the column and row; the Arrow input is left unchanged.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '@marksman/core';
import {
  averagePrecisionAtK,
  catalogueCoverage,
  giniOfExposure,
  hitRateAtK,
  intraListDiversity,
  itemSimilarity,
  longTailItems,
  longTailShare,
  miscalibration,
  ndcgAtK,
  novelty,
  personalization,
  precisionAtK,
  rankingReport,
  recallAtK,
  reciprocalRank,
} from '@marksman/metrics';
import { errorWithRowOf } from '../../../test-support/errors';

const error = errorWithRowOf;

type IdKind = 'text' | 'dictionary' | 'int';
const KINDS: readonly IdKind[] = ['text', 'dictionary', 'int'];

/** Items are 'i0'…'i29' as text, or 0…29 as integers. */
function idOf(kind: IdKind, n: number, prefix: string): string | number {
  return kind === 'int' ? n : `${prefix}${n}`;
}

function idVector(kind: IdKind, values: readonly (string | number | null)[]): arrow.Vector {
  if (kind === 'int') return arrow.vectorFromArray(values as (number | null)[], new arrow.Int32());
  if (kind === 'dictionary') return arrow.vectorFromArray(values as (string | null)[], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
  return arrow.vectorFromArray(values as (string | null)[], new arrow.Utf8());
}

interface Rows {
  readonly users: readonly (string | number)[];
  readonly items: readonly (string | number)[];
}

/** Per-user lists as rows (user order, list order), and the same as a Map. */
function rowsOf(lists: ReadonlyMap<string | number, readonly (string | number)[]>): Rows {
  const users: (string | number)[] = [];
  const items: (string | number)[] = [];
  for (const [u, list] of lists) for (const i of list) {
    users.push(u);
    items.push(i);
  }
  return { users, items };
}

function perUserTable(kind: IdKind, rows: Rows): arrow.Table {
  return new arrow.Table({ userId: idVector(kind, rows.users), itemId: idVector(kind, rows.items) });
}

/** Distinct random lists of `len` items from 30 per user, seeded. */
function lists(kind: IdKind, users: number, len: number, seed: number): Map<string | number, (string | number)[]> {
  const rng = new Random(seed);
  const out = new Map<string | number, (string | number)[]>();
  for (let u = 0; u < users; u++) {
    const picked = new Set<number>();
    const n = 1 + rng.int(len);
    while (picked.size < n) picked.add(rng.int(30));
    out.set(idOf(kind, u, 'u'), [...picked].map((i) => idOf(kind, i, 'i')));
  }
  return out;
}

describe('ranking metrics of Arrow input', () => {
  for (const kind of KINDS) {
    it(`rankingReport (${kind} ids): Arrow tables of recommendations and test interactions give the Maps' report`, () => {
      const recs = lists(kind, 20, 8, 1);
      const test = lists(kind, 20, 4, 2);
      const expected = rankingReport(recs, test, { k: 5 });
      const recTable = perUserTable(kind, rowsOf(recs));
      const testTable = perUserTable(kind, rowsOf(test));
      expect(rankingReport(recs, testTable, { k: 5 })).toEqual(expected);
      expect(rankingReport(recTable, testTable, { k: 5 })).toEqual(expected);
      expect(rankingReport(recTable, test, { k: 5 })).toEqual(expected);
      expect(recTable.numRows).toBe(rowsOf(recs).users.length);
    });

    it(`per-user metrics (${kind} ids): Arrow vectors of recommended and relevant ids give the lists' answers`, () => {
      const rec = [3, 7, 1, 9, 4].map((i) => idOf(kind, i, 'i'));
      const rel = [7, 4, 20].map((i) => idOf(kind, i, 'i'));
      const recV = idVector(kind, rec);
      const relV = idVector(kind, rel);
      for (const f of [precisionAtK, recallAtK, ndcgAtK, averagePrecisionAtK, hitRateAtK, reciprocalRank]) {
        expect(f(recV, relV, 4)).toBe(f(rec, rel, 4));
        expect(f(rec, relV, 4)).toBe(f(rec, new Set(rel), 4));
      }
    });
  }

  it('a null id is the typed error a null in records gives, naming the column and row; a wrong type is E_ARROW_TYPE naming it', () => {
    const recs = lists('text', 5, 4, 3);
    const rows = rowsOf(recs);
    const nullItem = new arrow.Table({ userId: idVector('text', rows.users), itemId: idVector('dictionary', [...rows.items.slice(0, 2), null, ...rows.items.slice(3)]) });
    expect(error(() => rankingReport(recs, nullItem))).toEqual({ code: 'E_ID', field: 'itemId', row: 2 });
    const boolUser = new arrow.Table({ userId: arrow.vectorFromArray(rows.users.map((_, i) => i % 2 === 0), new arrow.Bool()), itemId: idVector('text', rows.items) });
    expect(error(() => rankingReport(recs, boolUser))).toEqual({ code: 'E_ARROW_TYPE', field: 'userId', row: undefined });
    const dateItem = new arrow.Table({ userId: idVector('text', rows.users), itemId: arrow.vectorFromArray(rows.items.map((_, i) => new Date(i))) });
    expect(error(() => personalization(dateItem))).toEqual({ code: 'E_ARROW_TYPE', field: 'itemId', row: undefined });
    const noItem = new arrow.Table({ userId: idVector('text', rows.users) });
    expect(error(() => personalization(noItem))).toEqual({ code: 'E_COLUMN', field: 'itemId', row: undefined });
    expect(error(() => precisionAtK(['a'], arrow.vectorFromArray([1.5, 2.5].map((x) => new Date(x))), 1))).toEqual({ code: 'E_ARROW_TYPE', field: 'relevant', row: undefined });
    expect(error(() => precisionAtK(arrow.vectorFromArray(['a', null], new arrow.Utf8()), ['a'], 2))).toEqual(error(() => precisionAtK(['a', null as unknown as string], ['a'], 2)));
  });
});

describe('beyond-accuracy metrics of Arrow input', () => {
  for (const kind of KINDS) {
    const item = (n: number): string | number => idOf(kind, n, 'i');
    const catalogue = Array.from({ length: 30 }, (_, i) => item(i));
    const recs = lists(kind, 25, 6, 4);
    const recTable = perUserTable(kind, rowsOf(recs));

    it(`coverage, Gini, personalization (${kind} ids): Arrow recommendations and catalogue give the lists' answers`, () => {
      const catV = idVector(kind, catalogue);
      expect(catalogueCoverage(recTable, catV, { k: 3 })).toBe(catalogueCoverage(recs, catalogue, { k: 3 }));
      expect(giniOfExposure(recTable, catV, { weighting: 'dcg' })).toBe(giniOfExposure(recs, catalogue, { weighting: 'dcg' }));
      expect(giniOfExposure(recTable, 30)).toBe(giniOfExposure(recs, 30));
      expect(personalization(recTable, { k: 4 })).toBe(personalization(recs, { k: 4 }));
    });

    it(`novelty, long tail (${kind} ids): an itemId/count table gives the popularity Map's answer`, () => {
      const rng = new Random(5);
      const counts = catalogue.map(() => 1 + rng.int(50));
      const popularity = new Map(catalogue.map((id, i) => [id, counts[i]!]));
      const popTable = new arrow.Table({ itemId: idVector(kind, catalogue), count: arrow.makeVector(Int32Array.from(counts)) });
      expect(novelty(recTable, popTable, { k: 3 })).toBe(novelty(recs, popularity, { k: 3 }));
      expect(novelty(recTable, popTable, { users: 50 })).toBe(novelty(recs, popularity, { users: 50 }));
      const tail = longTailItems(popularity, { headShare: 0.3 });
      expect(longTailItems(popTable, { headShare: 0.3 })).toEqual(tail);
      expect(longTailShare(recTable, idVector(kind, [...tail]))).toBe(longTailShare(recs, tail));
    });

    it(`item similarity, diversity, miscalibration (${kind} ids): itemId/feature and itemId + vector tables give the Maps' answers`, () => {
      const rng = new Random(6);
      const genres = ['g0', 'g1', 'g2', 'g3', 'g4'];
      const features = new Map(catalogue.map((id) => [id, genres.filter(() => rng.uniform() < 0.4).concat(['g5'])]));
      const fItems: (string | number)[] = [];
      const fLabels: string[] = [];
      for (const [id, gs] of features) for (const g of gs) {
        fItems.push(id);
        fLabels.push(g);
      }
      const featureTable = new arrow.Table({ itemId: idVector(kind, fItems), feature: idVector('dictionary', fLabels) });
      const categoryTable = new arrow.Table({ itemId: idVector(kind, fItems), category: idVector('text', fLabels) });
      expect(intraListDiversity(recTable, { itemFeatures: featureTable })).toBe(intraListDiversity(recs, { itemFeatures: features }));
      const cos = itemSimilarity({ itemFeatures: featureTable, featureSimilarity: 'cosine' });
      const cosMap = itemSimilarity({ itemFeatures: features, featureSimilarity: 'cosine' });
      expect(cos(item(1), item(2))).toBe(cosMap(item(1), item(2)));
      const vx = catalogue.map(() => rng.uniform() - 0.5);
      const vy = catalogue.map(() => rng.uniform() - 0.5);
      const vectors = new Map(catalogue.map((id, i) => [id, [vx[i]!, vy[i]!]]));
      const vectorTable = new arrow.Table({ itemId: idVector(kind, catalogue), x: arrow.makeVector(Float64Array.from(vx)), y: arrow.makeVector(Float64Array.from(vy)) });
      expect(intraListDiversity(recTable, { itemVectors: vectorTable, k: 4 })).toBe(intraListDiversity(recs, { itemVectors: vectors, k: 4 }));
      const history = lists(kind, 25, 10, 7);
      const historyTable = perUserTable(kind, rowsOf(history));
      expect(miscalibration(recTable, historyTable, categoryTable, { k: 5 })).toBe(miscalibration(recs, history, features, { k: 5 }));
      expect(miscalibration(recs, historyTable, categoryTable)).toBe(miscalibration(recs, history, features));
    });
  }

  it('wrong types, nulls and repeats in item tables are typed errors naming the column (and row)', () => {
    const recs = [['a', 'b'], ['b', 'c']];
    const popText = new arrow.Table({ itemId: idVector('text', ['a', 'b', 'c']), count: arrow.vectorFromArray(['1', '2', '3']) });
    expect(error(() => novelty(recs, popText))).toEqual({ code: 'E_ARROW_TYPE', field: 'count', row: undefined });
    const popNull = new arrow.Table({ itemId: idVector('text', ['a', 'b', 'c']), count: arrow.vectorFromArray([1, null, 3], new arrow.Int32()) });
    expect(error(() => longTailItems(popNull))).toEqual({ code: 'E_NAN', field: 'count', row: 1 });
    const popTwice = new arrow.Table({ itemId: idVector('text', ['a', 'b', 'a']), count: arrow.makeVector(Int32Array.of(1, 2, 3)) });
    expect(error(() => longTailItems(popTwice))).toEqual({ code: 'E_DUPLICATE', field: 'itemId', row: 2 });
    const noCount = new arrow.Table({ itemId: idVector('text', ['a']) });
    expect(error(() => longTailItems(noCount))).toEqual({ code: 'E_COLUMN', field: 'count', row: undefined });
    const vecText = new arrow.Table({ itemId: idVector('text', ['a', 'b']), x: arrow.vectorFromArray(['0.1', '0.2']) });
    expect(error(() => itemSimilarity({ itemVectors: vecText }))).toEqual({ code: 'E_ARROW_TYPE', field: 'x', row: undefined });
    const vecNull = new arrow.Table({ itemId: idVector('text', ['a', 'b']), x: arrow.vectorFromArray([0.1, null], new arrow.Float64()) });
    expect(error(() => itemSimilarity({ itemVectors: vecNull }))).toEqual({ code: 'E_NAN', field: 'x', row: 1 });
    const featBool = new arrow.Table({ itemId: idVector('text', ['a', 'b']), feature: arrow.vectorFromArray([true, false], new arrow.Bool()) });
    expect(error(() => intraListDiversity(recs, { itemFeatures: featBool }))).toEqual({ code: 'E_ARROW_TYPE', field: 'feature', row: undefined });
    const catNull = new arrow.Table({ itemId: idVector('text', ['a', 'b', 'c']), category: idVector('dictionary', ['x', null, 'y']) });
    expect(error(() => miscalibration(recs, [['a'], ['b']], catNull))).toEqual({ code: 'E_ID', field: 'category', row: 1 });
    expect(error(() => longTailShare(recs, idVector('text', ['a', null])))).toEqual({ code: 'E_ID', field: 'longTail', row: 1 });
    expect(error(() => catalogueCoverage(recs, arrow.vectorFromArray([true, false], new arrow.Bool())))).toEqual({ code: 'E_ARROW_TYPE', field: 'catalogue', row: undefined });
  });

  it('an item absent from an itemId/feature table is unknown, as an item absent from the Map', () => {
    const featureTable = new arrow.Table({ itemId: idVector('text', ['a', 'b']), feature: idVector('text', ['x', 'x']) });
    expect(error(() => itemSimilarity({ itemFeatures: featureTable })('a', 'z'))).toEqual(error(() => itemSimilarity({ itemFeatures: new Map([['a', ['x']], ['b', ['x']]]) })('a', 'z')));
    expect(itemSimilarity({ itemFeatures: featureTable })('a', 'b')).toBe(1);
  });
});
