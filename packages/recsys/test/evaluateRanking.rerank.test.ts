// evaluateRanking's optional re-ranking hook and beyond-accuracy report.
import { describe, expect, it } from 'vitest';
import { MarksmanError } from '@marksman/core';
import type { Id } from '@marksman/core';
import { giniOfExposure, intraListDiversity, longTailItems, longTailShare, miscalibration, novelty, personalization } from '@marksman/metrics';
import { ALS, Popularity, evaluateRanking, mmrRerank, portableSplit } from '@marksman/recsys';
import type { Recommendation } from '@marksman/recsys';
import { frozen, plantedClusters } from './synthetic';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof MarksmanError) return e.code;
    throw e;
  }
  return 'no error';
};

const planted = plantedClusters(5, { users: 60 });
const { train, test } = portableSplit(planted.rows);
const trainRows = frozen(train);
const testRows = frozen(test);
const genres = new Map<Id, Id[]>(planted.itemCluster.map((c, i) => [i, [`g${c}`, ...(i % 3 === 0 ? ['extra'] : [])]]));

async function fitted(): Promise<ALS> {
  return new ALS({ factors: 8, iterations: 6, regularization: 0.1, seed: 2 }).fit(trainRows);
}

describe('evaluateRanking with rerank and beyondAccuracy', () => {
  it('without the new options: the same fields and values as before (no beyondAccuracy key)', async () => {
    const model = await fitted();
    const plain = evaluateRanking(model, testRows, { k: 5 });
    expect(Object.keys(plain).sort()).toEqual(['coldStartUsers', 'coverage', 'hitRate', 'k', 'map', 'mrr', 'ndcg', 'perUser', 'precision', 'recall', 'users']);
    expect(evaluateRanking(model, testRows, { k: 5, beyondAccuracy: false })).toEqual(plain);
  });

  it('an identity hook over 100 candidates gives exactly the plain evaluation; the hook sees the user and seen-free candidates', async () => {
    const model = await fitted();
    const plain = evaluateRanking(model, testRows, { k: 5 });
    const seen = new Map<Id, Set<Id>>();
    for (const r of trainRows) seen.set(r.userId, (seen.get(r.userId) ?? new Set()).add(r.itemId));
    const calls: Id[] = [];
    const same = evaluateRanking(model, testRows, {
      k: 5,
      rerank: (u, c) => {
        calls.push(u);
        expect(c).toHaveLength(Math.min(100, model.itemCount - (seen.get(u)?.size ?? 0)));
        for (const r of c) expect(seen.get(u)?.has(r.itemId) ?? false).toBe(false);
        return c;
      },
    });
    expect(same).toEqual(plain);
    expect(calls).toEqual([...new Set(testRows.map((r) => r.userId))]);
    // also through the per-user path of `train`
    expect(evaluateRanking(model, testRows, { k: 5, train: trainRows, rerank: (_u, c) => c, candidates: 7 })).toEqual(evaluateRanking(model, testRows, { k: 5, train: trainRows }));
  });

  it('evaluates the re-ranked lists: metrics equal those computed directly on the hook’s output', async () => {
    const model = await fitted();
    const lists = new Map<Id, Id[]>();
    const similarity = (a: Id, b: Id) => (planted.itemCluster[a as number] === planted.itemCluster[b as number] ? 1 : 0);
    const hook = (u: Id, c: readonly Recommendation[]) => {
      const out = mmrRerank(c, { k: 5, lambda: 0.2, similarity });
      lists.set(u, out.map((r) => r.itemId));
      return out;
    };
    const r = evaluateRanking(model, testRows, { k: 5, rerank: hook, candidates: 30, beyondAccuracy: { itemFeatures: genres, itemCategories: genres } });
    const pop = new Map<Id, number>();
    const users = new Set<Id>();
    const history = new Map<Id, Id[]>();
    for (const row of trainRows) {
      pop.set(row.itemId, (pop.get(row.itemId) ?? 0) + 1); // one row per user–item pair here
      users.add(row.userId);
      history.set(row.userId, [...(history.get(row.userId) ?? []), row.itemId]);
    }
    const b = r.beyondAccuracy!;
    expect(b.giniOfExposure).toBeCloseTo(giniOfExposure(lists, model.itemCount), 14);
    expect(b.novelty).toBeCloseTo(novelty(lists, pop), 14);
    expect(b.longTailShare).toBeCloseTo(longTailShare(lists, longTailItems(pop)), 14);
    expect(b.personalization).toBeCloseTo(personalization(lists), 14);
    expect(b.intraListDiversity).toBeCloseTo(intraListDiversity(lists, { itemFeatures: genres }), 14);
    expect(b.miscalibration).toBeCloseTo(miscalibration(lists, history, genres), 14);
    // diversification shows: more distinct clusters per list than the plain top 5
    const plain = evaluateRanking(model, testRows, { k: 5, beyondAccuracy: { itemFeatures: genres } });
    expect(b.intraListDiversity!).toBeGreaterThan(plain.beyondAccuracy!.intraListDiversity!);
    expect(r.coverage).toBeCloseTo(new Set([...lists.values()].flat()).size / model.itemCount, 14);
  });

  it('gives null where a metric has no input or is undefined; popularity and options can be given', async () => {
    const model = await new Popularity().fit([{ userId: 'a', itemId: 'x' }, { userId: 'b', itemId: 'y' }, { userId: 'b', itemId: 'x' }]);
    const one = evaluateRanking(model, [{ userId: 'a', itemId: 'y' }], { k: 2, beyondAccuracy: true });
    expect(one.beyondAccuracy).toEqual({ giniOfExposure: 0.5, novelty: expect.closeTo(Math.log2(3), 12), longTailShare: 1, personalization: null, intraListDiversity: null, miscalibration: null });
    // user b has seen everything: every list is empty
    const none = evaluateRanking(model, [{ userId: 'b', itemId: 'z' }], { k: 2, beyondAccuracy: true });
    expect(none.beyondAccuracy).toEqual({ giniOfExposure: null, novelty: null, longTailShare: null, personalization: null, intraListDiversity: null, miscalibration: null });
    const given = evaluateRanking(model, [{ userId: 'a', itemId: 'y' }], { k: 2, beyondAccuracy: { popularity: new Map([['x', 1], ['y', 7]]), headShare: 0.5, exposureWeighting: 'dcg' } });
    expect(given.beyondAccuracy?.novelty).toBeCloseTo(Math.log2(8 / 7), 12);
    expect(given.beyondAccuracy?.longTailShare).toBe(0);
  });

  it('refuses a bad hook, bad hook output and bad options with typed errors', async () => {
    const model = await fitted();
    const t = testRows;
    expect(codeOf(() => evaluateRanking(model, t, { rerank: 'mmr' as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => evaluateRanking(model, t, { k: 10, rerank: (_u, c) => c, candidates: 5 }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => evaluateRanking(model, t, { rerank: () => null as never }))).toBe('E_RERANK');
    expect(codeOf(() => evaluateRanking(model, t, { rerank: () => [{ item: 1 }] as never }))).toBe('E_RERANK');
    expect(() => evaluateRanking(model, t, { rerank: (_u, c) => [c[0]!, c[0]!] })).toThrow(expect.objectContaining({ code: 'E_RERANK', field: 'rerank', row: 1 }));
    expect(codeOf(() => evaluateRanking(model, t, { beyondAccuracy: 'yes' as never }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => evaluateRanking(model, t, { beyondAccuracy: { serendipity: true } as never }))).toBe('E_OPTION_UNKNOWN');
    expect(codeOf(() => evaluateRanking(model, t, { beyondAccuracy: { headShare: 2 } }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => evaluateRanking(model, t, { beyondAccuracy: { alpha: 0 } }))).toBe('E_OPTION_RANGE');
    expect(codeOf(() => evaluateRanking(model, t, { beyondAccuracy: { exposureWeighting: 'log' as never } }))).toBe('E_OPTION_VALUE');
    expect(codeOf(() => evaluateRanking(model, t, { beyondAccuracy: { itemFeatures: genres, similarity: () => 0 } }))).toBe('E_OPTION_CONFLICT');
    expect(codeOf(() => evaluateRanking(model, t, { beyondAccuracy: { popularity: [1, 2] as never } }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => evaluateRanking(model, t, { beyondAccuracy: { similarity: 1 as never } }))).toBe('E_OPTION_TYPE');
    expect(codeOf(() => evaluateRanking(model, t, { beyondAccuracy: { itemFeatures: new Map([[0, ['g0']]]) } }))).toBe('E_UNKNOWN_ITEM');
  });
});
