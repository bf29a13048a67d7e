import { describe, expect, it } from 'vitest';
import type { Interaction } from '@marksman/core';
import { ALS, ItemKNN, Popularity, randomUserSplit, evaluateRanking } from '@marksman/recsys';
import type { Recommender, RecommenderJSON } from '@marksman/recsys';
import { frozen, plantedClusters } from './synthetic';

type Factory = { name: string; make: () => Recommender; restore: (json: RecommenderJSON) => Recommender };
const MODELS: Factory[] = [
  { name: 'Popularity', make: () => new Popularity(), restore: (j) => Popularity.fromJSON(j) },
  { name: 'ItemKNN', make: () => new ItemKNN({ neighbours: 10, weighting: 'bm25', shrinkage: 2 }), restore: (j) => ItemKNN.fromJSON(j) },
  { name: 'ALS', make: () => new ALS({ factors: 8, iterations: 6, regularization: 0.1 }), restore: (j) => ALS.fromJSON(j) },
];

const planted = plantedClusters(7);
const data = frozen(planted.rows);

describe.each(MODELS)('$name: the shared Recommender contract', ({ make, restore }) => {
  it('refuses bad interactions with typed errors naming the row and field', async () => {
    const m = make();
    const bad: Array<[unknown, string, Record<string, unknown>]> = [
      [[], 'E_NO_INTERACTIONS', {}],
      ['nope', 'E_INPUT', {}],
      [[{ userId: 1, itemId: 2 }, null], 'E_NOT_OBJECT', { row: 1 }],
      [[{ itemId: 2 }], 'E_MISSING', { row: 0, field: 'userId' }],
      [[{ userId: 1, itemId: { id: 2 } }], 'E_ID_TYPE', { row: 0, field: 'itemId' }],
      [[{ userId: 1, itemId: 2, weight: Number.NaN }], 'E_NUMBER', { row: 0, field: 'weight' }],
      [[{ userId: 1, itemId: 2 }, { userId: 1, itemId: 3, weight: -1 }], 'E_NEGATIVE_WEIGHT', { row: 1, field: 'weight' }],
      [[{ userId: 1, itemId: 2, weight: 0 }], 'E_ZERO_WEIGHT', { row: 0, field: 'weight' }],
    ];
    for (const [input, code, where] of bad) {
      await expect(m.fit(input as Interaction[])).rejects.toMatchObject({ name: 'ValidationError', code, ...where });
    }
    await expect(m.fit(data, { seed: 1.5 })).rejects.toMatchObject({ code: 'E_SEED' });
    // @ts-expect-error -- unknown fit option
    await expect(m.fit(data, { epochs: 3 })).rejects.toMatchObject({ code: 'E_OPTION_UNKNOWN' });
  });

  it('must be fitted before use, and validates k and the options of recommend', async () => {
    const m = make();
    expect(() => m.recommend('u0')).toThrow(expect.objectContaining({ name: 'StateError', code: 'E_NOT_FITTED' }));
    expect(() => m.toJSON()).toThrow(expect.objectContaining({ code: 'E_NOT_FITTED' }));
    await m.fit(data);
    for (const k of [0, -1, 2.5, Number.NaN]) expect(() => m.recommend('u0', { k })).toThrow(expect.objectContaining({ name: 'OptionsError', code: 'E_K' }));
    expect(() => m.similarItems(0, 0)).toThrow(expect.objectContaining({ code: 'E_K' }));
    expect(() => m.explain('u0', 0, { k: 0 })).toThrow(expect.objectContaining({ code: 'E_K' }));
    // @ts-expect-error -- include must be an array
    expect(() => m.recommend('u0', { include: 5 })).toThrow(expect.objectContaining({ code: 'E_OPTION_TYPE', field: 'include' }));
    // @ts-expect-error -- filter must be a function
    expect(() => m.recommend('u0', { filter: true })).toThrow(expect.objectContaining({ code: 'E_OPTION_TYPE', field: 'filter' }));
    // @ts-expect-error -- userIds must be an array
    expect(() => m.recommendMany('u0')).toThrow(expect.objectContaining({ code: 'E_OPTION_TYPE', field: 'userIds' }));
    expect(() => m.similarItems('no such item')).toThrow(expect.objectContaining({ name: 'StateError', code: 'E_UNKNOWN_ITEM' }));
    expect(() => m.explain('u0', 'no such item')).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_ITEM' }));
  });

  it('returns k distinct unseen items best first, honours include/exclude/filter, and recommendMany agrees with recommend', async () => {
    const m = await make().fit(data);
    const seen = new Set(data.filter((r) => r.userId === 'u3').map((r) => r.itemId));
    const recs = m.recommend('u3', { k: 15 });
    expect(recs).toHaveLength(15);
    expect(new Set(recs.map((r) => r.itemId)).size).toBe(15);
    for (const r of recs) expect(seen.has(r.itemId)).toBe(false);
    for (let j = 1; j < recs.length; j++) expect(recs[j - 1]!.score).toBeGreaterThanOrEqual(recs[j]!.score);
    // excludeSeen: false lets history back in, and the scores are the same scores.
    const withSeen = m.recommend('u3', { k: 100, excludeSeen: false });
    expect(withSeen).toHaveLength(m.itemCount);
    const byItem = new Map(withSeen.map((r) => [r.itemId, r.score]));
    for (const r of recs) expect(byItem.get(r.itemId)).toBe(r.score);
    // include restricts, exclude removes, filter is applied; unknown ids are ignored.
    const include = [recs[3]!.itemId, recs[1]!.itemId, recs[7]!.itemId, 'not an item'];
    expect(m.recommend('u3', { include, k: 5 }).map((r) => r.itemId)).toEqual([recs[1]!.itemId, recs[3]!.itemId, recs[7]!.itemId]);
    expect(m.recommend('u3', { exclude: [recs[0]!.itemId, 'x'], k: 2 }).map((r) => r.itemId)).toEqual([recs[1]!.itemId, recs[2]!.itemId]);
    const even = m.recommend('u3', { filter: (id) => Number(id) % 2 === 0, k: 3 });
    expect(even.map((r) => r.itemId)).toEqual(recs.filter((r) => Number(r.itemId) % 2 === 0).slice(0, 3).map((r) => r.itemId));
    // recommendMany = recommend per user, in order, cold-start users included.
    const users = ['u5', 'stranger', 'u0', 'u5'];
    expect(m.recommendMany(users, { k: 4 })).toEqual(users.map((u) => m.recommend(u, { k: 4 })));
  });

  it('gives unknown users the popularity ranking, and a user who has seen everything gets []', async () => {
    const m = await make().fit(data);
    const pop = await new Popularity().fit(data);
    expect(m.isKnownUser('stranger')).toBe(false);
    expect(m.recommend('stranger', { k: 5 })).toEqual(pop.recommend('stranger', { k: 5 }));
    expect(m.explain('stranger', 0)).toMatchObject({ coldStart: true, contributions: [] });
    const small = await make().fit(frozen([{ userId: 'all', itemId: 'a' }, { userId: 'all', itemId: 'b' }, { userId: 'one', itemId: 'a' }]));
    expect(small.recommend('all')).toEqual([]);
    expect(small.recommend('one').map((r) => r.itemId)).toEqual(['b']);
  });

  it('round-trips through JSON to identical recommendations, explanations and similar items', async () => {
    const m = await make().fit(data);
    m.foldIn(frozen([{ userId: 'newcomer', itemId: 3 }, { userId: 'newcomer', itemId: 4 }]));
    const json = JSON.parse(JSON.stringify(m.toJSON())) as RecommenderJSON;
    const back = restore(json);
    const users = ['u0', 'u1', 'u17', 'newcomer', 'stranger'];
    expect(back.recommendMany(users, { k: 10 })).toEqual(m.recommendMany(users, { k: 10 }));
    expect(back.similarItems(3, 5)).toEqual(m.similarItems(3, 5));
    expect(back.explain('u1', 2)).toEqual(m.explain('u1', 2));
    expect(back.toJSON()).toEqual(m.toJSON());
    expect(() => restore({ ...json, type: 'Other' })).toThrow(expect.objectContaining({ name: 'ParseError', code: 'E_MODEL_JSON' }));
    expect(() => restore({ ...json, history: { ...json.history, indices: [...json.history.indices.slice(1), 10_000] } })).toThrow(
      expect.objectContaining({ code: 'E_MODEL_JSON' }),
    );
    expect(() => restore({ ...json, state: { ...json.state, popularity: [1] } })).toThrow(expect.objectContaining({ code: 'E_MODEL_JSON' }));
  });

  it('folds in users: extends histories, reports unknown items, and a copy of a training user gets its recommendations', async () => {
    const m = await make().fit(data);
    const copy = data.filter((r) => r.userId === 'u9').map((r) => ({ ...r, userId: 'twin' }));
    const report = m.foldIn(frozen([...copy, { userId: 'twin', itemId: 'brand new item' }]));
    expect(report).toEqual({ users: ['twin'], newUsers: ['twin'], unknownItemRows: [copy.length] });
    expect(m.isKnownUser('twin')).toBe(true);
    const a = m.recommend('twin', { k: 10 });
    const b = m.recommend('u9', { k: 10 });
    expect(a.map((r) => r.itemId)).toEqual(b.map((r) => r.itemId));
    // Equal up to the CG approximation of ALS (the fold-in solves exactly; see als.test.ts).
    a.forEach((r, j) => expect(r.score).toBeCloseTo(b[j]!.score, 2));
    // Adding to a known user's history removes the item from their recommendations.
    const top = m.recommend('u9', { k: 1 })[0]!.itemId;
    expect(m.foldIn(frozen([{ userId: 'u9', itemId: top }]))).toEqual({ users: ['u9'], newUsers: [], unknownItemRows: [] });
    expect(m.recommend('u9', { k: 10 }).map((r) => r.itemId)).not.toContain(top);
    expect(m.foldIn([])).toEqual({ users: [], newUsers: [], unknownItemRows: [] });
  });

  it('never mutates its (frozen) inputs and is deterministic for a seed', async () => {
    const a = await make().fit(data, { seed: 3 });
    a.recommendMany(['u1', 'u2', 'stranger']);
    a.similarItems(1);
    const b = await make().fit(data, { seed: 3 });
    expect(a.toJSON()).toEqual(b.toJSON());
  });
});

describe('personalised models beat popularity on planted clusters', () => {
  it('ItemKNN and ALS have higher NDCG@10 than Popularity on held-out interactions', async () => {
    const split = randomUserSplit(data, { testFraction: 0.25, seed: 11 });
    const pop = evaluateRanking(await new Popularity().fit(split.train), split.test);
    const knn = evaluateRanking(await new ItemKNN().fit(split.train), split.test);
    const als = evaluateRanking(await new ALS({ factors: 8, iterations: 10, regularization: 0.1 }).fit(split.train), split.test);
    expect(knn.ndcg).toBeGreaterThan(pop.ndcg + 0.1);
    expect(als.ndcg).toBeGreaterThan(pop.ndcg + 0.1);
    expect(knn.coverage).toBeGreaterThan(pop.coverage);
  });
});

describe('fit reads ids in one pass', () => {
  it('keeps ids apart by type and value, in order of first appearance, whatever path codes them', async () => {
    // Small non-negative integers, a large integer, a negative one, a fraction, a numeric string and -0 (the same id as 0).
    const users = [3, 0, 2 ** 40, -5, 1.5, '3', 70_000, 3, -0];
    const rows = frozen(users.map((userId, k) => ({ userId, itemId: k % 2 === 0 ? 'x' : 7 })));
    const m = await new Popularity().fit(rows);
    const json = m.toJSON() as unknown as { userIds: unknown[]; itemIds: unknown[] };
    expect(json.userIds).toEqual([3, 0, 2 ** 40, -5, 1.5, '3', 70_000]);
    expect(json.itemIds).toEqual(['x', 7]);
    expect(m.userCount).toBe(7);
  });

  it('reports the first bad record, in row order, as reading the records one check at a time does', async () => {
    const good = Array.from({ length: 50 }, (_, k) => ({ userId: k % 5, itemId: k % 7 }));
    const cases: Array<[Record<string, unknown>[], string, Record<string, unknown>]> = [
      // A known id later becomes invalid in another row: that row is named.
      [[...good, { userId: 1, itemId: Number.NaN }], 'E_ID_TYPE', { row: 50, field: 'itemId' }],
      [[...good, { userId: 2 ** 31, itemId: '' }], 'E_ID_TYPE', { row: 50, field: 'itemId' }],
      [[...good, { userId: null, itemId: 1 }], 'E_MISSING', { row: 50, field: 'userId' }],
      // A bad weight before a bad id, and a bad timestamp after a valid weight.
      [[...good, { userId: 1, itemId: 1, weight: 0 }, { userId: -Infinity, itemId: 1 }], 'E_ZERO_WEIGHT', { row: 50, field: 'weight' }],
      [[...good, { userId: 1, itemId: 1, weight: 2, timestamp: 'soon' }], 'E_TIMESTAMP', { row: 50, field: 'timestamp' }],
    ];
    for (const [input, code, where] of cases) {
      await expect(new Popularity().fit(frozen(input) as unknown as Interaction[])).rejects.toMatchObject({ name: 'ValidationError', code, ...where });
    }
  });
});
