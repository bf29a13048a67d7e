// evaluateRanking's beyond-accuracy report and mmrRerank with the item maps
// given as Apache Arrow tables (itemId/count, itemId/category,
// itemId/feature, itemId + vector columns). Property: the report and the
// re-ranked lists equal those of the same maps as Maps; a wrong column type
// is E_ARROW_TYPE naming the column.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { Id } from '@marksman/core';
import { ALS, evaluateRanking, mmrRerank, portableSplit } from '@marksman/recsys';
import { errorOf } from '../../../test-support/errors';
import { frozen, plantedClusters } from './synthetic';

const planted = plantedClusters(5, { users: 60 });
const { train, test } = portableSplit(planted.rows);
const trainRows = frozen(train);
const testRows = frozen(test);
const genres = new Map<Id, Id[]>(planted.itemCluster.map((c, i) => [i, [`g${c}`, ...(i % 3 === 0 ? ['extra'] : [])]]));

function longTable(map: ReadonlyMap<Id, readonly Id[]>, label: string): arrow.Table {
  const items: number[] = [];
  const labels: string[] = [];
  for (const [id, ls] of map) for (const l of ls) {
    items.push(id as number);
    labels.push(l as string);
  }
  return new arrow.Table({ itemId: arrow.makeVector(Int32Array.from(items)), [label]: arrow.vectorFromArray(labels, new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())) });
}

describe('beyond-accuracy item maps as Arrow tables', () => {
  it('evaluateRanking: popularity, itemCategories and itemFeatures tables give the Maps\' report', async () => {
    const model = await new ALS({ factors: 8, iterations: 6, regularization: 0.1, seed: 2 }).fit(trainRows);
    const popularity = new Map<Id, number>(planted.itemCluster.map((_, i) => [i, 1 + (i % 7)]));
    const popTable = new arrow.Table({ itemId: arrow.makeVector(Int32Array.from(popularity.keys() as Iterable<number>)), count: arrow.makeVector(Float64Array.from(popularity.values())) });
    const expected = evaluateRanking(model, testRows, { k: 5, beyondAccuracy: { itemFeatures: genres, itemCategories: genres, popularity } });
    const got = evaluateRanking(model, testRows, { k: 5, beyondAccuracy: { itemFeatures: longTable(genres, 'feature'), itemCategories: longTable(genres, 'category'), popularity: popTable } });
    expect(got).toEqual(expected);
    expect(got.beyondAccuracy?.miscalibration).not.toBeNull();
    const wrong = new arrow.Table({ itemId: arrow.vectorFromArray(['a']), count: arrow.vectorFromArray(['1']) });
    expect(errorOf(() => evaluateRanking(model, testRows, { k: 5, beyondAccuracy: { popularity: wrong } }))).toEqual({ code: 'E_ARROW_TYPE', field: 'count' });
  });

  it('mmrRerank: an itemId + vector-columns table gives the Map\'s list', () => {
    const candidates = planted.itemCluster.slice(0, 12).map((_, i) => ({ itemId: i, score: 1 - i / 20 }));
    const vectors = new Map<Id, number[]>(candidates.map((c) => [c.itemId, [Math.cos(c.itemId), Math.sin(c.itemId * 2)]]));
    const table = new arrow.Table({
      itemId: arrow.makeVector(Int32Array.from(candidates, (c) => c.itemId)),
      a: arrow.makeVector(Float64Array.from(candidates, (c) => vectors.get(c.itemId)![0]!)),
      b: arrow.makeVector(Float64Array.from(candidates, (c) => vectors.get(c.itemId)![1]!)),
    });
    expect(mmrRerank(candidates, { k: 6, lambda: 0.4, itemVectors: table })).toEqual(mmrRerank(candidates, { k: 6, lambda: 0.4, itemVectors: vectors }));
  });
});
